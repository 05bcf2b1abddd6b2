"""Crash safety: SIGKILL a real `backlogsmith ingest` after its first commit, before indexing; the next search
indexes what was left out by itself, and re-running the ingest resumes the killed file and completes cleanly."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from assistant.settings import resolve_settings
from assistant.workspace import Workspace
from assistant.benchmarks.ingest import corpus
from ingest.pipeline import PAUSE_ENV

BIN = Path(sys.executable).with_name("backlogsmith")


def _committed_files(db: Path) -> int:
    try:
        return _db_counts(db)[0] if db.exists() else 0
    except sqlite3.OperationalError:  # schema not created yet, or briefly locked
        return 0


def _db_counts(db: Path) -> tuple[int, int, int]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        files = con.execute("select count(*) from source_files").fetchone()[0]
        rows = con.execute("select count(*) from feedback_items").fetchone()[0]
        unindexed = con.execute("select count(*) from feedback_items where indexed = 0").fetchone()[0]
    finally:
        con.close()
    return files, rows, unindexed


def _run(args: list[str], env: dict[str, str], cwd: Path, **kw):  # type: ignore[no-untyped-def]
    return subprocess.Popen([str(BIN), *args], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def test_sigkill_after_first_commit_then_rerun(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    texts = corpus(150)
    for n in range(3):
        lines = [f"Item {n}-{i}: {t}" for i, t in enumerate(texts[n * 50 : (n + 1) * 50])]
        (data / f"part{n}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ws_dir = tmp_path / "ws"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKLOGSMITH_", "OPENAI_", "CHROMA_"))}
    env |= {"BACKLOGSMITH_WORKSPACE": str(ws_dir), "ANONYMIZED_TELEMETRY": "False", PAUSE_ENV: "60"}

    proc = _run(["ingest", "data"], env, tmp_path)
    db = ws_dir / "backlogsmith.db"
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline:
            if _committed_files(db) >= 1:
                break
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "exited early"
            time.sleep(0.2)
        else:
            raise AssertionError("the first file was never committed")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # Killed after the first file's (first chunk's) commit, before its index update: committed rows, none indexed.
    files, rows, unindexed = _db_counts(db)
    assert (files, rows, unindexed) == (1, 50, 50)

    # Search never silently misses a stored item: it indexes what the killed run left out, then answers.
    env.pop(PAUSE_ENV)
    wanted = "Item 0-7: " + texts[7]
    search = _run(["feedback", "search", wanted, "--format", "json", "-n", "3"], env, tmp_path)
    out, err = search.communicate(timeout=300)
    assert search.returncode == 0, err.decode()
    assert json.loads(out)[0]["text"] == wanted
    assert _db_counts(db) == (1, 50, 0)

    rerun = _run(["ingest", "data", "--format", "json"], env, tmp_path)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode()
    report = json.loads(out)
    # The killed file resumes: its 50 rows are found by their ids, nothing is stored twice.
    assert [(f["status"], f["added"], f["existing"]) for f in report["files"]] == [
        ("ingested", 0, 50), ("ingested", 50, 0), ("ingested", 50, 0)]
    assert _db_counts(db) == (3, 150, 0)
    again = _run(["ingest", "data", "--format", "json"], env, tmp_path)
    out, err = again.communicate(timeout=300)
    assert [f["status"] for f in json.loads(out)["files"]] == ["already_ingested"] * 3

    ws = Workspace(resolve_settings(env={}, workspace=ws_dir))
    try:
        with ws.transaction() as s:
            from sqlalchemy import select

            from assistant.tables import FeedbackRow

            pairs = list(s.execute(select(FeedbackRow.id, FeedbackRow.source_path, FeedbackRow.source_row)))
        assert len({(p, r) for _, p, r in pairs}) == 150  # no row stored twice
        assert ws.index.ids() == {i for i, _, _ in pairs}  # index and database agree
    finally:
        ws.close()


def test_search_restores_items_a_lost_index_no_longer_holds(workspace, tmp_path: Path) -> None:
    from ingest import ingest_paths, search

    (tmp_path / "a.txt").write_text("Export to Excel keeps failing\nDark mode for the dashboard\n", encoding="utf-8")
    ingest_paths(workspace, [tmp_path / "a.txt"])
    gone = min(workspace.index.ids())
    workspace.index.delete([gone])  # the SQL flag says indexed, the index lost it (a half-written chroma)
    assert gone in {item.id for _, item in search(workspace, "excel export", n=5)}
    assert len(workspace.index.ids()) == 2
