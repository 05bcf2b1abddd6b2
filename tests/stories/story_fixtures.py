"""Realistic feedback for an expense app, stored as real rows (needs grouped by hand, as the needs step would)."""

from __future__ import annotations

import hashlib
from typing import Any

from assistant.models import FeedbackItem, SourceRef
from assistant.tables import FeedbackRow, NeedRow


def feedback_items(texts: list[str], prefix: str = "u") -> list[FeedbackItem]:
    """Unstored feedback items with ids prefix0, prefix1 … for tests of parsing and goal choice."""
    return [FeedbackItem(id=f"{prefix}{n}", text=t, source=SourceRef(path="t.csv", row=n + 1))
            for n, t in enumerate(texts)]

TRIAGE = {
    "bug": {"type": "bug", "sentiment": {"label": "negative", "score": -0.7}, "urgency": {"label": "high", "reason": "crash"}},
    "feature": {"type": "feature_request", "sentiment": {"label": "neutral", "score": 0.0}, "urgency": {"label": "medium", "reason": ""}},
    "complaint": {"type": "complaint", "sentiment": {"label": "negative", "score": -0.5}, "urgency": {"label": "medium", "reason": ""}},
    "low": {"type": "feature_request", "sentiment": {"label": "positive", "score": 0.4}, "urgency": {"label": "low", "reason": ""}},
}

# need id -> (name, statement, [(text, triage, metadata, kind)])
NEEDS: dict[str, tuple[str, str, list[tuple[str, str, dict[str, Any], str]]]] = {
    "nd_card": ("saved card", "Customers have to re-enter their card details at every purchase.", [
        ("please let me save my card", "feature", {"segment": "business", "author": "ana"}, "feedback"),
        ("I wish I could save my card so I don't have to type it every time", "feature", {"segment": "business", "author": "ben"}, "feedback"),
        ("Why can't I store my card details? Typing 16 digits each time is painful", "complaint", {"segment": "pro", "author": "cy"}, "feedback"),
        ("Sales: Enterprise prospects ask to save cards for recurring purchases", "feature", {"segment": "enterprise", "stakeholder": "Sales"}, "stakeholder_ask"),
    ]),
    "nd_export": ("csv export", "Finance admins cannot get their expenses out of the app for accounting.", [
        ("can't export expenses to CSV", "complaint", {"plan": "Business", "role": "finance admin", "author": "dee", "arr": "24000"}, "feedback"),
        ("We need to export our expenses to CSV for month-end close", "feature", {"plan": "Business", "role": "finance admin", "author": "eve"}, "feedback"),
        ("Please add an option to export expenses as Excel, our accountant only uses Excel", "feature", {"plan": "Business", "role": "finance admin", "author": "fay"}, "feedback"),
        ("Export takes forever, like 45 seconds, for 2000 expenses", "complaint", {"plan": "Business", "role": "finance admin", "author": "gus"}, "feedback"),
        ("Would be nice if I could export expenses to Excel", "low", {"plan": "Free", "author": "hal"}, "feedback"),
    ]),
    "nd_receipt": ("receipt upload crash", "Uploading receipts crashes the app, so expenses are filed without proof.", [
        ("app crashes when I upload a receipt", "bug", {"device": "iPhone 12", "os": "iOS 17.2", "app_version": "3.2.1", "author": "ivy"}, "feedback"),
        ("The app keeps crashing when I try to upload a receipt on my iPhone 12 (iOS 17.2)", "bug", {"author": "jon"}, "feedback"),
        ("App freezes when uploading HEIC photos on Android 14", "bug", {"author": "kim"}, "feedback"),
        ("Uploading a receipt crashed and I lost the expense I was typing", "bug", {"author": "lou"}, "feedback"),
    ]),
    "nd_mixed": ("bank and dark mode", "Customers want the app to fit their workflow.", [
        ("I'd love to be able to connect my bank account so that transactions come in automatically", "feature", {"author": "mo"}, "feedback"),
        ("Please let me connect my bank account", "feature", {"author": "ned"}, "feedback"),
        ("Connecting my bank account would save me hours", "feature", {"author": "oli"}, "feedback"),
        ("It would be great to have dark mode", "low", {"author": "pat"}, "feedback"),
        ("Dark mode please!!", "low", {"author": "quinn"}, "feedback"),
        ("Need dark mode for night shifts", "low", {"author": "rae"}, "feedback"),
    ]),
}


def item_id(text: str) -> str:
    return "fb_" + hashlib.sha1(text.encode()).hexdigest()[:12]


def insert_fixture(ws: Any, needs: dict | None = None) -> dict[str, list[str]]:
    """Insert the needs and their items; returns need id -> item ids."""
    needs = needs or NEEDS
    out: dict[str, list[str]] = {}
    with ws.transaction() as s:
        for nid, (name, statement, items) in needs.items():
            s.add(NeedRow(id=nid, name=name, statement=statement, quotes=[], counts={"total": len(items)}))
            s.flush()
            for row, (text, tri, meta, kind) in enumerate(items, start=1):
                iid = item_id(text)
                s.add(FeedbackRow(id=iid, text=text, text_hash=iid, kind=kind, source_path="fixture.csv",
                                  source_row=len(out.get(nid, [])) + row, meta=meta, triage=TRIAGE[tri], need_id=nid))
                out.setdefault(nid, []).append(iid)
    return out
