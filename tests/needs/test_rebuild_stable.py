"""Running `needs` again with nothing new changes nothing, on a real inbox nobody here wrote (160 Google Play
reviews of "A Comic Viewer" plus our stakeholder asks). Before, every rerun placed the items the last build had set
aside or left without a need again: 16 needs became 18, names flipped ("File"/"Files"), and the stories' briefs no
longer matched their needs. New items after a build are still placed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from assistant.needs import build_needs
from assistant.repository import load_items
from assistant.settings import resolve_settings
from assistant.tables import NeedRow
from assistant.triage import triage_items
from assistant.workspace import Workspace
from tests.needs.corpus import add_items

REVIEWS = 160


def _snapshot(ws: Workspace) -> tuple[dict, dict]:  # type: ignore[type-arg]
    with ws.transaction() as s:
        needs = {r.id: (r.name, r.statement, sorted(r.quotes or []), r.merged_into, (r.provenance or {}).get("loose"),
                        r.version) for r in s.scalars(select(NeedRow))}
        placed = {it.id: it.need_id for it in load_items(s)}
    return needs, placed


@pytest.fixture
def real_ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    from ingest import ingest_paths

    from evals.public import inboxes

    if not (inboxes.DATASETS / "themes" / "urr_golden_set.csv").is_file():
        pytest.skip(f"public datasets not found at {inboxes.DATASETS} (set BACKLOGSMITH_DATASETS)")
    folder = inboxes.write_inbox("comic-viewer", tmp_path, limit=REVIEWS)
    ws = Workspace(resolve_settings(env={}, workspace=tmp_path / "ws"))
    ingest_paths(ws, [folder / "feedback.csv", folder / "stakeholder_asks.csv"])
    triage_items(ws)
    yield ws
    ws.close()


def test_a_second_needs_run_with_nothing_new_changes_nothing(real_ws: Workspace) -> None:
    build_needs(real_ws)
    first = _snapshot(real_ws)
    assert sum(1 for nid in first[1].values() if nid is None) > 0  # there are items left without a need
    build_needs(real_ws)
    build_needs(real_ws)
    assert _snapshot(real_ws) == first


def test_new_items_after_a_build_are_placed_and_old_ones_stay(real_ws: Workspace) -> None:
    build_needs(real_ws)
    needs_before, placed_before = _snapshot(real_ws)
    new = add_items(real_ws, ["The app crashes with an out of memory error when I open a big cbr file.",
                              "Out of memory error every time I open a large comic, please fix."])
    triage_items(real_ws)
    build_needs(real_ws)
    _, placed = _snapshot(real_ws)
    assert all(placed[i] for i in new)  # the new reports joined a need (or founded one)
    unplaced_before = {i for i, nid in placed_before.items() if nid is None}
    assert all(placed[i] is None for i in unplaced_before)  # what the last build left out stays out
