"""Triage suite: labelled project cases plus the Maalej et al. app reviews (macro-F1 over their 4 classes)."""

from __future__ import annotations

from evals import adapters
from evals.cases import EvalCase
from evals.harness import EvalContext, Unavailable, ingest_records, load_items, run_triage
from evals.metrics import MAALEJ_CLASSES, accuracy, macro_f1
from evals.models import Metric, SuiteResult
from evals.public import maalej as public
from evals.suites import grade_case


def _labels(item) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    t = item.triage
    if t is None:
        return {"type": None, "sentiment": None, "urgency": None}
    return {"type": t.type, "sentiment": t.sentiment.label, "urgency": t.urgency.label, "urgency_reason": t.urgency.reason}


def triage_records(ctx: EvalContext, records: list[dict], name: str) -> list[dict[str, str | None]]:
    """Ingest records into a fresh workspace, triage them, return labels per record."""
    with ctx.workspace(name) as ws:
        ids = ingest_records(ws, records, name)
        run_triage(ctx, ws)
        by_id = {i.id: _labels(i) for i in load_items(ws)}
    return [by_id.get(i, {"type": None, "sentiment": None, "urgency": None}) for i in ids]


def maalej(path, limit: int, seed: int) -> tuple[list[dict], dict[str, str], str]:  # type: ignore[no-untyped-def]
    """Maalej records (held-out half, via the triage work's adapter), the type mapping and which rows."""
    seen: set[str] = set()
    rows = []
    for r in public.load(path):
        # The offline engine was tuned on the other half; only the held-out half says how it generalises.
        if r.get("split", "heldout") != "heldout" or r["text"] in seen:
            continue
        seen.add(r["text"])
        rating = str(r.get("rating") or "")
        rows.append({"text": r["text"], "rating": int(rating) if rating.isdigit() else None, "label": r["label"]})
    return adapters.stratified_sample(rows, "label", limit, seed), dict(public.TYPE_TO_MAALEJ), "held-out half"


def run(ctx: EvalContext, cases: list[EvalCase]) -> SuiteResult:
    result = SuiteResult(suite="triage")
    if cases:
        labels = triage_records(ctx, [c.inputs for c in cases], "triage-cases")
        result.cases = [grade_case(c, out, out) for c, out in zip(cases, labels)]
        for field in ("type", "sentiment", "urgency"):
            pairs = [(c.expected[field], out[field]) for c, out in zip(cases, labels) if field in c.expected]
            if pairs:
                gold, pred = zip(*pairs)
                result.metrics.append(Metric(name=f"{field}_accuracy", value=accuracy(gold, pred), n=len(pairs)))
                if field == "type":
                    result.metrics.append(Metric(name="type_macro_f1", value=macro_f1(gold, pred), n=len(pairs)))
        result.metrics.append(Metric(name="case_pass_rate", value=sum(c.passed for c in result.cases) / len(cases), n=len(cases)))
    try:
        path = ctx.shared("triage/maalej_2016_app_reviews.csv")
    except Unavailable as exc:
        result.notes.append(f"Maalej: skipped ({exc})")
        return result
    records, mapping, split = maalej(path, ctx.limit, ctx.seed)
    labels = triage_records(ctx, [{"text": r["text"], "rating": r["rating"]} for r in records], "maalej")
    gold = [r["label"] for r in records]
    pred = [mapping.get(out["type"] or "", "<none>") for out in labels]
    result.metrics += [
        Metric(name="maalej_macro_f1", value=macro_f1(gold, pred, MAALEJ_CLASSES), n=len(gold),
               note="4 classes: " + ", ".join(f"{k}→{v}" for k, v in mapping.items())),
        Metric(name="maalej_accuracy", value=accuracy(gold, pred), n=len(gold)),
    ]
    result.notes.append(f"Maalej: stratified sample of {len(records)} unique reviews from the {split} (seed {ctx.seed}).")
    return result
