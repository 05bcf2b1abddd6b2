"""Export approved stories: files (Gherkin, Jira CSV, Azure DevOps CSV, JSON, Markdown) and tracker pushes.

Stories stay "approved" after an export; an ExportRecord per (story, target) says where each went and
holds the remote key, so a re-push updates the same issue instead of creating another.
"""

from assistant.export.files import FORMATS, ExportReport, RenderedExport, export_stories, record_download, render_export
from assistant.export.push import TARGETS, PushReport, StoryPush, push_stories

__all__ = ["FORMATS", "TARGETS", "ExportReport", "PushReport", "RenderedExport", "StoryPush", "export_stories",
           "push_stories", "record_download", "render_export"]
