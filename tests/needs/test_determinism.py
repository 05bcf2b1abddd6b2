"""Two fresh runs of the same inbox give the same need ids, wherever the inbox folder lies (item ids include the
source path, so need ids are minted from the members' content)."""

from __future__ import annotations

import csv
from pathlib import Path

from assistant.needs import build_needs
from assistant.settings import resolve_settings
from assistant.triage import triage_items
from assistant.workspace import Workspace
from ingest.pipeline import ingest_paths


def _sample(folder: Path, datasets: Path) -> Path:
    """60 real comic-viewer reviews (one app's Google Play reviews, the PO-audit inbox) as a feedback file."""
    from evals.public.inboxes import BUILDERS

    rows = BUILDERS["comic-viewer"]()[:60]
    folder.mkdir(parents=True)
    with open(folder / "feedback.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "rating"])
        w.writerows([r["review"], r["rating"]] for r in rows)
    return folder / "feedback.csv"


def _need_ids(path: Path, ws_dir: Path) -> dict[str, list[str]]:
    ws = Workspace(resolve_settings(env={}, workspace=ws_dir))
    try:
        ingest_paths(ws, [path])
        triage_items(ws)
        return {n.id: sorted(n.quotes) for n in build_needs(ws)}
    finally:
        ws.close()


def test_two_fresh_workspaces_give_the_same_need_ids(shared_datasets, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a = _need_ids(_sample(tmp_path / "run-a" / "inbox", shared_datasets), tmp_path / "ws-a")
    b = _need_ids(_sample(tmp_path / "elsewhere" / "inbox", shared_datasets), tmp_path / "ws-b")
    assert len(a) >= 2, a
    assert sorted(a) == sorted(b)
