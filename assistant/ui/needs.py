"""Needs page: ranked needs with counts, value, sentiment mix and trend; charts; drill in; rename and merge."""

from __future__ import annotations

import altair as alt
import streamlit as st

from assistant.errors import BacklogsmithError
from assistant.models import FeedbackItem, Need
from assistant.needs import merge_needs, rename_need
from assistant.ui import inbox, inbox_model
from assistant.ui import needs_model as vm
from assistant.ui.context import escape_md, flash, show_error, show_flashes, workspace
from assistant.ui.stories_model import source_label
from assistant.workspace import Workspace


def render() -> None:
    """The whole Needs page."""
    st.title("Needs")
    show_flashes()
    ws = workspace()
    needs, rows = vm.ranked_needs(ws)
    if not needs:
        st.info("No needs yet. Add feedback in the Inbox, then triage and find needs.")
        inbox.analyse_button(ws, inbox_model.inbox_stats(ws))
        return
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_order=["need", "evidence", "value", "sentiment", "trend", "emerging", "segments", "stories"],
                 column_config={"value": st.column_config.NumberColumn("value", help="Evidence weighted by segment (Settings)"),
                                "trend": st.column_config.TextColumn(
                                    "trend", help=f"Items in the last {vm.TREND_DAYS} days vs the {vm.TREND_DAYS} before")})
    _charts(ws, needs, rows)
    inbox.analyse_button(ws, inbox_model.inbox_stats(ws))
    st.divider()
    by_id = {n.id: n for n in needs}
    chosen = st.selectbox("Open a need", list(by_id), format_func=lambda i: f"{by_id[i].name} ({len(by_id[i].item_ids)} items)",
                          key="needs_open")
    if chosen:
        _detail(ws, by_id[chosen], needs)


def _charts(ws: Workspace, needs: list[Need], rows: list[dict]) -> None:
    names = {n.id: n.name for n in needs}
    data = vm.chart_data(ws, names)
    top = [r["need"] for r in rows[:15]]
    left, right = st.columns(2)
    with left:
        st.caption("Needs by evidence count and segment (top 15)")
        seg = [r for r in data["segment"] if r["need"] in top]
        if seg:
            chart = alt.Chart(alt.Data(values=seg)).mark_bar().encode(
                x=alt.X("items:Q", title="items"), y=alt.Y("need:N", sort=top, title=None),
                color=alt.Color("segment:N"), tooltip=["need:N", "segment:N", "items:Q"])
            st.altair_chart(chart, width="stretch")
    with right:
        st.caption("Sentiment over time (items per week)")
        if data["sentiment"]:
            chart = alt.Chart(alt.Data(values=data["sentiment"])).mark_bar().encode(
                x=alt.X("week:T", title="week"), y=alt.Y("items:Q", title="items"),
                color=alt.Color("sentiment:N", scale=alt.Scale(domain=["negative", "neutral", "positive"],
                                                                range=["#d62728", "#9e9e9e", "#2ca02c"])),
                tooltip=["week:T", "sentiment:N", "items:Q"])
            st.altair_chart(chart, width="stretch")
        else:
            st.caption("No triaged, dated items yet.")


def _detail(ws: Workspace, need: Need, needs: list[Need]) -> None:
    st.subheader(escape_md(need.name))
    st.markdown(escape_md(need.statement) or "_No statement yet._")
    c = need.counts
    st.caption(escape_md(" · ".join(f"{k}: {v}" for k, v in {**c.by_type, **c.by_channel}.items())))
    quotes, others = vm.need_items(ws, need)
    st.markdown("**Representative quotes**")
    for item in quotes:
        _quote(item)
    with st.expander(f"All items ({len(need.item_ids)}; first {len(others)} others shown)"):
        for item in others:
            _quote(item)
    _rename(ws, need)
    _merge(ws, need, needs)


def _quote(item: FeedbackItem) -> None:
    with st.container(border=True):
        st.text(item.text)
        st.caption(escape_md(source_label(item)))


def _rename(ws: Workspace, need: Need) -> None:
    with st.form(f"needs_rename:{need.id}", border=False):
        name = st.text_input("Rename this need", need.name, key=f"needs_name:{need.id}")
        if st.form_submit_button("Rename") and name.strip() and name.strip() != need.name:
            try:
                rename_need(ws, need.id, name.strip())
            except BacklogsmithError as exc:
                show_error(exc)
                return
            flash(f"Renamed to “{name.strip()}”.")
            st.rerun()


def _merge(ws: Workspace, need: Need, needs: list[Need]) -> None:
    others = {n.id: n.name for n in needs if n.id != need.id}
    if not others:
        return
    with st.form(f"needs_merge:{need.id}", border=False):
        other = st.selectbox("Merge another need into this one", list(others), format_func=others.get,
                             key=f"needs_other:{need.id}")
        if st.form_submit_button("Merge") and other:
            try:
                merge_needs(ws, need.id, other)
            except BacklogsmithError as exc:
                show_error(exc)
                return
            flash(f"Merged “{others[other]}” into “{need.name}”.")
            st.rerun()
