"""View-model for the Needs page: ranking rows, chart data, and a need's evidence."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from assistant.models import FeedbackItem, Need, NeedCounts
from assistant.needs import need_report
from assistant.needs.emerging import grown_since_review
from assistant.repository import load_items, load_needs
from assistant.tables import FeedbackRow, NeedRow, StoryRow
from assistant.workspace import Workspace

TREND_DAYS = 30


def item_date(meta: dict[str, Any], created: datetime | None = None) -> date | None:
    """The date the feedback was given (metadata), or None: an undated item is shown as undated, never as the day
    it was uploaded (that made every trend read "up 48 vs 0"). `created` is kept for callers; it is not a date."""
    raw = (meta or {}).get("date")
    if raw:
        try:
            return datetime.fromisoformat(str(raw).replace("Z", "+00:00")[:25]).date()
        except ValueError:
            try:
                return date.fromisoformat(str(raw)[:10])
            except ValueError:
                pass
    return None


def _dated_items(ws: Workspace) -> list[tuple[str | None, str | None, str | None, date | None]]:
    """(need_id, segment, sentiment, date) for every non-duplicate item: one query feeds every chart."""
    with ws.transaction() as s:
        rows = s.execute(
            select(FeedbackRow.need_id, FeedbackRow.meta, FeedbackRow.triage, FeedbackRow.created_at).where(
                FeedbackRow.duplicate_of.is_(None)
            )
        ).all()
    return [
        # Undated items are kept apart: dating them by ingest time made one spike "this week".
        (r.need_id, (r.meta or {}).get("segment"), ((r.triage or {}).get("sentiment") or {}).get("label"),
         item_date(r.meta))
        for r in rows
    ]


def trend(dates: list[date], today: date) -> tuple[int, int, str]:
    """Items in the last TREND_DAYS vs the TREND_DAYS before: (recent, previous, arrow)."""
    recent = sum(1 for d in dates if today - timedelta(days=TREND_DAYS) < d <= today)
    previous = sum(1 for d in dates if today - timedelta(days=2 * TREND_DAYS) < d <= today - timedelta(days=TREND_DAYS))
    arrow = "↑" if recent > previous else "↓" if recent < previous else "→"
    return recent, previous, arrow


def trend_text(dates: list[date], today: date, earliest: date | None) -> str:
    """The trend cell: like with like only, so a window the data does not reach is not compared as zero."""
    if not dates:
        return "undated"
    recent, previous, arrow = trend(dates, today)
    if earliest is None or earliest > today - timedelta(days=2 * TREND_DAYS):
        return f"{recent} in {TREND_DAYS} d (no earlier data to compare)"
    return f"{arrow} {recent} vs {previous}"


def weighted_demand(by_segment: dict[str, int], total: int, weights: dict[str, float]) -> float:
    """Evidence weighted by segment (unknown segment counts 1): the need's value before any story exists."""
    known = sum(by_segment.values())
    score = sum(weights.get(str(seg).lower(), 1.0) * n for seg, n in by_segment.items())
    return round(score + max(0, total - known), 1)


def distinct_names(names: list[str]) -> list[str]:
    """Names as shown: a name two needs share gets '(2)', '(3)' in rank order, so tables and charts never fuse them."""
    seen: Counter[str] = Counter()
    total = Counter(n.casefold() for n in names)
    out = []
    for n in names:
        seen[n.casefold()] += 1
        out.append(f"{n} ({seen[n.casefold()]})" if total[n.casefold()] > 1 and seen[n.casefold()] > 1 else n)
    return out


def ranked_needs(ws: Workspace, today: date | None = None) -> tuple[list[Need], list[dict[str, Any]]]:
    """Live needs ranked by value, and one table row per need (counts, value, sentiment mix, trend, stories)."""
    weights = {str(k).lower(): float(v) for k, v in (ws.get_setting("segment_weights") or {}).items()}
    with ws.transaction() as s:
        needs = load_needs(s)
        story_counts = dict(s.execute(select(StoryRow.need_id, func.count()).group_by(StoryRow.need_id)).all())
    items = _dated_items(ws)
    dates: dict[str | None, list[date]] = defaultdict(list)
    for need_id, _seg, _sent, d in items:
        if d:
            dates[need_id].append(d)
    today = today or max((d for ds in dates.values() for d in ds), default=date.today())
    earliest = min((d for ds in dates.values() for d in ds), default=None)
    grown = grown_since_review(ws)
    rows = []
    for n in needs:
        c = n.counts
        total = c.total or len(n.item_ids)
        sent = c.by_sentiment
        rows.append({
            "id": n.id,
            "need": n.name,
            "evidence": total,
            "value": weighted_demand(c.by_segment, total, weights),
            "sentiment": f"{sent.get('negative', 0)} neg · {sent.get('neutral', 0)} neu · {sent.get('positive', 0)} pos",
            "trend": trend_text(dates.get(n.id, []), today, earliest),
            "emerging": f"+{grown[n.id]} since last review" if grown.get(n.id) else "",
            "segments": ", ".join(f"{k} {v}" for k, v in sorted(c.by_segment.items(), key=lambda kv: -kv[1])[:3]),
            "stories": story_counts.get(n.id, 0),
        })
    rows.sort(key=lambda r: (-r["value"], -r["evidence"], r["need"]))
    for row, shown in zip(rows, distinct_names([r["need"] for r in rows])):
        row["need"] = shown
    order = {r["id"]: i for i, r in enumerate(rows)}
    shown_name = {r["id"]: r["need"] for r in rows}
    return sorted((n.model_copy(update={"name": shown_name[n.id]}) for n in needs), key=lambda n: order[n.id]), rows


