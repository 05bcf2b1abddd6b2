"""criteria_testable: each acceptance criterion has Given/When/Then and a Then a tester can observe."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.models import Criterion, QualityFinding
from assistant.quality_rules.base import finding

# Outcomes nobody can check without a number or a visible result.
_VAGUE_THEN = {
    "fast": "within <N> seconds", "quickly": "within <N> seconds", "quick": "within <N> seconds",
    "promptly": "within <N> seconds", "instantly": "within <N> seconds", "slow": "in more than <N> seconds",
    "easily": "in <N> steps or fewer", "easy": "in <N> steps or fewer", "user-friendly": "in <N> steps or fewer",
    "intuitive": "without help text", "smoothly": "without an error message", "seamlessly": "without an error message",
    "properly": "<the exact result>", "correctly": "<the exact result>", "well": "<the exact result>",
    "appropriately": "<the exact result>", "appropriate": "<the exact result>", "efficiently": "within <N> seconds",
    "reasonable": "<N>", "acceptable": "<N>", "good": "<the exact result>", "nice": "<the exact result>",
    "better": "<by how much>", "improved": "<by how much>", "optimal": "<the target value>",
    "reliably": "in <N> of <N> attempts", "as expected": "<the exact result>", "works": "<the exact result>",
}
_OBSERVABLE = re.compile(
    r"\d|[\"'“‘]|\b(?:see|sees|shown?|shows|display(?:s|ed)?|appears?|lists?|listed|receives?|received|gets?|sent|"
    r"returns?|returned|contains?|includes?|saved|stored|created|deleted|removed|updated|changed|marked|set to|"
    r"equals?|is|are|has|have|message|error|email|notification|status|count|total|download(?:s|ed)?|"
    r"redirect(?:s|ed)?|highlighted|disabled|enabled|hidden|visible|logged|charged|refunded|blocked)\b", re.I)


def _vague(text: str) -> list[str]:
    low = text.lower()
    hits = [w for w in _VAGUE_THEN if re.search(rf"\b{re.escape(w)}\b", low)]
    if re.search(r"\d", text):  # "within 2 seconds, quickly" is already measurable
        hits = [w for w in hits if w not in {"fast", "quickly", "quick", "promptly", "efficiently", "slow"}]
    return [h for h in hits if not (h == "well" and "as well" in low)]


def criteria_testable(criteria: Sequence[Criterion]) -> list[QualityFinding]:
    """Missing Given/When/Then parts are errors; a vague or unobservable Then is a warning."""
    if not criteria:
        return [finding("criteria_testable", "warning",
                        "No acceptance criteria yet: the team cannot tell when this story is done.",
                        "Given <starting situation>, when <the user acts>, then <what they see or get>.")]
    out: list[QualityFinding] = []
    for n, crit in enumerate(criteria, start=1):
        parts = {"given": crit.given.strip(), "when": crit.when.strip(), "then": crit.then.strip()}
        missing = [name for name, value in parts.items() if not value]
        if missing:
            filled = {name: value or f"<{name} ...>" for name, value in parts.items()}
            out.append(finding(
                "criteria_testable", "error",
                f"Criterion {n} has no {' / '.join(missing)}: it cannot be turned into a test.",
                f"Given {filled['given']}, when {filled['when']}, then {filled['then']}.",
            ))
            continue
        hits = _vague(parts["then"])
        if hits:
            then = parts["then"]
            for word in hits:
                then = re.sub(rf"\b{re.escape(word)}\b", _VAGUE_THEN[word], then, count=1, flags=re.I)
            out.append(finding(
                "criteria_testable", "warning",
                f"Criterion {n} has an outcome nobody can check ({', '.join(hits)}): give a number or a visible "
                "result.",
                f"Given {parts['given']}, when {parts['when']}, then {then}.",
            ))
        elif not _OBSERVABLE.search(parts["then"]):
            out.append(finding(
                "criteria_testable", "info",
                f"Criterion {n}: the 'then' does not name something a tester can observe (a message, a value, "
                "a saved record).",
                f"Given {parts['given']}, when {parts['when']}, then <what the user sees or gets>.",
            ))
    return out
