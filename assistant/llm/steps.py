"""Pipeline steps done by an LLM: triage, need statements, story drafting, criteria, repair, judges.

Items are shown to the model under short aliases (F1, F2, ...) and mapped back here: fewer tokens, and
an id the model invents cannot map to anything. Every answer passed the contracts in `contracts.py`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from pydantic import BaseModel

from assistant.llm.contracts import (
    MAX_CRITERIA,
    MAX_STORIES_PER_NEED,
    CriteriaJudgement,
    CriteriaOut,
    CriterionDraft,
    InputContext,
    NeedMembersOut,
    NeedMergeOut,
    NeedPlacementOut,
    NeedStatementOut,
    RepairOut,
    StoryDraft,
    StoryDraftBatch,
    StoryJudgement,
    TriageBatch,
)
from assistant.llm.engine import check_open, run_batches
from assistant.llm.provider import Provider
from assistant.llm.sanitize import data_block, feedback_block, untrusted
from assistant.models import Criterion, FeedbackItem, Need, Provenance, QualityFinding, Sentiment, Story, Triage, Urgency

TRIAGE_BATCH_ITEMS = 40
TRIAGE_BATCH_CHARS = 16_000
EVIDENCE_ITEMS = 12  # per need: enough to see the pattern, few enough to keep prompts small
EVIDENCE_CHARS = 500


class Aliased:
    """Items under short aliases, and the way back."""

    def __init__(self, items: Sequence[FeedbackItem], *, limit: int | None = None):
        self.items = list(items)
        self.aliases = [f"F{i + 1}" for i in range(len(self.items))]
        self.to_id = dict(zip(self.aliases, (it.id for it in self.items)))
        self.block = feedback_block(self.items, ids=self.aliases, **({"limit": limit} if limit else {}))

    def context(self, *, exact: bool = False, extra_texts: Sequence[str] = ()) -> InputContext:
        return InputContext(item_ids=self.aliases, texts=[self.block, *extra_texts], exact_ids=exact,
                            id_texts={a: it.text for a, it in zip(self.aliases, self.items)})

    def real(self, aliases: Sequence[str]) -> list[str]:
        return list(dict.fromkeys(self.to_id[a] for a in aliases))


def _batches(items: Sequence[FeedbackItem]) -> list[list[FeedbackItem]]:
    out: list[list[FeedbackItem]] = []
    size = 0
    for item in items:
        n = min(len(item.text), 1200)
        if out and len(out[-1]) < TRIAGE_BATCH_ITEMS and size + n <= TRIAGE_BATCH_CHARS:
            out[-1].append(item)
            size += n
        else:
            out.append([item])
            size = n
    return out


def llm_triage(provider: Provider, items: Sequence[FeedbackItem]) -> list[Triage]:
    """Triage labels for items, in order; many items per call, calls run under the concurrency limit."""

    def one(batch: list[FeedbackItem]) -> list[Triage]:
        check_open(provider)
        view = Aliased(batch)
        got = provider.generate("triage", {"items": view.block, "count": len(batch)}, TriageBatch,
                                context=view.context(exact=True), max_tokens=60 * len(batch) + 200)
        by_alias = {label.id: label for label in got.value.items}
        return [
            Triage(
                type=lab.type, sentiment=Sentiment(label=lab.sentiment, score=lab.sentiment_score),
                urgency=Urgency(label=lab.urgency, reason=lab.urgency_reason), engine=provider.model,
            )
            for lab in (by_alias[a] for a in view.aliases)
        ]

    return [t for chunk in run_batches(provider, one, _batches(items)) for t in chunk]


def _evidence(need: Need, items: Sequence[FeedbackItem]) -> list[FeedbackItem]:
    """The need's quotes first, then the rest, capped."""
    rank = {q: i for i, q in enumerate(need.quotes)}
    ordered = sorted(items, key=lambda it: (rank.get(it.id, len(rank)),))
    return ordered[:EVIDENCE_ITEMS]


class NeedAnalysis(BaseModel):
    statement: str
    whys: list[str]
    evidence: list[str]
    provenance: Provenance


def llm_need_analysis(provider: Provider, need: Need, items: Sequence[FeedbackItem]) -> NeedAnalysis:
    """Need statement with its '5 whys' chain and the ids that show it best."""
    check_open(provider)
    view = Aliased(_evidence(need, items), limit=EVIDENCE_CHARS)
    name = untrusted(need.name, limit=120)
    got = provider.generate("need_statement", {"need_name": name, "items": view.block}, NeedStatementOut,
                            context=view.context(extra_texts=[name]), max_tokens=600)
    out: NeedStatementOut = got.value
    return NeedAnalysis(statement=out.statement, whys=list(out.whys), evidence=view.real(out.evidence),
                        provenance=got.provenance)


