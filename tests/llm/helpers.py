"""Small builders shared by the LLM tests."""

from __future__ import annotations

from assistant.models import FeedbackItem, Need, SourceRef


def item(n: int, text: str, **meta: object) -> FeedbackItem:
    return FeedbackItem(id=f"fb{n:04d}{'a' * 20}", text=text, source=SourceRef(path="t.csv", row=n), metadata=dict(meta))


def need(items: list[FeedbackItem], name: str = "export crashes") -> Need:
    return Need(id="need-1", name=name, statement="Customers lose exported reports.", item_ids=[i.id for i in items],
                quotes=[i.id for i in items[:2]])


NORMAL = [
    "The CSV export crashes on large reports and I lose the file.",
    "Please add a way to schedule the export every Monday.",
]
