"""Stories: offline/LLM drafting per need, splitting, criteria with evidence, and PO review operations."""

from assistant.stories.draft import DraftReport, draft, draft_stories
from assistant.stories.review import approve_all, approve_story, edit_story, reject_story

__all__ = ["DraftReport", "approve_all", "approve_story", "draft", "draft_stories", "edit_story", "reject_story"]
