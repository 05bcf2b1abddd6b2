"""Which reader reads a path, folders expanded, and the source name (path as given, relative when possible)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import IngestError
from ingest.encoding import decode_bytes, is_binary
from ingest.mail import read_eml, read_mbox
from ingest.readers import read_delimited, read_json, read_jsonl, read_text
from ingest.records import Parsed

READERS = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".txt": "text", ".text": "text", ".md": "text", ".eml": "eml", ".mbox": "mbox",
}


@dataclass(frozen=True)
class Source:
    file: Path
    name: str  # what source.path shows: relative to the working directory when possible, POSIX slashes


def source_name(path: Path) -> str:
    """The path as the user gave it, made relative to the working directory when it lies below it."""
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return path.as_posix()
    return Path(os.path.normpath(path)).as_posix()


def expand(paths: list[Path]) -> list[Source]:
    """Files to read: given files as they are, folders as every supported file inside them, sorted."""
    out: list[Source] = []
    seen: set[Path] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in READERS
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            out.extend(Source(p, source_name(p)) for p in found)
        elif path.is_file():
            out.append(Source(path, source_name(path)))
        else:
            raise IngestError("no such file or folder.", path=str(path))
    unique = []
    for src in out:  # the same file named twice (or via its folder) is read once
        if src.file.resolve() not in seen:
            seen.add(src.file.resolve())
            unique.append(src)
    return unique


def reader_for(file: Path) -> str:
    # An unknown extension given explicitly is read as plain text (binary files are still refused).
    return READERS.get(file.suffix.lower(), "text")


def parse_bytes(data: bytes, *, name: str, reader: str, file: Path | None = None) -> Parsed:
    """Decode and parse one source with the given reader."""
    if reader == "eml":
        if is_binary(data):
            raise IngestError("this looks like a binary file, not an email.", path=name)
        return read_eml(data, path=name)
    if reader == "mbox":
        if not data.strip():
            raise IngestError("the file is empty; there is nothing to ingest.", path=name)
        if is_binary(data):
            raise IngestError("this looks like a binary file, not a mailbox.", path=name)
        if file is not None:
            return read_mbox(file, path=name)
        with tempfile.TemporaryDirectory(prefix="backlogsmith-mbox-") as tmp:  # mailbox reads from a path
            copy = Path(tmp) / "upload.mbox"
            copy.write_bytes(data)
            return read_mbox(copy, path=name)
    text, encoding = decode_bytes(data, name)
    if reader in ("csv", "tsv"):
        return read_delimited(text, encoding=encoding, reader=reader)
    if reader == "json":
        return read_json(text, encoding=encoding)
    if reader == "jsonl":
        return read_jsonl(text, encoding=encoding)
    return read_text(text, encoding=encoding, reader=reader)
