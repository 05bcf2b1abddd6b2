"""Odd files (issue 13): damaged bytes are refused naming the row (or skipped and reported), never stored altered;
deep JSON is one clear line; control and bidi characters in file names are neutralised in what is printed."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import IngestError
from ingest import ingest_paths, preview

BIN = Path(sys.executable).with_name("backlogsmith")


def _texts(workspace) -> list[str]:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(workspace.settings.workspace / "backlogsmith.db")
    try:
        return [r[0] for r in con.execute("select text from feedback_items order by source_row")]
    finally:
        con.close()


def test_invalid_utf8_in_the_middle_is_refused_naming_the_row_or_skipped(workspace, tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_bytes("text,rating\nCafé export works,5\n".encode() + b"Broken \xe2\x82 bytes here,1\n"
                     + "Ünïcode row stays,4\n".encode())
    with pytest.raises(IngestError, match=r"reviews\.csv, row 2: holds bytes that are not valid UTF-8"):
        ingest_paths(workspace, [path])
    assert _texts(workspace) == []  # nothing of the file was stored
    report = ingest_paths(workspace, [path], skip_bad_rows=True)
    assert [b.row for b in report.files[0].bad_rows] == [2]
    assert _texts(workspace) == ["Café export works", "Ünïcode row stays"]  # no mojibake, no U+FFFD


def test_a_nul_byte_after_the_first_8_kb_is_detected(workspace, tmp_path: Path) -> None:
    lines = [f"Feedback line number {i} about exports" for i in range(400)]
    data = ("\n".join(lines[:300]) + "\n").encode() + b"Hidden \x00 binary\n" + ("\n".join(lines[300:]) + "\n").encode()
    assert data.index(b"\x00") > 8192
    path = tmp_path / "notes.txt"
    path.write_bytes(data)
    with pytest.raises(IngestError, match=r"notes\.txt, row 301: holds a NUL byte"):
        ingest_paths(workspace, [path])


def test_deep_json_and_bidi_file_names_print_one_clean_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "evil\u202etxt.csv").write_text("text\nfine row\n", encoding="utf-8")
    env = {"BACKLOGSMITH_WORKSPACE": str(tmp_path / "ws"), "ANONYMIZED_TELEMETRY": "False", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([str(BIN), "ingest", "in"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "RecursionError" not in proc.stderr
    assert "deep.json" in proc.stderr and "nested more than 64 levels" in proc.stderr
    assert str(Path(__file__).parent) not in proc.stderr
    printed = proc.stdout + proc.stderr
    assert "\u202e" not in printed and "evil<U+202E>txt.csv" in printed  # the good file went in, shown safely


class _Counting(io.BytesIO):
    def __init__(self, data: bytes):
        super().__init__(data)
        self.read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        chunk = super().read(size)
        self.read_bytes += len(chunk)
        return chunk


def test_preview_reads_only_the_head_of_an_upload() -> None:
    rows = "".join(f"r{i},Review number {i} says the export is slow ü,{1 + i % 5}\n" for i in range(200_000))
    upload = _Counting(("id,review,stars\n" + rows).encode())
    result = preview(upload, name="big.csv", max_bytes=64_000)
    assert upload.read_bytes <= 64_001
    assert result.truncated and result.error is None and result.text_column == "review"
    assert result.rows[0]["review"] == "Review number 0 says the export is slow ü"
    assert 0 < result.rows_read < 2000 and not result.bad  # the cut row is dropped, never shown broken
    head = preview(_Counting(b'[{"text": "a"}, {"text": "b"}, {"text": "c' + b"x" * 100), name="u.json", max_bytes=40)
    assert head.truncated and [r["text"] for r in head.rows] == ["a", "b"]
