"""Concurrent runs on one workspace (issue 13): real `backlogsmith` processes started at the same time.

Writers serialize on the workspace lock (or, with BACKLOGSMITH_LOCK_TIMEOUT=0, fail with one clear line); a fresh
workspace never races on creating tables; nothing is lost, indexed twice or drafted twice.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from assistant.benchmarks.ingest import corpus
from assistant.settings import resolve_settings
from assistant.workspace import Workspace

BIN = Path(sys.executable).with_name("backlogsmith")


def _env(ws_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKLOGSMITH_", "OPENAI_", "CHROMA_"))}
    return env | {"BACKLOGSMITH_WORKSPACE": str(ws_dir), "ANONYMIZED_TELEMETRY": "False"} | extra


def _start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([str(BIN), *args], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _all(procs: list[subprocess.Popen]) -> list[tuple[int, str, str]]:
    outputs = [p.communicate(timeout=300) for p in procs]
    return [(p.returncode, out, err) for p, (out, err) in zip(procs, outputs)]


def _scalar(db: Path, sql: str) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def test_concurrent_first_ingests_then_needs_then_drafts(tmp_path: Path) -> None:
    ws_dir = tmp_path / "ws"
    texts = corpus(80)
    for n in range(4):
        (tmp_path / f"part{n}.txt").write_text("\n".join(texts[n * 20 : (n + 1) * 20]) + "\n", encoding="utf-8")
    env = _env(ws_dir)

    # Four first runs on a fresh workspace at once: no "table already exists", no chroma InternalError.
    results = _all([_start(["ingest", f"part{n}.txt"], env, tmp_path) for n in range(4)])
    assert [r[0] for r in results] == [0, 0, 0, 0], [r[2] for r in results]
    db = ws_dir / "backlogsmith.db"
    assert _scalar(db, "select count(*) from feedback_items") == 80
    assert _scalar(db, "select count(*) from feedback_items where indexed = 0") == 0
    ws = Workspace(resolve_settings(env={}, workspace=ws_dir))
    try:
        with ws.transaction() as s:
            from sqlalchemy import select

            from assistant.tables import FeedbackRow

            ids = set(s.scalars(select(FeedbackRow.id)))
        assert ws.index.ids() == ids  # the index is whole and readable
    finally:
        ws.close()

    needs = _all([_start(["needs", "--format", "json"], env, tmp_path) for _ in range(2)])
    assert [r[0] for r in needs] == [0, 0], [r[2] for r in needs]
    drafts = _all([_start(["draft"], env, tmp_path) for _ in range(3)])
    assert [r[0] for r in drafts] == [0, 0, 0], [r[2] for r in drafts]
    stories = _scalar(db, "select count(*) from stories")
    assert stories > 0
    # Three drafts at once used to write each story's creation three times.
    created = _scalar(db, "select count(*) from (select story_id from story_history group by story_id, action "
                          "having count(*) > 1)")
    assert created == 0


def test_a_second_writer_waits_or_fails_with_one_clear_line(tmp_path: Path) -> None:
    ws_dir = tmp_path / "ws"
    log = tmp_path / "waiting.err"
    ws = Workspace(resolve_settings(env={}, workspace=ws_dir))
    try:
        with ws.write_lock():  # another run holds the workspace
            failed = _start(["ingest", "--paste", "Export to Excel please"], _env(ws_dir, BACKLOGSMITH_LOCK_TIMEOUT="0"), tmp_path)
            _, err = failed.communicate(timeout=120)
            with log.open("w") as stderr:
                waiting = subprocess.Popen([str(BIN), "ingest", "--paste", "Dark mode please"], cwd=tmp_path,
                                           env=_env(ws_dir, BACKLOGSMITH_LOCK_TIMEOUT="120"), stdout=subprocess.PIPE,
                                           stderr=stderr, text=True)
            deadline = time.monotonic() + 120
            while "waiting:" not in log.read_text() and waiting.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
            assert waiting.poll() is None  # it waits while the lock is held ...
    finally:
        ws.close()
    assert failed.returncode == 1
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "another backlogsmith run is writing to this workspace" in lines[0], err
    waiting.communicate(timeout=120)  # ... and goes on once it is released
    assert waiting.returncode == 0, log.read_text()
    assert "waiting: another backlogsmith run is writing to this workspace" in log.read_text()
    assert _scalar(ws_dir / "backlogsmith.db", "select count(*) from feedback_items") == 1
