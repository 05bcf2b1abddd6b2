"""Stories page: a compact ranked table (25 rows a page) with one editor beside it for the selected story.

The table is one cheap query (no criteria, no findings); only the story opened in the editor is fully loaded.
The open story is remembered in session state, so a save, a fix or a filter change never closes it or hides it.
"""

from __future__ import annotations

import streamlit as st

from assistant.errors import QualityError
from assistant.handwritten import write_story
from assistant.stories import DraftReport, approve_all, draft, edit_story
from assistant.ui import stories_model as vm
from assistant.ui.context import actor, flash, guarded, llm_provider, progress_callback, show_flashes, workspace
from assistant.ui.story_editor import render_editor
from assistant.ui.inbox_process import UI_LOCK_WAIT
from assistant.ui.words import plural
from assistant.value import prioritize
from assistant.workspace import Workspace

PAGE_SIZE = 25
ROW_HEIGHT = 32
SELECTED = "st_selected"  # the story open in the editor
TABLE_GEN = "st_table_gen"  # bumped after a write: a fresh table widget, selection restored from SELECTED
FOCUS = "st_focus"  # set after a write: move the pager to the open story's page
KEEP = "st_keep"  # the story just written stays in the table, even if the filters no longer match it, until they change

COLUMNS = {
    "open": st.column_config.TextColumn("", width=20, help="The story open in the editor"),
    "rank": st.column_config.NumberColumn("#", width=36, help="Rank: cost of delay per point (WSJF), 1 first"),
    "priority": st.column_config.TextColumn("prio", width=44),
    "value": st.column_config.NumberColumn("value", width=54, format="%.0f", help="Evidence weighted by segment"),
    "points": st.column_config.TextColumn("pts", width=36, help="Team estimate; ~N is the suggestion"),
    "ready": st.column_config.CheckboxColumn("Ready", width=52, help="Meets the Definition of Ready"),
    "status": st.column_config.TextColumn("status", width=70),
    "need": st.column_config.TextColumn("need", width=150),
    "story": st.column_config.TextColumn("story", width="large"),
}


def render() -> None:
    """The whole Stories page."""
    st.title("Stories")
    show_flashes()
    ws = workspace()
    names = vm.need_names(ws)
    _toolbar(ws, names)
    selected = st.session_state.get(SELECTED)
    table = _filtered(ws, names, selected)
    if not table.total:
        st.info("No stories yet. Add feedback in the Inbox and press Process, then Draft stories above "
                "(or write one by hand).")
        return
    if selected not in table.ids and table.ids:
        selected = table.ids[0]  # open the top-ranked story rather than an empty editor
    left, right = st.columns([11, 7], gap="medium")
    with left:
        selected = _table(table, selected)
    with right:
        if selected in table.ids:
            render_editor(ws, selected, on_saved=_saved)
        else:
            st.info("No story matches the filters.")


def _saved(story_id: str) -> None:
    """After any write: keep this story open, rebuild the table around it and page to it."""
    st.session_state[SELECTED] = story_id
    st.session_state[KEEP] = story_id
    st.session_state[TABLE_GEN] = st.session_state.get(TABLE_GEN, 0) + 1
    st.session_state[FOCUS] = True


def _filtered(ws: Workspace, names: dict[str | None, str], selected: str | None) -> vm.StoryTable:
    c1, c2, c3, c4 = st.columns([3, 3, 2, 3])
    need = c1.selectbox("Need", ["", *(n for n in names if n)], key="st_need",
                        format_func=lambda n: names.get(n, n) if n else "All needs")
    statuses = c2.multiselect("Status", vm.STATUSES, default=["draft", "approved"], key="st_status")
    ready = c3.selectbox("Ready", vm.READY_CHOICES, key="st_ready", format_func=lambda r: "Ready or not" if r == "any" else r)
    search = c4.text_input("Search", key="st_search", placeholder="words in role, goal or benefit")
    signature = (need, tuple(statuses), ready, search)
    if st.session_state.get("st_filter_sig") not in (None, signature):
        st.session_state.pop(KEEP, None)  # new filters: show exactly what they match
    st.session_state["st_filter_sig"] = signature
    keep = st.session_state.get(KEEP)
    return vm.story_table(ws, need_id=need or None, statuses=tuple(statuses), ready=ready, search=search,
                          keep=keep if keep == selected else None)


