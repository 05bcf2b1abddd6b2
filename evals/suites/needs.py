"""Needs suite: clusters against gold topics (NMI, ARI) and the share of items left without a need."""

from __future__ import annotations

from evals import adapters
from evals.cases import EvalCase
from evals.harness import EvalContext, Unavailable, ingest_records, load_items, run_needs, run_triage
from evals.metrics import cluster_scores
from evals.models import Metric, SuiteResult
from evals.suites import failed_case, grade_case


def cluster_records(ctx: EvalContext, records: list[dict], name: str) -> list[str | None]:
    """Ingest, triage and cluster records in a fresh workspace; the need id per record."""
    with ctx.workspace(name) as ws:
        ids = ingest_records(ws, records, name)
        run_triage(ctx, ws)
        run_needs(ctx, ws)
        need_of = {i.id: i.need_id for i in load_items(ws)}
    return [need_of.get(i) for i in ids]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def run(ctx: EvalContext, cases: list[EvalCase]) -> SuiteResult:
    result = SuiteResult(suite="needs")
    scores: list[dict[str, float]] = []
    for case in cases:
        items = case.inputs["items"]
        topics = case.expected.get("topics") or [it.get("topic") for it in items]
        if len(topics) != len(items) or any(t is None for t in topics):
            result.cases.append(failed_case(case, "every item needs a gold topic (item.topic or expected.topics)"))
            continue
        records = [{k: v for k, v in it.items() if k != "topic"} for it in items]
        score = cluster_scores(topics, cluster_records(ctx, records, f"needs-{case.name}"))
        scores.append(score)
        result.cases.append(grade_case(case, score, score))
    if scores:
        for key, higher in (("nmi", True), ("ari", True), ("unassigned_share", False)):
            result.metrics.append(Metric(name=key, value=_mean([s[key] for s in scores]), n=len(scores),
                                         higher_is_better=higher, note="mean over project cases"))
    try:
        path = ctx.shared("themes/urr_golden_set.csv")
    except Unavailable as exc:
        result.notes.append(f"URR: skipped ({exc})")
        return result
    records = adapters.urr_records(path, ctx.limit, ctx.seed)
    score = cluster_scores([r["topic"] for r in records],
                           cluster_records(ctx, [{"text": r["text"], "rating": r["rating"]} for r in records], "urr"))
    n = len(records)
    result.metrics += [
        Metric(name="urr_nmi", value=score["nmi"], n=n, note="first listed topic as the gold label"),
        Metric(name="urr_ari", value=score["ari"], n=n),
        Metric(name="urr_unassigned_share", value=score["unassigned_share"], n=n, higher_is_better=False),
    ]
    result.notes.append(f"URR: stratified sample of {n} reviews (seed {ctx.seed}), {score['needs']:.0f} needs found; "
                        "unassigned items count as one cluster.")
    return result
