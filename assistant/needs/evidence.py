"""Evidence for a need: counts by type/segment/channel/sentiment/kind and date range, representative quotes,
and the offline need statement (who, what the problem items say in their own words, and how many say so)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from assistant.models import FeedbackItem, NeedCounts

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _meta(item: FeedbackItem, *keys: str) -> str | None:
    for key in keys:
        value = item.metadata.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return None


def counts(items: Sequence[FeedbackItem]) -> NeedCounts:
    """Evidence counts for the members of one need."""
    by_type: Counter[str] = Counter()
    by_segment: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    by_sentiment: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    dates: list[str] = []
    for it in items:
        if it.triage:
            by_type[it.triage.type] += 1
            by_sentiment[it.triage.sentiment.label] += 1
        seg = _meta(it, "segment", "plan", "tier")
        if seg:
            by_segment[seg.lower()] += 1
        ch = _meta(it, "channel", "source")
        if ch:
            by_channel[ch.lower()] += 1
        by_kind[it.kind] += 1
        date = _meta(it, "date", "created", "created_at", "timestamp")
        if date and _DATE.match(date):
            dates.append(date[:10])
    return NeedCounts(
        total=len(items), by_type=dict(by_type.most_common()), by_segment=dict(by_segment.most_common()),
        by_channel=dict(by_channel.most_common()), by_sentiment=dict(by_sentiment.most_common()),
        by_kind=dict(by_kind.most_common()), first_date=min(dates) if dates else None,
        last_date=max(dates) if dates else None,
    )


def quotes(ids: Sequence[str], vectors: np.ndarray, centroid: np.ndarray, n: int = 3,
           on_topic: set[str] | None = None) -> list[str]:
    """Ids of the n members closest to the centroid (the most representative wording); when `on_topic` names
    members that use one of the need's key terms, only those: fewer quotes rather than one that is not about the need
    ("I just don't like the user interface" shown for a need about a missing menu button)."""
    if not len(ids):
        return []
    sims = vectors @ centroid
    order = sorted(range(len(ids)), key=lambda i: (-float(sims[i]), ids[i]))
    if on_topic and any(i in on_topic for i in ids):
        order = [i for i in order if ids[i] in on_topic]
    return [ids[i] for i in order[:n]]


_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    """A text's sentences of three words or more."""
    return [x.strip() for x in _SENTENCE.split(text.strip()) if len(x.split()) >= 3]


def matching_sentence(text: str, centroid: np.ndarray, embedder,  # type: ignore[no-untyped-def]
                      problem: bool = False) -> str | None:
    """The sentence of a multi-topic item that says what the need is about (closest to its centroid; for a problem
    need, among the sentences that report a problem or ask, by triage's cues); None when the item is one sentence.
    A review that praises the layout and then reports memory errors is quoted for the errors."""
    from assistant.triage.cues import extract

    parts = sentences(text)
    if problem:
        parts = [x for x in parts if (c := extract(x)).bug or c.request or c.complaint] or parts
    if len(parts) < 2:
        return parts[0] if parts and parts[0] != text.strip() else None
    sims = np.asarray(embedder.embed(parts), dtype=np.float32) @ centroid
    return parts[int(np.argmax(sims))]


def says_problem(text: str) -> bool:
    """A sentence of the text reports a defect or asks for something (triage's defect and strong request cues), or
    asks a real question: "Love the design. But since marshmallow it's stopped working", "Will it be possible to
    change the font colour?", or one of its clauses does (assistant/needs/clauses.py: "Great app, but anyone can
    access my phone because there is no security"). Whatever the overall tone, such a text is no evidence of praise."""
    from assistant.needs.clauses import problem_clauses
    from assistant.triage.cues import extract

    cues = extract(text)
    return bool(cues.bug or cues.asks or any(s.rstrip().endswith("?") and len(s.split()) >= 5 for s in sentences(text))
                or problem_clauses([text])[0])


def asks_or_reports(item: FeedbackItem) -> bool:
    """What the statement counts as "reports a problem or asks": the item reports or asks (reports()), or it is put
    as a question or a request however it was typed ("what is the bank's routing number", "tell me when my water
    bill is due": a bank's chat messages have no question marks, and triage types many of them by their tone)."""
    first = (sentences(item.text) or [item.text])[0].strip().lower()
    return reports(item) or bool(_QUESTION.search(first) or _REQUEST.search(first))


