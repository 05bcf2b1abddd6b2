"""Ingest benchmark: raw embedding throughput vs end-to-end ingest throughput on the same sentences.

ingest_ratio = ingest sentences/s / embedding sentences/s. Everything ingest adds around the model (parse,
redact, ids, duplicate links, one SQL transaction, the chroma upsert) should cost at most 20% (target 0.8).
"""

from __future__ import annotations

import csv
import random
import tempfile
import time
from pathlib import Path
from typing import Any

NAME = "ingest"
TARGET_RATIO = 0.8

_OPENERS = ["", "Honestly, ", "Since the last update ", "For our team ", "Every month ", "As an admin ", "Again: ",
            "Quick note: ", "Not sure if this is known, but ", "Love the app, however "]
_TEMPLATES = [
    "the {screen} takes {n} seconds to load when we have {m} {things}.",
    "please let us export {things} as CSV so our accountant can import them into {tool}.",
    "receipt scanning misreads the total on {adj} receipts from {place}.",
    "bank sync with {bank} stopped working {when} and I had to re-connect it {n} times.",
    "I would like to save a payment card so I don't have to type it for every {thing}.",
    "we need single sign-on with {idp} before we can roll this out to {m} people.",
    "the mobile app loses my {thing} drafts when I am offline on {place}.",
    "approval of {things} above {n} euros should go to a second manager automatically.",
    "multi-currency {things} show the wrong exchange rate for {currency}.",
    "how do I change the {field} on an invoice that was already sent to {client}?",
    "support answered within {n} minutes and fixed the {thing} problem, great job.",
    "we were charged twice for the {plan} plan this month, please refund.",
    "the new {screen} is much clearer than the old one, thank you.",
    "it would help if {things} could be tagged by project and cost centre.",
    "we are considering switching to {tool} unless the {screen} gets faster.",
    "after the update the {screen} crashes when I open an {thing} with {m} lines.",
    "can you add a reminder email when an {thing} is overdue by {n} days?",
    "our auditors asked for a full history of who changed each {thing}.",
    "the search on the {screen} does not find {things} by amount.",
    "dark mode on the {screen} would be easier on the eyes during month-end close.",
]
# A second, independent sentence half the time: real feedback rarely differs by one word only.
_TAILS = [
    "", "", "", "", "", "", "", "", "We are a team of {m}.", "This is on Android.", "I use the web app in Safari.",
    "It started after we moved to the {plan} plan.", "Our accountant noticed it first.", "Happens every single week.",
    "Month-end close is a nightmare because of it.", "Support said a fix is coming.", "Otherwise we are happy.",
    "I have tried reinstalling twice.", "My manager asked me to report it.", "It is costing us real money.",
    "We would pay more for this.", "Same on iPhone and iPad.", "Please reply by email.",
]
_SLOTS: dict[str, list[str]] = {
    "screen": ["dashboard", "expense list", "invoice editor", "reports page", "approval queue", "settings page"],
    "things": ["expenses", "invoices", "receipts", "mileage claims", "payments", "credit notes"],
    "thing": ["expense", "invoice", "receipt", "mileage claim", "payment", "credit note"],
    "tool": ["Xero", "QuickBooks", "DATEV", "Excel", "Sage", "NetSuite"],
    "adj": ["crumpled", "thermal", "handwritten", "long", "faded", "foreign"],
    "place": ["the train", "a taxi", "the airport", "a client site", "the hotel", "the underground"],
    "bank": ["HSBC", "Barclays", "Chase", "ING", "Revolut", "Deutsche Bank"],
    "when": ["last week", "yesterday", "after the update", "on Monday", "twice this month"],
    "idp": ["Okta", "Azure AD", "Google Workspace", "OneLogin"],
    "currency": ["GBP", "CHF", "USD", "SEK", "JPY", "PLN"],
    "field": ["due date", "VAT number", "billing address", "currency", "PO number"],
    "client": ["a client", "our biggest customer", "the wrong contact", "a new customer"],
    "plan": ["Pro", "Business", "Enterprise", "Team"],
}


def corpus(n: int, seed: int = 7) -> list[str]:
    """n distinct, realistic feedback sentences (deterministic for a seed)."""
    rng = random.Random(seed)
    out: dict[str, None] = {}
    while len(out) < n:
        template = rng.choice(_TEMPLATES)
        values = {k: rng.choice(v) for k, v in _SLOTS.items()}
        values["n"] = str(rng.choice([2, 3, 5, 8, 10, 12, 15, 20, 30, 45]))
        values["m"] = str(rng.choice([20, 50, 120, 300, 800, 1500, 4000]))
        sentence = rng.choice(_OPENERS) + template.format(**values)
        tail = rng.choice(_TAILS).format(**values)
        sentence = f"{sentence[0].upper()}{sentence[1:]} {tail}".strip()
        out[sentence] = None
    return list(out)


def run(*, quick: bool = False, n: int | None = None) -> dict[str, Any]:
    """Measure embedding alone, then a full ingest of the same sentences into a fresh workspace."""
    from assistant.embeddings import LocalEmbedder
    from assistant.settings import resolve_settings
    from assistant.workspace import Workspace
    from ingest import ingest_paths

    n = n or (500 if quick else 2000)
    texts = corpus(n)
    embedder = LocalEmbedder()
    embedder.embed(texts[:64])  # load the model and warm up before either measurement

    def embed_pass() -> float:
        start = time.perf_counter()
        embedder.embed(texts)
        return time.perf_counter() - start

    # The embedding pass runs before and after the ingest and the two are averaged, so a machine whose load
    # drifts during the run (shared CI) does not bias the ratio either way.
    embed_before = embed_pass()

    with tempfile.TemporaryDirectory(prefix="backlogsmith-bench-") as tmp:
        path = Path(tmp) / "feedback.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["id", "text", "rating", "plan", "channel", "date"])
            for i, t in enumerate(texts):
                writer.writerow([f"r{i}", t, 1 + i % 5, ["free", "pro", "business", "enterprise"][i % 4],
                                 "app store", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"])
        ws = Workspace(resolve_settings(env={}, workspace=Path(tmp) / "ws"), embedder=embedder)
        ws.index.count()  # open the database and chroma once, outside the timed part
        start = time.perf_counter()
        report = ingest_paths(ws, [path])
        ingest_seconds = time.perf_counter() - start
        ws.close()
    embed_seconds = (embed_before + embed_pass()) / 2

    embed_rate = n / embed_seconds
    ingest_rate = report.added / ingest_seconds
    ratio = ingest_rate / embed_rate
    return {
        "part": NAME,
        "sentences": n,
        "embed_sentences_per_s": round(embed_rate, 1),
        "ingest_sentences_per_s": round(ingest_rate, 1),
        "ingest_ratio": round(ratio, 3),
        "target": TARGET_RATIO,
        "passed": ratio >= TARGET_RATIO and report.added == n,
    }
