"""Plain words for what the rules and checks report: the PO never reads a rule id.

Every quality rule, verification-gate rule and Definition-of-Ready check has a title a PO understands and, for
the checks, what to do about it on this screen (the CLI's "pass --force" or "run `backlogsmith draft`" mean
nothing in the browser).
"""

from __future__ import annotations

import re

# rule id -> what it means, in words (quality lint, the verification gate, and set-level rules).
RULE_TITLES: dict[str, str] = {
    "well_formed": "Not in 'As a …, I want …, so that …' form",
    "full_sentence": "Not a clean full sentence",
    "minimal": "Says more than one thing (extra clauses or notes)",
    "atomic": "Asks for more than one feature",
    "unique": "Duplicates another story",
    "uniform": "Written differently from the rest of the backlog",
    "conflict_free": "Contradicts another story",
    "criteria_testable": "An acceptance criterion cannot be tested as written",
    "conceptually_sound": "Goal and benefit do not fit together",
    "problem_oriented": "Describes a solution instead of the problem",
    "unambiguous": "Vague or ambiguous words",
    "estimatable": "Too unclear or too large to estimate",
    "independent": "Depends on another story",
    # verification gate (citations, garble, stock phrases, who wrote the evidence)
    "unsupported_evidence": "The cited feedback does not say this",
    "garbled": "Garbled text (reads like a machine wrote it)",
    "generic_benefit": "Stock benefit that would fit any story",
    "generic_criterion": "Template criterion that would fit any story",
    "role_unsupported": "The role is not who wrote the feedback",
    # what the drafter hands over instead of inventing words
    "story_to_write": "A story to write: the feedback gave no clean goal",
    "benefit_missing": "No benefit yet: the feedback states no reason",
}

# Definition-of-Ready check -> (what is missing, what to do on this screen).
DOR_WORDS: dict[str, tuple[str, str]] = {
    "well_formed": ("Not a complete story", "Give it a role, a goal starting with 'to …' and a benefit."),
    "min_two_testable_criteria": ("Fewer than two testable acceptance criteria",
                                  "Add or rewrite criteria so each has a Given, a When and an observable Then."),
    "estimated": ("No estimate", "Set story points in the editor."),
    "has_evidence": ("Missing evidence", "Every criterion must cite the feedback it rests on."),
    "no_blocking_finding": ("A blocking finding is open", "Apply the fix shown under Findings, or edit the text."),
    "prioritized": ("No priority", "Draft again (drafting ranks every story) or approve after ranking."),
    "verified": ("Failed the verification gate", "Apply the fix under Findings, or rewrite the part it names."),
}

_DOR_REASON = re.compile(r"^(?P<check>[a-z_]+):\s*(?P<rest>.*)$", re.S)
# A parenthesis that names a CLI command or flag: the browser has a button for it instead.
_CLI_HINT = re.compile(r"\s*\([^()]*(?:`|--)[^()]*\)")


def rule_title(rule_id: str) -> str:
    """The plain title of a rule; an id no dictionary knows yet is still shown as words, never as snake_case."""
    return RULE_TITLES.get(rule_id) or DOR_WORDS.get(rule_id, (None,))[0] or rule_id.replace("_", " ").capitalize()


def dor_reason(reason: str) -> tuple[str, str]:
    """A Definition-of-Ready reason ('check: detail') as (words, fix); rule ids inside the detail become words too."""
    m = _DOR_REASON.match(reason.strip())
    if not m or m.group("check") not in DOR_WORDS:
        return _CLI_HINT.sub("", reason).strip(), ""
    title, fix = DOR_WORDS[m.group("check")]
    detail = _CLI_HINT.sub("", m.group("rest")).strip()
    inner = _DOR_REASON.match(detail)
    if inner and inner.group("check") in RULE_TITLES:  # no_blocking_finding: <rule>: <message>
        detail = f"{RULE_TITLES[inner.group('check')]} — {inner.group('rest')}"
    return f"{title}: {detail}" if detail else title, fix


_CLI_SENTENCE = re.compile(r"[^.;]*`backlogsmith[^`]*`[^.;]*[.;]?\s*")


def plain_fix(text: str) -> str:
    """A fix without CLI instructions (the page has the buttons); '' when nothing else is left."""
    fix = _CLI_SENTENCE.sub("", _CLI_HINT.sub("", text or "")).strip().rstrip(";,").strip()
    return fix + "." if fix and fix[-1] not in ".!?" else fix


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 story', '3 stories', '0 needs'."""
    if n == 1:
        return f"1 {word}"
    return f"{n} {many or (word[:-1] + 'ies' if word.endswith('y') and word[-2:-1] not in 'aeiou' else word + 's')}"
