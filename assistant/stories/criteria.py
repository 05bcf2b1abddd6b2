"""Given/When/Then acceptance criteria, each built from a concrete fact the items it cites report.

Facts: reported conditions (device, OS, version, file type, size), named error messages, reported timings and
volumes, no connection, what was lost, the formats asked for. A bug report becomes a regression criterion with
its conditions. There is no stock main path: a story whose evidence reports no fact gets no criterion (and is
not Ready) rather than a template that would fit any story.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.models import Criterion, FeedbackItem
from assistant.stories.asks import VERB_KEYS, Ask
from assistant.stories.facts import Facts
from assistant.stories.nlp import article
from assistant.stories.outcomes import done, no_symptom, object_of, restates, success
from assistant.stories.roles import agree
from assistant.verify.garble import garbled_reason
from assistant.verify.terms import denies

MAX_CRITERIA = 6
MAX_CITED = 5
# actions where a reported volume ("2,000 expenses", "500 comics") is a test condition; elsewhere it is context
VOLUME_VERBS = {"export", "import", "load", "integrate with", "sync", "search", "view", "open", "upload", "scan",
                "back up", "print", "read", "filter", "sort"}


@dataclass(frozen=True)
class Member:
    """One evidence item of a story with its parsed ask (None when it states no action) and facts."""

    item: FeedbackItem
    ask: Ask | None
    facts: Facts


def _cite(members: Sequence[Member]) -> list[str]:
    # ties by id so the same input always cites the same items
    return sorted({m.item.id for m in members})[:MAX_CITED]


def _verb(ask: Ask) -> str:
    return VERB_KEYS.get(ask.verb, ask.verb)


def _head(rep: Ask) -> str:
    """The thing the story's action is done to: its object, else the noun of its complement ("read from SD card")."""
    if rep.obj_head:
        return rep.obj_head.split()[-1]
    from assistant.stories.details import doc_of

    return next((t.text for t in doc_of(rep.phrase) if t.dep_ in ("pobj", "dobj") and t.pos_ in ("NOUN", "PROPN")), "")


def _about(m: Member, rep: Ask) -> bool:
    """The item is about this story's action: the same verb, or it names the action's object or verb and asks
    nothing else."""
    if m.ask is not None and _verb(m.ask) == _verb(rep):
        return True
    head = _head(rep)
    # a report the parser read no ask from, naming the action's thing or its verb ("Flat out will not open on iPad")
    return m.ask is None and any(re.search(rf"\b{re.escape(w)}", m.item.text, re.I) for w in (head, _verb(rep)) if w)


def write_criteria(rep: Ask, members: Sequence[Member]) -> list[Criterion]:
    """Criteria built only from concrete facts (conditions, numbers, named errors, formats, what was lost) that the
    cited items report; each cites exactly the items that report its fact. No fact, no criterion."""
    about = [m for m in members if _about(m, rep)]
    found: list[tuple[int, str, Criterion]] = []
    head = _head(rep)
    naming = [m for m in members if m in about or head and re.search(rf"\b{re.escape(head)}", m.item.text, re.I)]
    # a failure report naming the story's object is about it whatever its own words ask ("it'll throw an error
    # about being out of memory" on "most CBR files"): its conditions make a regression of the story's action
    found += _regressions(rep, naming)
    found += _named_errors(rep, naming)  # a named error about the object counts whatever else the item asks
    found += _timings(rep, about)
    found += _volumes(rep, about)
    found += _offline(rep, about)
    found += _losses(rep, about)
    found += _formats(rep, members)
    found += _places(rep, about)
    from assistant.stories.detail_criteria import alternatives, counted, detailed

    found += alternatives(rep, naming)
    found += detailed(rep, about)
    found += counted(rep, naming)  # a failure report naming the thing counts whatever its own words ask
    best: dict[str, tuple[int, str, Criterion]] = {}
    for weight, key, crit in found:  # one criterion per fact; the best-supported wording wins
        if key not in best or weight > best[key][0]:
            best[key] = (weight, key, crit)
    ranked = sorted(best.values(), key=lambda e: (-e[0], e[1]))
    seen: set[tuple[str, str, str]] = set()
    out = []
    for _, _, crit in ranked:
        if any(_cut_short(part) for part in (crit.given, crit.when, crit.then)):
            continue  # "When I change my savings account pin to": an item's number redacted away, no fact left
        if restates(crit, rep):
            continue  # "When I ask for my visa credit limit Then my visa credit limit is shown": nothing to test
        if (crit.given, crit.when, crit.then) not in seen:
            seen.add((crit.given, crit.when, crit.then))
            out.append(crit)
    return out[:MAX_CRITERIA]


