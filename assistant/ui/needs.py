"""Needs page: ranked needs with counts, value, sentiment mix and trend; charts; one need opened below with its
quotes (a long item by its matching sentence), stakeholder asks, items and loosely related items (not evidence);
rename (unique names), merge (with undo), move an item to another need."""

from __future__ import annotations

import altair as alt
import streamlit as st

from assistant.errors import BacklogsmithError
from assistant.models import FeedbackItem, Need
from assistant.need_actions import merge_with_undo, move_item, rename_unique, undo_merge
from assistant.ui import inbox, inbox_model
from assistant.ui import needs_model as vm
from assistant.ui.context import allowed, escape_md, flash, guarded, show_error, show_flashes, workspace
from assistant.ui.stories_model import source_label
from assistant.ui.words import plural
from assistant.workspace import Workspace

UNDO = "needs_undo"  # the last merge this session can undo: (message, undo record)


def render() -> None:
    """The whole Needs page."""
    st.title("Needs")
    show_flashes()
    ws = workspace()
    _undo_bar(ws)
    needs, rows = vm.ranked_needs(ws)
    if not needs:
        st.info("No needs yet. Add feedback in the Inbox and press Process.")
        inbox.analyse_button(ws, inbox_model.inbox_stats(ws))
        return
    st.dataframe(rows, hide_index=True, width="stretch", height=min(len(rows), 12) * 35 + 38,
                 column_order=["need", "evidence", "value", "sentiment", "trend", "emerging", "segments", "stories"],
                 column_config={"need": st.column_config.TextColumn("need", width="large"),
                                "value": st.column_config.NumberColumn("value", help="Evidence weighted by segment (Settings)"),
                                "trend": st.column_config.TextColumn(
                                    "trend", help=f"Dated items in the last {vm.TREND_DAYS} days vs the {vm.TREND_DAYS} before")})
    _charts(ws, needs, rows)
    inbox.analyse_button(ws, inbox_model.inbox_stats(ws))
    st.divider()
    by_id = {n.id: n for n in needs}
    if st.session_state.get("needs_open") not in by_id:
        st.session_state.pop("needs_open", None)
    chosen = st.selectbox("Open a need", list(by_id), key="needs_open",
                          format_func=lambda i: f"{by_id[i].name} ({plural(len(by_id[i].item_ids), 'item')})")
    if chosen:
        _detail(ws, by_id[chosen], needs)


def _undo_bar(ws: Workspace) -> None:
    pending = st.session_state.get(UNDO)
    if not pending:
        return
    message, record = pending
    text, button = st.columns([4, 1], vertical_alignment="center")
    text.info(escape_md(message))
    if button.button("Undo merge", key="needs_undo_merge", icon=":material/undo:"):
        with guarded():
            allowed("editor", "undo a merge")
            undo_merge(ws, record)
            st.session_state.pop(UNDO, None)
            flash("Merge undone: both needs are back as they were.")
            st.rerun()


def _charts(ws: Workspace, needs: list[Need], rows: list[dict]) -> None:
    names = {n.id: n.name for n in needs}
    data = vm.chart_data(ws, names)
    top = [r["need"] for r in rows[:15]]
    left, right = st.columns(2)
    with left:
        st.caption("Needs by evidence count and segment (top 15)")
        seg = [r for r in data["segment"] if r["need"] in top]
        if seg:
            domain, colours = vm.segment_colours([r["segment"] for r in seg])
            chart = alt.Chart(alt.Data(values=seg)).mark_bar().encode(
                x=alt.X("items:Q", title="items"), y=alt.Y("need:N", sort=top, title=None),
                color=alt.Color("segment:N", scale=alt.Scale(domain=domain, range=colours)),
                tooltip=["need:N", "segment:N", "items:Q"])
            st.altair_chart(chart, width="stretch")
    with right:
        undated = data["undated"][0]["items"]
        st.caption("Sentiment over time (items per week, by the date the feedback was given)")
        if data["sentiment"]:
            chart = alt.Chart(alt.Data(values=data["sentiment"])).mark_bar().encode(
                x=alt.X("week:T", title="week"), y=alt.Y("items:Q", title="items"),
                color=alt.Color("sentiment:N", scale=alt.Scale(domain=["negative", "neutral", "positive"],
                                                                range=["#d62728", "#9e9e9e", "#2ca02c"])),
                tooltip=["week:T", "sentiment:N", "items:Q"])
            st.altair_chart(chart, width="stretch")
        else:
            st.caption("No triaged, dated items yet.")
        if undated:
            st.caption(f"{plural(undated, 'item')} without a date (not in the chart).")


