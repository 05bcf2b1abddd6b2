"""Who the story is for: the role from the evidence — metadata (persona, plan, segment, channel), how the writers
describe themselves ("as a developer"), and what they say they hold ("my account" -> account holder). General
English only; the benefit comes from stated reasons (reasons.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from assistant.models import FeedbackItem
from assistant.stories.phrases import Ask
from assistant.verify.agents import activities, activity_role
from assistant.verify.role import names_product

ROLE_KEYS = ("persona", "role", "author_role", "job_title", "title", "user_role", "position", "job")
PLAN_KEYS = ("plan", "tier", "subscription", "pricing_plan")
SEGMENT_KEYS = ("segment", "customer_segment", "account_type", "customer_type")
_SELF = re.compile(
    r"(?:^|[.!?]\s+)(?:as an?|i am an?|i'm an?|we are an?|i work as an?)\s+((?:[a-z]+[ -]){0,2}?"
    r"(?:admin|administrator|manager|owner|accountant|bookkeeper|controller|freelancer|consultant|founder|developer"
    r"|designer|teacher|student|nurse|driver|approver|employee|contractor|director|lead|engineer|analyst|cfo|ceo"
    r"|assistant|agent|user|parent|member|officer|specialist|coordinator|recruiter|marketer|seller|buyer|reader"
    r"|player|gamer|operator|maintainer|contributor|tester|writer|artist|photographer|musician|traveller|traveler"
    r"|patient|doctor|customer|subscriber|collector|fan))\b",
    re.I,
)
_GENERIC = {"user", "customer", "person", "someone", "anyone"}
# What the writers say they hold, and the ordinary English name for its holder ("my account" -> account holder).
_HOLDS = re.compile(r"\b(?:my|our)\s+(?:\w+\s+)?(account|card|subscription|policy|membership|repository|repo|server"
                    r"|cluster)s?\b", re.I)
# the thing stays in the role, so the role is in the evidence's own words ("card holder", not "cardholder")
HOLDER = {"account": "account holder", "card": "card holder", "subscription": "subscription holder",
          "policy": "policy holder", "membership": "member", "repository": "repository owner", "repo": "repo owner",
          "server": "server owner", "cluster": "cluster owner"}
HOLDER_SHARE = 0.3  # a holder role needs this share of the items saying "my <thing>"


# what grammar says of people a stakeholder ask serves: "let users delete", "for their patrons", "customers who
# lose their card", "paid users keep writing in"; the noun must also read as a person (an agent noun, or people)
_PERMITS = {"let", "allow", "enable", "permit", "help"}
_SAYING = {"say", "write", "report", "ask", "complain", "request", "want", "need", "tell", "keep", "use", "see",
           "buy", "pay", "lose", "read", "call", "find", "expect", "demand", "struggle"}
_PERSON_END = re.compile(r"(?:er|or|ist|ian|ee|ant|[^m]ent)$")
_PEOPLE = {"patron", "guest", "family", "child", "kid", "household"}  # ("people": too general to name a role)
_QUANTITY = {"several", "many", "every", "all", "some", "few", "most", "other", "more", "each", "any", "such", "no"}
SERVED_KEYS = ("persona", "user_role", "audience", "segment", "customer_segment", "account_type", "customer_type")


def served_role(item: FeedbackItem) -> str | None:
    """Who a stakeholder ask is for: the people it names as served ("paid users" -> paid user, "for their patrons"
    -> patron), else its persona or segment metadata; never the requester's own job (the role column)."""
    found = _served(item)
    if found:
        return found[0]
    for key in SERVED_KEYS:
        value = item.metadata.get(key)
        if isinstance(value, str) and 1 < len(value.strip()) <= 40:
            return value.strip().lower()
    return None


def inbox_people(items: Iterable[FeedbackItem]) -> list[str]:
    """What the inbox's stakeholders call the people who write in or whom the product serves ("Customers who lose
    their card", "Paid users keep writing in", "let users delete"): the inbox's own word for its writers, which
    supports a plain role ("customer" for a bank's support inbox) that no single message repeats."""
    return [name for item in items if item.kind == "stakeholder_ask" for name in _served(item)]


def inbox_word(people: Sequence[str]) -> str | None:
    """The inbox's most used plain word for its people ('user' from 'paid user', 'user', 'user'), or None."""
    heads = Counter(p.split()[-1] for p in people if p.split())
    return sorted(heads.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if heads else None


def _served(item: FeedbackItem) -> list[str]:
    """The people a stakeholder ask names as served, best first (see served_role)."""
    from assistant.stories.asks import clean_for_parse
    from assistant.stories.nlp import parse

    doc = parse([clean_for_parse(item.text)])[0]
    found: list[tuple[int, int, str]] = []
    for tok in doc:
        if tok.pos_ != "NOUN" or not _person(tok):
            continue
        head = tok.head
        if tok.dep_ == "nsubj" and head.head.lemma_.lower() in _PERMITS and head.dep_ in ("ccomp", "xcomp"):
            rank = 0  # "let users delete ...": the ask's action is theirs
        elif tok.dep_ in ("dobj", "nsubj") and head.lemma_.lower() in _PERMITS:
            rank = 0
        elif tok.dep_ == "pobj" and head.lower_ == "for":
            rank = 1
        elif any(c.dep_ == "relcl" and any(w.lower_ in ("who", "whose") for w in c.children) for c in tok.children):
            rank = 2
        elif tok.dep_ == "nsubj" and head.lemma_.lower() in _SAYING:
            rank = 3
        elif tok.dep_ == "nsubj" and any(c.tag_ == "MD" for c in head.children):
            rank = 4  # "so users can raise it": who will do the action
        else:
            continue
        found.append((rank, tok.i, _name(tok)))
    return [name for _, _, name in sorted(found)]


def _person(tok: object) -> bool:
    lemma = tok.lemma_.lower()  # type: ignore[attr-defined]
    plural = tok.tag_ == "NNS" or any(c.dep_ == "relcl" for c in tok.children)  # type: ignore[attr-defined]
    return plural and (lemma in _PEOPLE or bool(_PERSON_END.search(lemma)))


def _name(tok: object) -> str:
    """'visually impaired customers' -> 'visually impaired customer' (its describing words, singular)."""
    mods = [c for c in tok.children if c.dep_ in ("amod", "compound") and c.lower_ not in _QUANTITY]  # type: ignore[attr-defined]
    words = [w.lower_ for m in mods for w in m.subtree if w.is_alpha]
    return " ".join([*words, tok.lemma_.lower()])  # type: ignore[attr-defined]


def _values(items: Sequence[FeedbackItem], keys: Sequence[str]) -> Counter[str]:
    found: Counter[str] = Counter()
    for item in items:
        for key in keys:
            value = item.metadata.get(key)
            if isinstance(value, str) and 1 < len(value.strip()) <= 40:
                found[value.strip()] += 1
                break
    return found


def _majority(counter: Counter[str], total: int) -> str | None:
    if not counter:
        return None
    value, n = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0].lower()))[0]
    return value if n * 2 >= total else None


