"""Preview an upload from its head only: the UI shows columns, the detected text column and the first rows of a
150 MB file without reading (or holding) the whole of it. Nothing is stored.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, Field

from assistant.errors import IngestError
from ingest.columns import detect_text_column
from ingest.records import Parsed, RawRow
from ingest.sources import parse_bytes, reader_for

MAX_BYTES = 1_000_000


class FilePreview(BaseModel):
    """What the head of a file would become."""

    name: str
    reader: str
    encoding: str | None = None
    columns: list[str] = Field(default_factory=list)
    text_column: str | None = None
    fixed_text: bool = Field(False, description="The reader knows its text field (text, mail): no column to choose.")
    rows: list[dict[str, Any]] = Field(default_factory=list, description="The first rows, values as read.")
    rows_read: int = Field(0, description="Rows parsed from the head (the whole file when not truncated).")
    truncated: bool = Field(False, description="Only the first max_bytes were read; the counts cover that head.")
    bad: list[str] = Field(default_factory=list)
    error: str | None = Field(None, description="One line naming file and row; no traceback, no server path.")


def read_head(source: IO[bytes] | bytes, max_bytes: int) -> tuple[bytes, bool]:
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source[: max_bytes + 1])
    else:
        data = source.read(max_bytes + 1)
    truncated = len(data) > max_bytes
    data = data[:max_bytes]
    if truncated:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            data = data[: len(data) - len(data) % 2]
        elif b"\n" in data:
            data = data[: data.rindex(b"\n") + 1]  # never a cut multi-byte character or half a row
    return data, truncated


def json_head(data: bytes) -> Parsed:
    """The complete records at the start of a truncated JSON array."""
    text = data.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    parsed = Parsed(reader="json", encoding="utf-8")
    if not text.startswith("["):
        raise IngestError("only the head of this JSON file was read and it is not an array of records.")
    decoder, pos, n = json.JSONDecoder(), 1, 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        try:
            value, pos = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            break
        n += 1
        if isinstance(value, dict):
            parsed.rows.append(RawRow(n, value))
        elif isinstance(value, str):
            parsed.rows.append(RawRow(n, {"text": value}, bare=True))
    return parsed


def preview(source: IO[bytes] | bytes, *, name: str, max_bytes: int = MAX_BYTES, limit: int = 10) -> FilePreview:
    """Read at most `max_bytes` of an upload (a binary file object, e.g. Streamlit's UploadedFile, or bytes) and
    parse that head with the ingest readers."""
    reader = reader_for(Path(name))
    data, truncated = read_head(source, max_bytes)
    try:
        if truncated and reader == "json":
            parsed = json_head(data)
        else:
            parsed = parse_bytes(data, name=name, reader=reader)
    except IngestError as exc:
        return FilePreview(name=name, reader=reader, truncated=truncated, error=str(exc))
    if parsed.fatal is not None:
        return FilePreview(name=name, reader=reader, truncated=truncated,
                           error=f"{name}, row {parsed.fatal.row}: {parsed.fatal.message}")
    columns = list(dict.fromkeys([*parsed.columns, *(k for r in parsed.rows[:limit] for k in r.fields)]))
    return FilePreview(
        name=name, reader=parsed.reader, encoding=parsed.encoding, columns=columns,
        text_column=parsed.text_field or detect_text_column(parsed), fixed_text=parsed.text_field is not None,
        rows=[{"row": r.row, **r.fields} for r in parsed.rows[:limit]], rows_read=len(parsed.rows),
        truncated=truncated, bad=[f"row {b.row}: {b.message}" for b in parsed.bad[:5]],
    )
