"""Export page: the Definition-of-Ready gate, pick stories and a format, preview, download or push."""

from __future__ import annotations

import inspect
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import streamlit as st
from sqlalchemy import select

from assistant.errors import BacklogsmithError
from assistant.models import Story
from assistant.repository import load_stories
from assistant.tables import ExportRecord
from assistant.ui import lib
from assistant.ui.context import escape_md, show_error, show_flashes, workspace
from assistant.workspace import Workspace

_FALLBACK_FORMATS = ("gherkin", "jira-csv", "ado-csv", "json", "markdown")


def gate(ws: Workspace) -> list[dict[str, Any]]:
    """Every approved story with its Definition-of-Ready verdict and the reasons it is blocked."""
    dor = ws.get_setting("definition_of_ready")
    with ws.transaction() as s:
        stories = load_stories(s, status="approved")
        exported = {r.story_id: r.target for r in s.scalars(select(ExportRecord))}
    rows = []
    for story in stories:
        ok, reasons = _readiness(story, dor)
        rows.append({"id": story.id, "story": story.text, "ready": ok, "blocked by": "; ".join(reasons),
                     "last export": exported.get(story.id, "")})
    return rows


def _readiness(story: Story, dor: Any) -> tuple[bool, list[str]]:
    if lib.available("assistant.readiness", "evaluate_ready"):
        ok, reasons = lib.call("assistant.readiness", "evaluate_ready", story, dor)
    else:
        ok, reasons = lib.call("assistant.export.bundle", "readiness", story, dor)
    return bool(ok), list(reasons)


def formats() -> tuple[str, ...]:
    try:
        return tuple(lib.resolve("assistant.export", "FORMATS"))  # type: ignore[arg-type]
    except lib.FeatureMissing:
        return _FALLBACK_FORMATS


def build_export(ws: Workspace, fmt: str, *, story_ids: list[str] | None, force: bool) -> tuple[Any, dict[str, bytes]]:
    """Run the export into a temp folder and return (report, {file name: bytes}) for preview and download."""
    with tempfile.TemporaryDirectory(prefix="backlogsmith-export-") as tmp:
        out = Path(tmp) / "export"
        kwargs: dict[str, Any] = {"force": force}
        if story_ids is not None:
            kwargs["story_ids"] = story_ids
        report = lib.call("assistant.export", "export_stories", ws, fmt, out, **kwargs)
        files = [Path(f) for f in getattr(report, "files", [])] or sorted(p for p in Path(tmp).rglob("*") if p.is_file())
        return report, {f.name: f.read_bytes() for f in files if f.is_file()}


def zipped(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _export_accepts_ids() -> bool:
    try:
        return "story_ids" in inspect.signature(lib.resolve("assistant.export", "export_stories")).parameters
    except lib.FeatureMissing:
        return False


def render() -> None:
    """The whole Export page."""
    st.title("Export")
    show_flashes()
    ws = workspace()
    try:
        rows = gate(ws)
    except (BacklogsmithError, lib.FeatureMissing) as exc:
        show_error(exc)
        return
    if not rows:
        st.info("No approved stories yet: approve stories on the Stories page first.")
        return
    ready = [r["id"] for r in rows if r["ready"]]
    st.subheader(f"Definition of Ready: {len(ready)} of {len(rows)} approved stories are Ready")
    st.dataframe(rows, hide_index=True, width="stretch", column_order=["ready", "story", "blocked by", "last export", "id"])
    fmt = st.selectbox("Format", formats(), key="export_fmt")
    by_id = {r["id"]: r for r in rows}
    if _export_accepts_ids():
        picked = st.multiselect("Stories to export (Ready ones)", ready, default=ready, key="export_pick",
                                format_func=lambda i: by_id[i]["story"][:90])
    else:
        picked = None
        st.caption("Every approved story is exported; blocked ones are refused unless you force them.")
    force = st.checkbox("Export blocked stories too (they are listed in the report)", key="export_force")
    if st.button("Preview export", key="export_preview", type="primary", disabled=picked == []):
        try:
            report, files = build_export(ws, fmt, story_ids=picked, force=force)
        except (BacklogsmithError, lib.FeatureMissing) as exc:
            show_error(exc)
        else:
            st.session_state["export_result"] = (fmt, getattr(report, "summary", lambda: str(report))(), files)
    _show_result()
    _push(ws)


def _show_result() -> None:
    result = st.session_state.get("export_result")
    if not result:
        return
    fmt, summary, files = result
    st.success(escape_md(summary))
    for name, data in list(files.items())[:3]:
        with st.expander(f"Preview: {name}", expanded=len(files) == 1):
            st.code(data.decode("utf-8", errors="replace")[:20_000], language=None)
    if len(files) == 1:
        name, data = next(iter(files.items()))
        st.download_button(f"Download {name}", data, file_name=name, key="export_download", type="primary")
    elif files:
        st.download_button(f"Download {len(files)} files (zip)", zipped(files), file_name=f"backlog-{fmt}.zip",
                           mime="application/zip", key="export_download", type="primary")


def _push(ws: Workspace) -> None:
    if not lib.available("assistant.export", "push_stories"):
        return
    try:
        targets = tuple(lib.resolve("assistant.export", "TARGETS"))  # type: ignore[arg-type]
    except lib.FeatureMissing:
        targets = ()
    st.subheader("Push to a tracker")
    target = st.selectbox("Tracker", targets, key="export_target") if targets else st.text_input("Tracker", key="export_target")
    dry = st.checkbox("Dry run (show what would be sent)", value=True, key="export_dry")
    if st.button("Push", key="export_push", disabled=not target):
        try:
            result = lib.call("assistant.export", "push_stories", ws, target, dry_run=dry)
        except (BacklogsmithError, lib.FeatureMissing) as exc:
            show_error(exc)
            return
        st.session_state["export_push_result"] = result
    result = st.session_state.get("export_push_result")
    if result is not None:
        show_push(result)


def show_push(result: Any) -> None:
    """Summary, per-story outcome (key and URL in the tracker), notes, and in a dry run the requests."""
    summary = getattr(result, "summary", None)
    st.success(escape_md(summary() if callable(summary) else str(result)))
    rows = [r.model_dump() for r in getattr(result, "results", [])]
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")
    for note in getattr(result, "notes", []):
        st.caption(escape_md(note))
    requests = getattr(result, "requests", [])
    if requests:
        with st.expander(f"Requests that would be sent ({len(requests)})", expanded=True):
            st.json(requests, expanded=False)
