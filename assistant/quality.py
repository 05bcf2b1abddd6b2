"""Quality lint: the Quality User Story criteria (Lucassen et al. 2016, as in AQUSA) plus testable criteria.

`lint_story` checks one Story (against the rest of the backlog for the set-level criteria); `lint_texts` checks
plain story lines, e.g. a pasted backlog. Deterministic: the same input always gives the same findings.
The rules live in `assistant/quality_rules/`; this module orders and combines them.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.models import QualityFinding, Story
from assistant.quality_rules import nlp
from assistant.quality_rules.base import means_prefix
from assistant.quality_rules.semantic import (
    conceptually_sound,
    estimatable,
    independent,
    problem_oriented,
    unambiguous,
)
from assistant.quality_rules.setlevel import conflict_free, unique, uniform
from assistant.quality_rules.syntactic import atomic, full_sentence, minimal, well_formed
from assistant.quality_rules.testable import criteria_testable
from assistant.storytext import StoryParts, parse_story
from assistant.verify.gate import GATE_CRITERIA
from assistant.verify.lines import line_findings

BLOCKING_SEVERITY = "error"

CRITERIA: tuple[str, ...] = (
    "well_formed", "atomic", "minimal", "conceptually_sound", "problem_oriented", "unambiguous", "full_sentence",
    "estimatable", "unique", "uniform", "independent", "conflict_free", "criteria_testable",
    # the verification gate (assistant/verify): run on drafts and edits by assistant.stories.finish, and on
    # pasted story lines (garbled, generic_benefit only) by lint_texts
    *GATE_CRITERIA,
)
_ORDER = {name: i for i, name in enumerate(CRITERIA)}
_SINGLE_RULES = (well_formed, atomic, minimal, conceptually_sound, problem_oriented, unambiguous, full_sentence,
                 estimatable, independent)


def _sorted(findings: list[QualityFinding]) -> list[QualityFinding]:
    return sorted(findings, key=lambda f: (_ORDER.get(f.criterion, len(_ORDER)), f.message))


def _story_rules(parts: StoryParts) -> list[QualityFinding]:
    out: list[QualityFinding] = []
    for rule in _SINGLE_RULES:
        out.extend(rule(parts))
    return out


def _warm(parts_list: Sequence[StoryParts]) -> None:
    # One batched parser pass over every means; the rules then hit the parse cache.
    texts = []
    for parts in parts_list:
        if parts.means:
            texts.append(means_prefix(parts) + parts.means)
    nlp.warm(texts)


def lint_story(story: Story, *, backlog: Sequence[Story] = ()) -> list[QualityFinding]:
    """All findings for one story; `backlog` (other stories, may include this one) feeds the set-level criteria."""
    parts = parse_story(story.text)
    findings = _story_rules(parts)
    others = [s for s in backlog if s.id != story.id]
    if others:
        other_parts = [parse_story(s.text) for s in others]
        # This story goes last so a duplicate is reported on it, pointing at the earlier backlog story.
        everything = [*other_parts, parts]
        labels = [*(f"story {s.id}" for s in others), "this story"]
        findings.extend(unique(everything, labels)[-1])
        findings.extend(uniform(everything)[-1])
        findings.extend(conflict_free(everything, labels)[-1])
    findings.extend(criteria_testable(story.acceptance_criteria))
    return _sorted(findings)


def lint_texts(texts: Sequence[str]) -> list[list[QualityFinding]]:
    """Findings for each story line, in input order, including duplicates/uniformity/conflicts across the list."""
    parts_list = [parse_story(t) for t in texts]
    _warm(parts_list)
    labels = [f"line {i + 1}" for i in range(len(texts))]
    per_line = [_story_rules(p) for p in parts_list]
    for extra in (unique(parts_list, labels), uniform(parts_list), conflict_free(parts_list, labels),
                  line_findings(parts_list)):
        for i, found in enumerate(extra):
            per_line[i].extend(found)
    return [_sorted(f) for f in per_line]