# function words no clause ends on ("... changed to", "... for the"); particles such as "in", "on", "up" may
_CUT = {"to", "the", "a", "an", "and", "or", "of", "for", "with", "from", "my", "your", "their", "our", "at", "by"}


def _cut_short(part: str) -> bool:
    words = re.findall(r"[\w$'&]+", part.lower())  # "... to $1000" ends on its amount
    return bool(words) and words[-1] in _CUT


def _action(m: Member, rep: Ask, steps: bool = False) -> str:
    """The story's action; with steps=True the item's own reported steps ('I upload my HEIC photos') when they are
    the same action and read cleanly."""
    from assistant.stories.goal import problem

    own = (m.ask is not None and _verb(m.ask) == _verb(rep) and problem(f"to {m.ask.phrase}") is None
           and not {"without", "any", "never", "no", "entire", "whole", "every"} & set(m.ask.phrase.lower().split())
           and _named_are_facts(m)
           and (steps or not rep.obj_head or bool(set(m.ask.obj_head.split()) & set(rep.obj_head.split()))))
    return f"I {(m.ask if own and m.ask else rep).phrase}"


def _named_are_facts(m: Member) -> bool:
    """Capitalised words in the item's own steps are the facts it reports (a file type, a device), not its
    shouting or slang ("with some BS")."""
    known = " ".join([*m.facts.file_types, *m.facts.conditions()]).lower()
    return all(w.lower() in known for w in m.ask.phrase.split() if m.ask and w.isupper() and len(w) > 1)


def _regressions(rep: Ask, about: Sequence[Member]) -> list[tuple[int, str, Criterion]]:
    """A bug report becomes a regression criterion with its reported conditions (device, OS, version, file type,
    size) or, without any, its reported steps and a specific symptom ('crashes when I open a big file')."""
    groups: dict[tuple[str, ...], list[Member]] = {}
    for m in about:
        reported = bool(m.item.triage and m.item.triage.type in ("bug", "complaint"))
        bug = (m.ask is not None and m.ask.kind == "bug") or (reported and bool({"crash", "error"} & m.facts.mentions))
        conditions = _text_conditions(m, rep)
        if not bug or m.facts.errors and not conditions:
            continue  # a named error makes its own criterion; its conditions (device, memory) make this one
        symptom = m.ask.symptom if m.ask is not None and m.ask.kind == "bug" else ""
        specific = no_symptom(symptom) != "no error message is shown"
        if not conditions and not specific:
            continue
        key = (_action(m, rep, steps=True), "|".join(conditions), no_symptom(symptom) if specific else "")
        groups.setdefault(key, []).append(m)
    out = []
    for (action, conditions, outcome), group in _either(groups, rep).items():
        given = _given(conditions.split("|")) if conditions else "the app is open"  # "any of: …" is one part
        # "no error message" only where the writers saw one: an item that says the app "doesn't read from SD
        # Card" reports no message, and a Then claiming one would cite it for what it does not say (audit)
        then = outcome or (f"{done(rep)} and no error message is shown" if any(_saw_message(m) for m in group)
                           else done(rep))
        action = tried(action, then)
        cited = sorted(list(dict.fromkeys(m.item.id for m in group))[:MAX_CITED])  # one per named device first
        out.append((len(group) + 100, f"regression:{action}|{conditions}|{outcome}",
                    Criterion(given=given, when=action, then=then, evidence=cited)))
    return out


