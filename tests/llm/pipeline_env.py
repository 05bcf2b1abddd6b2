"""Shared set-up for the end-to-end LLM tests: a small inbox, the CLI in a subprocess, what a workspace stored."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from assistant.tables import FeedbackRow, NeedRow, StoryRow
from assistant.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
MODEL = "scripted-model"

# Three asks with several voices each, a question, praise, a defect with conditions: enough to form needs.
FEEDBACK = [
    "The CSV export crashes on large reports and I lose the file.",
    "Exporting a big report crashes the app every time, the file is lost.",
    "Export crashes when the report has more than 500 rows.",
    "Please add a dark mode for the reading screen.",
    "I would like a dark mode, the white reading screen hurts my eyes at night.",
    "Dark mode please, reading at night is painful.",
    "Can I freeze my card right now?",
    "How do I freeze my card quickly when it is stolen?",
    "Love the new invoice templates, great work!",
    "Login fails with error 403 after the update on Android 14.",
    "After the update, login fails with an error on my Android phone.",
    "Please let me schedule the report export every Monday morning.",
]


def write_inbox(folder: Path) -> Path:
    """The feedback above as a CSV file (one text column, a rating)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "feedback.csv"
    lines = ["id,comment,rating"] + [f'{n},"{t}",{1 if "crash" in t or "fails" in t else 3}'
                                     for n, t in enumerate(FEEDBACK, 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def llm_env(url: str, workspace: Path, **extra: str) -> dict[str, str]:
    """The process environment for a CLI run against the scripted server (nothing from the developer's env)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKLOGSMITH_", "OPENAI_", "AZURE_OPENAI_"))}
    env.update({"BACKLOGSMITH_LLM": "openai", "OPENAI_BASE_URL": url, "BACKLOGSMITH_MODEL": MODEL,
                "BACKLOGSMITH_WORKSPACE": str(workspace), "BACKLOGSMITH_LLM_MAX_RETRIES": "0",
                "BACKLOGSMITH_LLM_TIMEOUT": "20", "ANONYMIZED_TELEMETRY": "False", **extra})
    return env


def cli(env: dict[str, str], *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """`backlogsmith ARGS` in a real subprocess."""
    return subprocess.run([sys.executable, "-c", "from assistant.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT)


def stored(ws: Workspace) -> dict[str, Any]:
    """Everything the pipeline stored that came (or could come) from a model, as plain values."""
    with ws.transaction() as s:
        items = {r.id: r for r in s.scalars(select(FeedbackRow))}
        return {
            "texts": {r.id: r.text for r in items.values()},
            "triage": {r.id: dict(r.triage or {}) for r in items.values()},
            "needs": [(r.id, r.name, r.statement, dict(r.provenance or {})) for r in s.scalars(select(NeedRow))],
            "stories": [{"id": r.id, "role": r.role, "goal": r.goal, "benefit": r.benefit,
                         "evidence": list(r.evidence or []), "provenance": dict(r.provenance or {}),
                         "ready": r.ready, "quality": list(r.quality or []),
                         "criteria": [(c.given, c.when, c.then, list(c.evidence or [])) for c in r.criteria]}
                        for r in s.scalars(select(StoryRow))],
        }


class ConcurrentWriter:
    """Writes to the workspace database from this (second) process while the model is answering.

    If the CLI held a write transaction open across a model call, these writes would wait for the lock
    and fail with 'database is locked' after `timeout` seconds."""

    def __init__(self, db: Path, timeout: float = 3.0) -> None:
        self.db = db
        self.timeout = timeout
        self.done = 0

    def __call__(self) -> None:
        if not self.db.exists():
            return
        con = sqlite3.connect(self.db, timeout=self.timeout)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT OR REPLACE INTO workspace_settings (key, value, updated_at) "
                        "VALUES ('concurrent_probe', ?, CURRENT_TIMESTAMP)", (str(self.done),))
            con.commit()
            self.done += 1
        finally:
            con.close()
