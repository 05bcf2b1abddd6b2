"""Given/When/Then acceptance criteria: the main path plus the failure and edge cases the evidence reports.

Each criterion cites the items it rests on. Outcomes are observable (a file is downloaded, an item is listed,
the app stays open), and numbers appear only when a customer reported them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.models import Criterion, FeedbackItem
from assistant.stories.asks import VERB_KEYS, Ask
from assistant.stories.facts import Facts
from assistant.stories.nlp import article, inflect
from assistant.stories.roles import agree

MAX_CRITERIA = 6
MAX_CITED = 5


@dataclass(frozen=True)
class Member:
    """One evidence item of a story with its parsed ask (None when it states no action) and facts."""

    item: FeedbackItem
    ask: Ask | None
    facts: Facts


def _obj(rep: Ask) -> str:
    return rep.obj if rep.obj and not rep.pronoun else ""


def _be(obj: str) -> str:
    return agree(obj, "is", "are")


def success(rep: Ask) -> str:
    """The observable result of the main path for this kind of action."""
    verb = VERB_KEYS.get(rep.verb, rep.verb)
    obj = _obj(rep)
    the = re.sub(r"^(a|an) ", "the ", obj) if obj else "the result"
    if verb == "export":
        fmt = rep.formats[0] if rep.formats else None
        kind = f"{article(fmt)} {fmt} file" if fmt else "a file"
        return f"{kind} containing {obj or 'my data'} is downloaded"
    if verb == "save":
        return f"{the} {_be(the)} still saved after I sign out and back in"
    if verb in ("upload", "scan", "add", "create", "submit", "duplicate", "copy"):
        return f"{the} {agree(the, 'appears', 'appear')} in my list with a confirmation message"
    if verb == "import":
        return f"{the} {_be(the)} listed together with the number of records imported"
    if verb == "search":
        return "only results that match my search are listed"
    if verb == "filter":
        return "the list shows only the entries that match my choice"
    if verb == "sort":
        return "the list is shown in the order I chose"
    if verb in ("share", "send"):
        return f"the recipient receives {the} and I see a confirmation message"
    if verb == "integrate with":
        return "the connection is shown as active with the time of the last successful sync"
    if verb in ("get notifications", "get reminders", "get", "receive", "get alerted", "get warned"):
        return f"I receive {the} in the app"
    if verb in ("pay", "check out"):
        return "the payment is confirmed and I see a receipt"
    if verb == "log in":
        return "I see my account home page"
    if verb in ("delete", "remove", "archive", "cancel"):
        return f"{the} no longer {agree(the, 'appears', 'appear')} in my list"
    if verb in ("edit", "change", "rename", "update", "set"):
        return "the new value is shown after I reload the page"
    if verb in ("view", "load", "open"):
        return f"{the} {_be(the)} shown with all {agree(the, 'its', 'their')} data"
    if verb.startswith("get a refund"):
        return "I see the refund in my billing history"
    if verb == "invite":
        return f"{the} {agree(the, 'receives', 'receive')} an invitation and {agree(the, 'is', 'are')} listed as pending in my team"
    if verb == "approve":
        return f"{the} {_be(the)} marked as approved"
    if verb == "use":
        if any(w in the for w in ("mode", "theme", "view")):
            return f"{the} {_be(the)} applied to every screen and still on after I restart the app"
        return f"{the} {_be(the)} offered to me and still available after I restart the app"
    if obj and " " not in rep.verb:
        return f"I see a confirmation that {obj} {agree(obj, 'was', 'were')} {inflect(rep.verb, 'VBN')}"
    return "I see a confirmation message and no error message"


def no_symptom(symptom: str) -> str:
    """The observable opposite of the reported symptom."""
    if not symptom or symptom == "an error":
        return "no error message is shown"
    subject, _, gerund = symptom.rpartition(" ")
    if gerund in ("crashing", "quitting", "closing"):
        return f"{subject} stays open"
    if gerund in ("freezing", "hanging", "lagging"):
        return f"{subject} keeps responding to my input"
    if gerund in ("disappearing", "vanishing"):
        return f"{subject} {agree(subject, 'is', 'are')} still shown"
    if gerund == "resetting":
        return f"{subject} keeps its current state"
    return "no error message is shown"


def _cite(members: Sequence[Member]) -> list[str]:
    # the items quoted first; ties by id so the same input always cites the same items
    return sorted({m.item.id for m in members})[:MAX_CITED]


def _quote(text: str, words: int = 12) -> str:
    parts = " ".join(text.split()).split(" ")
    short = " ".join(parts[:words]).rstrip(",.;:!?")
    return short + ("..." if len(parts) > words else "")


def write_criteria(rep: Ask, members: Sequence[Member], role: str) -> list[Criterion]:
    """2..6 criteria: main path, regressions with reported conditions, reported edge cases, a failure path."""
    action = f"I {rep.phrase}"
    given_role = f"I am signed in as {article(role)} {role}"
    same = [m for m in members if m.ask is not None and m.ask.key == rep.key] or list(members)
    main_then = success(rep)
    if rep.kind == "bug":
        main_then = f"{main_then} and {no_symptom(rep.symptom)}"
    if rep.verb in ("get reminded", "get notifications", "get", "get notified") and " when " in rep.phrase:
        head, _, trigger = rep.phrase.partition(" when ")
        out = [Criterion(given=f"{given_role} and notifications are on", when=trigger,
                         then=f"I receive {head.split(' ', 1)[1] if ' ' in head else 'a notification'} in the app",
                         evidence=_cite(same))]
    elif VERB_KEYS.get(rep.verb, rep.verb) == "use" and _is_sso(_obj(rep)):
        obj = _obj(rep)
        out = [Criterion(given=f"my company has set up {obj}", when=f"I sign in with {obj}",
                         then="I see my account home page without entering a separate password", evidence=_cite(same)),
               Criterion(given=f"my account was removed from my company's {obj}", when=f"I try to sign in with {obj}",
                         then="I am not signed in and I see a message to contact my administrator", evidence=_cite(same))]
    elif rep.phrase == "use the app offline":
        out = [Criterion(given="I have no internet connection", when="I make a change in the app",
                         then="the change is kept on my device and sent once I am back online", evidence=_cite(same)),
               Criterion(given="I made changes while offline", when="my connection comes back",
                         then="every change appears on my other devices and none is lost", evidence=_cite(same))]
    elif VERB_KEYS.get(rep.verb, rep.verb) == "use" and any(w in _obj(rep) for w in ("mode", "theme")):
        obj = _obj(rep)
        out = [Criterion(given=given_role, when=f"I turn on {obj}", then=f"every screen is shown in {obj}", evidence=_cite(same)),
               Criterion(given=f"I have turned on {obj}", when="I close and reopen the app",
                         then=f"{obj} is still on", evidence=_cite(same))]
    else:
        out = [Criterion(given=given_role, when=action, then=main_then, evidence=_cite(same))]
    extra: list[tuple[int, str, Criterion]] = []

    # only bug reports about this same action become regression criteria
    verb = VERB_KEYS.get(rep.verb, rep.verb)
    bugs = [m for m in members if m.ask is not None and m.ask.kind == "bug" and VERB_KEYS.get(m.ask.verb, m.ask.verb) == verb] or (
        [m for m in members if "crash" in m.facts.mentions or "error" in m.facts.mentions] if rep.kind == "bug" else []
    )
    by_env: dict[tuple[str, ...], list[Member]] = {}
    for m in bugs:
        if m.facts.conditions() or m.facts.file_types:
            f = m.facts
            # the same device/OS reported with more or less detail is one regression case
            by_env.setdefault((f.device or f.os or f.browser or "", ",".join(f.file_types)), []).append(m)
    symptom = rep.symptom or next((m.ask.symptom for m in bugs if m.ask and m.ask.symptom), "an error")
    for key, group in sorted(by_env.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:3]:
        facts = max((m.facts for m in group), key=lambda f: (len(f.conditions()), f.condition_key()))
        env = facts.conditions()
        given = f"I am using {_and(env)}" if env else given_role
        if facts.file_types:
            given += f" and the file is {article(facts.file_types[0])} {facts.file_types[0]} file"
        extra.append((len(group) + 100, "regression:" + "|".join(key), Criterion(
            given=given, when=action, then=f"{success(rep)} and {no_symptom(symptom)}", evidence=_cite(group))))
    if bugs and not by_env:
        first = sorted(bugs, key=lambda m: m.item.id)[0]
        extra.append((100, "regression", Criterion(
            given=f'the situation a customer reported: "{_quote(first.item.text)}"', when=action,
            then=f"{success(rep)} and {no_symptom(symptom)}", evidence=_cite(bugs))))

    def mentioning(name: str) -> list[Member]:
        # only reports about this same action (or stating no other action) can add an edge case to it
        return [m for m in members if name in m.facts.mentions
                and (m.ask is None or VERB_KEYS.get(m.ask.verb, m.ask.verb) == verb)]

    special = rep.phrase == "use the app offline"  # its own criteria already cover offline and sync
    if (off := mentioning("offline")) and not special:
        extra.append((len(off), "offline", Criterion(
            given="I have no internet connection", when=action,
            then="I see that the change is waiting to be sent, and it completes once I am back online",
            evidence=_cite(off))))
    lost = [m for m in mentioning("data_loss") if not (m.ask and "disappear" in m.ask.symptom)]
    if lost and not special:
        extra.append((len(lost), "data_loss", Criterion(
            given="I have entered details that are not saved yet", when=f"{action} and it fails",
            then="everything I entered is still there and I see a message saying what went wrong",
            evidence=_cite(lost))))
    slow = mentioning("slow")
    slow_asks = [m for m in members if m.ask is not None and m.ask.kind == "slow" and VERB_KEYS.get(m.ask.verb, m.ask.verb) == verb]
    if slow_asks:
        slow = slow_asks
    if rep.kind == "slow" or slow_asks or len(slow) * 3 >= max(len(members), 1) and any(m.facts.seconds for m in slow):
        # prefer one report that gives both the volume and the time, so the criterion states one real case
        both = [m for m in slow if m.facts.seconds and m.facts.count]
        seconds = [both[0].facts.seconds] if both else sorted(m.facts.seconds for m in slow if m.facts.seconds)
        counts = [both[0].facts.count] if both else [m.facts.count for m in slow if m.facts.count]
        given = f"I have {counts[0]}" if counts else given_role
        then = (f"it finishes in less than the {seconds[0]} seconds customers reported and a progress indicator is "
                "shown while it runs") if seconds else "a progress indicator is shown while it runs and it finishes without a timeout error"
        extra.append((len(slow) + 50, "slow", Criterion(given=given, when=action, then=then, evidence=_cite(slow or same))))
    large = [m for m in mentioning("large") if m.facts.size or m.facts.count]
    if large and rep.kind != "slow":
        size = large[0].facts.size or large[0].facts.count
        extra.append((len(large), "large", Criterion(
            given=f"{_obj(rep) or 'the data'} {agree(_obj(rep) or 'data', 'is', 'are')} {size} in size" if large[0].facts.size else f"I have {size}",
            when=action, then=f"{success(rep)} and a progress indicator shows how far it got", evidence=_cite(large))))
    verb = VERB_KEYS.get(rep.verb, rep.verb)
    if verb == "export":
        seen = set(rep.formats[:1])
        for m in sorted(members, key=lambda m: m.item.id):
            for fmt in (m.ask.formats if m.ask else ()):
                if fmt in seen:
                    continue
                seen.add(fmt)
                holders = [x for x in members if x.ask and fmt in x.ask.formats]
                obj = _obj(rep) or "my data"
                extra.append((len(holders), f"format:{fmt}", Criterion(
                    given=given_role, when=f"I export {obj} to {fmt}",
                    then=f"{article(fmt)} {fmt} file containing {obj} is downloaded", evidence=_cite(holders))))
    dup = [m for m in mentioning("duplicate") if m.ask is not None and m.ask.key == rep.key]
    if dup and verb in ("import", "upload", "scan", "submit", "create", "add"):
        the = _obj(rep) or "the entry"
        extra.append((len(dup), "duplicate", Criterion(
            given=given_role, when=f"{action} twice in a row",
            then=f"{the} {agree(the, 'appears', 'appear')} only once in my list", evidence=_cite(dup))))

    extra.sort(key=lambda e: (-e[0], e[1]))
    out.extend(c for _, _, c in extra[: MAX_CRITERIA - 1])
    if len(out) < 2:
        out.append(_failure(rep, action, same))
    return out[:MAX_CRITERIA]


def _failure(rep: Ask, action: str, same: Sequence[Member]) -> Criterion:
    obj = _obj(rep)
    verb = VERB_KEYS.get(rep.verb, rep.verb)
    if obj and " " not in rep.verb and verb not in ("use",):
        given = f"{obj} cannot be {inflect(rep.verb, 'VBN')} right now"
    else:
        given = "the app cannot complete my request right now"
    return Criterion(given=given, when=action,
                     then="I see an error message that says why and what to do next, and nothing I entered is lost",
                     evidence=_cite(same))


def _is_sso(obj: str) -> bool:
    low = obj.lower()
    return any(w in low for w in ("sso", "single sign-on", "saml", "sign-on"))


def _and(parts: Sequence[str]) -> str:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
