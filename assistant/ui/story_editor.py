"""The editor beside the Stories table: one story's text, criteria grid, findings with fixes, evidence, history.

Concurrency: the editor remembers the version it was loaded at and sends it as expected_version. When someone
else saved meanwhile, the save is refused, and what this PO typed is kept in the form, beside the current version,
so they can merge by hand and save again (nothing they typed is thrown away).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from assistant.errors import BacklogsmithError, ConflictError
from assistant.models import NeedBrief, QualityFinding, Story
from assistant.readiness import evaluate_ready
from assistant.stories import approve_story, edit_story, reject_story
from assistant.ui import needs_model as nvm
from assistant.ui import stories_model as vm
from assistant.ui.context import actor, escape_md, flash, show_error
from assistant.ui.words import dor_reason, plain_fix, plural, rule_title

CRITERION_ROW = 84  # px: three lines of a Given/When/Then cell
GRID_HEADER = 40  # px: the grid's header row and border
MAX_GRID_ROWS = 12  # beyond this the grid scrolls inside itself rather than pushing Save off the screen
_SEVERITY_ICON = {"error": ":material/block:", "warning": ":material/warning:", "info": ":material/info:"}
_SEVERITY_WORD = {"error": "blocks Ready", "warning": "worth fixing", "info": "note"}


def _loaded_key(story_id: str) -> str:
    return f"st_v:{story_id}"


def _mine_key(story_id: str) -> str:
    return f"st_mine:{story_id}"


def render_editor(ws: Any, story_id: str, *, on_saved: Callable[[str], None]) -> None:
    """The editor for one story (it is loaded in full here, never for the whole table)."""
    try:
        story, reason = vm.load_story(ws, story_id)
    except BacklogsmithError as exc:
        show_error(exc)
        return
    loaded = st.session_state.setdefault(_loaded_key(story.id), story.version)
    mine = st.session_state.get(_mine_key(story.id))
    with st.container(border=True):
        _header(ws, story, reason)
        if mine is not None:
            _conflict(story, mine)
        elif loaded != story.version:
            st.warning(f"Changed by someone else since you opened it (you have v{loaded}, now v{story.version}).")
            if st.button("Show the current version", key=f"st_reload:{story.id}"):
                st.session_state[_loaded_key(story.id)] = story.version
                st.rerun()
        _form(ws, story, loaded, mine, on_saved)
        _findings(ws, story, loaded, on_saved)
        _evidence(ws, story)
        _decide(ws, story, loaded, on_saved)
        history = vm.histories(ws, [story.id])[story.id]
        with st.expander(f"History ({len(history)})"):
            for line in vm.history_lines(history):
                st.text(line)


def _header(ws: Any, story: Story, reason: str | None) -> None:
    st.markdown(f"**{escape_md(story.text)}**")
    if story.kind == vm.TO_WRITE:
        _brief(ws, story)
    ready = vm.is_ready(story.status, story.ready, story.kind)
    rank = story.value.inputs.get("rank") if story.status != "rejected" else None
    bits = [f"rank {rank}" if rank else None, story.priority, f"value {story.value.score:g}" if story.value.score else None,
            plural(story.points, "point") if story.points else
            f"not estimated (suggested {story.points_suggested})" if story.points_suggested else "not estimated",
            ":material/check_circle: Ready" if ready else ":material/pending: Not ready", story.status,
            f"v{story.version}", story.id]
    st.caption(" · ".join(b for b in bits if b))
    if story.status == "rejected":
        st.error(f"Rejected: {escape_md(reason or 'no reason recorded')}", icon=":material/block:")
    why = story.value.inputs.get("why")
    if why and story.status != "rejected":
        st.caption(escape_md(f"Why this rank: {why}"))


def _brief(ws: Any, story: Story) -> None:
    """What the drafter hands over for a story to write: the need in the customers' words, and the way to write it."""
    brief = story.brief
    st.info("**Story to write.** The feedback of this need states no goal clean enough to draft from. Write the goal "
            "(and role and benefit) in the form below from this brief, then Save: it becomes a draft story, checked "
            "like any other. Until then it cannot be approved or exported.", icon=":material/edit_note:")
    if brief is None:
        return
    st.caption(escape_md(brief_counts(brief)))
    quotes = nvm.sentence_quotes(ws, story.need_id, brief.quotes[:3])
    if quotes:
        # compact, so the goal box stays on the first screen: a long review by its matching sentence, the whole
        # text is under Evidence below
        st.markdown("**What they said** (top quotes; whole texts under Evidence)")
        for item, sentence in quotes:
            st.text(f"“{sentence or item.text}”")
            st.caption(escape_md(vm.source_label(item)))


