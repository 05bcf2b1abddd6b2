"""Text-based readers: CSV/TSV (delimiter sniffing), JSON array, JSONL, plain text / paste.

Readers only parse; they never decide which column is the text or what the metadata means (columns.py does).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from ingest.records import BadRow, Parsed, RawRow

_DELIMITERS = ",;\t|"


def sniff_delimiter(text: str, *, default: str = ",") -> str:
    """The delimiter of a delimited file: csv.Sniffer on a sample, else the most frequent candidate in the header."""
    sample = text[:20_000]
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        pass
    header = sample.split("\n", 1)[0]
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else default


def read_delimited(text: str, *, encoding: str | None, delimiter: str | None = None, reader: str = "csv") -> Parsed:
    """A delimited file with a header row; a row with the wrong number of fields is a bad row."""
    delimiter = delimiter or sniff_delimiter(text, default="\t" if reader == "tsv" else ",")
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    parsed = Parsed(reader=reader, encoding=encoding)
    try:
        header = next(rows)
    except StopIteration:
        return parsed
    except csv.Error as exc:
        parsed.fatal = BadRow(1, f"unreadable header ({exc})")
        return parsed
    header = [h.strip() or f"column_{i + 1}" for i, h in enumerate(header)]
    parsed.columns = header
    n = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            n += 1
            parsed.bad.append(BadRow(n, f"malformed row ({exc})"))
            continue
        if not values or all(not v.strip() for v in values):
            continue  # blank lines between rows carry nothing
        n += 1
        if len(values) != len(header):
            # Trailing empty cells from spreadsheet exports are harmless; anything else shifts columns.
            while len(values) > len(header) and not values[-1].strip():
                values.pop()
            if len(values) != len(header):
                parsed.bad.append(
                    BadRow(n, f"has {len(values)} fields but the header has {len(header)} (a stray delimiter or quote?)")
                )
                continue
        parsed.rows.append(RawRow(n, dict(zip(header, values))))
    return parsed


def _object_rows(items: list[Any], parsed: Parsed, *, row_numbers: list[int] | None = None) -> None:
    for i, item in enumerate(items):
        row = row_numbers[i] if row_numbers else i + 1
        if isinstance(item, str):
            parsed.rows.append(RawRow(row, {"text": item}, bare=True))
        elif isinstance(item, dict):
            parsed.rows.append(RawRow(row, item))
        else:
            parsed.bad.append(BadRow(row, f"expected an object or a string, got {type(item).__name__}"))


def _find_records(data: Any) -> list[Any] | None:
    """The list of records in a JSON document: the document itself, or the first list value of an object."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for value in data.values():
            if isinstance(value, list) and value and all(isinstance(v, (dict, str)) for v in value):
                return value
        return [data]
    return None


MAX_DEPTH = 64  # feedback is a list of flat-ish records; anything deeper is not feedback (or is an attack)
_TOO_DEEP = f"the JSON is nested more than {MAX_DEPTH} levels deep; feedback records are flat objects"


def _depth_ok(data: Any) -> bool:
    """Iterative (never recursive) check that a parsed document nests at most MAX_DEPTH levels."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return True


def _loads(text: str) -> Any:
    """json.loads that turns Python's recursion limit (a document thousands of levels deep) into a clear error."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValueError(_TOO_DEEP) from None
    if not _depth_ok(data):
        raise ValueError(_TOO_DEEP)
    return data


def read_json(text: str, *, encoding: str | None) -> Parsed:
    """A JSON array of objects (or strings), or an object wrapping such an array. JSONL saved as .json works too."""
    try:
        data = _loads(text)
    except ValueError as exc:
        if not isinstance(exc, json.JSONDecodeError):
            parsed = Parsed(reader="json", encoding=encoding)
            parsed.fatal = BadRow(1, str(exc))
            return parsed
        lines = [ln for ln in text.split("\n") if ln.strip()]
        if len(lines) > 1 and lines[0].lstrip().startswith("{") and exc.msg.startswith("Extra data"):
            return read_jsonl(text, encoding=encoding)
        parsed = Parsed(reader="json", encoding=encoding)
        parsed.fatal = BadRow(exc.lineno, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")
        return parsed
    parsed = Parsed(reader="json", encoding=encoding)
    records = _find_records(data)
    if records is None:
        parsed.fatal = BadRow(1, "expected a JSON array of feedback objects")
        return parsed
    _object_rows(records, parsed)
    return parsed


def read_jsonl(text: str, *, encoding: str | None) -> Parsed:
    """One JSON object per line; the row is the line number, a line that is not JSON is a bad row."""
    parsed = Parsed(reader="jsonl", encoding=encoding)
    items: list[Any] = []
    numbers: list[int] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            items.append(_loads(line))
            numbers.append(lineno)
        except json.JSONDecodeError as exc:
            parsed.bad.append(BadRow(lineno, f"not valid JSON ({exc.msg} at column {exc.colno})"))
        except ValueError as exc:
            parsed.bad.append(BadRow(lineno, str(exc)))
    _object_rows(items, parsed, row_numbers=numbers)
    parsed.bad.sort(key=lambda b: b.row)
    return parsed


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def split_text(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Items of a plain text: ("paragraph", ...) when blank lines separate multi-line blocks, else ("line", ...).

    Rows are paragraph numbers in paragraph mode and physical line numbers in line mode, so a row can be found
    in the file. A file whose items are single lines separated by blank lines is still one item per line.
    """
    blocks = [b for b in _BLANK_LINE.split(text) if b.strip()]
    multi_line = any(len([ln for ln in b.split("\n") if ln.strip()]) > 1 for b in blocks)
    if len(blocks) > 1 and multi_line:
        return "paragraph", [(i, "\n".join(ln.rstrip() for ln in b.strip().split("\n"))) for i, b in enumerate(blocks, 1)]
    items = [(n, ln.strip()) for n, ln in enumerate(text.split("\n"), start=1) if ln.strip()]
    return "line", items


def read_text(text: str, *, encoding: str | None, reader: str = "text") -> Parsed:
    """Plain text or a paste: one item per line, or per blank-line-separated paragraph."""
    _mode, items = split_text(text)
    parsed = Parsed(reader=reader, encoding=encoding, text_field="text")
    parsed.rows = [RawRow(row, {"text": t}) for row, t in items]
    return parsed
