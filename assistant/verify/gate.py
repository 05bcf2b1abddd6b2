"""The verification gate: every draft (offline or LLM) and every PO edit passes here before lint and Ready.

`verify_story` measures each citation (assistant.verify.support), strips the ones that do not support what
cites them (when drafting), drops criteria left with no support, and adds findings for a garbled goal, a generic
benefit or criterion and an unsupported role. Any finding it leaves with severity warning or error keeps the
story from Ready (assistant.readiness); `info` findings only record citations it removed itself.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Criterion, FeedbackItem, QualityFinding, Story
from assistant.verify import generic
from assistant.verify.about import off_goal, unsaid
from assistant.verify.garble import garbled_reason
from assistant.verify.role import role_reason
from assistant.verify.support import (
    CachedEmbed,
    Support,
    as_cached,
    citation_support,
    item_terms,
    texts_to_embed,
)
from assistant.verify.terms import Terms, singular, terms, warm

GATE_CRITERIA: tuple[str, ...] = (
    "unsupported_evidence", "garbled", "generic_benefit", "generic_criterion", "role_unsupported",
)
Mode = Literal["draft", "review"]
# a word in more than this share of the inbox is its subject ("app" in 34-40% of app reviews, "card" in 37% of a
# bank's messages), not a fact; the next most frequent words ("comic", "credit", "account") stay below it
COMMON_SHARE = 0.3
_WORDS = re.compile(r"[A-Za-z][A-Za-z'-]+")
COMMON_MIN_ITEMS = 100  # below this a share says little: a 30-review sample about one crash is "all about files"

FIXES = {
    "unsupported_evidence": "Cite the items that state this (or remove the claim); `backlogsmith feedback list` "
                            "shows the items.",
    "garbled": "Rewrite the goal as one action a person would say, e.g. 'to open large files without an error'.",
    "generic_benefit": "Write why the customers want this, in their words (what they can then do, or what it "
                       "costs them today).",
    "generic_criterion": "Make it specific: put in the condition, number, platform or message the feedback reports.",
    "role_unsupported": "Name the role the cited feedback shows (its segment, or who wrote it).",
}


class Verified(BaseModel):
    """What the gate did to one story: the cleaned story, its findings and the citations it removed."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    story: Story
    findings: list[QualityFinding] = Field(default_factory=list)
    dropped_citations: list[tuple[str, str]] = Field(
        default_factory=list, description="(where, item id): 'story' or 'criterion N', and the id removed.")
    dropped_criteria: list[int] = Field(default_factory=list, description="1-based numbers of removed criteria.")
    supports: list[Support] = Field(default_factory=list)
    goal_supports: list[Support] = Field(default_factory=list, description="The story-level citations' measures.")

    @property
    def grounded(self) -> bool:
        """Some story-level citation states the goal and is about it."""
        return any(s.supported for s in self.goal_supports)

    @property
    def blocking(self) -> list[QualityFinding]:
        return [f for f in self.findings if f.severity != "info"]


def gate_finding(criterion: str, mode: Mode, message: str) -> QualityFinding:
    return QualityFinding(criterion=criterion, severity="error" if mode == "draft" else "warning",
                          message=message[:1].upper() + message[1:], fix=FIXES[criterion])


def _note(message: str) -> QualityFinding:
    return QualityFinding(criterion="unsupported_evidence", severity="info", message=message[:1].upper() + message[1:],
                          fix="Nothing to do: the citation was removed; re-add it if it does support the story.")


def common_words(items: Sequence[FeedbackItem]) -> frozenset[str]:
    """Words in more than COMMON_SHARE of the items: the inbox's subject ('app', 'card'), no fact on their own."""
    if len(items) < COMMON_MIN_ITEMS:
        return frozenset()
    # plain words and their singular, not the parse: the whole inbox is counted, most of it never cited
    df: Counter[str] = Counter()
    for item in items:
        words = {w.lower() for w in _WORDS.findall(item.text)}
        df.update(words | {singular(w) for w in words})
    return frozenset(w for w, n in df.items() if n > COMMON_SHARE * len(items))


def criterion_text(c: Criterion) -> str:
    """The sentence a criterion claims, as measured against its citations."""
    return f"Given {c.given}, when {c.when}, then {c.then}"


def goal_claim(story: Story) -> str:
    """What story-level citations must support: the role and the goal."""
    goal = story.goal.strip()
    return goal[3:] if goal.lower().startswith("to ") else goal


def _measure(claim: str, ids: Sequence[str], items: Mapping[str, FeedbackItem], embed: CachedEmbed,
             common: frozenset[str]) -> list[Support]:
    out = []
    for i in ids:
        item = items.get(i)
        if item is None:
            out.append(Support(item_id=i, score=0.0, supported=False))
        else:
            out.append(citation_support(claim, item, embed=embed, common=common))
    return out


def _goal(story: Story) -> str:
    return goal_claim(story).rstrip(" .")


