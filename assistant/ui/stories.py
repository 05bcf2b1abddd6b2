"""Stories page: grouped by need and status, edited in place, approved or rejected; every edit saved at once.

Concurrency: each story form remembers the version it was loaded at (session state) and sends it as
expected_version, so an edit made meanwhile in another session is reported, never silently overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from assistant.errors import BacklogsmithError
from assistant.models import QualityFinding, Story
from assistant.stories import DraftReport, approve_all, approve_story, draft, edit_story, reject_story
from assistant.ui import stories_model as vm
from assistant.ui.context import (
    actor, escape_md, flash, guarded, llm_provider, progress_callback, show_error, show_flashes, workspace,
)
from assistant.workspace import Workspace

PAGE_SIZE = 10
# Material icons ship with Streamlit; emoji need a colour-emoji font the server's browser may lack.
_SEVERITY_ICON = {"error": ":material/block:", "warning": ":material/warning:", "info": ":material/info:"}


def render() -> None:
    """The whole Stories page."""
    st.title("Stories")
    show_flashes()
    ws = workspace()
    _draft_controls(ws)
    names = vm.need_names(ws)
    c1, c2, c3 = st.columns([2, 2, 2])
    need_choice = c1.selectbox("Need", ["", *(n for n in names if n)], key="st_need",
                               format_func=lambda n: names.get(n, n) if n else "All needs")
    statuses = c2.multiselect("Status", vm.STATUSES, default=["draft", "approved"], key="st_status")
    search = c3.text_input("Search", key="st_search", placeholder="words in role, goal or benefit")
    page_no = int(st.session_state.get("st_page", 1))
    data = vm.story_page(ws, need_id=need_choice or None, statuses=tuple(statuses), search=search, page=page_no,
                         page_size=PAGE_SIZE)
    with st.expander(f"Stories by need and status ({data.total} shown by the filters)"):
        st.dataframe(data.counts, hide_index=True, width="stretch")
    if not data.stories:
        st.info("No stories match. Ingest feedback, find needs, then draft stories above.")
        return
    _pager(data)
    history = vm.histories(ws, [s.id for s in data.stories])
    last_group: tuple[Any, ...] | None = None
    for story in data.stories:
        group = (story.need_id, story.status)
        if group != last_group:
            name = data.need_names.get(story.need_id, story.need_id or "")
            st.subheader(f"{escape_md(name)} · {story.status}", divider="gray")
            last_group = group
        render_story(ws, story, history.get(story.id, []))


def _pager(data: vm.StoryPage) -> None:
    if data.pages <= 1:
        return
    st.number_input(f"Page (of {data.pages}, {PAGE_SIZE} stories each)", min_value=1, max_value=data.pages,
                    value=data.page, step=1, key="st_page")


def _draft_controls(ws: Workspace) -> None:
    with st.expander("Draft stories from needs"):
        names = vm.need_names(ws)
        chosen = st.multiselect("Needs (empty = every need; stories you edited or approved are kept)",
                                [n for n in names if n], format_func=lambda n: names[n], key="st_draft_needs")
        if st.button("Draft stories", key="st_draft", type="primary"):
            _draft(ws, chosen, names)
        if st.button("Approve every Ready draft", key="st_approve_ready"):
            with guarded():
                approved = approve_all(ws, actor=actor(), only_ready=True)
                flash(f"Approved {len(approved)} Ready drafts.")
                st.rerun()


def _draft(ws: Workspace, chosen: list[str], names: dict[str | None, str]) -> None:
    with guarded(), st.spinner("Drafting stories…"):
        bar = st.progress(0.0, text="Drafting")
        report = draft(ws, need_ids=chosen or None, provider=llm_provider(ws),
                       progress=progress_callback(bar, total=len(chosen) or len(names) - 1), actor=actor())
        flash(draft_summary(report))
        st.rerun()


def draft_summary(report: DraftReport) -> str:
    """One line from a DraftReport: what was created, updated, kept and why some needs gave no story."""
    parts = [f"Drafted {len(report.stories)} stories"]
    for label, values in (("new", report.created), ("updated", report.updated), ("unchanged", report.unchanged),
                          ("kept as you left them", report.kept), ("removed", report.removed),
                          ("needs already in the backlog", report.covered), ("needs without a clear ask", report.no_ask)):
        if values:
            parts.append(f"{len(values)} {label}")
    return ", ".join(parts) + "." + "".join(f" {m}" for m in report.messages)


def _loaded_version(story: Story) -> int:
    """The version this session's form was built from (remembered until saved or reloaded)."""
    return st.session_state.setdefault(f"st_v:{story.id}", story.version)


def _reload(story_id: str, version: int | None) -> None:
    st.session_state[f"st_v:{story_id}"] = version


