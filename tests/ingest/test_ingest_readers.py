"""Readers round-trip through a real workspace: text, provenance, metadata and kind come back as written."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

import pytest

from assistant.repository import load_items
from ingest import ingest_paths, ingest_text
from ingest.columns import detect_text_column, parse_date, parse_rating
from ingest.readers import read_delimited, sniff_delimiter, split_text
from ingest.sources import expand

ROWS = [
    {"id": "r1", "comment": "Dashboard is slow every morning", "stars": "2", "user": "Ann", "plan": "Pro", "date": "2024-03-01"},
    {"id": "r2", "comment": "Please add CSV export; it matters", "stars": "5", "user": "Bob", "plan": "Free", "date": "2024-03-02"},
    {"id": "r3", "comment": "Bank sync broke again, | twice", "stars": "1", "user": "Cid", "plan": "Business", "date": "2024-03-03"},
]


def _items(ws):
    with ws.transaction() as s:
        return load_items(s)


def _write_delimited(path: Path, delimiter: str) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(ROWS[0]), delimiter=delimiter)
        w.writeheader()
        w.writerows(ROWS)


@pytest.mark.parametrize(("name", "delimiter"), [("a.csv", ","), ("b.csv", ";"), ("c.tsv", "\t"), ("d.csv", "|")])
def test_delimited_files_round_trip_with_sniffed_delimiter(workspace, tmp_path, name, delimiter) -> None:
    path = tmp_path / name
    _write_delimited(path, delimiter)
    report = ingest_paths(workspace, [path])
    assert report.files[0].text_column == "comment" and report.added == 3
    items = _items(workspace)
    assert [i.text for i in items] == [r["comment"] for r in ROWS]
    first = items[0]
    assert first.source.path.endswith(name) and first.source.row == 1 and first.source.id == "r1"
    assert first.metadata == {"rating": 2, "author": "Ann", "segment": "pro", "date": "2024-03-01"}
    assert [i.source.row for i in items] == [1, 2, 3]


def test_sniffing_falls_back_on_a_single_column_file() -> None:
    assert sniff_delimiter("feedback\nhello there\nanother one\n") == ","
    assert sniff_delimiter("a;b;c\n") == ";"


def test_text_column_option_and_detection_by_length(workspace, tmp_path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("code,what,note\n1,The export button does nothing at all,ok\n2,Reports are slow to open,fine\n")
    parsed = read_delimited(path.read_text(), encoding="utf-8")
    assert detect_text_column(parsed) == "note" or detect_text_column(parsed) == "what"
    parsed.columns = ["code", "what", "col"]
    for r in parsed.rows:
        r.fields["col"] = r.fields.pop("note")
    assert detect_text_column(parsed) == "what"  # longest average string column, numbers ignored
    report = ingest_paths(workspace, [path], text_column="what")
    assert report.files[0].text_column == "what"
    assert _items(workspace)[0].metadata == {"code": "1", "note": "ok"}


def test_json_array_wrapped_array_and_jsonl(workspace, tmp_path) -> None:
    (tmp_path / "a.json").write_text(json.dumps([{"body": "First ask", "plan": "Enterprise", "rating": 3}, "Plain string item"]))
    (tmp_path / "b.json").write_text(json.dumps({"reviews": [{"text": "Wrapped one", "source": "Play Store"}]}))
    (tmp_path / "c.jsonl").write_text('{"message": "Line one"}\n\n{"message": "Line three", "id": 7}\n')
    report = ingest_paths(workspace, [tmp_path])
    assert [f.path.rsplit("/", 1)[-1] for f in report.files] == ["a.json", "b.json", "c.jsonl"]
    by_text = {i.text: i for i in _items(workspace)}
    assert by_text["First ask"].metadata == {"segment": "enterprise", "rating": 3}
    assert by_text["Plain string item"].source.row == 2 and by_text["Plain string item"].metadata == {}
    assert by_text["Wrapped one"].metadata == {"channel": "play store"}
    assert by_text["Line three"].source.row == 3 and by_text["Line three"].source.id == "7"


def test_text_lines_and_paragraphs() -> None:
    mode, items = split_text("one\n\ntwo\nthree\n")
    assert mode == "paragraph" and items == [(1, "one"), (2, "two\nthree")]
    mode, items = split_text("\nfirst line\n\nsecond line\nthird line")
    assert mode == "paragraph"
    mode, items = split_text("a story\n\nanother story\n\nthird\n")  # single-line blocks: still per line
    assert mode == "line" and items == [(1, "a story"), (3, "another story"), (5, "third")]
    mode, items = split_text("x\ny\n  \nz")
    assert mode == "paragraph" and items[1] == (2, "z")


def test_paste_and_text_file_rows(workspace, tmp_path) -> None:
    (tmp_path / "s.txt").write_text("Offline mode please\n\nDark mode would be nice\n", encoding="utf-8")
    ingest_paths(workspace, [tmp_path / "s.txt"])
    ingest_text(workspace, "The invoice editor crashed\nand I lost my work\n\nSSO is a must")
    items = _items(workspace)
    assert [(i.source.row, i.text) for i in items if i.source.path.endswith("s.txt")] == [
        (1, "Offline mode please"), (3, "Dark mode would be nice")
    ]
    pasted = [i for i in items if i.source.path == "paste"]
    assert [(i.source.row, i.text) for i in pasted] == [(1, "The invoice editor crashed\nand I lost my work"), (2, "SSO is a must")]


def _email(frm: str, subject: str, body: str, msg_id: str) -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = frm, "po@ledgerly.example", subject
    m["Date"], m["Message-ID"] = "Tue, 05 Mar 2024 10:00:00 +0000", msg_id
    m.set_content(body)
    return m


def test_eml_and_mbox(workspace, tmp_path) -> None:
    m = _email("Dana Smith <dana@client.example>", "SSO please", "We need SSO.\n\nOn Mon, X wrote:\n> old", "<a1@x>")
    (tmp_path / "one.eml").write_bytes(bytes(m))
    import mailbox

    box = mailbox.mbox(str(tmp_path / "box.mbox"))
    box.add(_email("Sales <sales@ledgerly.example>", "Deal", "Build CSV export for Contoso.\n-- \nSig", "<b2@x>"))
    box.add(_email("eve@c.example", "Hi", "Café – naïve “quotes” survive", "<c3@x>"))
    box.flush()
    box.close()
    ingest_paths(workspace, [tmp_path / "one.eml", tmp_path / "box.mbox"])
    by_text = {i.text: i for i in _items(workspace)}
    sso = by_text["We need SSO."]
    assert sso.metadata["author"] == "Dana Smith" and sso.metadata["subject"] == "SSO please"
    assert sso.metadata["author_email"] == "[EMAIL]" and sso.metadata["channel"] == "email"
    assert sso.metadata["date"] == "2024-03-05T10:00:00+00:00" and sso.source.id == "a1@x"
    assert by_text["Build CSV export for Contoso."].source.row == 1
    assert by_text["Café – naïve “quotes” survive"].source.row == 2


def test_kind_rules(workspace, tmp_path) -> None:
    (tmp_path / "k.csv").write_text(
        "text,role,channel,type\n"
        "Build SSO for Northwind,Account Executive (Sales),,\n"
        "Customer ticket about export,,support,\n"
        "Fix OCR for German receipts,Support Lead,internal,\n"
        "Exec wants approvals,,leadership meeting,\n"
        "Marked in the file,,,stakeholder ask\n"
        "A normal review,,App Store,bug\n"
    )
    ingest_paths(workspace, [tmp_path / "k.csv"])
    kinds = {i.text: i.kind for i in _items(workspace)}
    assert kinds == {
        "Build SSO for Northwind": "stakeholder_ask", "Customer ticket about export": "feedback",
        "Fix OCR for German receipts": "stakeholder_ask", "Exec wants approvals": "stakeholder_ask",
        "Marked in the file": "stakeholder_ask", "A normal review": "feedback",
    }
    ingest_text(workspace, "Forced ask", kind="stakeholder_ask")
    assert {i.text: i.kind for i in _items(workspace)}["Forced ask"] == "stakeholder_ask"


def test_folder_is_sorted_recursive_and_skips_hidden_and_unsupported(tmp_path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for p in ("z.csv", "a.txt", "b/c.jsonl", ".hidden/x.csv", "image.png", "b/readme.pdf"):
        (tmp_path / p).write_text("x")
    names = [s.file.relative_to(tmp_path).as_posix() for s in expand([tmp_path, tmp_path / "a.txt"])]
    assert names == ["a.txt", "b/c.jsonl", "z.csv"]


def test_value_parsers() -> None:
    assert [parse_rating(v) for v in ("4", "4.5", "4/5", "3 stars", "★★★★☆", 2, "great")] == [4, 4.5, 4, 3, 4, 2, None]
    assert parse_date("2024-03-01") == "2024-03-01" and parse_date("Mar 5, 2024") == "2024-03-05"
    assert parse_date("2024-03-01T10:00:00Z") == "2024-03-01T10:00:00+00:00" and parse_date("soon") is None


def test_examples_ingest_with_stakeholder_asks_pii_and_duplicates(workspace) -> None:
    examples = Path(__file__).resolve().parents[2] / "examples"
    report = ingest_paths(workspace, [examples])
    assert 140 <= report.added <= 170 and len(report.files) >= 3
    items = _items(workspace)
    assert sum(i.kind == "stakeholder_ask" for i in items) >= 8
    assert sum(i.duplicate_of is not None for i in items) >= 3
    dumped = json.dumps([i.model_dump(mode="json") for i in items])
    assert "[EMAIL]" in dumped and "[PHONE]" in dumped and "[CARD]" in dumped
    assert "@example.com" not in dumped and "4111 1111 1111 1111" not in dumped
    segments = {i.metadata.get("segment") for i in items}
    assert {"free", "pro", "business", "enterprise"} <= segments


def test_uploaded_bytes_cite_the_upload_name(workspace, tmp_path) -> None:
    from ingest import ingest_bytes

    m = _email("Ann <ann@x.example>", "Offline", "Offline mode for the app please.", "<u1@x>")
    import mailbox

    box = mailbox.mbox(str(tmp_path / "up.mbox"))
    box.add(m)
    box.flush()
    box.close()
    ingest_bytes(workspace, b"review,plan\nUploads work fine,Pro\n", name="reviews.csv")
    ingest_bytes(workspace, (tmp_path / "up.mbox").read_bytes(), name="inbox.mbox")
    assert [(i.source.path, i.source.row, i.text) for i in _items(workspace)] == [
        ("reviews.csv", 1, "Uploads work fine"), ("inbox.mbox", 1, "Offline mode for the app please.")
    ]


def test_quoted_multiline_fields_count_as_one_data_row(workspace, tmp_path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes('\ufeffcomment,plan\n"Line one\nline two, with comma",pro\n\n"Second ""quoted"" row",free\n'.encode("utf-8"))
    report = ingest_paths(workspace, [path])
    assert report.files[0].encoding == "utf-8-sig" and report.files[0].text_column == "comment"
    assert [(i.source.row, i.text) for i in _items(workspace)] == [
        (1, "Line one\nline two, with comma"), (2, 'Second "quoted" row')
    ]
