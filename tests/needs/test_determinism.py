"""Two fresh runs of the same inbox give the same need ids and the same needs, wherever the inbox folder lies and
in whatever order its rows come (item ids include the source path, so need ids are minted from the members' content,
and nothing is decided by the order ids sort in)."""

from __future__ import annotations

import csv
from pathlib import Path

from assistant.needs import build_needs
from assistant.settings import resolve_settings
from assistant.triage import triage_items
from assistant.workspace import Workspace
from ingest.pipeline import ingest_paths


def _sample(folder: Path, datasets: Path, reverse: bool = False) -> Path:
    """60 real comic-viewer reviews (one app's Google Play reviews, the PO-audit inbox) as a feedback file."""
    from evals.public.inboxes import BUILDERS

    rows = BUILDERS["comic-viewer"]()[:60]
    rows = rows[::-1] if reverse else rows
    folder.mkdir(parents=True)
    with open(folder / "feedback.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "rating"])
        w.writerows([r["review"], r["rating"]] for r in rows)
    return folder / "feedback.csv"


def _needs(path: Path, ws_dir: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """need id -> (name, the texts of its members)."""
    from assistant.repository import load_items

    ws = Workspace(resolve_settings(env={}, workspace=ws_dir))
    try:
        ingest_paths(ws, [path])
        triage_items(ws)
        needs = build_needs(ws)
        with ws.transaction() as s:
            text = {it.id: it.text for it in load_items(s)}
        return {n.id: (n.name, frozenset(text[i] for i in n.item_ids)) for n in needs}
    finally:
        ws.close()


def test_two_fresh_workspaces_give_the_same_needs(shared_datasets, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = _needs(_sample(tmp_path / "run-a" / "inbox", shared_datasets), tmp_path / "ws-a")
    b = _needs(_sample(tmp_path / "elsewhere" / "inbox", shared_datasets, reverse=True), tmp_path / "ws-b")
    assert len(a) >= 2, a
    assert a == b
