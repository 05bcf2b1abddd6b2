"""Export approved stories: files (Gherkin, Jira CSV, Azure DevOps CSV, JSON, Markdown) and tracker pushes.

Stories stay "approved" after an export; an ExportRecord per (story, target) says where each went and
holds the remote key, so a re-push updates the same issue instead of creating another.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from assistant.export.names import FORMATS, TARGETS

if TYPE_CHECKING:
    from assistant.export.files import ExportReport, RenderedExport, export_stories, record_download, render_export
    from assistant.export.push import PushReport, StoryPush, push_stories

# The writers pull in SQLAlchemy and httpx; the CLI imports this package at start-up only for the names above,
# so the rest loads on first use (PEP 562) and `backlogsmith --help` stays fast.
_LAZY = {
    "ExportReport": "files", "RenderedExport": "files", "export_stories": "files", "record_download": "files",
    "render_export": "files", "PushReport": "push", "StoryPush": "push", "push_stories": "push",
}

__all__ = ["FORMATS", "TARGETS", "ExportReport", "PushReport", "RenderedExport", "StoryPush", "export_stories",
           "push_stories", "record_download", "render_export"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"assistant.export.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'assistant.export' has no attribute {name!r}")
