"""Read story lines from a file for `backlogsmith lint`: plain text (one story per line) or a CSV column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from assistant.errors import IngestError

_TEXT_COLUMNS = ("text", "story", "user story", "user_story", "summary", "title", "description", "requirement")


def decode(raw: bytes, path: str = "") -> str:
    """Bytes to text: BOM-aware UTF-8 first, then charset detection (cp1252 exports are common)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise IngestError("cannot tell the text encoding; save it as UTF-8 and try again", path=path)
    # Single-byte guesses on short files are unreliable; cp1252 is what spreadsheet exports use.
    encoding = best.encoding if best.encoding not in ("latin_1", "iso8859_1", "ascii") else "cp1252"
    return raw.decode(encoding, errors="replace")


def _pick_column(header: list[str], text_column: str | None, path: str) -> int:
    lowered = [h.strip().lower() for h in header]
    if text_column is not None:
        if text_column.strip().lower() not in lowered:
            raise IngestError(f"no column named '{text_column}' (columns: {', '.join(header)})", path=path)
        return lowered.index(text_column.strip().lower())
    for name in _TEXT_COLUMNS:
        if name in lowered:
            return lowered.index(name)
    for i, name in enumerate(lowered):
        if "story" in name or "text" in name:
            return i
    raise IngestError(f"cannot tell which column holds the stories (columns: {', '.join(header)}); "
                      "pass --text-column NAME", path=path)


def read_story_lines(path: Path, *, text_column: str | None = None) -> list[tuple[int, str]]:
    """(line or row number, story text) pairs, in file order; blank lines are skipped but keep their numbers."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise IngestError("file not found", path=str(path)) from exc
    except OSError as exc:
        raise IngestError(f"cannot read the file ({exc.strerror or exc})", path=str(path)) from exc
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("this looks like a binary file, not text or CSV", path=str(path))
    text = decode(raw, str(path))
    if path.suffix.lower() in (".csv", ".tsv") or text_column is not None:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else None
        sample = text[:4096]
        if delimiter is None:
            try:
                delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
            except csv.Error:
                delimiter = ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return []
        col = _pick_column(header, text_column, str(path))
        return [(n, row[col].strip()) for n, row in enumerate(reader, start=1) if len(row) > col and row[col].strip()]
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