def _why(bad: Sequence[Support]) -> str:
    """Plain words for why citations fail: about something else, or not stating the goal."""
    other = sum(1 for s in bad if not s.about)
    if not bad:
        return ""
    if other == len(bad):
        return " (they are about another thing or action, or say the opposite)"
    if other:
        return f" ({other} about another thing or action, {len(bad) - other} not stating it)"
    return " (no shared facts, or not close in meaning)"


def _unsaid(story: Story, items: Mapping[str, FeedbackItem]) -> str:
    words = unsaid(story.goal, [items[i] for i in story.evidence if i in items])
    return f"; no cited item says {', '.join(repr(w) for w in words)}" if words else ""


def _ids(supports: list[Support]) -> str:
    return ", ".join(s.item_id for s in supports[:4]) + (" ..." if len(supports) > 4 else "")


def verify_story(
    story: Story,
    items: Mapping[str, FeedbackItem],
    *,
    backlog: Sequence[Story] = (),
    embed: Any = None,
    mode: Mode = "draft",
    common: frozenset[str] | None = None,
    asks: Mapping[str, Any] | None = None,
    people: Sequence[str] = (),
) -> Verified:
    """Check one story against its cited items. mode='draft' strips and drops; 'review' (PO edits, lint) only flags.

    `asks`: the items' asks when the caller has read them (assistant.stories.asks.read_asks); read here otherwise.
    `people`: what the inbox's stakeholders call its writers (assistant.stories.roles.inbox_people), for the role."""
    if story.kind == "to_write":
        # no goal to check: the story to write carries its own finding (assistant.stories.brief)
        return Verified(story=story)
    embed = as_cached(embed)
    if common is None:
        common = common_words([items[i] for i in cited_in(story) if i in items])
    _warm([story], items, embed, common)
    findings: list[QualityFinding] = []
    dropped: list[tuple[str, str]] = []
    supports: list[Support] = []
    strip = mode == "draft"

    # story-level citations support the goal: they state it, and they are about its object and action
    story_sup = _measure(goal_claim(story), story.evidence, items, embed, common)
    off = set(off_goal(story.goal, story.evidence, items, asks, common))
    story_sup = [s.model_copy(update={"supported": False, "about": False}) if s.item_id in off else s
                 for s in story_sup]
    supports += story_sup
    kept = [s.item_id for s in story_sup if s.supported]
    bad = [s for s in story_sup if not s.supported]
    evidence = list(story.evidence)
    if story.evidence and not kept:
        findings.append(gate_finding("unsupported_evidence", mode,
                                     f"none of the {len(story.evidence)} item(s) the story cites asks for "
                                     f"'{_goal(story)}'{_why(bad)}{_unsaid(story, items)}; the story has no "
                                     "supporting feedback"))
    elif bad and strip:
        evidence = kept
        dropped += [("story", s.item_id) for s in bad]
        findings.append(_note(f"removed {len(bad)} story citation(s) that do not ask for '{_goal(story)}'"
                              f"{_why(bad)}: {_ids(bad)}"))
    elif bad:
        findings.append(gate_finding("unsupported_evidence", mode,
                                     f"{len(bad)} cited item(s) do not ask for '{_goal(story)}'{_why(bad)}: "
                                     f"{_ids(bad)}"))

    # criterion citations support the criterion, and its numbers and named things come from them
    criteria: list[Criterion] = []
    dropped_criteria: list[int] = []
    in_goal = terms(story.goal)  # the goal pasted into a criterion rests on the story's evidence, not the criterion's
    pasted = {n.lower() for n in in_goal.named | in_goal.numbers | in_goal.lemmas}
    for n, c in enumerate(story.acceptance_criteria, 1):
        sup = _measure(criterion_text(c), c.evidence, items, embed, common)
        supports += sup
        good = [s for s in sup if s.supported]
        unstated = set.intersection(*(set(s.missing) for s in good)) - pasted if good else set()
        if not good or unstated:
            why = (f"criterion {n} states {', '.join(sorted(unstated)[:3])} but none of its cited items does"
                   if good else f"criterion {n}: none of its {len(c.evidence)} cited item(s) supports it")
            if strip:
                dropped_criteria.append(n)
                dropped += [(f"criterion {n}", s.item_id) for s in sup]
                findings.append(_note(f"{why}; the criterion was removed"))
            else:
                findings.append(gate_finding("unsupported_evidence", mode, why))
                criteria.append(c)
            continue
        if len(good) < len(sup) and strip:
            dropped += [(f"criterion {n}", s.item_id) for s in sup if not s.supported]
            findings.append(_note(f"criterion {n}: removed {len(sup) - len(good)} citation(s) that do not support it"))
            c = c.model_copy(update={"evidence": [s.item_id for s in good]})
        elif len(good) < len(sup):
            findings.append(gate_finding("unsupported_evidence", mode,
                                     f"criterion {n}: {len(sup) - len(good)} cited item(s) do not support it"))
        criteria.append(c)
    story = story.model_copy(update={"evidence": evidence, "acceptance_criteria": criteria})
    findings += text_findings(story, backlog, mode=mode, items=items, common=common, people=people)
    return Verified(story=story, findings=findings, dropped_citations=dropped, dropped_criteria=dropped_criteria,
                    supports=supports, goal_supports=story_sup)