def llm_need_statement(provider: Provider, need: Need, items: Sequence[FeedbackItem]) -> str:
    """One problem-oriented sentence for the need."""
    return llm_need_analysis(provider, need, items).statement


def llm_need_statements(provider: Provider, groups: Sequence[tuple[Need, Sequence[FeedbackItem]]]) -> list[str]:
    """Statements for many needs, one call each, run under the provider's concurrency limit."""
    return run_batches(provider, lambda g: llm_need_statement(provider, g[0], g[1]), list(groups))


MEMBERS_PER_CALL = 25  # blocks judged in one request: the need stays in view, answers stay short


class MemberCheck(BaseModel):
    need: str  # the need the model judged against, in the feedback's terms
    verdicts: dict[str, tuple[bool, str]]  # item id -> (evidence of the need, the model's reason)


def llm_need_members(provider: Provider, items: Sequence[FeedbackItem]) -> MemberCheck:
    """Each item judged against the one need most of them share. The first request (the items closest to the
    need's centre come first) decides that need; later requests judge against it, so a large need is one need."""
    need, verdicts = "", {}
    for start in range(0, len(items), MEMBERS_PER_CALL):
        check_open(provider)
        view = Aliased(items[start:start + MEMBERS_PER_CALL], limit=EVIDENCE_CHARS)
        hint = untrusted(need, limit=160)
        got = provider.generate("need_members", {"need_hint": hint, "items": view.block},
                                NeedMembersOut, context=view.context(exact=True, extra_texts=[hint]),
                                max_tokens=40 * len(view.aliases) + 200)
        out: NeedMembersOut = got.value
        need = need or out.need
        verdicts.update((view.to_id[v.id], (v.belongs, v.reason)) for v in out.verdicts)
    return MemberCheck(need=need, verdicts=verdicts)


def llm_same_needs(provider: Provider, needs: dict[str, tuple[str, list[FeedbackItem]]]) -> list[list[str]]:
    """Groups of need ids the model says are one need (need id -> (the need in a short phrase, example items)). A
    group naming a key not listed, or a key already grouped, is not taken."""
    check_open(provider)
    keys = {f"N{k + 1}": nid for k, nid in enumerate(sorted(needs))}
    lines = []
    for key, nid in keys.items():
        phrase, examples = needs[nid]
        lines.append(f"{key}: {untrusted(phrase, limit=160)}")
        lines += [f"    “{untrusted(it.text, limit=200)}”" for it in examples[:2]]
    listed = "\n".join(lines)
    got = provider.generate("need_merge", {"needs": listed}, NeedMergeOut,
                            context=InputContext(texts=[listed]), max_tokens=600)
    out: NeedMergeOut = got.value
    seen: set[str] = set()
    groups = []
    for group in out.groups:
        members = list(dict.fromkeys(group))
        if len(members) >= 2 and all(k in keys and k not in seen for k in members):
            seen.update(members)
            groups.append([keys[k] for k in members])
    return groups


PLACED_PER_CALL = 30  # loose blocks offered to the needs in one request


def llm_place(provider: Provider, needs: dict[str, str], items: Sequence[FeedbackItem]) -> dict[str, tuple[str, str]]:
    """Item id -> (need id, the model's reason) for the items the model places in one of `needs` (need id -> the need
    in a short phrase); items it leaves in none are not returned. A key the request did not list places nothing."""
    keys = {f"N{k + 1}": nid for k, nid in enumerate(sorted(needs))}
    listed = "\n".join(f"{key}: {untrusted(needs[nid], limit=160)}" for key, nid in keys.items())
    placed: dict[str, tuple[str, str]] = {}
    for start in range(0, len(items), PLACED_PER_CALL):
        check_open(provider)
        view = Aliased(items[start:start + PLACED_PER_CALL], limit=EVIDENCE_CHARS)
        got = provider.generate("need_placement", {"needs": listed, "items": view.block}, NeedPlacementOut,
                                context=view.context(exact=True, extra_texts=[listed]),
                                max_tokens=40 * len(view.aliases) + 200)
        out: NeedPlacementOut = got.value
        placed.update((view.to_id[p.id], (keys[p.need], p.reason)) for p in out.placements if p.need in keys)
    return placed


def _criteria(drafts: Sequence[CriterionDraft], view: Aliased) -> list[Criterion]:
    return [Criterion(given=c.given, when=c.when, then=c.then, evidence=view.real(c.evidence)) for c in drafts]


def _story_id(need_id: str, n: int) -> str:
    return "S" + hashlib.sha1(f"{need_id}:llm:{n}".encode()).hexdigest()[:11]


