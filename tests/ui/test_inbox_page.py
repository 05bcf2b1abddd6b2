"""Inbox page under AppTest: paste and upload reach the database; the preview shows the text column; bad input is explained."""

from __future__ import annotations

from sqlalchemy import select

from assistant.tables import FeedbackRow
from ui_helpers import open_page

CSV = (b"id,customer,comment,rating\n"
       b"1,Acme,Exporting invoices to CSV takes forever,2\n"
       b"2,Globex,Please let me save my card for later,4\n")


def _items(ws) -> list[FeedbackRow]:
    with ws.transaction() as s:
        return list(s.scalars(select(FeedbackRow).order_by(FeedbackRow.source_row)))


def test_paste_adds_items_at_once(ui_ws):
    at = open_page("inbox")
    at.text_area(key="inbox_text").input("The export button is hidden\nI want dark mode please")
    at.button[0].click()  # "Add to inbox" is the first button on the page (paste tab)
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    rows = _items(ui_ws)
    assert [r.text for r in rows] == ["The export button is hidden", "I want dark mode please"]
    assert all(r.source_path == "paste" for r in rows)
    assert any("2 added" in s.value for s in at.success)
    assert at.metric[0].value == "2"


def test_empty_paste_is_refused_with_a_message(ui_ws):
    at = open_page("inbox")
    at.button[0].click().run()
    assert any("Paste some text" in e.value for e in at.error)
    assert _items(ui_ws) == []


def test_upload_previews_detected_text_column_then_ingests(ui_ws):
    at = open_page("inbox")
    at.file_uploader[0].set_value(("survey.csv", CSV, "text/csv")).run()
    column = at.selectbox(key="inbox_col:survey.csv")
    assert column.value == "comment" and "detected: comment" in column.label
    preview = at.dataframe[0].value
    assert list(preview["comment"]) == ["Exporting invoices to CSV takes forever", "Please let me save my card for later"]
    assert _items(ui_ws) == []  # nothing stored before the PO commits
    at.button(key="inbox_ingest").click().run()
    assert not at.error, [e.value for e in at.error]
    rows = _items(ui_ws)
    assert [r.text for r in rows] == ["Exporting invoices to CSV takes forever", "Please let me save my card for later"]
    assert rows[0].source_path == "survey.csv" and rows[0].source_row == 1  # the uploaded name, not a temp path


def test_bad_upload_shows_the_ingest_error(ui_ws):
    at = open_page("inbox")
    at.file_uploader[0].set_value(("broken.json", b'{"items": [ {"text": "a"', "application/json")).run()
    assert any("broken.json" in e.value for e in at.error)  # the preview already says the file is unreadable
    at.button(key="inbox_ingest").click().run()
    assert any("broken.json" in e.value for e in at.error)
    assert _items(ui_ws) == []


class _Bar:
    def __init__(self) -> None:
        self.calls: list[tuple[float, str]] = []

    def progress(self, value: float, text: str = "") -> None:
        self.calls.append((value, text))


def test_progress_callback_understands_every_step_convention():
    from assistant.ui.context import progress_callback

    bar = _Bar()
    cb = progress_callback(bar)
    cb(1, 4, "reading survey.csv")  # ingest: (done, total, label)
    cb("triage", 2, 4)  # triage / needs: (label, done, total)
    cb(1)  # drafting: one more done
    assert bar.calls[0] == (0.25, "reading survey.csv (1/4)")
    assert bar.calls[1] == (0.5, "triage (2/4)")
    assert bar.calls[2][1] == "1 done"


def test_email_upload_needs_no_column_choice(ui_ws):
    eml = (b"From: Dana <dana@example.com>\r\nTo: support@example.com\r\nSubject: Export is broken\r\n"
           b"Date: Mon, 2 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           b"Hi, the invoice export has failed every day this week.\r\n")
    at = open_page("inbox")
    at.file_uploader[0].set_value(("ticket.eml", eml, "message/rfc822")).run()
    assert not at.error, [e.value for e in at.error]
    assert not [s for s in at.selectbox if s.key and s.key.startswith("inbox_col:")]
    at.button(key="inbox_ingest").click().run()
    rows = _items(ui_ws)
    assert len(rows) == 1 and "invoice export has failed" in rows[0].text
    assert "dana@example.com" not in rows[0].text + str(rows[0].meta)  # redacted by ingest before storage
