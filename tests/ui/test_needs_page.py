"""Needs page under AppTest: ranking, charts, drill-in with sources, rename and merge reach the database."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from assistant.tables import FeedbackRow, NeedRow
from assistant.ui import needs_model as vm
from ui_helpers import HOSTILE, open_page, seed


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
