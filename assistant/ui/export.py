"""Export page: the Definition-of-Ready gate, pick stories and a format, preview, download or push.

A preview is built in memory (render_export) and records nothing; only the download click records where
each story went (record_download), so "last export" in the gate means a file really left the app.
"""

from __future__ import annotations

import io
import os
import zipfile
from typing import Any

import streamlit as st
from sqlalchemy import select

from assistant.errors import BacklogsmithError
from assistant.export.credentials import TARGET_ENV
from assistant.export import FORMATS, TARGETS, PushReport, RenderedExport, push_stories, record_download, render_export
from assistant.readiness import evaluate_ready
from assistant.repository import load_stories
from assistant.tables import ExportRecord
from assistant.ui.context import allowed, escape_md, flash, show_error, show_flashes, workspace
from assistant.ui.words import dor_reason, plural
from assistant.workspace import Workspace

RESULT_KEY = "export_result"
FORCE_LABEL = "Export blocked stories too"


def gate(ws: Workspace) -> list[dict[str, Any]]:
    """Every approved story with its Definition-of-Ready verdict, what blocks it and the fix (in words), and where
    it has already been exported."""
    dor = ws.get_setting("definition_of_ready")
    with ws.transaction() as s:
        # a story to write has no goal: never offered for export, even if an older version approved it
        stories = [st for st in load_stories(s, status="approved") if st.kind != "to_write"]
        exported: dict[str, list[str]] = {}
        for r in s.scalars(select(ExportRecord).order_by(ExportRecord.at)):
            where = f"{r.target[5:]} file" if r.target.startswith("file:") else f"{r.target} {r.remote_key or ''}".strip()
            exported.setdefault(r.story_id, []).append(f"{where} ({r.at:%Y-%m-%d})")
    rows = []
    for story in stories:
        ok, reasons = evaluate_ready(story, dor)
        words = [dor_reason(r) for r in reasons]
        rows.append({"id": story.id, "exported": ", ".join(exported.get(story.id, [])), "ready": ok, "story": story.text,
                     "blocked by": "; ".join(w for w, _ in words),
                     "fix": " ".join(dict.fromkeys(f for _, f in words if f))})
    return rows


def _plain_error(exc: BaseException) -> str:
    """Library messages speak CLI; on this page the same choice is a checkbox."""
    return str(exc).replace("pass --force to export anyway", f"tick '{FORCE_LABEL}'").replace("--force", f"'{FORCE_LABEL}'")


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
    fresh = [i for i in ready if not next(r for r in rows if r["id"] == i)["exported"]]
    st.subheader(f"Definition of Ready: {len(ready)} of {plural(len(rows), 'approved story', 'approved stories')} "
                 f"{'is' if len(rows) == 1 or len(ready) == 1 else 'are'} Ready")
    st.dataframe(rows, hide_index=True, width="stretch", height=min(len(rows), 12) * 35 + 38,
                 column_order=["exported", "ready", "story", "blocked by", "fix"],
                 column_config={"exported": st.column_config.TextColumn("already exported", width="medium"),
                                "ready": st.column_config.CheckboxColumn("Ready", width=60),
                                "story": st.column_config.TextColumn("story", width="large"),
                                "fix": st.column_config.TextColumn("how to fix", width="medium")})
    by_id = {r["id"]: r for r in rows}
    c1, c2 = st.columns([1, 3])
    fmt = c1.selectbox("Format", FORMATS, key="export_fmt")
    picked = c2.multiselect("Stories to export (Ready ones not exported yet are picked)", list(by_id), default=fresh,
                            key="export_pick", format_func=lambda i: _label(by_id[i]))
    force = st.checkbox(FORCE_LABEL, key="export_force")
    blocked = [i for i in picked if not by_id[i]["ready"]]
    if blocked and not force:
        st.warning(f"{plural(len(blocked), 'picked story', 'picked stories')} {'is' if len(blocked) == 1 else 'are'} "
                   f"not Ready (see 'blocked by' and 'how to fix' above). Fix them on the Stories page, unpick them, "
                   f"or tick '{FORCE_LABEL}'.")
    wanted = (fmt, tuple(picked), force)
    if st.button(f"Preview export of {plural(len(picked), 'story', 'stories')}", key="export_preview", type="primary",
                 disabled=not picked or (bool(blocked) and not force)):
        try:
            st.session_state[RESULT_KEY] = (wanted, render_export(ws, fmt, story_ids=picked, force=force))
        except BacklogsmithError as exc:
            st.session_state.pop(RESULT_KEY, None)
            st.error(escape_md(_plain_error(exc)))
    result = st.session_state.get(RESULT_KEY)
    if result and result[0] == wanted:  # a preview of another format or pick is not offered for download
        show_result(ws, result[1])
    _push(ws, picked, force)