def render_story(ws: Workspace, story: Story, history: list[dict[str, Any]]) -> None:
    """One story: edit form, quality findings with fixes, evidence, approve/reject, history."""
    loaded = _loaded_version(story)
    with st.container(border=True):
        head, badge = st.columns([5, 1])
        head.markdown(f"**{escape_md(story.text)}**")
        ready = ":material/check_circle: Ready" if story.ready else ":material/pending: Not ready"
        value = f" · value {story.value.score:g}" if story.value.score else ""
        priority = f" · {story.priority}" if story.priority else ""
        points = f" · {story.points} pts" if story.points else ""
        badge.caption(f"{story.status} · v{story.version} · {ready}{points}{value}{priority}")
        if loaded != story.version:
            st.warning(f"Changed by someone else (you loaded v{loaded}, now v{story.version}) — reload to see it.")
            if st.button("Reload", key=f"st_reload:{story.id}"):
                _reload(story.id, story.version)
                st.rerun()
        left, right = st.columns([3, 2])
        with left:
            _edit_form(ws, story, loaded)
        with right:
            _findings(ws, story, loaded)
            _evidence(ws, story)
            _decide(ws, story, loaded)
            with st.expander(f"History ({len(history)})"):
                for line in vm.history_lines(history):
                    st.text(line)


def _edit_form(ws: Workspace, story: Story, loaded: int) -> None:
    k = f"{story.id}:{loaded}"
    with st.form(key=f"st_form:{k}", border=False):
        role = st.text_input("As a (role)", story.role, key=f"role:{k}")
        goal = st.text_input("I want (goal, starts with 'to')", story.goal, key=f"goal:{k}")
        benefit = st.text_input("So that (benefit)", story.benefit, key=f"benefit:{k}")
        points = st.number_input("Estimate (points, 0 = none)", 0, 100, story.points or 0, key=f"points:{k}")
        criteria = []
        for i, c in enumerate(story.acceptance_criteria):
            head, remove = st.columns([4, 1], vertical_alignment="bottom")
            head.markdown(f"**Criterion {i + 1}**")
            removed = remove.checkbox("Remove", key=f"remove:{k}:{i}")
            g, w, t = st.columns(3)
            criteria.append({
                "given": g.text_area("Given", c.given, key=f"given:{k}:{i}", height=68),
                "when": w.text_area("When", c.when, key=f"when:{k}:{i}", height=68),
                "then": t.text_area("Then", c.then, key=f"then:{k}:{i}", height=68),
                "remove": removed,
            })
        st.markdown("**New criterion** (fill all three to add)")
        new = {part: col.text_area(part.title(), "", key=f"new_{part}:{k}", height=68)
               for part, col in zip(("given", "when", "then"), st.columns(3), strict=True)}
        submitted = st.form_submit_button("Save", key=f"st_save:{k}")
    if submitted:
        changes = vm.story_changes(story, {"role": role, "goal": goal, "benefit": benefit, "points": points,
                                           "criteria": criteria, "new": new})
        if not changes:
            st.info("Nothing changed.")
            return
        _save(story, lambda: edit_story(ws, story.id, changes, actor=actor(), expected_version=loaded), "Saved.")


def _save(story: Story, write: Callable[[], Story], message: str) -> None:
    """Run one write; on success the form is rebuilt from the stored story, on conflict the PO is told to reload."""
    try:
        saved = write()
    except BacklogsmithError as exc:
        show_error(exc)
        return
    _reload(story.id, saved.version)
    flash(f"{message} ({story.id})")
    st.rerun()


def _findings(ws: Workspace, story: Story, loaded: int) -> None:
    findings = [QualityFinding.model_validate(q) for q in story.quality]
    if not findings:
        st.caption("No quality findings.")
        return
    for i, f in enumerate(findings):
        st.markdown(f"{_SEVERITY_ICON.get(f.severity, '')} **{escape_md(f.criterion)}**: {escape_md(f.message)}")
        if not f.fix:
            continue
        st.caption(f"Fix: {escape_md(f.fix)}")
        changes = vm.fix_changes(story, f)
        if changes and st.button("Apply fix", key=f"st_fix:{story.id}:{loaded}:{i}"):
            _save(story, lambda c=changes: edit_story(ws, story.id, c, actor=actor(), expected_version=loaded),
                  "Fix applied.")


def _evidence(ws: Workspace, story: Story) -> None:
    with st.popover(f"Evidence ({len(story.evidence)} quotes)", width="stretch"):
        for item in vm.evidence(ws, story.evidence):
            st.caption(escape_md(vm.source_label(item)))
            st.text(item.text)


def _decide(ws: Workspace, story: Story, loaded: int) -> None:
    a, r = st.columns(2)
    if story.status != "approved" and a.button("Approve", key=f"st_approve:{story.id}:{loaded}", type="primary"):
        _save(story, lambda: approve_story(ws, story.id, actor=actor(), expected_version=loaded), "Approved.")
    with r.popover("Reject…", width="stretch"):
        reason = st.text_input("Reason (required)", key=f"st_reason:{story.id}:{loaded}")
        if st.button("Reject story", key=f"st_reject:{story.id}:{loaded}"):
            if not reason.strip():
                st.error("Give a reason: it is kept in the story history.")
            else:
                _save(story, lambda: reject_story(ws, story.id, actor=actor(), reason=reason.strip(),
                                                  expected_version=loaded), "Rejected.")
