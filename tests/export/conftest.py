"""A small real backlog in a real workspace: needs, feedback items (some hostile), approved and draft stories."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from assistant.models import Criterion, Story, StoryValue
from assistant.repository import save_story
from assistant.tables import FeedbackRow, NeedRow

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "schemas"

HOSTILE = 'Line one\nScenario: hacked\n# not a comment\n| a | b |\n@evil-tag """ ``` =cmd|\' /C calc\'!A0 <script>x</script>'

ITEMS = {
    "fb-001": ("I want to save my card so checkout is one step", "n-checkout"),
    "fb-002": ("Checkout asks for my card every time, so annoying", "n-checkout"),
    "fb-003": (HOSTILE, "n-checkout"),
    "fb-004": ("Export to CSV please, our finance team needs it monthly", "n-export"),
    "fb-005": ("=SUM(A1:A9) the export breaks in Excel", "n-export"),
    "fb-006": ("Dark mode would be nice", None),
}
NEEDS = {
    "n-checkout": ("Faster checkout", "Returning buyers lose time re-entering payment details."),
    "n-export": ("Finance export | monthly", "Finance cannot reconcile without a spreadsheet export."),
}


def make_story(sid: str, need: str | None, *, goal: str, evidence: list[str], status: str = "approved",
               criteria: list[Criterion] | None = None, points: int | None = 3, priority: str | None = "should",
               ready: bool = True) -> Story:
    criteria = criteria if criteria is not None else [
        Criterion(given="a returning buyer with a saved card", when="they check out",
                  then="the saved card is preselected", evidence=evidence[:1]),
        Criterion(given="a buyer without a saved card", when="they pay",
                  then="they are offered to save the card", evidence=evidence[-1:]),
    ]
    return Story(id=sid, need_id=need, role="returning buyer", goal=goal, benefit="I can check out in one step",
                 acceptance_criteria=criteria, evidence=evidence, status=status, points=points, priority=priority,
                 value=StoryValue(score=4.5, moscow="should"), ready=ready)


def hostile_story() -> Story:
    return make_story(
        "S-hostile", "n-checkout", goal="to =HYPERLINK(\"http://evil\") pay\nScenario: injected", evidence=["fb-003"],
        priority="must",
        criteria=[
            Criterion(given="Given a user\nScenario: injected # not comment", when="@tag | table |",
                      then="Then \"\"\" docstring ``` and <b>bold</b>", evidence=["fb-003"]),
            Criterion(given="a second criterion", when="-1+1 is typed", then="@nothing = happens", evidence=["fb-003"]),
        ],
    )


def populate(ws) -> list[Story]:
    """Write needs, items and five stories (3 approved Ready, 1 approved not Ready, 1 draft)."""
    stories = [
        make_story("S-001", "n-checkout", goal="to save my card for later purchases", evidence=["fb-001", "fb-002"]),
        make_story("S-002", "n-export", goal="to export invoices as CSV", evidence=["fb-004", "fb-005"], priority="must",
                   points=5),
        hostile_story(),
        make_story("S-notready", "n-export", goal="to schedule the export", evidence=[], points=None,
                   ready=False, criteria=[Criterion(given="x", when="y", then="z")]),
        make_story("S-draft", None, goal="to switch to dark mode", evidence=["fb-006"], status="draft"),
    ]
    with ws.transaction() as s:
        for nid, (name, statement) in NEEDS.items():
            s.add(NeedRow(id=nid, name=name, statement=statement, quotes=[], counts={"total": 2}))
        s.flush()
        for row, (iid, (text, need)) in enumerate(ITEMS.items(), start=1):
            s.add(FeedbackRow(id=iid, text=text, text_hash=hashlib.sha256(text.encode()).hexdigest(),
                              source_path="feedback.csv", source_row=row, need_id=need, meta={}))
        s.flush()
        for story in stories:
            save_story(s, story, actor="test", action="create")
    return stories


@pytest.fixture
def backlog(workspace):
    populate(workspace)
    return workspace


@pytest.fixture
def ready_backlog(workspace):
    """Only Ready stories approved (the not-ready one rejected), so exports need no --force."""
    stories = populate(workspace)
    with workspace.transaction() as s:
        nr = next(st for st in stories if st.id == "S-notready")
        save_story(s, nr.model_copy(update={"status": "rejected"}), actor="test", action="reject")
    return workspace


def load_schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