def chart_data(ws: Workspace, names: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Long-form rows for the segment and sentiment-over-time charts."""
    by_segment: Counter[tuple[str, str]] = Counter()
    by_week: Counter[tuple[str, str]] = Counter()
    undated = 0
    for need_id, segment, sentiment, d in _dated_items(ws):
        if need_id in names:
            by_segment[(names[need_id], str(segment or "unknown"))] += 1
        if not d:
            undated += 1
        elif sentiment:
            week = d - timedelta(days=d.weekday())
            by_week[(week.isoformat(), sentiment)] += 1
    return {
        "segment": [{"need": n, "segment": s, "items": v} for (n, s), v in sorted(by_segment.items())],
        "sentiment": [{"week": w, "sentiment": s, "items": v} for (w, s), v in sorted(by_week.items())],
        "undated": [{"items": undated}],
    }


# 20 distinguishable colours (Tableau 20 without its greys); "unknown" is always grey, so no two segments share one.
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf",
           "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5",
           "#393b79", "#637939"]
UNKNOWN_COLOUR = "#9e9e9e"


def segment_colours(segments: list[str]) -> tuple[list[str], list[str]]:
    """(domain, range) for the segment chart: a distinct colour per segment, grey for unknown."""
    known = sorted({s for s in segments if s != "unknown"})
    domain = known + (["unknown"] if "unknown" in segments else [])
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(known))] + ([UNKNOWN_COLOUR] if "unknown" in segments else [])
    return domain, colours


def stakeholder_asks(ws: Workspace, need: Need) -> list[FeedbackItem]:
    """The stakeholder asks filed under a need (who asked, what for)."""
    with ws.transaction() as s:
        ids = list(s.scalars(select(FeedbackRow.id).where(FeedbackRow.need_id == need.id,
                                                          FeedbackRow.kind == "stakeholder_ask")))
        return load_items(s, ids) if ids else []


def need_items(ws: Workspace, need: Need, limit: int = 50) -> tuple[list[FeedbackItem], list[FeedbackItem]]:
    """(representative quotes, other items up to limit) of a need."""
    with ws.transaction() as s:
        quotes = {i.id: i for i in load_items(s, need.quotes)}
        others = [i for i in load_items(s, [i for i in need.item_ids if i not in quotes][:limit])]
    return [quotes[q] for q in need.quotes if q in quotes], others


def need_evidence(ws: Workspace, need: Need) -> dict[str, Any]:
    """What the need's detail shows, from the same report `backlogsmith needs show` prints, so the counts match:
    quotes (with the sentence of a long item that matches the need), loosely related items (near the need, not
    evidence of it), and the counts line."""
    rep = need_report(ws, need.id)
    asks = len(rep["stakeholder_asks"])
    with ws.transaction() as s:
        found = {i.id: i for i in load_items(s, [*(q["id"] for q in rep["quotes"]),
                                                 *(q["id"] for q in rep["loosely_related"])])}
    quotes = [(found[q["id"]], q.get("sentence")) for q in rep["quotes"] if q["id"] in found]
    loose = [found[q["id"]] for q in rep["loosely_related"] if q["id"] in found]
    why = {q["id"]: q["set_aside_by_model"] for q in rep["loosely_related"] if q.get("set_aside_by_model")}
    total = rep["counts"].get("total") or len(rep["item_ids"])
    parts = [f"{total} items" + (f" ({rep['customer_items']} from customers, {asks} stakeholder "
                                  f"{'ask' if asks == 1 else 'asks'})" if asks else "")]
    if loose:
        parts.append(f"{len(loose)} loosely related, not counted")
    return {"quotes": quotes, "loose": loose, "set_aside": why, "counts": " · ".join(parts), "stories": rep["stories"]}


def sentence_quotes(ws: Workspace, need_id: str | None, item_ids: list[str]) -> list[tuple[FeedbackItem, str | None]]:
    """Items quoted as `needs show` quotes them: a long item by its sentence closest to the need (None when the item
    is one sentence or the need has no centroid yet)."""
    import numpy as np

    from assistant.needs import evidence

    with ws.transaction() as s:
        found = {i.id: i for i in load_items(s, item_ids)} if item_ids else {}
        row = s.get(NeedRow, need_id) if need_id else None
        centroid, counts = (row.centroid, row.counts) if row is not None else (None, None)
    items = [found[i] for i in item_ids if i in found]
    if not centroid:
        return [(i, None) for i in items]
    centre = np.asarray(centroid, dtype=np.float32)
    problem = evidence.is_problem_need(NeedCounts.model_validate(counts or {}))
    return [(i, evidence.matching_sentence(i.text, centre, ws.embedder, problem=problem)) for i in items]