LOW_STARS = 2  # a review rated this or lower is the writer's complaint, whatever its words ("This app is boo boo")


def reports(item: FeedbackItem) -> bool:
    """The item's words report a problem or ask (says_problem), or triage found it serious (high urgency: "nope wont
    even open. I guess its time to find a new one"), or its writer rated it one or two stars ("Perfect viewer is
    better This app is boo boo", "Mm No"), whatever its type and tone: no evidence of praise."""
    from assistant.triage.engine import rating_value

    serious = item.triage is not None and item.triage.urgency.label == "high"
    stars = rating_value(item.metadata.get("rating"))
    return serious or (stars is not None and stars <= LOW_STARS) or says_problem(item.text)


_WHO = {
    "enterprise": "Enterprise customers", "business": "Business customers", "pro": "Pro customers",
    "team": "Team customers", "free": "Free-plan users",
}

# What the problem items do, by their dominant type: the statement goes on with their own clause or action.
_LEAD = {
    "bug": "report problems such as",
    "feature_request": "ask for changes such as",
    "complaint": "complain, for example",
    "question": "ask questions such as",
}


_QUESTION = re.compile(r"^(how|what|what's|when|where|why|who|which|can|could|do|does|did|is|are|will|would|should|may)\s"
                       r"|\?\W*$", re.IGNORECASE)


_REQUEST = re.compile(r"^(please|pls|plz|kindly|i want|i need|i would like|i'd like|help me|tell me|let me|show me)\b",
                      re.IGNORECASE)


def _lead(dominant: str, example: str) -> str:
    """What the items do, as the quoted clause does it, whatever triage typed them: a question is asked ("do you know
    why my card got declined"), a request asks ("please tell me if my application has gone through"), a statement
    reports ("my card is damaged" is no question)."""
    if _QUESTION.search(example):
        return _LEAD["question"]
    if _REQUEST.search(example):
        return "ask, for example"
    return "report, for example" if dominant == "question" else _LEAD[dominant]


def who(c: NeedCounts) -> str:
    """Who shares the need, from the dominant segment (or 'Users' when segments are mixed or absent)."""
    if c.by_segment:
        seg, n = next(iter(c.by_segment.items()))
        if n >= 0.5 * sum(c.by_segment.values()):
            return _WHO.get(seg, f"{seg.title()} customers")
    if c.by_kind.get("stakeholder_ask") and c.by_kind.get("stakeholder_ask") == c.total:
        return "Stakeholders"
    return "Users"


PROBLEM_TYPES = ("bug", "complaint", "feature_request", "question")


def problem_count(c: NeedCounts) -> int:
    return sum(c.by_type.get(t, 0) for t in PROBLEM_TYPES)


def is_problem_need(c: NeedCounts) -> bool:
    """A need is about a problem when problem reports are a real share of its customer items (at least 2 and 40%);
    a need made mostly of praise is recorded as praise, even when a stakeholder asked for something in it."""
    asks = c.by_kind.get("stakeholder_ask", 0)
    if asks and asks == c.total:
        return True
    # Asks are counted among the types too; the customers' own items decide what the need is about.
    typed = sum(c.by_type.values()) - asks
    problems = problem_count(c) - asks
    return (problems >= 2 and problems >= 0.4 * typed) or (0 < problems == typed)


def topic_items(items: Sequence[FeedbackItem]) -> list[FeedbackItem]:
    """The items a need's name and statement are drawn from: its customers' problem items for a problem need (its
    asks only when no customer reports one), so five-star reviews attached to it do not name it; every item for a
    praise need."""
    problems = [it for it in items if it.kind == "stakeholder_ask" or (it.triage and it.triage.type in PROBLEM_TYPES)]
    # customers' own words name a need they are in; an ask's context ("renew next quarter") names only a need the
    # asks opened alone
    customers = [it for it in problems if it.kind != "stakeholder_ask"]
    problems = customers or problems
    return problems if problems and is_problem_need(counts(items)) else list(items)


def topic_texts(items: Sequence[FeedbackItem], vec: dict[str, np.ndarray]) -> list[str]:
    """The texts of topic_items, most central first (ties by text): a need is named from what its items say, never
    from the order their ids sort in. Item ids depend on the inbox's path, and need ids differ between a fresh build
    and a recluster, so an id order made one build name two needs "Page" and "Pages" and another both "Pages"."""
    chosen = [it for it in topic_items(items) if it.id in vec]
    if not chosen:
        return [it.text for it in topic_items(items)]
    mat = np.stack([vec[it.id] for it in chosen])
    sims = mat @ mat.mean(axis=0)
    order = sorted(range(len(chosen)), key=lambda k: (-round(float(sims[k]), 6), chosen[k].text))
    return [chosen[k].text for k in order]