def _detail(ws: Workspace, need: Need, needs: list[Need]) -> None:
    st.subheader(escape_md(need.name))
    st.markdown(escape_md(need.statement) or "_No statement yet._")
    c = need.counts
    report = vm.need_evidence(ws, need)
    st.caption(escape_md(" · ".join([report["counts"], *(f"{k}: {v}" for k, v in {**c.by_type, **c.by_channel}.items())])))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        asks = vm.stakeholder_asks(ws, need)
        if asks:
            st.markdown(f"**Stakeholder asks ({len(asks)})**")
            for item in asks:
                show_quote(item)
        _, others = vm.need_items(ws, need)
        st.markdown("**Representative quotes**")
        for item, sentence in report["quotes"]:
            show_quote(item, sentence)
        with st.expander(f"All items ({len(need.item_ids)}; first {len(others)} others shown)"):
            for item in others:
                show_quote(item)
        _loose(report["loose"], len(need.item_ids), report.get("set_aside", {}))
    with right:
        _rename(ws, need)
        _merge(ws, need, needs)
        _move(ws, need, needs)


LOOSE_TITLE = "Loosely related (not evidence)"


def _loose(items: list[FeedbackItem], counted: int, set_aside: dict[str, str] | None = None) -> None:
    """Items grouped near the need that do not show it: listed so nothing is hidden, never counted or cited."""
    if not items:
        return
    with st.expander(f"{LOOSE_TITLE}: {plural(len(items), 'item')}"):
        st.caption(f"These mention the same topic but do not report this problem or ask for it (for example praise "
                   f"of the same feature). They are not among the {plural(counted, 'item')} counted above, are not "
                   f"quoted, and stories never cite them.")
        for item in items:
            show_quote(item)
            if (set_aside or {}).get(item.id):  # the model's verdict, so the PO can overrule it knowingly
                st.caption(escape_md(f"Set aside by the model: {set_aside[item.id]}"))


def show_quote(item: FeedbackItem, sentence: str | None = None) -> None:
    """One item as a quote; a long item is quoted by the sentence that matches the need, the whole text one click away."""
    with st.container(border=True):
        if sentence:
            st.text(f"“{sentence}”")
            with st.expander("Whole text (a longer item: the sentence above is the part about this need)"):
                st.text(item.text)
        else:
            st.text(item.text)
        who = item.metadata.get("author") or item.metadata.get("stakeholder")
        st.caption(escape_md(source_label(item) + (f" · from {who}" if who and item.kind == "stakeholder_ask" else "")))


def _rename(ws: Workspace, need: Need) -> None:
    with st.form(f"needs_rename:{need.id}", border=True):
        name = st.text_input("Rename this need", need.name, key=f"needs_name:{need.id}")
        if st.form_submit_button("Rename") and name.strip() and name.strip() != need.name:
            try:
                allowed("editor", "rename needs")
                rename_unique(ws, need.id, name.strip())
            except BacklogsmithError as exc:
                show_error(exc)
                return
            flash(f"Renamed to “{name.strip()}”.")
            st.rerun()


def _merge(ws: Workspace, need: Need, needs: list[Need]) -> None:
    others = {n.id: f"{n.name} ({plural(len(n.item_ids), 'item')})" for n in needs if n.id != need.id}
    if not others:
        return
    with st.form(f"needs_merge:{need.id}", border=True):
        other = st.selectbox("Merge another need into this one", list(others), format_func=others.get,
                             key=f"needs_other:{need.id}")
        if st.form_submit_button("Merge") and other:
            try:
                allowed("editor", "merge needs")
                merged, record = merge_with_undo(ws, need.id, other)
            except BacklogsmithError as exc:
                show_error(exc)
                return
            message = f"Merged “{others[other]}” into “{need.name}”: now {plural(len(merged.item_ids), 'item')}."
            st.session_state[UNDO] = (message, record)
            st.rerun()


def _move(ws: Workspace, need: Need, needs: list[Need]) -> None:
    quotes, others = vm.need_items(ws, need, limit=200)
    items = {i.id: i for i in [*quotes, *others]}
    targets = {n.id: n.name for n in needs if n.id != need.id}
    if not items or not targets:
        return
    with st.form(f"needs_move:{need.id}", border=True):
        item = st.selectbox("Move an item filed under the wrong need", list(items), key=f"needs_move_item:{need.id}",
                            format_func=lambda i: items[i].text[:90])
        to = st.selectbox("to", list(targets), format_func=targets.get, key=f"needs_move_to:{need.id}")
        st.caption("It stays there when needs are found again.")
        if st.form_submit_button("Move"):
            try:
                allowed("editor", "move items between needs")
                move_item(ws, item, to)
            except BacklogsmithError as exc:
                show_error(exc)
                return
            flash(f"Moved the item to “{targets[to]}”.")
            st.rerun()
