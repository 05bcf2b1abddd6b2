"""UI benchmark: first render of the Stories page with 1,000 stories (AppTest, real app.py, real SQLite). Target ≤ 1 s.

The page shows the ranked table (one page of rows from one cheap query over all 1,000) and one editor beside it."""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from assistant.models import Criterion, QualityFinding, Story
from assistant.repository import save_story
from assistant.settings import resolve_settings
from assistant.tables import FeedbackRow, NeedRow
from assistant.workspace import Workspace

NAME = "ui"
TARGET_S = 1.0
APP = Path(__file__).resolve().parents[2] / "app.py"


def seed_stories(ws: Workspace, stories: int, needs: int = 40) -> None:
    """Needs, cited items and draft stories with two criteria and a finding each, as the pipeline stores them."""
    with ws.transaction() as s:
        for n in range(needs):
            s.add(NeedRow(id=f"n{n}", name=f"need {n}", statement="", counts={"total": needs - n}))
        s.flush()
        for i in range(stories):
            s.add(FeedbackRow(id=f"f{i}", text=f"feedback {i}", text_hash=f"h{i}", source_path="bench.csv",
                              source_row=i + 1, need_id=f"n{i % needs}"))
        s.flush()
        for i in range(stories):
            ev = [f"f{i}", f"f{(i + 1) % stories}"]
            story = Story(
                id=f"B{i:05d}", need_id=f"n{i % needs}", role="finance admin", goal=f"to export report {i}",
                benefit="I can close the month", evidence=ev,
                acceptance_criteria=[Criterion(given="an open month", when="I export", then="a CSV downloads", evidence=ev[:1]),
                                     Criterion(given="no data", when="I export", then="I see a message", evidence=ev[1:])],
                quality=[QualityFinding(criterion="estimatable", severity="warning", message="No estimate.", fix=None)],
            )
            save_story(s, story, actor="bench", action="draft")


def _render_stories_page() -> tuple[float, float, int, int]:
    """(seconds for the app's first run, seconds for the Stories page's first render, table rows shown, editors)."""
    from streamlit.testing.v1 import AppTest

    # AppTest runs the script on this thread; Streamlit warns about a missing ScriptRunContext each time.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
    at = AppTest.from_file(str(APP), default_timeout=120)
    t0 = time.perf_counter()
    at.run()
    t1 = time.perf_counter()
    at.switch_page("assistant/ui/pages/stories.py")
    t2 = time.perf_counter()
    at.run()
    t3 = time.perf_counter()
    if at.exception:
        raise RuntimeError(f"Stories page failed: {at.exception[0].value}")
    editors = sum(1 for w in at.text_input if w.key and w.key.startswith("role:"))
    rows = max((len(d.value) for d in at.dataframe if "story" in getattr(d.value, "columns", [])), default=0)
    return t1 - t0, t3 - t2, rows, editors


def run(*, quick: bool = False, stories: int = 1000) -> dict[str, Any]:
    """Seed a tmp workspace with `stories` stories and time the Stories page's first render (median of runs)."""
    if not APP.is_file():
        return {"part": NAME, "passed": False, "error": f"app.py not found at {APP} (run from a source checkout)"}
    repeats = 3 if quick else 5
    old = os.environ.get("BACKLOGSMITH_WORKSPACE")
    with tempfile.TemporaryDirectory(prefix="backlogsmith-bench-ui-") as tmp:
        ws = Workspace(resolve_settings(env={}, workspace=Path(tmp) / "ws"))
        t = time.perf_counter()
        seed_stories(ws, stories)
        seed_s = time.perf_counter() - t
        os.environ["BACKLOGSMITH_WORKSPACE"] = str(Path(tmp) / "ws")
        try:
            runs = [_render_stories_page() for _ in range(repeats)]
        finally:
            if old is None:
                os.environ.pop("BACKLOGSMITH_WORKSPACE", None)
            else:
                os.environ["BACKLOGSMITH_WORKSPACE"] = old
            ws.close()
    renders = [r[1] for r in runs]
    median = statistics.median(renders)
    return {
        "part": NAME,
        "passed": median <= TARGET_S,
        "stories": stories,
        "table_rows_rendered": runs[0][2],
        "editors_rendered": runs[0][3],
        "stories_page_first_render_s": round(median, 3),
        "stories_page_first_render_max_s": round(max(renders), 3),
        "app_first_run_cold_s": round(runs[0][0], 3),
        "target_s": TARGET_S,
        "seed_s": round(seed_s, 2),
        "repeats": repeats,
    }