_MESSAGE = re.compile(r"\b(?:errors?|messages?|oops|pop-?ups?|warnings?|says|said|saying|tells me|notice)\b", re.I)


def _saw_message(m: Member) -> bool:
    """The writer reports a message on screen (an error, an "oops", "it says …"), not only that something failed."""
    return bool(m.facts.errors) or bool(_MESSAGE.search(m.item.text))


def tried(action: str, then: str) -> str:
    """'When I try to read from SD Card Then I can read from SD Card', not 'When I read … Then I can read …'."""
    return f"I try to {action[2:]}" if f"I can {action[2:]}" in then else action


def reported_condition(c: Criterion) -> bool:
    """A regression on a condition its items report: a device, a version, a file, a step they took."""
    return c.given.startswith(("I am using ", STEP)) and ("no error message is shown" in c.then
                                                          or c.then.startswith("I can ")) \
        or c.given.startswith("I am using ") and c.then in ("the app stays open", "the app keeps responding to my input")


def _either(groups: dict[tuple[str, ...], list[Member]], rep: Ask) -> dict[tuple[str, ...], list[Member]]:
    """Reports of the same failure, each on its own device or system ("my Galaxy S3", "nexus 5, android 6.0.1")
    make one criterion on "any of: a Galaxy S3, a Nexus 5 with Android 6.0.1" (one test run on each), citing all;
    in the writers' shared steps, else the story's action. Files and steps stay their own conditions."""
    merged: dict[tuple[str, ...], list[tuple[str, str, list[Member]]]] = {}
    for (action, conditions, outcome), group in groups.items():
        env = bool(conditions) and not any(c.endswith(" file") or c.startswith(("a file of", STEP))
                                           for c in conditions.split("|"))
        key = ("", "", outcome, "env") if env else (action, conditions, outcome, "")
        merged.setdefault(key, []).append((action, conditions.replace("|", " with "), group))
    out: dict[tuple[str, ...], list[Member]] = {}
    for (action, conditions, outcome, env), parts in merged.items():
        if not env:
            out[(action, conditions, outcome)] = parts[0][2]
            continue
        names = list(dict.fromkeys(c for _, c, _ in parts))[:MAX_CITED]  # each named one is cited
        joined = names[0] if len(names) == 1 else " or ".join(names) if len(names) == 2 else \
            "any of: " + ", ".join(names)  # one test on each device, one criterion
        actions = {a for a, _, _ in parts}
        firsts = [next(g[0] for _, c, g in parts if c == name) for name in names]
        rest = sorted((m for _, c, g in parts if c in names for m in g if m not in firsts), key=lambda m: m.item.id)
        out[(actions.pop() if len(actions) == 1 else f"I {rep.phrase}", joined, outcome)] = [*firsts, *rest]
    return out


def _text_conditions(m: Member, rep: Ask | None = None) -> list[str]:
    """Conditions the item's own text states (metadata alone does not make a report about that device), minus
    those the goal already names ("a CBR file" for "open my cbr files" would test nothing more than the goal)."""
    parts = _stated_conditions(m)
    goal = rep.phrase.lower().split() if rep is not None else []
    if any(t.lower() in goal for t in m.facts.file_types):  # "open my cbr files": the item's other formats
        parts = [p for p in parts if not p.endswith(" file")]  # ("convert them to CBZ") are not its conditions
    return [p for p in parts if p.startswith(STEP)
            or not any(w.lower() in goal for w in p.split()[1:] if w.lower() != "file")]


STEP = "I have "  # a step the writer took before it failed ("I have installed the latest update"): a Given of its own