def _table(table: vm.StoryTable, selected: str | None) -> str | None:
    """The ranked table, one page of PAGE_SIZE rows; returns the story to open (a click wins over the remembered one)."""
    ids = table.ids
    pages = max(1, -(-len(ids) // PAGE_SIZE))
    if st.session_state.pop(FOCUS, False) and selected in ids:
        st.session_state["st_page"] = ids.index(selected) // PAGE_SIZE + 1
    if st.session_state.get("st_page", 1) > pages:
        st.session_state["st_page"] = pages
    counts = ", ".join(plural(n, s, s) for s, n in table.counts.items() if n)
    head, pager = st.columns([3, 1], vertical_alignment="bottom")
    head.caption(f"{plural(len(ids), 'story')} shown of {table.total} ({counts or 'none'}), ranked; click a row to open it.")
    page = int(pager.number_input(f"Page of {pages}", 1, pages, key="st_page", step=1)) if pages > 1 else 1
    rows = table.rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    page_ids = [r["id"] for r in rows]
    for r in rows:
        r["open"] = "▶" if r["id"] == selected else ""
    default = {"selection": {"rows": [page_ids.index(selected)]}} if selected in page_ids else None
    # A new key per filter set / write: a stale row index never opens another story.
    key = f"st_table:{st.session_state.get(TABLE_GEN, 0)}:{hash(st.session_state.get('st_filter_sig'))}:{page}"
    event = st.dataframe(rows, hide_index=True, width="stretch", key=key, on_select="rerun",
                         selection_mode="single-row", selection_default=default, row_height=ROW_HEIGHT,
                         height=ROW_HEIGHT * (len(rows) + 1) + 3, column_order=list(COLUMNS), column_config=COLUMNS)
    picked = list(event.selection.rows) if event is not None else []
    # Only a new click counts: the widget keeps reporting its last selection after the open story changed elsewhere.
    seen, st.session_state["st_last_pick"] = st.session_state.get("st_last_pick"), (key, picked)
    if picked and seen != (key, picked) and page_ids[picked[0]] != selected:
        selected = page_ids[picked[0]]
        st.session_state[SELECTED] = selected
        st.rerun()  # redraw the ▶ marker and the editor for the new row
    return selected


def _toolbar(ws: Workspace, names: dict[str | None, str]) -> None:
    draft_col, write_col, approve_col = st.columns(3)
    with draft_col.popover("Draft stories", icon=":material/auto_awesome:", width="stretch"):
        chosen = st.multiselect("Needs (empty = every need; stories you edited or approved are kept)",
                                [n for n in names if n], format_func=lambda n: names[n], key="st_draft_needs")
        if st.button("Draft and rank", key="st_draft", type="primary"):
            _draft(ws, chosen, names)
    with write_col.popover("Write a story by hand", icon=":material/edit:", width="stretch"):
        _write_by_hand(ws, names)
    ready = vm.story_table(ws, statuses=("draft",), ready="Ready").rows
    with approve_col.popover(f"Approve Ready drafts ({len(ready)})", icon=":material/done_all:", width="stretch",
                             disabled=not ready):
        st.markdown(f"This approves **{plural(len(ready), 'draft')}** that meet the Definition of Ready. "
                    "Drafts that are not Ready stay drafts.")
        if st.button(f"Yes, approve {plural(len(ready), 'story')}", key="st_approve_ready", type="primary"):
            with guarded():
                approved = approve_all(ws, actor=actor(), only_ready=True)
                flash(f"Approved {plural(len(approved), 'Ready draft')}.")
                st.rerun()


def _draft(ws: Workspace, chosen: list[str], names: dict[str | None, str]) -> None:
    with guarded(), st.spinner("Drafting stories…"):
        bar = st.progress(0.0, text="Drafting")
        with ws.write_lock(timeout=UI_LOCK_WAIT):  # one writer per workspace, as the CLI does
            report = draft(ws, need_ids=chosen or None, provider=llm_provider(ws),
                           progress=progress_callback(bar, total=len(chosen) or len(names) - 1), actor=actor())
            prioritize(ws)  # rank, estimate and set priority exactly as `backlogsmith draft` does
        flash(draft_summary(report, names))
        st.session_state[TABLE_GEN] = st.session_state.get(TABLE_GEN, 0) + 1
        st.rerun()


def draft_summary(report: DraftReport, names: dict[str | None, str] | None = None) -> str:
    """One line from a DraftReport: stories and stories to write, what changed, and which needs gave what (by name)."""
    names = names or {}
    to_write = [st.need_id for st in report.stories if st.kind == "to_write"]
    text = f"Drafted {plural(len(report.stories) - len(to_write), 'story', 'stories')}"
    if to_write:
        text += f" and {plural(len(to_write), 'story to write', 'stories to write')}"
    parts = [f"{len(values)} {label}" for label, values in (
        ("new", report.created), ("updated", report.updated), ("unchanged", report.unchanged),
        ("kept as you left them", report.kept), ("removed", report.removed)) if values]
    text += (f" ({', '.join(parts)})" if parts else "") + ", ranked."
    if to_write:
        # a long list of names is a wall in a toast: the table marks each one "to write"
        shown = [names.get(n, n or "") for n in to_write[:5]]
        more = f" and {len(to_write) - 5} more (status “to write” in the table)" if len(to_write) > 5 else ""
        text += (" To write by hand (no goal the engine could write cleanly; the need brief is in the editor): "
                 + "; ".join(shown) + more + ".")
    if report.covered:
        text += " Already in the backlog: " + "; ".join(f"{names.get(n, n)} ({k})" for n, k in report.covered) + "."
    if report.no_ask:
        text += f" {plural(len(report.no_ask), 'need')} with praise only (no story): " + "; ".join(
            names.get(n, n) for n in report.no_ask) + "."
    return text + "".join(f" {m}" for m in report.messages)


def _write_by_hand(ws: Workspace, names: dict[str | None, str]) -> None:
    todo = vm.stories_to_write(ws)
    if todo:
        handed = sum(1 for t in todo if t["story"])
        st.caption(f"Stories to write ({handed}): needs the engine could not draft a clean goal for. Pick one and "
                   f"write it (or open it in the table: its brief is in the editor)."
                   + (f" Also listed: {plural(len(todo) - handed, 'need')} without any story." if len(todo) > handed else ""))
        st.dataframe([{"need": t["need"], "items": t["items"], "why": t["why"], "problem": t["statement"]} for t in todo],
                     hide_index=True, width="stretch", height=min(6, len(todo) + 1) * 35 + 3)
    options = [t["id"] for t in todo] + [n for n in names if n and n not in {t["id"] for t in todo}]
    if not options:
        st.caption("No needs yet: add feedback in the Inbox and press Process.")
        return
    with st.form("st_write", clear_on_submit=False, border=False):
        need = st.selectbox("Need", options, format_func=lambda n: names.get(n, n), key="st_write_need")
        role = st.text_input("As a (role)", key="st_write_role", placeholder="who has the problem, e.g. store manager")
        goal = st.text_input("I want (goal)", key="st_write_goal", placeholder="to …")
        benefit = st.text_input("So that (benefit)", key="st_write_benefit", placeholder="the reason the feedback gives")
        submitted = st.form_submit_button("Create story", type="primary")
    if submitted:
        handed = next((t["story"] for t in todo if t["id"] == need and t["story"]), None)
        with guarded():
            if handed and not all(v.strip() for v in (role, goal, benefit)):
                raise QualityError("A story needs a role, a goal and a benefit: fill all three.")
            if handed:  # the drafter's story to write for this need becomes the PO's story (its brief stays)
                story = edit_story(ws, handed, {"role": role, "goal": goal, "benefit": benefit}, actor=actor(),
                                   expected_version=None)
            else:
                story = write_story(ws, need, role=role, goal=goal, benefit=benefit, actor=actor())
            prioritize(ws)
            flash(f"Created {story.id}: add acceptance criteria in the editor.")
            _saved(story.id)
            st.rerun()
