"""What an ingest did, per file and in total (returned by ingest_paths / ingest_text, printed by the CLI)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class BadRowReport(BaseModel):
    row: int
    message: str


class FileReport(BaseModel):
    path: str
    status: Literal["ingested", "already_ingested"] = "ingested"
    reader: str | None = None
    encoding: str | None = None
    text_column: str | None = None
    rows: int = Field(0, description="Items read from the file (rows with text).")
    added: int = 0
    existing: int = Field(0, description="Items already in the workspace (same source, row and text).")
    duplicates: int = Field(0, description="Added items whose text equals an earlier item's.")
    near_duplicates: int = Field(0, description="Added items linked to a very similar earlier item.")
    stakeholder_asks: int = 0
    skipped_empty: int = Field(0, description="Rows without any text.")
    bad_rows: list[BadRowReport] = Field(default_factory=list)


class RefusedFile(BaseModel):
    path: str
    message: str = Field(description="Why, naming the file and row; nothing of the file was stored.")


class IngestReport(BaseModel):
    files: list[FileReport] = Field(default_factory=list)
    refused: list[RefusedFile] = Field(default_factory=list)
    recovered: int = Field(0, description="Rows from an interrupted earlier run added to the index first.")
    seconds: float = 0.0

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)

    @property
    def bad_rows(self) -> int:
        return sum(len(f.bad_rows) for f in self.files)

    def summary(self) -> str:
        """A few human lines: per file what was added, then totals."""
        lines = []
        for f in self.files:
            if f.status == "already_ingested":
                lines.append(f"{f.path}: already ingested, nothing added")
                continue
            parts = [f"{f.added} added"]
            if f.existing:
                parts.append(f"{f.existing} already present")
            if f.duplicates:
                parts.append(f"{f.duplicates} exact duplicate(s) linked")
            if f.near_duplicates:
                parts.append(f"{f.near_duplicates} near-duplicate(s) linked")
            if f.stakeholder_asks:
                parts.append(f"{f.stakeholder_asks} stakeholder ask(s)")
            if f.skipped_empty:
                parts.append(f"{f.skipped_empty} rows without text skipped")
            if f.bad_rows:
                rows = ", ".join(str(b.row) for b in f.bad_rows[:10]) + (" ..." if len(f.bad_rows) > 10 else "")
                parts.append(f"{len(f.bad_rows)} bad row(s) skipped (rows {rows})")
            how = f"{f.reader}, {f.encoding}" if f.encoding else f"{f.reader}"
            lines.append(f"{f.path} ({how}): " + ", ".join(parts))
        if self.recovered:
            lines.append(f"{self.recovered} items from an interrupted run were added to the search index")
        total_dups = sum(f.duplicates + f.near_duplicates for f in self.files)
        lines.append(
            f"Ingested {self.added} items from {len(self.files)} source(s) "
            f"({total_dups} linked as duplicates) in {self.seconds:.1f}s."
        )
        return "\n".join(lines)
