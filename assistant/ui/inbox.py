"""Inbox page: paste or upload → preview (mapped and redacted, as it will be stored) → one Process button.

Process stores every good source (all or nothing), triages what is new and finds needs, with one progress bar in
items done of total. A bad file is listed with its reason and left out; the other sources still go ahead.
"""

from __future__ import annotations

import streamlit as st

from assistant.errors import BacklogsmithError
from assistant.ui import inbox_model as vm
from assistant.ui.context import allowed, escape_md, flash, llm_provider, show_error, show_flashes, workspace
from assistant.ui.inbox_process import Source, process
from assistant.ui.words import plural
from assistant.workspace import Workspace

KINDS = {"feedback": "Customer feedback", "stakeholder_ask": "Stakeholder ask"}
MODES = ["Paste", "Upload files"]
GEN = "inbox_gen"  # bumped after a Process: a fresh text box and uploader, so nothing is offered twice


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
    # A keyed segmented control keeps its choice across reruns (st.tabs snapped back to Paste after an upload).
    mode = st.segmented_control("Add feedback", MODES, default="Paste", required=True, key="inbox_mode")
    kind = st.radio("These items are", list(KINDS), format_func=KINDS.get, horizontal=True, key="inbox_kind")
    gen = st.session_state.get(GEN, 0)
    if mode == "Paste":
        sources, blocked = _paste(ws, kind, gen)
    else:
        sources, blocked = _upload(ws, kind, gen)
    _process_button(ws, sources, blocked, stats)
    st.subheader("Latest items")
    rows = vm.latest_items(ws)
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch", height=min(len(rows), 12) * 35 + 38)
    else:
        st.caption("Nothing yet: paste some feedback or upload a file.")


def _paste(ws: Workspace, kind: str, gen: int) -> tuple[list[Source], list[str]]:
    text = st.text_area("Feedback, one item per line or paragraph", height=160, key=f"inbox_text:{gen}")
    if not text.strip():
        return [], []
    data = text.encode("utf-8")
    preview = vm.preview_upload(vm.PASTE, data, kind=kind, max_chars=ws.settings.max_field_chars)
    if preview.blocked:
        return [], [preview.error or ""]
    _show_preview(preview)
    return [Source(vm.PASTE, data, kind=kind, pasted=True, items=preview.total)], []


def _upload(ws: Workspace, kind: str, gen: int) -> tuple[list[Source], list[str]]:
    files = st.file_uploader("CSV, JSON, JSONL, TXT or EML files", type=vm.UPLOAD_TYPES, accept_multiple_files=True,
                             key=f"inbox_files:{gen}")
    if not files:
        return [], []
    skip_bad = st.checkbox("Skip unreadable rows (they are listed) instead of refusing the file", key="inbox_skip_bad")
    sources, blocked = [], []
    for f in files:
        # The uploaded file's name (never a temp path) picks the reader and is what every item cites.
        name, data = vm.upload_name(f.name), f.getvalue()
        column = st.session_state.get(f"inbox_col:{name}")
        preview = vm.preview_upload(name, data, text_column=column, kind=kind, skip_bad_rows=skip_bad,
                                    max_chars=ws.settings.max_field_chars)
        if preview.blocked and not preview.columns:
            blocked.append(preview.error or name)
            continue
        count = ("at least " if preview.truncated else "") + plural(preview.total, 'item')  # a large file: its head only
        with st.expander(f"{name} · {count} to store", expanded=not preview.blocked):
            if not preview.fixed_text and preview.columns:
                index = preview.columns.index(preview.text_column) if preview.text_column in preview.columns else 0
                st.selectbox(f"Text column of {name}", preview.columns, index=index, key=f"inbox_col:{name}")
            if preview.blocked:
                st.error(escape_md(preview.error or ""))
            else:
                _show_preview(preview)
        if preview.blocked:
            blocked.append(preview.error or name)
        else:
            sources.append(Source(name, data, kind=kind, text_column=None if preview.fixed_text else preview.text_column,
                                  skip_bad_rows=skip_bad, items=preview.total))
    return sources, blocked


def _show_preview(preview: vm.Preview) -> None:
    st.caption(f"As it will be stored (personal data redacted): first {len(preview.rows)} of "
               f"{plural(preview.total, 'item')} · read as {preview.reader}")
    if preview.bad:
        st.warning(escape_md(f"Skipped {plural(len(preview.bad), 'unreadable row')}: " + "; ".join(preview.bad[:10])))
    st.dataframe(preview.rows, hide_index=True, width="stretch")


def _process_button(ws: Workspace, sources: list[Source], blocked: list[str], stats: dict[str, int]) -> None:
    if blocked:
        st.error(escape_md(f"{plural(len(blocked), 'source')} cannot be stored and will be left out:\n"
                           + "\n".join(f"- {b}" for b in blocked)), icon=":material/block:")
    new = sum(s.items for s in sources)
    pending = stats["items"] - stats["triaged"]
    if sources:
        label = f"Process: store {plural(new, 'item')}, triage, find needs"
    elif stats["items"]:
        label = "Process: triage and find needs again" if not pending else f"Process: triage {pending}, find needs"
    else:
        label = "Process"
    kind = "primary" if sources or pending else "secondary"
    if not st.button(label, key="inbox_process", type=kind, disabled=not (sources or stats["items"])):
        return
    if _run(ws, sources):
        st.session_state[GEN] = st.session_state.get(GEN, 0) + 1
        st.rerun()


def _run(ws: Workspace, sources: list[Source]) -> bool:
    """Process with one progress bar; the outcome (and why no need formed) is flashed after the rerun."""
    bar = st.progress(0.0, text="Starting")

    def progress(stage: str, done: int, total: int) -> None:
        bar.progress(min(1.0, done / total) if total else 0.0, text=f"{stage}: {done} of {total}")

    try:
        allowed("editor", "add feedback")
        provider = llm_provider(ws)
        outcome = process(ws, sources, provider=provider, progress=progress)
    except BacklogsmithError as exc:
        bar.empty()
        show_error(exc)
        return False
    flash(outcome.summary())
    for line in outcome.lines:
        flash(line, kind="warning")
    for note in provider.ledger.fallback_notes() if provider is not None else []:
        flash(note, kind="warning")  # the model failed: say which step fell back to the offline engine, and why
    return True


def analyse_button(ws: Workspace, stats: dict[str, int]) -> None:
    """Triage and (re)build the needs from what is stored (the Needs page offers it too)."""
    label = "Triage and find needs" if stats["items"] - stats["grouped"] else "Re-run triage and needs"
    if not st.button(label, key="inbox_analyse", disabled=stats["items"] == 0):
        return
    if _run(ws, []):
        st.rerun()