def _label(row: dict[str, Any]) -> str:
    flag = "" if row["ready"] else "[blocked] "
    done = "[exported] " if row["exported"] else ""
    return f"{done}{flag}{row['story'][:90]}"


def _downloaded(ws: Workspace, rendered: RenderedExport) -> None:
    # A click callback runs before the page is drawn: its outcome is shown by show_flashes at the top.
    try:
        record_download(ws, rendered)
    except BacklogsmithError as exc:
        flash(f"The download was not recorded: {exc}", kind="error")
        return
    # Pick afresh: what was just exported is no longer picked (set, not popped, so the browser shows the same).
    st.session_state["export_pick"] = [r["id"] for r in gate(ws) if r["ready"] and not r["exported"]]
    flash(f"Recorded the {rendered.format} export of {plural(len(rendered.story_ids), 'story', 'stories')}.")


def show_result(ws: Workspace, rendered: RenderedExport) -> None:
    """What the export contains, the first files as text, and the download that records it."""
    files = rendered.files
    st.success(escape_md(f"Preview of {plural(len(rendered.story_ids), 'story', 'stories')} as {rendered.format} "
                         f"in {plural(len(files), 'file')}."))
    for sid, reasons in rendered.forced_not_ready.items():
        st.caption(escape_md(f"{sid} is exported although not Ready: " + "; ".join(dor_reason(r)[0] for r in reasons)))
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


def tracker_status(target: str, env: Any = None) -> list[dict[str, str]]:
    """Which variables a tracker needs and whether each is set (never their values)."""
    env = os.environ if env is None else env
    required, optional = TARGET_ENV[target]
    rows = [{"variable": v, "needed": "required", "set": "set" if env.get(v) else "not set"} for v in required]
    rows += [{"variable": v, "needed": f"optional (default {d})" if d else "optional",
              "set": "set" if env.get(v) else "not set"} for v, d in optional.items()]
    return rows


def dry_run_env(target: str, env: Any = None) -> tuple[dict[str, str], list[str]]:
    """The environment for a dry run: missing required variables get visible placeholders, so the PO sees what would
    be sent before anything is set up; returns (env, the variables stood in for)."""
    env = dict(os.environ if env is None else env)
    missing = [v for v in TARGET_ENV[target][0] if not env.get(v)]
    for v in missing:
        env[v] = f"https://{v.lower()}.invalid" if v.endswith("_URL") else f"<{v}>"
    return env, missing


def _push(ws: Workspace, picked: list[str], force: bool) -> None:
    st.subheader("Push to a tracker")
    left, right = st.columns([1, 2])
    target = left.selectbox("Tracker", TARGETS, key="export_target")
    status = tracker_status(target)
    missing = [r["variable"] for r in status if r["needed"] == "required" and r["set"] != "set"]
    with right:
        st.caption(f"Set-up of {target}: " + ("ready to push." if not missing else
                   f"{plural(len(missing), 'required variable')} not set on the server."))
        st.dataframe(status, hide_index=True, width="stretch", height=(len(status) + 1) * 35 + 3)
    dry = left.checkbox("Dry run (show what would be sent, send nothing)", value=True, key="export_dry")
    if not dry and missing:
        left.caption("A real push needs every required variable set where the server runs.")
    label = f"{'Dry run for' if dry else 'Push'} {plural(len(picked), 'picked story', 'picked stories')}"
    if left.button(label, key="export_push", disabled=not (target and picked) or (not dry and bool(missing))):
        env, stood_in = dry_run_env(target) if dry else (None, [])
        try:
            allowed("pusher", "push to a tracker with the server's credentials")
            result = push_stories(ws, target, dry_run=dry, story_ids=picked, force=force, env=env)
        except BacklogsmithError as exc:
            st.error(escape_md(_plain_error(exc)))
            return
        if stood_in:
            result.notes.append(f"Placeholders stand in for {', '.join(stood_in)} (not set): set them to push for real.")
        st.session_state["export_push_result"] = result
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
        st.caption(escape_md(_plain_error(note)))
    if result.requests:
        with st.expander(f"Requests that would be sent ({len(result.requests)})", expanded=True):
            st.json(result.requests, expanded=2)