def llm_draft_stories(provider: Provider, need: Need, items: Sequence[FeedbackItem]) -> list[Story]:
    """Up to three stories for a need, criteria citing only the given items; status always 'draft'."""
    check_open(provider)
    view = Aliased(_evidence(need, items), limit=EVIDENCE_CHARS)
    name = untrusted(need.name, limit=120)
    statement = untrusted(need.statement or need.name, limit=400)
    got = provider.generate(
        "story_drafting",
        {"need_name": name, "need_statement": statement, "items": view.block,
         "max_stories": MAX_STORIES_PER_NEED, "max_criteria": MAX_CRITERIA},
        StoryDraftBatch, context=view.context(extra_texts=[name, statement]), max_tokens=3000,
    )
    return [
        Story(
            id=_story_id(need.id, n), need_id=need.id, role=d.role, goal=d.goal, benefit=d.benefit,
            acceptance_criteria=_criteria(d.acceptance_criteria, view), evidence=view.real(d.evidence),
            provenance=got.provenance,
        )
        for n, d in enumerate(got.value.stories)
    ]


def llm_draft_stories_many(
    provider: Provider, groups: Sequence[tuple[Need, Sequence[FeedbackItem]]]
) -> list[list[Story]]:
    """Stories for many needs, one call each, run under the provider's concurrency limit."""
    return run_batches(provider, lambda g: llm_draft_stories(provider, g[0], g[1]), list(groups))


def _story_text(story: Story, alias: dict[str, str]) -> str:
    lines = [story.text, "Acceptance criteria:"]
    for n, c in enumerate(story.acceptance_criteria, 1):
        cites = ", ".join(alias.get(e, "?") for e in c.evidence)
        lines.append(f"{n}. Given {c.given} When {c.when} Then {c.then} [evidence: {cites}]")
    return "\n".join(lines)


def _story_view(story: Story, items: Sequence[FeedbackItem]) -> tuple[Aliased, str]:
    by_id = {it.id: it for it in items}
    cited = list(dict.fromkeys([*story.evidence, *(e for c in story.acceptance_criteria for e in c.evidence)]))
    # Evidence the caller did not pass as items still gets an alias (an empty block), so it can be kept.
    shown = [by_id.get(i) or FeedbackItem(id=i, text="(not shown)", source={"path": "-", "row": 1}) for i in cited]
    shown += [it for it in items if it.id not in cited][: max(0, EVIDENCE_ITEMS - len(shown))]
    view = Aliased(shown, limit=EVIDENCE_CHARS)
    alias = {v: k for k, v in view.to_id.items()}
    return view, data_block("story", _story_text(story, alias))


def llm_acceptance_criteria(provider: Provider, story: Story, items: Sequence[FeedbackItem]) -> list[Criterion]:
    """Given/When/Then criteria for a story, citing only the given items."""
    view, block = _story_view(story, items)
    got = provider.generate("acceptance_criteria", {"story": block, "items": view.block, "max_criteria": MAX_CRITERIA},
                            CriteriaOut, context=view.context(extra_texts=[block]), max_tokens=1500)
    return _criteria(got.value.criteria, view)


def llm_repair_story(
    provider: Provider, story: Story, findings: Sequence[QualityFinding], items: Sequence[FeedbackItem] = ()
) -> Story:
    """The story rewritten against the linter's findings; id, need, status and version stay as they were."""
    check_open(provider)
    view, block = _story_view(story, items)
    listing = "\n".join(f"- [{f.severity}] {f.criterion}: {f.message}" + (f" (fix: {f.fix})" if f.fix else "")
                        for f in findings) or "- (none)"
    findings_block = data_block("findings", listing)
    got = provider.generate(
        "critique_repair",
        {"story": block, "findings": findings_block, "items": view.block, "evidence_ids": ", ".join(view.aliases)},
        RepairOut, context=view.context(extra_texts=[block, findings_block]), max_tokens=2000,
    )
    d: StoryDraft = got.value.story
    return story.model_copy(update={
        "role": d.role, "goal": d.goal, "benefit": d.benefit, "acceptance_criteria": _criteria(d.acceptance_criteria, view),
        "evidence": view.real(d.evidence), "provenance": got.provenance,
    })


def llm_judge_story(provider: Provider, story: Story) -> StoryJudgement:
    """Rubric scores for one story (evals only)."""
    block = data_block("story", story.text)
    return provider.generate("judge_story_quality", {"story": block}, StoryJudgement,
                             context=InputContext(texts=[block]), max_tokens=600).value


def llm_judge_criteria(provider: Provider, story: Story) -> CriteriaJudgement:
    """Rubric scores for a story's acceptance criteria (evals only)."""
    story_block = data_block("story", story.text)
    crit = "\n".join(f"{n}. Given {c.given} When {c.when} Then {c.then}" for n, c in enumerate(story.acceptance_criteria, 1))
    crit_block = data_block("criteria", crit or "(none)")
    return provider.generate("judge_criteria_testability", {"story": story_block, "criteria": crit_block},
                             CriteriaJudgement, context=InputContext(texts=[story_block, crit_block]), max_tokens=600).value
