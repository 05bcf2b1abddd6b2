"""Needs page under AppTest: ranking, charts, drill-in with sources, rename and merge reach the database."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from assistant.need_actions import apply_pins
from assistant.tables import FeedbackRow, NeedRow, StoryRow
from assistant.ui import needs_model as vm
from ui_helpers import HOSTILE, open_page, plain, seed


def test_ranked_table_with_value_sentiment_and_trend(ui_ws):
    seed(ui_ws, needs=3)
    ui_ws.set_setting("segment_weights", {"enterprise": 10.0, "free": 1.0})
    at = open_page("needs")
    table = at.dataframe[0].value
    assert list(table["need"]) == ["need number 0", "need number 1", "need number 2"]
    # Evidence 7/6/5: 1 enterprise item x 10 + 3 free items + the items without a segment unweighted.
    assert list(table["value"]) == [10 + 3 + 3, 10 + 3 + 2, 10 + 3 + 1]
    assert table["sentiment"][0] == "2 neg · 0 neu · 1 pos"
    assert len(at.get("vega_lite_chart")) == 2  # evidence by segment, sentiment over time


def test_trend_compares_the_last_30_days_with_the_30_before():
    today = date(2026, 10, 31)
    dates = [date(2026, 10, 30), date(2026, 10, 2), date(2026, 9, 15), date(2026, 8, 1)]
    assert vm.trend(dates, today) == (2, 1, "↑")
    assert vm.trend(dates[2:], today) == (0, 1, "↓")
    assert vm.weighted_demand({"enterprise": 2, "free": 1}, 5, {"enterprise": 3.0}) == 2 * 3 + 1 + 2


def test_drill_in_shows_quotes_as_text_with_sources(ui_ws):
    seed(ui_ws, needs=2)
    at = open_page("needs")
    assert at.selectbox(key="needs_open").value == "need0"
    texts = [t.value for t in at.text]
    assert HOSTILE in texts  # shown literally
    assert any("survey.csv, row 1" in c.value for c in at.caption)
    assert not any("<img" in m.value for m in at.markdown)


def test_rename_need(ui_ws):
    seed(ui_ws, needs=2)
    at = open_page("needs")
    at.text_input(key="needs_name:need0").input("Month-end export")
    at.button[[b.label for b in at.button].index("Rename")].click().run()
    assert not at.error, [e.value for e in at.error]
    with ui_ws.transaction() as s:
        row = s.get(NeedRow, "need0")
        assert row.name == "Month-end export" and row.name_edited


def test_merge_needs(ui_ws):
    seed(ui_ws, needs=3)
    at = open_page("needs")
    at.selectbox(key="needs_other:need0").set_value("need2")
    at.button[[b.label for b in at.button].index("Merge")].click().run()
    assert not at.error, [e.value for e in at.error]
    with ui_ws.transaction() as s:
        members = set(s.scalars(select(FeedbackRow.id).where(FeedbackRow.need_id == "need0")))
        assert {"fb2-0", "fb0-0"} <= members
        assert s.get(NeedRow, "need2").merged_into == "need0"
    assert "need number 2" not in list(open_page("needs").dataframe[0].value["need"])


def test_undated_items_are_undated_and_trends_compare_like_with_like():
    assert vm.item_date({}, None) is None and vm.item_date({"date": "2026-10-02"}) == date(2026, 10, 2)
    today = date(2026, 10, 31)
    assert vm.trend_text([], today, None) == "undated"
    # The data starts 10 days ago: there is no earlier window to compare with, so no "up N vs 0".
    assert vm.trend_text([date(2026, 10, 30)], today, date(2026, 10, 21)) == "1 in 30 d (no earlier data to compare)"
    assert vm.trend_text([date(2026, 10, 30), date(2026, 9, 15)], today, date(2026, 8, 1)) == "↑ 1 vs 1".replace("↑", "→")


def test_duplicate_name_is_refused(ui_ws):
    seed(ui_ws, needs=2)
    at = open_page("needs")
    at.text_input(key="needs_name:need0").input("Need Number 1")  # the other need's name, any case
    at.button[[b.label for b in at.button].index("Rename")].click().run()
    assert any("already called" in plain(e.value) for e in at.error)
    with ui_ws.transaction() as s:
        assert s.get(NeedRow, "need0").name == "need number 0"


def test_merge_updates_counts_and_can_be_undone(ui_ws):
    seed(ui_ws, needs=3)
    with ui_ws.transaction() as s:
        s.get(NeedRow, "need0").statement = "People cannot do thing 0 (4 customer items)."
    at = open_page("needs")
    at.selectbox(key="needs_other:need0").set_value("need2")
    at.button[[b.label for b in at.button].index("Merge")].click().run()
    assert any("now 8 items" in plain(i.value) for i in at.info)
    assert "(8 items)" in at.selectbox(key="needs_open").format_func("need0")  # the picker counts the merged items
    with ui_ws.transaction() as s:
        assert s.get(NeedRow, "need0").statement.endswith("(8 customer items).")
    at.button(key="needs_undo_merge").click().run()
    assert not at.error, [e.value for e in at.error]
    with ui_ws.transaction() as s:
        assert s.get(NeedRow, "need2").merged_into is None
        members = set(s.scalars(select(FeedbackRow.id).where(FeedbackRow.need_id == "need2")))
        assert members == {f"fb2-{i}" for i in range(4)}
        assert s.get(NeedRow, "need0").statement == "People cannot do thing 0 (4 customer items)."
        assert s.get(StoryRow, "S-2-0").need_id == "need2"


def test_move_item_to_another_need_survives_reclustering(ui_ws):
    seed(ui_ws, needs=2)
    at = open_page("needs")
    at.selectbox(key="needs_move_item:need0").set_value("fb0-2")
    at.selectbox(key="needs_move_to:need0").set_value("need1")
    at.button[[b.label for b in at.button].index("Move")].click().run()
    assert not at.error, [e.value for e in at.error]
    with ui_ws.transaction() as s:
        assert s.get(FeedbackRow, "fb0-2").need_id == "need1"
        assert s.get(NeedRow, "need1").counts["total"] == 5
        s.get(FeedbackRow, "fb0-2").need_id = "need0"  # a re-clustering puts it back where it was
    assert apply_pins(ui_ws) == 1
    with ui_ws.transaction() as s:
        assert s.get(FeedbackRow, "fb0-2").need_id == "need1"


def test_stakeholder_asks_on_their_need_and_undated_items_apart(ui_ws):
    seed(ui_ws, needs=1)
    with ui_ws.transaction() as s:
        ask = s.get(FeedbackRow, "fb0-3")
        ask.kind, ask.text, ask.meta = "stakeholder_ask", "Sales needs a bulk export for the Acme deal", {"author": "Sam"}
    at = open_page("needs")
    assert any(m.value == "**Stakeholder asks (1)**" for m in at.markdown)
    assert "Sales needs a bulk export for the Acme deal" in [t.value for t in at.text]
    assert any("from Sam" in plain(c.value) for c in at.caption)
    assert any("1 item without a date (not in the chart)" in c.value for c in at.caption)


def test_segment_colours_are_distinct_and_unknown_is_grey():
    domain, colours = vm.segment_colours(["pro", "unknown", "free", "enterprise"] + [f"s{i}" for i in range(12)])
    assert len(set(colours)) == len(colours) == len(domain)
    assert domain[-1] == "unknown" and colours[-1] == vm.UNKNOWN_COLOUR
    assert vm.distinct_names(["misc feedback", "export", "Misc feedback"]) == ["misc feedback", "export", "Misc feedback (2)"]
