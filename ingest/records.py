"""What readers hand to the ingest step: raw rows with their 1-based row numbers, plus rows that were bad."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RawRow:
    """One data row as read: column -> value (tabular readers) or a ready text + metadata (text, mail)."""

    row: int
    fields: dict[str, Any]
    bare: bool = False  # a bare string in a JSON array: fields == {"text": ...}, ignored by column detection


@dataclass
class BadRow:
    row: int
    message: str


@dataclass
class Parsed:
    """A whole source, read but not yet mapped. `text_field` is set by readers that know their text field."""

    reader: str
    encoding: str | None
    rows: list[RawRow] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    text_field: str | None = None
    columns: list[str] = field(default_factory=list)
    fatal: BadRow | None = None  # the whole source is unreadable (e.g. invalid JSON): never skippable
