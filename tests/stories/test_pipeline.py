"""The main job on the bundled examples, fully offline: ranked table, Markdown backlog, every citation real."""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console

from assistant.verify import GATE_CRITERIA
from assistant.pipeline import run_pipeline
from assistant.repository import existing_item_ids, load_stories

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_run_pipeline_on_examples(workspace, tmp_path) -> None:
    out = tmp_path / "backlog.md"
    console = Console(record=True, width=160)
    result = run_pipeline(workspace, [EXAMPLES], out=out, console=console)
    stories = result.stories
    assert len(stories) >= 8
    ranks = [st.value.inputs["rank"] for st in stories]
    assert ranks == sorted(ranks) and ranks[0] == 1
    with workspace.transaction() as s:
        cited = {e for st in stories for e in st.evidence} | {e for st in stories for c in st.acceptance_criteria for e in c.evidence}
        assert existing_item_ids(s, cited) == cited
        assert len(load_stories(s)) == len(stories)
    # honest drafts: what the engine could not write is handed over, nothing with an open error is Ready
    written = [st for st in stories if st.kind == "story"]
    assert len(written) >= 6 and any(st.kind == "to_write" for st in stories)
    for st in stories:
        assert st.priority and st.points is None  # points are the team's; the engine only suggests
        assert not (st.ready and any(f.severity == "error" or f.criterion in GATE_CRITERIA for f in st.quality))
        assert len(st.acceptance_criteria) <= 6
        for c in st.acceptance_criteria:
            assert set(c.evidence) <= set(st.evidence)
        if st.kind == "to_write":
            assert not st.goal and st.brief and st.brief.statement and not st.ready and st.points_suggested is None
        else:
            assert st.goal.startswith("to ") and st.points_suggested in (1, 2, 3, 5, 8, 13)
    text = out.read_text()
    assert text.startswith("# Backlog") and text.count("\n## ") >= len(stories)
    from assistant.export.documents import md

    for st in stories:
        assert md(st.text) in text  # untrusted text is escaped in the Markdown backlog
    assert "## Stakeholder asks" in text and re.search(r"\| (accepted|merged|not now) \|", text)
    assert "Backlog (ranked by WSJF)" in console.export_text()
    # every feedback item is accounted for: in a need with a story, in a praise need, or listed as in no need
    with workspace.transaction() as s:
        from assistant.repository import load_items

        feedback = [i for i in load_items(s, kind="feedback") if i.duplicate_of is None]
    total, placed, praise, unplaced = map(int, re.search(
        r"- (\d+) feedback items \(duplicates not counted\): (\d+) in needs with a story or a story to write, "
        r"(\d+) in \d+ praise needs \(recorded, no story\), (\d+) in no need", text).groups())
    assert total == len(feedback) == placed + praise + unplaced
    assert unplaced == sum(1 for i in feedback if i.need_id is None)
    assert ("## Feedback in no need" in text) == (unplaced > 0)
    # a second run on the same files adds nothing and re-drafts nothing
    again = run_pipeline(workspace, [EXAMPLES], out=out, console=Console(record=True, width=160))
    assert [s.id for s in again.stories] == [s.id for s in stories]
    assert [s.version for s in again.stories] == [s.version for s in stories]