def text_findings(story: Story, backlog: Sequence[Story] = (), *, mode: Mode = "review",
                  items: Mapping[str, FeedbackItem] | None = None,
                  common: frozenset[str] = frozenset(), people: Sequence[str] = ()) -> list[QualityFinding]:
    """garbled, generic_benefit, generic_criterion, role_unsupported; the evidence checks only when items are given."""
    out: list[QualityFinding] = []
    why = garbled_reason(story.goal)
    if why:
        out.append(gate_finding("garbled", mode, f"The goal is not a clean action: {why}."))
    same, per_criterion = generic.generic_counts(backlog, story)
    cited = [items[i] for i in story.evidence if i in items] if items is not None else None
    evidence = _terms_of(cited) if cited else None
    why = generic.benefit_reason(story, same=same, evidence=evidence)
    if why:
        out.append(gate_finding("generic_benefit", mode, f"The benefit is generic: {why}."))
    for n, c in enumerate(story.acceptance_criteria, 1):
        c_items = [items[i] for i in c.evidence if i in items] if items is not None else None
        why = generic.criterion_reason(c, story, same=per_criterion.get(n - 1, 1),
                                       evidence=_terms_of(c_items) if c_items else None, common=common)
        if why:
            out.append(gate_finding("generic_criterion", mode,
                                f"Criterion {n} would fit any story: {why}. It does not count as testable."))
    if items is not None:
        cited_all = [items[i] for i in cited_in(story) if i in items]
        why = role_reason(story.role, cited_all, people)
        if why:
            out.append(gate_finding("role_unsupported", mode, f"The role is not supported: {why}."))
    return out


def generic_criteria(story: Story) -> set[int]:
    """1-based numbers of the criteria the gate called generic (they do not count toward Ready)."""
    out = set()
    for f in story.quality:
        if f.criterion == "generic_criterion":
            m = re.match(r"Criterion (\d+)", f.message)
            if m:
                out.add(int(m.group(1)))
    return out


def _terms_of(items: Sequence[FeedbackItem]) -> Terms:
    acc = Terms()
    for item in items:
        acc = acc | item_terms(item)
    return acc


def cited_in(story: Story) -> list[str]:
    ids = list(story.evidence)
    for c in story.acceptance_criteria:
        ids.extend(c.evidence)
    return list(dict.fromkeys(ids))


def _claims(story: Story) -> list[tuple[str, list[str]]]:
    """Every (claim, cited ids) pair of a story: the goal and each criterion."""
    return [(goal_claim(story), story.evidence), *((criterion_text(c), c.evidence) for c in story.acceptance_criteria)]


def _warm(stories: Sequence[Story], items: Mapping[str, FeedbackItem], embed: CachedEmbed,
          common: frozenset[str]) -> None:
    """One batched parse and one batched embedding pass for everything the checks will read."""
    cited = [items[i] for i in dict.fromkeys(i for st in stories for i in cited_in(st)) if i in items]
    warm([*(t for st in stories for t in (goal_claim(st), st.goal, st.benefit, st.role)),
          *(criterion_text(c) for st in stories for c in st.acceptance_criteria), *(i.text for i in cited)])
    embed.warm([t for st in stories for claim, ids in _claims(st) for i in ids if i in items
                for t in texts_to_embed(claim, items[i], common)])


def verify_stories(stories: Sequence[Story], items: Mapping[str, FeedbackItem], *, backlog: Sequence[Story] = (),
                   embed: Any = None, mode: Mode = "draft",
                   pool: Sequence[FeedbackItem] | None = None, people: Sequence[str] = ()) -> list[Verified]:
    """verify_story for a batch: one parse pass, one embedding pass, and the benefit/skeleton counts over all.

    `pool`: the whole inbox, to learn its everyday words from (default: the cited items)."""
    embed = as_cached(embed)
    cited = [items[i] for i in dict.fromkeys(i for st in stories for i in cited_in(st)) if i in items]
    pool = list(pool) if pool is not None else cited
    warm([i.text for i in cited])
    common = common_words(pool)
    _warm(stories, items, embed, common)
    everything = [*backlog, *stories]
    from assistant.stories.asks import read_asks, subject_noun

    # the drafting's reading of the items, the same product standing in for a bare "it" (assistant.stories.draft)
    asks = read_asks([items[i] for i in dict.fromkeys(i for st in stories for i in st.evidence) if i in items],
                     subject_noun(pool, common))
    return [verify_story(st, items, backlog=everything, embed=embed, mode=mode, common=common, asks=asks, people=people)
            for st in stories]
