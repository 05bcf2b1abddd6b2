"""The Inbox's one "Process" step: store the sources, triage, find needs; one progress bar in items done of total.

A batch is all or nothing: if the run is interrupted while sources are being stored (the PO clicks elsewhere,
the browser closes, an error), every source this batch already committed is removed again, so no half upload
stays behind. Triage and needs only read what is stored and can simply run again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select

from assistant.need_actions import apply_pins
from assistant.needs import build_needs
from assistant.needs.build import ATTACH_ONLY, NeedParams
from assistant.tables import FeedbackRow, NeedRow, SourceFile
from assistant.triage import triage_items
from assistant.workspace import Workspace
from ingest import ingest_bytes, ingest_text

# (stage label, done, total) -> None; the page draws it as a progress bar.
Progress = Callable[[str, int, int], None]


@dataclass
class Source:
    """One thing to store: pasted text or an uploaded file's bytes."""

    name: str
    data: bytes
    kind: str | None = None
    text_column: str | None = None
    skip_bad_rows: bool = False
    pasted: bool = False
    items: int = 0  # items the preview counted (sizes the progress bar)


@dataclass
class Outcome:
    """What one Process run did, in the words the page shows."""

    stored: int = 0
    already: list[str] = field(default_factory=list)
    triaged: int = 0
    needs_before: int = 0
    needs_after: int = 0
    in_needs: int = 0
    items: int = 0
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        from assistant.ui.words import plural

        parts = [f"Stored {plural(self.stored, 'new item')}"]
        if self.already:
            parts.append(f"{', '.join(self.already)} already in the inbox")
        parts.append(f"triaged {self.triaged}")
        new = self.needs_after - self.needs_before
        parts.append(f"{plural(self.needs_after, 'need')} ({new:+d})" if new else plural(self.needs_after, 'need'))
        return "; ".join(parts) + "."


def _source_ids(ws: Workspace) -> set[int]:
    with ws.transaction() as s:
        return set(s.scalars(select(SourceFile.id)))


def forget_sources(ws: Workspace, source_ids: Sequence[int]) -> int:
    """Remove sources and every item they brought (SQL and index); returns how many items went."""
    if not source_ids:
        return 0
    with ws.transaction() as s:
        ids = list(s.scalars(select(FeedbackRow.id).where(FeedbackRow.source_file_id.in_(list(source_ids)))))
        s.execute(delete(FeedbackRow).where(FeedbackRow.id.in_(ids)))
        s.execute(delete(SourceFile).where(SourceFile.id.in_(list(source_ids))))
    if ids:
        ws.index.delete(ids)
    return len(ids)


def store_sources(ws: Workspace, sources: Sequence[Source], progress: Progress | None = None) -> tuple[int, list[str]]:
    """Store every source, or none: on any interruption the sources committed by this call are removed again."""
    before = _source_ids(ws)
    total = sum(max(1, s.items) for s in sources) or 1
    done = 0
    stored, already = 0, []
    try:
        for src in sources:
            offset = done

            def step(*args: Any, _offset: int = offset, _src: Source = src) -> None:
                numbers = [a for a in args if isinstance(a, int) and not isinstance(a, bool)]
                if progress and len(numbers) >= 2 and numbers[1]:
                    share = numbers[0] / numbers[1]
                    progress(f"Storing {_src.name}", _offset + round(share * max(1, _src.items)), total)

            if progress:
                progress(f"Storing {src.name}", done, total)
            if src.pasted:
                report = ingest_text(ws, src.data.decode("utf-8"), name=src.name, kind=src.kind)
            else:
                report = ingest_bytes(ws, src.data, name=src.name, text_column=src.text_column, kind=src.kind,
                                      skip_bad_rows=src.skip_bad_rows, progress=step)
            for f in report.files:
                if f.status == "already_ingested":
                    already.append(f.path)
                stored += f.added
            done += max(1, src.items)
    except BaseException:
        # An interrupted or failed batch leaves nothing behind (Streamlit stops a run by raising inside it).
        forget_sources(ws, sorted(_source_ids(ws) - before))
        raise
    if progress:
        progress("Stored", total, total)
    return stored, already


def _counts(ws: Workspace) -> tuple[int, int, int]:
    with ws.transaction() as s:
        needs = s.scalar(select(func.count()).select_from(NeedRow).where(NeedRow.merged_into.is_(None))) or 0
        items = s.scalar(select(func.count()).select_from(FeedbackRow).where(FeedbackRow.duplicate_of.is_(None))) or 0
        grouped = s.scalar(select(func.count()).select_from(FeedbackRow).where(FeedbackRow.need_id.is_not(None))) or 0
    return needs, items, grouped


def why_no_needs(ws: Workspace, params: NeedParams | None = None) -> str:
    """Why the items formed no need, with the numbers (a need takes min_size similar problem or ask items)."""
    params = params or NeedParams()
    with ws.transaction() as s:
        rows = s.execute(select(FeedbackRow.kind, FeedbackRow.triage).where(FeedbackRow.duplicate_of.is_(None))).all()
    founders = sum(1 for r in rows if r.kind == "stakeholder_ask" or not r.triage
                   or (r.triage or {}).get("type") not in ATTACH_ONLY)
    size = params.cluster.min_size
    text = (f"No need could be formed: a need takes {size}+ similar items; {len(rows)} items "
            f"({founders} stating a problem or an ask) gave 0 groups of {size}.")
    if founders < size:
        text += f" Add more feedback: only {founders} item(s) state a problem or an ask (praise only joins a need)."
    else:
        text += " The items talk about different things; add more feedback on the same topics."
    return text


# A page waits this long for another run (CLI or another visitor) to finish writing, then says so in one line.
UI_LOCK_WAIT = 60.0


def process(ws: Workspace, sources: Sequence[Source], *, provider: Any = None,
            progress: Progress | None = None) -> Outcome:
    """Store the sources (all or nothing), triage what is new, and find needs; says why when no need formed."""
    with ws.write_lock(timeout=UI_LOCK_WAIT):  # one writer per workspace, as the CLI does
        return _process(ws, sources, provider, progress)


def _process(ws: Workspace, sources: Sequence[Source], provider: Any, progress: Progress | None) -> Outcome:
    out = Outcome()
    out.needs_before = _counts(ws)[0]
    if sources:
        out.stored, out.already = store_sources(ws, sources, progress)

    def stage(label: str) -> Callable[[str, int, int], None]:
        def report(_stage: str, done: int, total: int) -> None:
            if progress:
                progress(label, done, total)
        return report

    out.triaged = triage_items(ws, provider=provider, only_missing=True, progress=stage("Triage: items"))
    build_needs(ws, provider=provider, progress=stage("Finding needs"))
    apply_pins(ws)  # items the PO moved stay where they were put
    out.needs_after, out.items, out.in_needs = _counts(ws)
    if out.needs_after == 0 and out.items:
        out.lines.append(why_no_needs(ws))
    elif out.items > out.in_needs:
        out.lines.append(f"{out.items - out.in_needs} of {out.items} items are in no need yet (too unlike the others).")
    return out
