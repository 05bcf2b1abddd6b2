"""The quality lint against public story sets, reported inside the stories suite.

UStAI (expert QUS labels): precision and recall on the held-out half per criterion, via the quality work's
adapter. Dalpiaz 2018 (22 real backlogs, no labels): story-weighted defect rates, reported as notes because
a higher rate there is neither better nor worse without labels.
"""

from __future__ import annotations

from evals.harness import EvalContext, Unavailable
from evals.models import Metric
from evals.public import dalpiaz, ustai

HEADLINE = ("atomic", "minimal")  # the criteria with a published precision/recall target (>= 0.9)


def ustai_metrics(ctx: EvalContext) -> tuple[list[Metric], list[str]]:
    try:
        path = ctx.shared("stories/ustai_qus_annotated.csv")
    except Unavailable as exc:
        return [], [f"UStAI: skipped ({exc})"]
    result = ustai.run(path)
    held, n = result["heldout"], result["rows"]["heldout"]
    metrics = []
    for crit in HEADLINE:
        for key in ("precision", "recall"):
            metrics.append(Metric(name=f"ustai_{crit}_{key}", value=held[crit][key], n=held[crit]["n"],
                                  note="lint vs expert labels, held-out half"))
    f1s = [m["f1"] for m in held.values() if m.get("f1") is not None]
    metrics.append(Metric(name="ustai_macro_f1", value=sum(f1s) / len(f1s) if f1s else None, n=n,
                          note=f"mean F1 over {len(f1s)} QUS criteria, held-out half"))
    return metrics, [f"UStAI: {n} held-out stories (split by system abstract)."]


def dalpiaz_notes(ctx: EvalContext) -> list[str]:
    try:
        folder = ctx.shared("stories/dalpiaz_2018")
    except Unavailable as exc:
        return [f"Dalpiaz: skipped ({exc})"]
    result = dalpiaz.defect_rates(dalpiaz.load(folder))
    rates = dalpiaz.overall(result)
    top = ", ".join(f"{c} {r:.0%}" for c, r in sorted(rates.items(), key=lambda kv: -kv[1]) if r > 0)
    stories = sum(r["stories"] for r in result.values())
    return [f"Dalpiaz: {stories} stories in {len(result)} real backlogs; lint defect rates: {top}."]


def dalpiaz_garbled(ctx: EvalContext) -> tuple[list[Metric], list[str]]:
    """The verification gate's `garbled` on human-written stories: every flag is a false alarm (target <= 3%)."""
    try:
        folder = ctx.shared("stories/dalpiaz_2018")
    except Unavailable as exc:
        return [], [f"Dalpiaz garbled: skipped ({exc})"]
    n, flagged, examples = dalpiaz.garbled_rate(dalpiaz.load(folder))
    shown = "; ".join(text[:80] for _, text in examples[:3])
    return ([Metric(name="dalpiaz_garbled_false_alarm_rate", value=flagged / n if n else None, n=n,
                    higher_is_better=False, note="human stories flagged garbled (target <= 0.03)")],
            [f"Dalpiaz: garbled on {flagged} of {n} human stories" + (f", e.g. {shown}" if shown else "") + "."])


def run(ctx: EvalContext) -> tuple[list[Metric], list[str]]:
    """Metrics and notes from the public story sets (nothing when they are absent)."""
    metrics, notes = ustai_metrics(ctx)
    g_metrics, g_notes = dalpiaz_garbled(ctx)
    return metrics + g_metrics, notes + dalpiaz_notes(ctx) + g_notes