def brief_counts(brief: NeedBrief) -> str:
    """The brief's counts and who asked, in one line: '36 items: bug 29, complaint 5 · 1 stakeholder ask · asked by …'."""
    c = brief.counts
    types = ", ".join(f"{str(k).replace('_', ' ')} {v}" for k, v in (c.get("by_type") or {}).items() if v)
    parts = [plural(int(c["items"]), "item") + (f": {types}" if types else "") if c.get("items") else types]
    if c.get("stakeholder_asks"):
        parts.append(plural(int(c["stakeholder_asks"]), "stakeholder ask"))
    parts += [f"{str(k).replace('_', ' ')}: {v}" for k, v in c.items()
              if k not in ("items", "by_type", "stakeholder_asks") and v and not isinstance(v, dict)]
    if brief.asked_by:
        parts.append(f"asked by {', '.join(brief.asked_by)}")
    return " · ".join(p for p in parts if p)


def _conflict(story: Story, mine: dict[str, Any]) -> None:
    """Someone saved first: their version read-only, the PO's own text stays in the form below."""
    st.warning(f"Not saved: someone else changed this story first (now v{story.version}). Your text is kept in the "
               "form below; the current version is here. Merge by hand, then Save.", icon=":material/sync_problem:")
    with st.expander("Current version (saved by the other person)", expanded=True):
        st.text(story.text)
        for n, c in enumerate(story.acceptance_criteria, 1):
            st.text(f"{n}. Given {c.given}, when {c.when}, then {c.then}")
        st.caption(f"Your text: As a {mine.get('role', '')}, I want {mine.get('goal', '')}, so that {mine.get('benefit', '')}")
    if st.button("Discard my text", key=f"st_discard:{story.id}"):
        st.session_state.pop(_mine_key(story.id), None)
        st.rerun()


def _form(ws: Any, story: Story, loaded: int, mine: dict[str, Any] | None, on_saved: Callable[[str], None]) -> None:
    hint = {key: vm.placeholder(story, key) for key in ("goal", "benefit")}
    src = mine or {"role": story.role, "goal": "" if hint["goal"] else story.goal,
                   "benefit": "" if hint["benefit"] else story.benefit, "points": story.points or 0,
                   "criteria": vm.criteria_rows(story)}
    k = f"{story.id}:{loaded}:{'mine' if mine else 'stored'}"
    with st.form(key=f"st_form:{k}", border=False):
        role_col, points_col = st.columns([3, 1])
        role = role_col.text_input("As a (role)", src["role"], key=f"role:{k}")
        points = points_col.number_input("Points (0 = none)", 0, 100, int(src["points"] or 0), key=f"points:{k}",
                                         help=f"The team's estimate. Suggested: {story.points_suggested}"
                                         if story.points_suggested else "The team's estimate.")
        goal = st.text_input("I want (goal, starts with 'to')" if story.kind != vm.TO_WRITE else
                             "I want (goal): write it here from the brief above", src["goal"], key=f"goal:{k}",
                             placeholder=hint["goal"])
        benefit = st.text_input("So that (benefit)", src["benefit"], key=f"benefit:{k}", placeholder=hint["benefit"])
        st.caption("Acceptance criteria: edit a cell, add a row at the bottom, or select rows and delete them.")
        # tall enough for every criterion, one new row and the "add row" line: the default height (400 px) made
        # the grid scroll inside itself from three criteria on, hiding the row a PO had just added
        rows = len(src["criteria"]) + 2
        grid = st.data_editor(pd.DataFrame(src["criteria"], columns=list(vm.CRITERIA_COLUMNS)), num_rows="dynamic",
                              hide_index=True, width="stretch", key=f"criteria:{k}", row_height=CRITERION_ROW,
                              height=GRID_HEADER + CRITERION_ROW * min(rows, MAX_GRID_ROWS),
                              column_config={c: st.column_config.TextColumn(c.title(), width="small")
                                             for c in vm.CRITERIA_COLUMNS})
        submitted = st.form_submit_button("Save", key=f"st_save:{k}", type="primary")
    if not submitted:
        return
    form = {"role": role, "goal": goal, "benefit": benefit, "points": points,
            "criteria": grid.astype(object).where(grid.notna(), "").to_dict("records")}
    try:
        changes = vm.story_changes(story, form)
    except BacklogsmithError as exc:
        show_error(exc)
        return
    if not changes:
        st.info("Nothing changed.")
        return
    _save(ws, story, lambda: edit_story(ws, story.id, changes, actor=actor(), expected_version=loaded), "Saved.",
          on_saved, typed=form)