def _stated_conditions(m: Member) -> list[str]:
    f, low = m.facts, m.item.text.lower()
    parts = [c for c in f.conditions() if c.split()[-1].lower() in low and not denies(m.item.text, c.split()[-1])]
    if f.memory:  # "a device with 512mb, or 2gb of RAM": the memory it failed with, in the writer's word for it
        word = "RAM" if re.search(r"[0-9 ]ram\b", low) else "memory"
        parts.append(f"a device with {f.memory} of {word}")
    parts += [f"{article(t)} {t} file" for t in f.file_types if t.lower() in low]
    if f.size:
        parts.append(f"a file of {f.size}")
    if f.after_update:
        parts.append(f"{STEP}installed the latest update")
    if f.reinstalled:
        parts.append(f"{STEP}deleted and reinstalled the app")
    return parts


def _named_errors(rep: Ask, about: Sequence[Member]) -> list[tuple[int, str, Criterion]]:
    """A message the writers name ("out of memory") must not be shown; messages sharing a long word ("lack of
    memory", "no memory left") are one failure, named in each writer's words."""
    by_error: dict[str, list[Member]] = {}
    for m in about:
        for err in m.facts.errors[:1]:
            words = {w for w in re.findall(r"[a-z]{5,}", err.lower())}
            key = next((k for k in by_error if words & set(re.findall(r"[a-z]{5,}", k))), err.lower())
            by_error.setdefault(key, []).append(m)
    out = []
    for err, group in by_error.items():
        # each writer's wording once, quoted: 'an out of memory error' and '"out of memory"' are one message
        said = {re.sub(r"\s+(?:error|exception)$", "", e.strip('"').lower()): None for m in group for e in m.facts.errors[:1]}
        said = [w for w in said if not any(w != x and w in x for x in said)]  # "memory" is in "out of memory"
        name = " or ".join(f'"{s}"' for s in said[:3])
        conditions = [c for c in _text_conditions(group[0], rep) if all(c in _text_conditions(m, rep) for m in group)]
        given = _given(conditions) if conditions else f"I have {object_of(rep)}" if object_of(rep) else "the app is open"
        then = f"no {name} error is shown and {done(rep)}"
        out.append((len(group) + 90, f"error:{err}", Criterion(
            given=given, when=tried(_action(group[0], rep, steps=True), then), then=then, evidence=_cite(group))))
    return out


def _timings(rep: Ask, about: Sequence[Member]) -> list[tuple[int, str, Criterion]]:
    timed = [m for m in about if m.facts.seconds and "slow" in m.facts.mentions]
    if not timed:
        return []
    m = max(timed, key=lambda x: (bool(x.facts.count), -x.facts.seconds, x.item.id))  # type: ignore[operator]
    given = f"I have {m.facts.count}" if m.facts.count else "the app is open"
    same = [x for x in timed if x.facts.seconds == m.facts.seconds]
    return [(len(same) + 50, "slow", Criterion(
        given=given, when=_action(m, rep),
        then=f"it finishes in less than the {m.facts.seconds} seconds reported, with a progress indicator while it runs",
        evidence=_cite(same)))]


def _volumes(rep: Ask, about: Sequence[Member]) -> list[tuple[int, str, Criterion]]:
    big = [m for m in about if m.facts.count and not m.facts.seconds]
    if not big or _verb(rep) not in VOLUME_VERBS:
        return []
    m = sorted(big, key=lambda x: x.item.id)[0]
    same = [x for x in big if x.facts.count == m.facts.count]
    return [(len(same) + 20, f"volume:{m.facts.count}", Criterion(
        given=f"I have {m.facts.count}", when=_action(m, rep), then=f"{success(rep)} and no item is left out",
        evidence=_cite(same)))]


def _offline(rep: Ask, about: Sequence[Member]) -> list[tuple[int, str, Criterion]]:
    # a condition someone reported hitting, not a request for an offline mode
    off = [m for m in about if "offline" in m.facts.mentions and m.item.triage and m.item.triage.type in ("bug", "complaint")]
    if not off or rep.phrase == "use the app offline":
        return []
    return [(len(off) + 10, "offline", Criterion(
        given="I have no internet connection", when=_action(off[0], rep), then=success(rep), evidence=_cite(off)))]


