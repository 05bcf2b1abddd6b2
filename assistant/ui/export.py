"""Export page: the Definition-of-Ready gate, pick stories and a format, preview, download or push.

A preview is built in memory (render_export) and records nothing; only the download click records where
each story went (record_download), so "last export" in the gate means a file really left the app.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import streamlit as st
from sqlalchemy import select

from assistant.errors import BacklogsmithError
from assistant.export import FORMATS, TARGETS, PushReport, RenderedExport, push_stories, record_download, render_export
from assistant.readiness import evaluate_ready
from assistant.repository import load_stories
from assistant.tables import ExportRecord
from assistant.ui.context import allowed, escape_md, flash, show_error, show_flashes, workspace
from assistant.workspace import Workspace

RESULT_KEY = "export_result"


def gate(ws: Workspace) -> list[dict[str, Any]]:
    """Every approved story with its Definition-of-Ready verdict and the reasons it is blocked."""
    dor = ws.get_setting("definition_of_ready")
    with ws.transaction() as s:
        stories = load_stories(s, status="approved")
        exported = {r.story_id: r.target for r in s.scalars(select(ExportRecord))}
    rows = []
    for story in stories:
        ok, reasons = evaluate_ready(story, dor)
        rows.append({"id": story.id, "story": story.text, "ready": ok, "blocked by": "; ".join(reasons),
                     "last export": exported.get(story.id, "")})
    return rows


def zipped(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def render() -> None:
    """The whole Export page."""
    st.title("Export")
    show_flashes()
    ws = workspace()
    try:
        rows = gate(ws)
    except BacklogsmithError as exc:
        show_error(exc)
        return
    if not rows:
        st.info("No approved stories yet: approve stories on the Stories page first.")
        return
    ready = [r["id"] for r in rows if r["ready"]]
    st.subheader(f"Definition of Ready: {len(ready)} of {len(rows)} approved stories are Ready")
    st.dataframe(rows, hide_index=True, width="stretch", column_order=["ready", "story", "blocked by", "last export", "id"])
    fmt = st.selectbox("Format", FORMATS, key="export_fmt")
    by_id = {r["id"]: r for r in rows}
    picked = st.multiselect("Stories to export (Ready ones are picked)", list(by_id), default=ready, key="export_pick",
                            format_func=lambda i: ("" if by_id[i]["ready"] else "[blocked] ") + by_id[i]["story"][:90])
    force = st.checkbox("Export blocked stories too (they are listed in the report)", key="export_force")
    wanted = (fmt, tuple(picked), force)
    if st.button("Preview export", key="export_preview", type="primary", disabled=not picked):
        try:
            st.session_state[RESULT_KEY] = (wanted, render_export(ws, fmt, story_ids=picked, force=force))
        except BacklogsmithError as exc:
            st.session_state.pop(RESULT_KEY, None)
            show_error(exc)
    result = st.session_state.get(RESULT_KEY)
    if result and result[0] == wanted:  # a preview of another format or pick is not offered for download
        show_result(ws, result[1])
    _push(ws, picked, force)


def _downloaded(ws: Workspace, rendered: RenderedExport) -> None:
    # A click callback runs before the page is drawn: its outcome is shown by show_flashes at the top.
    try:
        record_download(ws, rendered)
    except BacklogsmithError as exc:
        flash(f"The download was not recorded: {exc}", kind="error")
        return
    flash(f"Recorded the {rendered.format} export of {len(rendered.story_ids)} stories.")


def show_result(ws: Workspace, rendered: RenderedExport) -> None:
    """What the export contains, the first files as text, and the download that records it."""
    st.success(escape_md(rendered.summary()))
    files = rendered.files
    for name, data in list(files.items())[:3]:
        with st.expander(f"Preview: {name}", expanded=len(files) == 1):
            st.code(data.decode("utf-8", errors="replace")[:20_000], language=None)
    if len(files) == 1:
        name, data = next(iter(files.items()))
        label, file_name, mime = f"Download {name}", name, None
    else:
        data, label = zipped(files), f"Download {len(files)} files (zip)"
        file_name, mime = f"backlog-{rendered.format}.zip", "application/zip"
    st.download_button(label, data, file_name=file_name, mime=mime, key="export_download", type="primary",
                       on_click=_downloaded, args=(ws, rendered))


def _push(ws: Workspace, picked: list[str], force: bool) -> None:
    st.subheader("Push to a tracker")
    target = st.selectbox("Tracker", TARGETS, key="export_target")
    dry = st.checkbox("Dry run (show what would be sent)", value=True, key="export_dry")
    if st.button(f"Push {len(picked)} picked stories", key="export_push", disabled=not (target and picked)):
        try:
            allowed("pusher", "push to a tracker with the server's credentials")
            st.session_state["export_push_result"] = push_stories(ws, target, dry_run=dry, story_ids=picked, force=force)
        except BacklogsmithError as exc:
            show_error(exc)
            return
    result = st.session_state.get("export_push_result")
    if result is not None:
        show_push(result)


def show_push(result: PushReport) -> None:
    """Summary, per-story outcome (key and URL in the tracker), notes, and in a dry run the requests."""
    st.success(escape_md(result.summary()))
    rows = [r.model_dump() for r in result.results]
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")
    for note in result.notes:
        st.caption(escape_md(note))
    if result.requests:
        with st.expander(f"Requests that would be sent ({len(result.requests)})", expanded=True):
            st.json(result.requests, expanded=False)