def statement(phrases: Sequence[str], c: NeedCounts, example: str = "", reporting: int = 0,
              asked: tuple[str, str] = ("", ""), asking: int = 0) -> str:
    """One sentence: for a problem need who is hurt and what its items say (`example`: the clause most of its
    problem items state; `asked`: (kind, phrase) of the action most of them ask for, assistant.needs.said), for a
    praise need what people value; with how many items say so. Never keywords glued into a template: the topic
    phrases only name what praise is about. `reporting`: customer items whose words report a problem or ask
    (says_problem), whatever their type; when they are half of the need it is a problem need (a serious report
    alone, typed praise by its tone, is not praise)."""
    from assistant.needs.naming import _as_thing, topic as joined

    others = sum(v for k, v in c.by_kind.items() if k != "stakeholder_ask")
    problem = is_problem_need(c) or bool(others and reporting * 2 >= others)
    topic = joined(phrases) if phrases else "this area" if problem else "the product"
    problems = problem_count(c)
    asks = c.by_kind.get("stakeholder_ask", 0)
    if asks and not others:
        # Only the ask's words are here; customer items elsewhere may use them (the ask's decision note,
        # assistant.triage.stakes.elsewhere, quotes them), so the statement claims nothing about the rest of the inbox.
        return (f"New from stakeholders: {topic} ({asks} stakeholder ask{'s' if asks != 1 else ''}, no customer item "
                f"in this need; whether customers elsewhere ask for it is in the ask's decision note).")
    positive = c.by_sentiment.get("positive", 0)
    kind, phrase = asked
    said = f": “{example}”" if example else ""
    if not problem and positive * 2 < sum(c.by_sentiment.values()):
        # Neither problems nor praise: neutral requests and statements ("i want to pay my bill") say what they ask.
        lead = f"{who(c)} ask to {phrase}" if kind == "request" else f"{who(c)} ask"
        said = f", for example{said}" if kind == "request" and said else said
        return (f"{lead}{said} ({others} customer item{'s' if others != 1 else ''}; "
                f"{positive} positive, {max(problems, min(others, asking))} report a problem or ask).")
    if not problem:
        praise = sum(c.by_type.get(t, 0) for t in ("praise", "experience", "other"))
        also = f"; {problems} report a problem" if problems else ""
        return (f"{who(c)} value {_as_thing(topic) if phrases else topic} and want it to keep working as it does ({praise} of {others} customer "
                f"item{'s' if others != 1 else ''} praise it or describe using it{also}).")
    ranked = sorted(((c.by_type.get(t, 0), t) for t in PROBLEM_TYPES), key=lambda nt: (-nt[0], PROBLEM_TYPES.index(nt[1])))
    # only stakeholder asks: an ask; only items typed by their tone that report something: a report
    dominant = ranked[0][1] if ranked[0][0] else "bug" if reporting and others else "feature_request"
    if kind == "request" and (dominant == "feature_request" or not example):
        sentence = f"{who(c)} ask to {phrase}" + (f", for example{said}" if said else "")
    elif example:
        sentence = f"{who(c)} {_lead(dominant, example)}{said}"
    else:
        sentence = f"{who(c)} {_LEAD[dominant].split(' such as')[0].split(',')[0]}"
    # Stakeholder asks are typed too: count only customers' problem reports against the customer items.
    customers_reporting = max(0, min(others, max(problems - asks, reporting, asking)))
    praise = c.by_type.get("praise", 0)
    also = f"; {praise} more praise{'s' if praise == 1 else ''} it" if praise else ""
    one = customers_reporting == 1  # "1 of 1 customer item reports", "3 of 3 customer items report"
    # reports written by happy customers ("Nice app, wish it had landscape") are asks, not complaints: say so
    tone = f"; {positive} of {others} are positive in tone" if others > 1 and positive * 2 >= others else ""
    return (f"{sentence} ({customers_reporting} of {others} customer item{'s' if others != 1 else ''} "
            f"report{'s' if one else ''} a problem or ask{'s' if one else ''}{also}{tone}).")
