"""LLM drafts through the verification gate, with critique-repair: a citation is a claim that is checked.

Every story a model drafts is verified against the items it cites (`assistant.verify`). Unsupported
citations are stripped; a story left with no supported evidence is dropped and reported (a model, or feedback
that steers it, cannot add a story nobody asked for). A story with findings goes back to the model with the
findings as input (the critique prompt) a bounded number of times; what still has findings is kept, not Ready,
with its findings for the PO to read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.errors import LLMError
from assistant.models import Criterion, FeedbackItem, QualityFinding, Story
from assistant.stories.evidence import drop_invented

MAX_CRITIQUE_ROUNDS = 2
GATE_FINDINGS = ("unsupported_evidence", "garbled", "generic_benefit", "generic_criterion", "role_unsupported")


@dataclass
class Reviewed:
    """The story after the gate and repair (None when dropped), its open findings, and what to tell the PO."""

    story: Story | None
    findings: list[QualityFinding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    repairs: int = 0


def verify(story: Story, items: Sequence[FeedbackItem], *, backlog: Sequence[Story] = (),
           embed: Callable[[Sequence[str]], Any] | None = None) -> tuple[Story, list[QualityFinding]]:
    """The verification gate: the story with unsupported citations stripped, and the gate's findings."""
    try:
        from assistant.verify import verify_story
    except ImportError:  # the gate package not merged yet: the citation-support part of it, by word overlap
        return _support_only(story, items)
    result = verify_story(story, list(items), backlog=backlog, embed=embed)
    if isinstance(result, tuple):
        checked, findings = result[0], list(result[1])
    else:
        checked, findings = result, [f for f in result.quality if f.criterion in GATE_FINDINGS]
    return checked, [f for f in findings if f.criterion in GATE_FINDINGS]


_WORD = re.compile(r"[^\W\d_]{3,}")
_COMMON = frozenset("""
the and for are but not you your yours all any can had has have her his him its our out was were will with
this that these those from they them their then than when what which who whom why how into onto over under
about after again also been being both each few more most other some such only own same very just now
given when then see sees seen shown shows show able want wants should would could must may might get gets got
user users customer customers person people someone thing things way ways use used using make made does did
every please right now let lot really still always never time times day days
""".split())


def _supports(claim: set[str], item: set[str]) -> bool:
    """Two shared content words (one when the item is only a few words long): one common word proves nothing."""
    shared = claim & item
    return len(shared) >= 2 or (len(shared) == 1 and len(item) <= 3)


def _stems(text: str) -> set[str]:
    out = set()
    for w in _WORD.findall(text.lower()):
        if w in _COMMON:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                w = w[: -len(suffix)]
                break
        out.add(w)
    return out


def _support_only(story: Story, items: Sequence[FeedbackItem]) -> tuple[Story, list[QualityFinding]]:
    """A citation stands only when the cited item shares content words with what cites it."""
    words = {it.id: _stems(it.text) for it in items}
    findings: list[QualityFinding] = []
    criteria: list[Criterion] = []
    for n, c in enumerate(story.acceptance_criteria, 1):
        claim = _stems(f"{c.given} {c.when} {c.then}")
        kept = [e for e in c.evidence if _supports(claim, words.get(e, set()))]
        if len(kept) < len(c.evidence):
            findings.append(QualityFinding(
                criterion="unsupported_evidence", severity="warning",
                message=f"Criterion {n} cited feedback that does not say what it states; those citations were removed"
                        f"{'' if kept else ' and the criterion dropped'}.",
                fix="Cite the items that state the condition and outcome, or write the criterion from them."))
        if kept:
            criteria.append(c.model_copy(update={"evidence": kept}))
    # The goal is what the story says people asked for: an item that shares none of its words did not ask it.
    goal = _stems(f"{story.goal} {story.benefit}")
    evidence = [e for e in story.evidence if _supports(goal, words.get(e, set()))]
    if len(evidence) < len(story.evidence):
        findings.append(QualityFinding(
            criterion="unsupported_evidence", severity="warning",
            message="The story cited feedback that does not ask for its goal; those citations were removed.",
            fix="Cite only items that ask for this goal."))
    return story.model_copy(update={"evidence": evidence, "acceptance_criteria": criteria}), findings


def _grounded(story: Story) -> bool:
    return bool(story.evidence) and any(c.evidence for c in story.acceptance_criteria)


def review_llm_story(provider: Any, story: Story, items: Sequence[FeedbackItem], *, backlog: Sequence[Story] = (),
                     embed: Callable[[Sequence[str]], Any] | None = None,
                     rounds: int = MAX_CRITIQUE_ROUNDS) -> Reviewed:
    """Gate one LLM draft, repair it with the critique prompt while it has findings (at most `rounds` times)."""
    from assistant.llm.steps import llm_repair_story  # only when an LLM is configured

    known = {it.id for it in items}
    checked, findings = verify(story, items, backlog=backlog, embed=embed)
    if not _grounded(checked):
        return Reviewed(None, findings, [f"dropped an LLM story no cited feedback supports: '{_short(story)}'"])
    out = Reviewed(checked, findings)
    while out.findings and out.repairs < rounds:
        out.repairs += 1
        try:
            repaired = llm_repair_story(provider, out.story, out.findings, items)  # type: ignore[arg-type]
        except LLMError as exc:
            out.notes.append(f"critique-repair of '{_short(out.story)}' stopped: {exc}")  # type: ignore[arg-type]
            break
        repaired, _ = drop_invented(repaired, known)
        again, again_findings = verify(repaired, items, backlog=backlog, embed=embed)
        if not _grounded(again):
            out.notes.append(f"a repair of '{_short(out.story)}' lost its evidence; kept the earlier draft")  # type: ignore[arg-type]
            break
        out.story, out.findings = again, again_findings
    return out


def _short(story: Story, n: int = 90) -> str:
    text = f"As a {story.role}, I want {story.goal}"
    return text if len(text) <= n else text[: n - 1] + "…"
