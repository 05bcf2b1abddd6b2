"""Stories suite: run the real drafting pipeline on an eval corpus and measure shape, lint and evidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evals.cases import EvalCase
from evals.graders import benefit_is_distinct, gate_metrics, is_well_formed, story_citations
from assistant.quality import lint_story
from evals.harness import EvalContext, load_items, load_needs, run_pipeline, story_dict
from evals.models import Metric, SuiteResult
from evals.suites import failed_case, grade_case, inboxes


@dataclass
class Drafted:
    """One corpus run through the pipeline: what went in and what came out."""

    item_ids: list[str]
    stories: list[dict[str, Any]]
    lint: list[list[dict[str, Any]]]
    needs: list[dict[str, Any]]
    item_texts: list[str]
    gate: dict[str, Any] | None = None


def _lint(stories: list[Any]) -> list[list[dict[str, Any]]]:
    return [[f.model_dump(mode="json") for f in lint_story(s, backlog=stories)] for s in stories]


def draft_corpus(ctx: EvalContext, case: EvalCase) -> Drafted:
    """Draft stories for a case's items in a fresh workspace (cached: the criteria suite reuses it)."""
    key = f"draft:{case.source}:{case.name}"
    if key not in ctx.cache:
        with ctx.workspace(f"stories-{case.name}") as ws:
            # The gold topic is the answer key for the needs suite; the pipeline must not see it.
            records = [{k: v for k, v in it.items() if k != "topic"} for it in case.inputs["items"]]
            _, stories = run_pipeline(ctx, ws, records, case.name)
            items = load_items(ws)
            needs = [n.model_dump(mode="json") for n in load_needs(ws)]
            gate = gate_metrics(stories, {i.id: i for i in items}, embed=ws.embedder,
                                pool=[i for i in items if i.kind == "feedback" and not i.duplicate_of])
        ctx.cache[key] = Drafted(item_ids=[i.id for i in items], stories=[story_dict(s) for s in stories],
                                 lint=_lint(stories), needs=needs, item_texts=[i.text for i in items], gate=gate)
    return ctx.cache[key]


def evidence_stats(stories: list[dict[str, Any]], item_ids: list[str]) -> dict[str, float]:
    """Citation validity and coverage: how much of the feedback the stories actually rest on."""
    known = set(item_ids)
    cited = [set(story_citations(s)) for s in stories]
    valid = [bool(s.get("evidence")) and c <= known for s, c in zip(stories, cited)]
    covered = set().union(*cited) & known if cited else set()
    return {
        "stories_with_valid_citations": sum(valid) / len(stories) if stories else 0.0,
        "feedback_coverage": len(covered) / len(known) if known else 0.0,
        "invented_citations": float(sum(len(c - known) for c in cited)),
    }


def run(ctx: EvalContext, cases: list[EvalCase]) -> SuiteResult:
    result = SuiteResult(suite="stories")
    all_stories: list[dict[str, Any]] = []
    lint_counts: list[int] = []
    stats: list[tuple[int, dict[str, float]]] = []
    for case in cases:
        drafted = draft_corpus(ctx, case)
        if not drafted.stories:
            result.cases.append(failed_case(case, "the pipeline drafted no stories"))
            continue
        e = evidence_stats(drafted.stories, drafted.item_ids)
        stats.append((len(drafted.item_ids), e))
        all_stories += drafted.stories
        lint_counts += [len(f) for f in drafted.lint]
        output = {"stories": drafted.stories, "known_ids": drafted.item_ids, "gate": drafted.gate or {}, **e}
        if drafted.gate:
            # the bundled demo is a smoke test of the same numbers the real inboxes report, never a quality claim
            result.metrics += inboxes.metrics_for(f"demo_{case.name}", drafted.gate)
            result.notes.append(inboxes.note_for(f"demo {case.name}", drafted.gate))
        summary = {"stories": len(drafted.stories), "needs": len(drafted.needs), "items": len(drafted.item_ids), **e,
                   "sample": [s["text"] for s in drafted.stories[:3]]}
        result.cases.append(grade_case(case, output, summary))
    n = len(all_stories)
    if n:
        total_items = sum(k for k, _ in stats)
        result.notes.append(f"{n} stories drafted from {total_items} items in {len(stats)} corpus(es).")
        result.metrics += [
            Metric(name="well_formed_rate", value=sum(is_well_formed(s) for s in all_stories) / n, n=n),
            Metric(name="distinct_benefit_rate", value=sum(benefit_is_distinct(s) for s in all_stories) / n, n=n,
                   note="benefit explains why instead of restating the goal"),
            Metric(name="stories_with_valid_citations",
                   value=sum(e["stories_with_valid_citations"] * 1 for _, e in stats) / len(stats), n=n),
            Metric(name="feedback_coverage", value=sum(k * e["feedback_coverage"] for k, e in stats) / total_items,
                   n=total_items),
            Metric(name="invented_citations", value=sum(e["invented_citations"] for _, e in stats), n=n,
                   higher_is_better=False, gate_max=0, kind="count"),
        ]
        result.metrics.append(Metric(name="lint_findings_per_story", value=sum(lint_counts) / len(lint_counts),
                                     n=len(lint_counts), higher_is_better=False, kind="count"))
    from evals.suites import lint_public

    metrics, notes = lint_public.run(ctx)
    result.metrics += metrics
    result.notes += notes
    if ctx.public or ctx.inboxes:
        metrics, notes = inboxes.run(ctx)
        result.metrics += metrics
        result.notes += notes
    if ctx.judge:
        from evals.judge import judge_stories

        result.judge, note = judge_stories(ctx, all_stories)
        if note:
            result.notes.append(note)
        if result.judge:
            result.metrics.append(Metric(name="judge_score", value=sum(j.score for j in result.judge) / len(result.judge),
                                         n=len(result.judge), kind="score", note="LLM judge, 1..5 mean over rubric items"))
    return result
