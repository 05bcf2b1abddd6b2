"""Inbox page under AppTest: paste or upload → redacted preview → one Process (store, triage, needs); bad files are
listed together and block only themselves; an interrupted batch leaves nothing stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assistant.tables import FeedbackRow, NeedRow, SourceFile
from assistant.ui.inbox_process import Source, store_sources, why_no_needs
from ui_helpers import open_page, plain

CSV = (b"id,customer,comment,rating\n"
       b"1,Acme,Exporting invoices to CSV takes forever,2\n"
       b"2,Globex,Please let me save my card for later,4\n")
SIMILAR = "\n".join([
    "Exporting invoices to CSV takes forever at month end",
    "The invoice CSV export times out with many invoices",
    "Please make the CSV export of invoices faster",
    "I cannot export my invoices as CSV since the update",
])


def _items(ws) -> list[FeedbackRow]:
    with ws.transaction() as s:
        return list(s.scalars(select(FeedbackRow).order_by(FeedbackRow.source_path, FeedbackRow.source_row)))


def _process(at):
    return at.button(key="inbox_process").click().run()


def test_paste_preview_is_redacted_then_process_stores_triages_and_finds_needs(ui_ws):
    at = open_page("inbox")
    at.text_area(key="inbox_text:0").input(SIMILAR + "\nWrite to me at dana.miller@example.com about the export").run()
    preview = at.dataframe[0].value
    assert "[EMAIL]" in " ".join(preview["text"]) and "dana.miller" not in " ".join(preview["text"])
    assert _items(ui_ws) == []  # a preview stores nothing
    assert at.button(key="inbox_process").label == "Process: store 5 items, triage, find needs"
    _process(at)
    assert not at.exception and not at.error, [e.value for e in at.error]
    rows = _items(ui_ws)
    assert len(rows) == 5 and all(r.triage for r in rows)
    assert "dana.miller" not in " ".join(r.text for r in rows)  # stored exactly as previewed
    with ui_ws.transaction() as s:
        assert s.scalar(select(func.count()).select_from(NeedRow)) >= 1
    assert any(s.value.startswith("Stored 5 new items; triaged 5;") for s in at.success)
    assert at.text_area(key="inbox_text:1").value == ""  # a fresh box: nothing is offered twice


def test_too_few_items_say_why_no_need_was_formed(ui_ws):
    at = open_page("inbox")
    at.text_area(key="inbox_text:0").input("The export button is hidden\nI want dark mode please").run()
    _process(at)
    warnings = [plain(w.value) for w in at.warning]
    assert any("No need could be formed: a need takes 3+ similar items; 2 items" in w and "gave 0 groups" in w
               for w in warnings), warnings


def test_choosing_a_file_keeps_the_upload_view_and_previews_it(ui_ws):
    at = open_page("inbox")
    at.segmented_control(key="inbox_mode").set_value("Upload files").run()
    at.file_uploader[0].set_value(("survey.csv", CSV, "text/csv")).run()
    assert at.segmented_control(key="inbox_mode").value == "Upload files"  # no snap back to Paste
    assert at.selectbox(key="inbox_col:survey.csv").value == "comment"
    assert list(at.dataframe[0].value["text"]) == ["Exporting invoices to CSV takes forever",
                                                   "Please let me save my card for later"]
    assert _items(ui_ws) == []
    _process(at)
    assert not at.error, [e.value for e in at.error]
    rows = _items(ui_ws)
    assert [r.text for r in rows] == ["Exporting invoices to CSV takes forever", "Please let me save my card for later"]
    assert rows[0].source_path == "survey.csv" and rows[0].source_row == 1  # the uploaded name, not a temp path


def test_bad_files_are_listed_together_and_block_only_themselves(ui_ws):
    at = open_page("inbox")
    at.segmented_control(key="inbox_mode").set_value("Upload files").run()
    at.file_uploader[0].set_value([
        ("broken.json", b'{"items": [ {"text": "a"', "application/json"),
        ("survey.csv", CSV, "text/csv"),
        ("ragged.csv", b"comment,rating\n" + b"fine row,3\n" + b"x" * 30_000 + b",2\n", "text/csv"),
    ]).run()
    listed = " ".join(e.value for e in at.error)
    assert "2 sources cannot be stored" in listed and "broken.json" in listed and "ragged.csv" in listed
    assert "Process: store 2 items" in at.button(key="inbox_process").label  # survey.csv still goes ahead
    _process(at)
    assert {r.source_path for r in _items(ui_ws)} == {"survey.csv"}


def test_interrupted_batch_leaves_nothing_stored(ui_ws):
    second = b"comment\nThe dashboard is slow\nCharts do not load on Mondays\n"

    def interrupt(stage: str, done: int, total: int) -> None:
        if stage == "Storing second.csv":  # the first file is committed by now
            raise KeyboardInterrupt("the PO clicked elsewhere")

    sources = [Source("first.csv", CSV, items=2), Source("second.csv", second, items=2)]
    with pytest.raises(KeyboardInterrupt):
        store_sources(ui_ws, sources, progress=interrupt)
    assert _items(ui_ws) == []
    with ui_ws.transaction() as s:
        assert s.scalar(select(func.count()).select_from(SourceFile)) == 0
    assert ui_ws.index.count() == 0
    stored, _ = store_sources(ui_ws, sources)  # the same batch again, uninterrupted, goes in whole
    assert stored == 4 and len(_items(ui_ws)) == 4


def test_why_no_needs_counts_what_could_found_a_need(ui_ws):
    store_sources(ui_ws, [Source("paste", b"Great app\nLove it", pasted=True, items=2)])
    assert "2 items (2 stating a problem or an ask) gave 0 groups of 3" in why_no_needs(ui_ws)


def test_email_upload_needs_no_column_choice_and_is_redacted(ui_ws):
    eml = (b"From: Dana <dana@example.com>\r\nTo: support@example.com\r\nSubject: Export is broken\r\n"
           b"Date: Mon, 2 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           b"Hi, the invoice export has failed every day this week. Call me on +44 20 7946 0958.\r\n")
    at = open_page("inbox")
    at.segmented_control(key="inbox_mode").set_value("Upload files").run()
    at.file_uploader[0].set_value(("ticket.eml", eml, "message/rfc822")).run()
    assert not at.error, [e.value for e in at.error]
    assert not [s for s in at.selectbox if s.key and s.key.startswith("inbox_col:")]
    assert "7946" not in at.dataframe[0].value.to_csv()  # the preview is already redacted
    _process(at)
    rows = _items(ui_ws)
    assert len(rows) == 1 and "invoice export has failed" in rows[0].text
    assert "dana@example.com" not in rows[0].text + str(rows[0].meta)


def test_the_upload_preview_reads_only_the_head_of_a_large_file() -> None:
    # A 150 MB upload once took 2 GB of server memory to preview: only the head is parsed now.
    from assistant.ui.inbox_model import preview_upload

    rows = "".join(f"{i},The export to CSV fails on report {i}\n" for i in range(60_000))
    data = ("id,feedback\n" + rows).encode()
    preview = preview_upload("big.csv", data, max_bytes=200_000)
    assert preview.truncated and not preview.blocked
    assert 1_000 < preview.total < 60_000  # a lower bound from the head, not a count of the whole file
    assert preview.rows[0]["text"] == "The export to CSV fails on report 0"
    records = ",".join(f'{{"text": "Crash number {i} when saving"}}' for i in range(20_000))
    preview = preview_upload("big.json", f"[{records}]".encode(), max_bytes=50_000)
    assert preview.truncated and not preview.blocked and 100 < preview.total < 20_000
    small = preview_upload("small.csv", b"id,feedback\n1,Sync fails every night\n")
    assert not small.truncated and small.total == 1
