"""`export_stories`: write approved stories to a file format and record each export; `render_export` builds the
same files in memory for a preview or download (recorded only by `record_download`)."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import ExportError
from assistant.export import ado_csv, documents, gherkin, jira_csv
from assistant.export.bundle import Bundle, collect, payload_hash
from assistant.export.names import FORMATS
from assistant.export.records import record

if TYPE_CHECKING:  # chromadb + numpy load with the workspace; the CLI imports this package for --help
    from assistant.workspace import Workspace



class ExportReport(BaseModel):
    """What an export wrote."""

    model_config = ConfigDict(extra="forbid")

    format: str
    files: list[str] = Field(default_factory=list)
    story_ids: list[str] = Field(default_factory=list)
    forced_not_ready: dict[str, list[str]] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    def summary(self) -> str:
        head = f"Exported {len(self.story_ids)} stories as {self.format} to {len(self.files)} file(s)"
        return _summary(head, self.forced_not_ready, self.notes)


class RenderedExport(BaseModel):
    """An export built in memory for a preview or a download: nothing is recorded until `record_download`."""

    model_config = ConfigDict(extra="forbid")

    format: str
    files: dict[str, bytes] = Field(default_factory=dict)
    story_ids: list[str] = Field(default_factory=list)
    forced_not_ready: dict[str, list[str]] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    # story id -> (file name it is in, hash of the story as rendered): what a download records.
    placed: dict[str, tuple[str, str]] = Field(default_factory=dict)

    def summary(self) -> str:
        head = f"Preview of {len(self.story_ids)} stories as {self.format} in {len(self.files)} file(s)"
        return _summary(head, self.forced_not_ready, self.notes)


def _summary(head: str, forced_not_ready: dict[str, list[str]], notes: list[str]) -> str:
    if forced_not_ready:
        head += f"; {len(forced_not_ready)} not Ready (forced): {', '.join(forced_not_ready)}"
    return " ".join([head + ".", *notes])


def export_stories(
    ws: Workspace, fmt: str, out: Path | str, *, status: str = "approved", story_ids: Sequence[str] | None = None,
    force: bool = False, ado_process: str | None = None,
) -> ExportReport:
    """Export stories with `status` (only `story_ids` when given) to `out`; refuse non-Ready unless force; record each."""
    out = Path(out)
    bundle = _bundle(ws, fmt, status=status, story_ids=story_ids, force=force)
    files = _write(ws, bundle, fmt, out, ado_process)
    base = out if fmt == "gherkin" else files[0].parent
    for story_id, (where, digest) in _placed(bundle, fmt, files).items():
        # Status stays "approved": the ExportRecord says where each story went (see records.py).
        record(ws, story_id, f"file:{fmt}", key=where, url=str(base / where), payload_hash=digest)
    return ExportReport(
        format=fmt, files=[str(f) for f in files], story_ids=[s.id for s in bundle.stories],
        forced_not_ready=bundle.not_ready, notes=_notes(bundle, fmt),
    )


def render_export(
    ws: Workspace, fmt: str, *, status: str = "approved", story_ids: Sequence[str] | None = None, force: bool = False,
    ado_process: str | None = None,
) -> RenderedExport:
    """Build the export files in memory (name -> bytes) without recording anything: a preview or a download."""
    bundle = _bundle(ws, fmt, status=status, story_ids=story_ids, force=force)
    with tempfile.TemporaryDirectory(prefix="backlogsmith-export-") as tmp:
        files = _write(ws, bundle, fmt, Path(tmp) / "export", ado_process)
        data = {f.name: f.read_bytes() for f in files}
    return RenderedExport(format=fmt, files=data, story_ids=[s.id for s in bundle.stories],
                          forced_not_ready=bundle.not_ready, notes=_notes(bundle, fmt),
                          placed=_placed(bundle, fmt, files))


def record_download(ws: Workspace, rendered: RenderedExport) -> None:
    """Record that a rendered export was downloaded: one ExportRecord per story, keyed by the file it is in."""
    for story_id, (where, digest) in rendered.placed.items():
        record(ws, story_id, f"file:{rendered.format}", key=where, payload_hash=digest)


def _bundle(ws: Workspace, fmt: str, *, status: str, story_ids: Sequence[str] | None, force: bool) -> Bundle:
    if fmt not in FORMATS:
        raise ExportError(f"Unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}.")
    return collect(ws, status=status, force=force, story_ids=story_ids)


def _write(ws: Workspace, bundle: Bundle, fmt: str, out: Path, ado_process: str | None) -> list[Path]:
    if fmt == "gherkin":
        return gherkin.write(bundle, out)
    if fmt == "jira-csv":
        return jira_csv.write(bundle, out)
    if fmt == "ado-csv":
        process = ado_process or ws.get_setting("azure_devops_process") or "agile"
        return ado_csv.write(bundle, out, process=str(process).lower())
    if fmt == "json":
        return documents.write_json(bundle, out, generated_at=ws.clock())
    return documents.write_markdown(bundle, out, generated_at=ws.clock())


def _placed(bundle: Bundle, fmt: str, files: list[Path]) -> dict[str, tuple[str, str]]:
    """story id -> (file name it went to, payload hash)."""
    return {
        story.id: (gherkin.feature_filename(story) if fmt == "gherkin" else files[0].name,
                   payload_hash(story.model_dump(mode="json")))
        for story in bundle.stories
    }


def _notes(bundle: Bundle, fmt: str) -> list[str]:
    if fmt != "ado-csv":
        return []
    sizes = Counter(s.need_id for s in bundle.stories if s.need_id in bundle.needs)
    big = [n for n, c in sizes.items() if c + 1 > ado_csv.MAX_ROWS]
    if not big:
        return []
    return [f"Needs {', '.join(big)} have more stories than one Azure DevOps import file holds; their parent row "
            "is repeated in each file, so merge the duplicate parents after importing."]
