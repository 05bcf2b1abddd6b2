"""Helpers for the UI tests: open a page of the real app.py under AppTest, and seed data like the pipeline does."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from assistant.models import Criterion, QualityFinding, Story
from assistant.repository import save_story
from assistant.tables import FeedbackRow, NeedRow
from assistant.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
HOSTILE = "<img src=x onerror=alert(1)> **bold** [click](http://evil.example)"


def open_page(page: str, *, timeout: float = 60) -> AppTest:
    """Run app.py, then switch to one page, as a browser session would."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    at.run()
    at.switch_page(f"assistant/ui/pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def seed(ws: Workspace, *, needs: int = 3, items_per_need: int = 4, stories_per_need: int = 1,
         ready: bool = False) -> list[Story]:
    """Needs, items (one with hostile markup) and draft stories citing them, written like the pipeline writes them."""
    stories: list[Story] = []
    with ws.transaction() as s:
        for n in range(needs):
            s.add(NeedRow(id=f"need{n}", name=f"need number {n}", statement=f"People cannot do thing {n}.",
                          quotes=[f"fb{n}-0"], counts={"total": items_per_need + needs - n,
                                                       "by_segment": {"enterprise": 1, "free": items_per_need - 1},
                                                       "by_sentiment": {"negative": 2, "positive": 1}}))
        s.flush()
        for n in range(needs):
            for i in range(items_per_need):
                text = HOSTILE if (n, i) == (0, 0) else f"Feedback {i} about thing {n}"
                s.add(FeedbackRow(id=f"fb{n}-{i}", text=text, text_hash=f"h{n}-{i}", source_path="survey.csv",
                                  source_row=n * items_per_need + i + 1, need_id=f"need{n}",
                                  meta={"segment": "enterprise" if i == 0 else "free", "date": f"2026-10-{i + 1:02d}"},
                                  triage={"type": "feature_request", "engine": "offline",
                                          "sentiment": {"label": "negative", "score": -0.5},
                                          "urgency": {"label": "low", "reason": ""}}))
        s.flush()
        for n in range(needs):
            for k in range(stories_per_need):
                story = Story(
                    id=f"S-{n}-{k}", need_id=f"need{n}", role="finance admin", goal=f"to export report {n}-{k}",
                    benefit="I can close the month", evidence=[f"fb{n}-0", f"fb{n}-1"], points=3 if ready else None,
                    acceptance_criteria=[
                        Criterion(given="an open month", when="I export the report", then="a CSV file downloads",
                                  evidence=[f"fb{n}-0"]),
                        Criterion(given="no data", when="I export the report", then="I see an empty-state message",
                                  evidence=[f"fb{n}-1"]),
                    ],
                    quality=[QualityFinding(criterion="estimatable", severity="warning", message="No estimate yet.",
                                            fix="Add story points.")],
                    ready=ready,
                )
                stories.append(save_story(s, story, actor="drafter", action="draft"))
    return stories


def plain(markdown: str) -> str:
    """Markdown source as the reader sees it: backslash escapes removed."""
    import re

    return re.sub(r"\\(.)", r"\1", markdown)
