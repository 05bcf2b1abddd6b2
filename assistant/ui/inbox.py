"""Inbox page: paste text or upload files, preview what will be read, ingest with a progress bar."""

from __future__ import annotations

import streamlit as st

from assistant.errors import BacklogsmithError
from assistant.needs import build_needs
from assistant.triage import triage_items
from assistant.ui import inbox_model as vm
from assistant.ui.context import (
    allowed, escape_md, flash, llm_provider, progress_callback, show_error, show_flashes, workspace,
)
from assistant.workspace import Workspace
from ingest import ingest_bytes, ingest_text

KINDS = {"feedback": "Customer feedback", "stakeholder_ask": "Stakeholder ask"}


def render() -> None:
    """The whole Inbox page."""
    st.title("Inbox")
    show_flashes()
    ws = workspace()
    stats = vm.inbox_stats(ws)
    cols = st.columns(4)
    labels = [("Items", "items"), ("Triaged", "triaged"), ("In a need", "grouped"), ("Needs", "needs")]
    for col, (label, key) in zip(cols, labels, strict=True):
        col.metric(label, stats[key])
    paste, upload = st.tabs(["Paste", "Upload files"])
    with paste:
        _paste(ws)
    with upload:
        _upload(ws)
    analyse_button(ws, stats)
    st.subheader("Latest items")
    rows = vm.latest_items(ws)
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.caption("Nothing yet: paste some feedback or upload a file.")


def _paste(ws: Workspace) -> None:
    with st.form("inbox_paste", clear_on_submit=True):
        text = st.text_area("Feedback, one item per line or paragraph", height=180, key="inbox_text")
        kind = st.radio("Kind", list(KINDS), format_func=KINDS.get, horizontal=True, key="inbox_kind")
        submitted = st.form_submit_button("Add to inbox", type="primary")
    if submitted:
        if not text.strip():
            st.error("Paste some text first.")
            return
        try:
            allowed("editor", "add feedback")
            with st.spinner("Redacting, embedding and storing…"):
                report = ingest_text(ws, text, name="paste", kind=kind)
        except BacklogsmithError as exc:
            show_error(exc)
            return
        flash(report.summary())
        st.rerun()


def _upload(ws: Workspace) -> None:
    files = st.file_uploader("CSV, JSON, JSONL, TXT or EML files", type=vm.UPLOAD_TYPES, accept_multiple_files=True,
                             key=f"inbox_files:{st.session_state.get('inbox_gen', 0)}")
    if not files:
        return
    kind = st.radio("Kind", list(KINDS), format_func=KINDS.get, horizontal=True, key="inbox_upload_kind")
    skip_bad = st.checkbox("Skip unreadable rows (they are listed) instead of refusing the file", key="inbox_skip_bad")
    # The uploaded file's name (never a temp path) picks the reader and is what every item cites.
    uploads = [(vm.upload_name(f.name), f.getvalue()) for f in files]
    columns = {name: _preview(name, data) for name, data in uploads}
    if not st.button("Ingest", key="inbox_ingest", type="primary"):
        return
    bar = st.progress(0.0, text="Reading")
    try:
        allowed("editor", "add feedback")
        for name, data in uploads:
            report = ingest_bytes(ws, data, name=name, text_column=columns[name], kind=kind, skip_bad_rows=skip_bad,
                                  progress=progress_callback(bar))
            flash(report.summary())
    except BacklogsmithError as exc:
        bar.empty()
        show_error(exc)
        return
    # A new uploader key empties it, so the same files are not offered for ingest again.
    st.session_state["inbox_gen"] = st.session_state.get("inbox_gen", 0) + 1
    st.rerun()


def _preview(name: str, data: bytes) -> str | None:
    """Show the columns, the detected text column (changeable) and the first rows; returns the column to use."""
    preview = vm.preview_upload(name, data)
    st.markdown(f"**{escape_md(name)}** · {preview.reader} · {preview.total} rows read")
    if preview.error:
        st.error(escape_md(preview.error))
        return None
    chosen = preview.text_column
    if not preview.fixed_text and preview.columns:
        index = preview.columns.index(chosen) if chosen in preview.columns else 0
        chosen = st.selectbox(f"Text column of {name} (detected: {preview.text_column or 'none'})",
                              preview.columns, index=index, key=f"inbox_col:{name}")
    if preview.bad:
        st.warning(escape_md("Unreadable rows: " + "; ".join(preview.bad)))
    st.dataframe(preview.rows, hide_index=True, width="stretch")
    return None if preview.fixed_text else chosen


def analyse_button(ws: Workspace, stats: dict[str, int]) -> None:
    """Triage new items and (re)build the needs, with a progress bar: the step between inbox and needs."""
    pending = stats["items"] - stats["grouped"]
    label = f"Triage and find needs ({pending} items not in a need yet)" if pending else "Re-run triage and needs"
    if not st.button(label, key="inbox_analyse", disabled=stats["items"] == 0):
        return
    try:
        provider = llm_provider(ws)
        bar = st.progress(0.0, text="Triage")
        triaged = triage_items(ws, provider=provider, only_missing=True, progress=progress_callback(bar))
        bar.progress(0.0, text="Finding needs")
        build_needs(ws, provider=provider, progress=progress_callback(bar))
    except BacklogsmithError as exc:
        show_error(exc)
        return
    notes = provider.ledger.fallback_notes() if provider is not None else []
    flash(f"Triaged {triaged} items; needs updated." + "".join(f" {n}." for n in notes))
    st.rerun()