def _losses(rep: Ask, about: Sequence[Member]) -> list[tuple[int, str, Criterion]]:
    by_thing: dict[str, list[Member]] = {}
    for m in about:  # only a report of a defect: "I lost my card" (a complaint at a bank) is not data the product lost
        if m.facts.lost and (m.facts.after_update or m.item.triage and m.item.triage.type == "bug"):
            by_thing.setdefault(m.facts.lost, []).append(m)
    out = []
    for thing, group in by_thing.items():
        updated = [m for m in group if m.facts.after_update]
        when = "I install an update of the app" if updated else _action(group[0], rep)
        out.append((len(group) + 30, f"lost:{thing}", Criterion(
            given=f"I have {thing}", when=when, then=f"{thing} {agree(thing, 'is', 'are')} still there",
            evidence=_cite(group))))
    return out


def _formats(rep: Ask, members: Sequence[Member]) -> list[tuple[int, str, Criterion]]:
    if _verb(rep) != "export":
        return []
    out = []
    obj = object_of(rep) or "my data"
    for fmt in dict.fromkeys(f for m in members if m.ask for f in m.ask.formats):
        holders = [x for x in members if x.ask and fmt in x.ask.formats]
        out.append((len(holders) + 40, f"format:{fmt}", Criterion(
            given=f"I have {obj} to export", when=f"I export {obj} to {fmt}",
            then=f"{article(fmt)} {fmt} file containing {obj} is downloaded", evidence=_cite(holders))))
    return out


def _given(conditions: Sequence[str]) -> str:
    """'I am using a Galaxy S3 and I have a CBR file': devices and versions are used, files are had, steps the
    writer took are said as they said them ('I have installed the latest update')."""
    steps = [c for c in conditions if c.startswith(STEP)]
    files = [c for c in conditions if c not in steps and (c.endswith(" file") or c.startswith("a file of"))]
    env = [c for c in conditions if c not in files and c not in steps]
    parts = ([f"I am using {_and(env)}"] if env else []) + ([f"I have {_and(files)}"] if files else []) + steps
    return " and ".join(parts)


def _and(parts: Sequence[str]) -> str:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _place(m: Member) -> str:
    """Where the writer was when it failed: a place the entity recogniser names after 'in'/'at' ("i was in
    thailand and i could not use my card" -> "Thailand"). Common nouns ("at night", "in the app") and languages
    ("receipts in German") are not places."""
    from assistant.stories.asks import clean_for_parse
    from assistant.stories.details import doc_of

    for ent in doc_of(clean_for_parse(m.item.text)).ents:
        if ent.label_ in ("GPE", "LOC", "FAC") and ent.root.dep_ == "pobj" and ent.root.head.lower_ in ("in", "at"):
            return " ".join(w[:1].upper() + w[1:] for w in ent.text.split())
    return ""


def _places(rep: Ask, about: Sequence[Member]) -> list[tuple[int, str, Criterion]]:
    """A customer who could not do the story's action somewhere ("could not use my card to buy snacks in
    Thailand") says what should happen there: the action works. Only from such a report (a negated 'can'), never
    from a question about a place ("is there a fee in France" states no outcome), citing only those items."""
    by_place: dict[str, list[Member]] = {}
    for m in about:
        if m.ask is not None and m.ask.kind in ("problem", "bug") and _verb(m.ask) == _verb(rep):
            place = _place(m)
            if place:
                by_place.setdefault(place.lower(), []).append(m)
    out = []
    for key, group in by_place.items():
        place = _place(group[0])
        where = re.compile(rf"\s+(?:in|at)\s+{re.escape(place)}\b.*$", re.I)
        # the writers' own action, shortest first (what every cited item states), the story's goal as a fallback
        own = sorted({where.sub("", m.ask.phrase) for m in group if m.ask}, key=lambda p: (len(p), p))
        phrase = next((p for p in [*own, where.sub("", rep.phrase)] if garbled_reason(f"to {p}") is None), "")
        if not phrase:
            continue
        out.append((len(group) + 60, f"place:{key}", Criterion(
            given=f"I am in {place}", when=f"I try to {phrase}", then=f"I can {phrase}", evidence=_cite(group))))
    return out