def derive_role(items: Sequence[FeedbackItem], asks: Sequence[Ask], plan_names: Sequence[str] = (),
                people: Sequence[str] = ()) -> str:
    """'finance admin on the Business plan': persona from metadata or self-description, plan/segment by majority.
    `people`: what the inbox's stakeholders call its writers (inbox_people), the plain role when nothing more
    specific is said, instead of an assumed 'customer'; without it, what the stakeholder asks among `items` call
    them ("Users keep writing that they cannot uninstall the app")."""
    # a stakeholder ask's role column is the requester (sales, support), not the customer the story is for
    customers = [i for i in items if i.kind != "stakeholder_ask"] or list(items)
    roles = _values(customers, ROLE_KEYS)
    for item in items:
        if m := _SELF.search(item.text):
            roles[m.group(1).lower().strip()] += 1
    for ask in asks:
        if ask.actor:
            roles[ask.actor] += 1
    role = _majority(roles, len(customers))
    if role is None and roles:
        top, n = sorted(roles.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        role = top if n >= 2 else None
    if role is None:
        role = _holder(customers)
    if role is None:
        # what most of them say they do ("reading cbr files" -> reader), else the product's users where the
        # metadata names the product, else a word they use for themselves; "customer" is the gate's to flag
        verbs = {a.item_id: a.verb.split()[0] for a in asks if a.verb}
        role = activity_role(activities(i.text) | ({verbs[i.id]} if i.id in verbs else set()) for i in customers)
    if role is None:
        mobile = [i for i in customers if _mobile(i)]
        role = ("mobile app user" if len(mobile) * 2 > len(customers)
                else "user" if customers and all(names_product(i) for i in customers)
                else _named(customers, asks) or inbox_word(people or inbox_people(items)) or "customer")
    role = re.sub(r"^(the|a|an)\s+", "", role.strip(), flags=re.I)
    role = role if role.isupper() else role.lower()
    plan = _majority(_values(customers, PLAN_KEYS), len(customers))
    segment = _majority(_values(customers, SEGMENT_KEYS), len(customers))
    known_plans = {p.lower() for p in plan_names}
    if plan is None and segment is not None and segment.lower() in known_plans:
        plan, segment = segment, None
    if plan:
        name = plan if plan.isupper() else plan.strip().title()
        return f"{role} on the {name} plan"
    if segment:
        name = segment if segment.isupper() else segment.strip()
        return f"{name} {role}" if role in _GENERIC else f"{role} in the {name} segment"
    return role


def _agent(verb: str) -> str:
    """'read' -> 'reader', 'play' -> 'player', 'use' -> 'user' (ordinary English agent nouns)."""
    head = verb.split()[0]
    return head + ("r" if head.endswith("e") else "er")


def _named(items: Sequence[FeedbackItem], asks: Sequence[Ask]) -> str | None:
    """A role the writers' own words give: the doer of the action they ask for ('reader' where they ask to read and
    say 'reader'), else 'user' where they call themselves users. Two items at least must say it."""
    said = Counter(w for i in items for w in set(re.findall(r"[a-z]+", i.text.lower())))
    for verb, _ in Counter(a.verb for a in asks).most_common(3):
        agent = _agent(verb)
        if said[agent] >= 2:
            return agent
    return "user" if said["user"] + said["users"] >= 2 else None


def _holder(items: Sequence[FeedbackItem]) -> str | None:
    """'account holder' when enough of the items speak of 'my account' (the most said thing wins)."""
    said: Counter[str] = Counter()
    for item in items:
        for thing in {m.group(1).lower() for m in _HOLDS.finditer(item.text)}:
            said[thing] += 1
    if not said:
        return None
    thing, n = sorted(said.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return HOLDER[thing] if n >= max(2, HOLDER_SHARE * len(items)) else None


def _mobile(item: FeedbackItem) -> bool:
    channel = str(item.metadata.get("channel", "")).lower()
    return any(w in channel for w in ("app store", "google play", "play store", "ios", "android"))


def plural(obj: str) -> bool:
    """Whether a noun phrase reads as plural (for 'is' / 'are')."""
    last = obj.split()[-1] if obj else ""
    return last.endswith("s") and not last.endswith("ss") and last.lower() not in ("this", "its", "status")


def agree(obj: str, singular: str, plural_form: str) -> str:
    return plural_form if plural(obj) else singular

