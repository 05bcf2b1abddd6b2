"""`export_stories`: write approved stories to a file format and record each export."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import ExportError
from assistant.export import ado_csv, documents, gherkin, jira_csv
from assistant.export.bundle import collect, payload_hash
from assistant.export.records import record
from assistant.workspace import Workspace

FORMATS = ("gherkin", "jira-csv", "ado-csv", "json", "markdown")


class ExportReport(BaseModel):
    """What an export wrote."""

    model_config = ConfigDict(extra="forbid")

    format: str
    files: list[str] = Field(default_factory=list)
    story_ids: list[str] = Field(default_factory=list)
    forced_not_ready: dict[str, list[str]] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    def summary(self) -> str:
        text = f"Exported {len(self.story_ids)} stories as {self.format} to {len(self.files)} file(s)"
        if self.forced_not_ready:
            text += f"; {len(self.forced_not_ready)} not Ready (forced): {', '.join(self.forced_not_ready)}"
        return " ".join([text + ".", *self.notes])


def export_stories(
    ws: Workspace, fmt: str, out: Path | str, *, status: str = "approved", force: bool = False,
    ado_process: str | None = None,
) -> ExportReport:
    """Export stories with `status` to `out` (a folder for gherkin, else a file or folder); refuse non-Ready unless force."""
    if fmt not in FORMATS:
        raise ExportError(f"Unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}.")
    out = Path(out)
    bundle = collect(ws, status=status, force=force)
    now = ws.clock()
    if fmt == "gherkin":
        files = gherkin.write(bundle, out)
    elif fmt == "jira-csv":
        files = jira_csv.write(bundle, out)
    elif fmt == "ado-csv":
        process = ado_process or ws.get_setting("azure_devops_process") or "agile"
        files = ado_csv.write(bundle, out, process=str(process).lower())
    elif fmt == "json":
        files = documents.write_json(bundle, out, generated_at=now)
    else:
        files = documents.write_markdown(bundle, out, generated_at=now)
    notes = []
    if fmt == "ado-csv":
        sizes = Counter(s.need_id for s in bundle.stories if s.need_id in bundle.needs)
        big = [n for n, c in sizes.items() if c + 1 > ado_csv.MAX_ROWS]
        if big:
            notes.append(f"Needs {', '.join(big)} have more stories than one Azure DevOps import file holds; their "
                         "parent row is repeated in each file, so merge the duplicate parents after importing.")
    # Status stays "approved": the ExportRecord says where each story went (see records.py).
    target = f"file:{fmt}"
    for story in bundle.stories:
        where = gherkin.feature_filename(story) if fmt == "gherkin" else files[0].name
        record(ws, story.id, target, key=where, url=str((out if fmt == "gherkin" else files[0].parent) / where),
               payload_hash=payload_hash(story.model_dump(mode="json")))
    return ExportReport(
        format=fmt, files=[str(f) for f in files], story_ids=[s.id for s in bundle.stories],
        forced_not_ready=bundle.not_ready, notes=notes,
    )