def _save(ws: Any, story: Story, write: Callable[[], Story], message: str, on_saved: Callable[[str], None],
          typed: dict[str, Any] | None = None) -> None:
    """Run one write. Success: the editor reloads from the stored story. Conflict: keep what the PO typed."""
    try:
        saved = write()
    except ConflictError as exc:
        if typed is None:
            show_error(exc)
            return
        current, _ = vm.load_story(ws, story.id)
        st.session_state[_mine_key(story.id)] = typed
        st.session_state[_loaded_key(story.id)] = current.version
        flash(f"Not saved: {exc}", kind="warning")
        on_saved(story.id)
        st.rerun()
        return
    except BacklogsmithError as exc:
        show_error(exc)
        return
    st.session_state[_loaded_key(story.id)] = saved.version
    st.session_state.pop(_mine_key(story.id), None)
    flash(f"{message} ({story.id})")
    on_saved(story.id)
    st.rerun()


def _findings(ws: Any, story: Story, loaded: int, on_saved: Callable[[str], None]) -> None:
    findings = [QualityFinding.model_validate(q) for q in story.quality]
    if story.kind == vm.TO_WRITE:  # the other checks read the empty goal ("I want to story to write: …"): noise
        findings = [f for f in findings if f.criterion == vm.TO_WRITE_RULE]
    ok, unmet = evaluate_ready(story, ws.get_setting("definition_of_ready"))
    title = f"Findings ({len(findings)})" if findings else "Findings (none)"
    with st.expander(title, expanded=bool(findings) or not ok):
        if story.status != "rejected" and not ok:
            st.markdown("**Not Ready yet:**")
            # findings are listed once, below, with their fix; the Ready list only counts them
            own = [r for r in unmet if not r.startswith(("verified:", "no_blocking_finding:"))]
            for reason in own:
                words, fix = dor_reason(reason)
                st.markdown(f"- {escape_md(words)}" + (f" — *{escape_md(fix)}*" if fix else ""))
            if len(own) < len(unmet):
                st.markdown(f"- {plural(len(unmet) - len(own), 'finding')} below "
                            f"{'blocks' if len(unmet) - len(own) == 1 else 'block'} Ready")
        for i, f in enumerate(findings):
            # a verification-gate warning holds the story out of Ready too: say so, as the list above counts it
            severity = "error" if f"verified: {f.criterion}: {f.message}" in unmet else f.severity
            st.markdown(f"{_SEVERITY_ICON.get(severity, '')} **{escape_md(rule_title(f.criterion))}** "
                        f"({_SEVERITY_WORD.get(severity, severity)}): {escape_md(f.message)}")
            fix = plain_fix(f.fix or "")
            if not fix:
                continue
            changes = vm.fix_changes(story, f)
            fix_col, button_col = st.columns([4, 1], vertical_alignment="center")
            fix_col.caption(f"Fix: {escape_md(fix)}")
            if changes and button_col.button("Apply", key=f"st_fix:{story.id}:{loaded}:{i}", help="Apply this fix"):
                _save(ws, story, lambda c=changes: edit_story(ws, story.id, c, actor=actor(), expected_version=loaded),
                      f"Fix applied: {rule_title(f.criterion)}.", on_saved)
        if not findings and ok:
            st.caption("No findings: the story reads well and meets the Definition of Ready.")


def _evidence(ws: Any, story: Story) -> None:
    items = vm.evidence(ws, story.evidence)
    with st.expander(f"Evidence ({plural(len(items), 'quote')})"):
        for item in items:
            st.text(item.text)
            st.caption(escape_md(vm.source_label(item)))


def _decide(ws: Any, story: Story, loaded: int, on_saved: Callable[[str], None]) -> None:
    a, r = st.columns(2)
    if story.kind == vm.TO_WRITE:
        a.caption("Write the goal first: a story to write cannot be approved or exported.")
    elif story.status not in ("approved", "exported") and a.button(
            "Approve", key=f"st_approve:{story.id}:{loaded}", type="primary", width="stretch"):
        _save(ws, story, lambda: approve_story(ws, story.id, actor=actor(), expected_version=loaded), "Approved.",
              on_saved)
    if story.status == "rejected":
        return
    with r.popover("Reject…", width="stretch"):
        reason = st.text_area("Why (kept in the history and the stakeholder decisions)", key=f"st_reason:{story.id}:{loaded}")
        if st.button("Reject story", key=f"st_reject:{story.id}:{loaded}"):
            if not reason.strip():
                st.error("Give a reason: it is kept in the story history.")
            else:
                _save(ws, story, lambda: reject_story(ws, story.id, actor=actor(), reason=reason.strip(),
                                                      expected_version=loaded), "Rejected.", on_saved)

