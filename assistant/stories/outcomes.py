"""The observable outcome of a story's action once it works: what a criterion's Then says, from the action's
verb and object (general English verbs only), and the check that a Then does not only say its When again."""

from __future__ import annotations

import re

from assistant.models import Criterion
from assistant.stories.asks import VERB_KEYS, Ask
from assistant.stories.nlp import article, inflect
from assistant.stories.roles import agree


def object_of(rep: Ask) -> str:
    return rep.obj if rep.obj and not rep.pronoun else ""


def _be(obj: str) -> str:
    return agree(obj, "is", "are")


def success(rep: Ask) -> str:
    """The observable result of the main path for this kind of action."""
    verb = VERB_KEYS.get(rep.verb, rep.verb)
    obj = object_of(rep)
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
    if verb == "log in":
        return "I see my account home page"
    if verb in ("delete", "remove", "archive", "cancel"):
        return f"{the} no longer {agree(the, 'appears', 'appear')} in my list"
    if verb in ("edit", "change", "rename", "update", "set"):
        return "the new value is shown after I reload the page"
    if verb in ("view", "load", "open", "launch", "start") and rep.stand_in:
        return f"{the} {agree(the, 'opens', 'open')} and {agree(the, 'stays', 'stay')} open"  # "it" was the product
    if verb in ("view", "load", "open"):
        return f"{the} {_be(the)} shown"  # not "with all its data": no writer said any was missing
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


def done(rep: Ask) -> str:
    """The action's outcome once the reported failure is fixed; for an action with no outcome of its own, that it can
    be done ("I can read from SD Card") or, with nothing more to say, that the app stays open (never a bare "no error
    message", which would fit any story)."""
    result = success(rep)
    if "no error message" not in result and not result.startswith("I see a confirmation that"):
        return result  # ("a comic was read" confirms nothing a reader would see)
    # an action with no outcome of its own ("read from SD Card", "read through a comic"): that it can be done
    return f"I can {rep.phrase}" if " " in rep.phrase.strip() else "the app stays open"


def no_symptom(symptom: str) -> str:
    """The observable opposite of the reported symptom."""
    if not symptom or symptom == "an error":
        return "no error message is shown"
    subject, _, gerund = symptom.rpartition(" ")
    # what crashes or freezes is the app, whatever the writer called it ("the constant out of memory crashing")
    if gerund in ("crashing", "quitting", "closing"):
        return "the app stays open"
    if gerund in ("freezing", "hanging", "lagging"):
        return "the app keeps responding to my input"
    if gerund in ("disappearing", "vanishing"):
        return f"{subject} {agree(subject, 'is', 'are')} still shown"
    if gerund == "resetting":
        return f"{subject} keeps its current state"
    return "no error message is shown"



_FRAME = {"ask", "show", "tell", "want", "have", "see", "know", "give"}  # asking for a thing and being shown it


def restates(crit: Criterion, rep: Ask) -> bool:
    """The Then only says the When again ("When I ask for X Then X is shown"), and neither adds a fact beyond the
    goal (a number, a condition, a word of its own): a test that passes by definition."""
    from assistant.verify.terms import terms

    when, then, given, goal = (terms(t) for t in (crit.when, crit.then, crit.given, rep.phrase))
    said = when.lemmas | when.named | _FRAME
    if not (then.lemmas | then.named) <= said or when.numbers or then.numbers or given.numbers:
        return False
    beyond = (when.lemmas | given.lemmas) - goal.lemmas - _FRAME
    return not beyond
