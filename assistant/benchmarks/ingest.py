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


def _write_csv(path: Path, texts: list[str], offset: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text", "rating", "plan", "channel", "date"])
        for i, t in enumerate(texts, start=offset):
            writer.writerow([f"r{i}", t, 1 + i % 5, ["free", "pro", "business", "enterprise"][i % 4],
                             "app store", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"])


def run(*, quick: bool = False, n: int | None = None, rounds: int | None = None) -> dict[str, Any]:
    """Embedding alone vs full ingest of the same sentences, interleaved in rounds on a fresh workspace.

    Each round embeds one slice with the bare model and ingests the same slice as its own file (alternating
    which goes first), so load that drifts on a shared machine hits both sides alike.
    """
    from assistant.embeddings import LocalEmbedder
    from assistant.settings import resolve_settings
    from assistant.workspace import Workspace
    from ingest import ingest_paths

    n = n or (500 if quick else 2000)
    rounds = rounds or (2 if quick else 4)
    texts = corpus(n)
    embedder = LocalEmbedder()
    embedder.embed(corpus(64, seed=99))  # load the model and warm up before either measurement
    wall = {"embed": 0.0, "ingest": 0.0}
    cpu = {"embed": 0.0, "ingest": 0.0}
    added = 0
    with tempfile.TemporaryDirectory(prefix="backlogsmith-bench-") as tmp:
        ws = Workspace(resolve_settings(env={}, workspace=Path(tmp) / "ws"), embedder=embedder)
        ws.index.count()  # open the database and chroma once, outside the timed part
        size = -(-n // rounds)
        for r in range(rounds):
            part = texts[r * size : (r + 1) * size]
            path = Path(tmp) / f"feedback-{r}.csv"
            _write_csv(path, part, r * size)

            def embed(part: list[str] = part) -> None:
                embedder.embed(part)

            def ingest(path: Path = path) -> None:
                nonlocal added
                added += ingest_paths(ws, [path]).added

            steps = [("embed", embed), ("ingest", ingest)]
            for name, step in steps if r % 2 == 0 else steps[::-1]:
                c, w = time.process_time(), time.perf_counter()
                step()
                wall[name] += time.perf_counter() - w
                cpu[name] += time.process_time() - c
        ws.close()

    embed_rate = n / wall["embed"]
    ingest_rate = added / wall["ingest"]
    ratio = ingest_rate / embed_rate
    return {
        "part": NAME,
        "sentences": n,
        "rounds": rounds,
        "embed_sentences_per_s": round(embed_rate, 1),
        "ingest_sentences_per_s": round(ingest_rate, 1),
        "ingest_ratio": round(ratio, 3),
        "ingest_cpu_ratio": round(cpu["embed"] / cpu["ingest"], 3),
        "target": TARGET_RATIO,
        "passed": ratio >= TARGET_RATIO and added == n,
    }
