"""Adapters and metrics for public evaluation datasets (read by path from ../shared/datasets; never shipped)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

_BESIDE_CHECKOUT = Path(__file__).resolve().parents[3] / "shared" / "datasets"


def datasets_dir() -> Path:
    """Where the public datasets are: BACKLOGSMITH_DATASETS, else ../shared/datasets beside the checkout."""
    env = os.environ.get("BACKLOGSMITH_DATASETS")
    return Path(env) if env else _BESIDE_CHECKOUT


DATASETS = datasets_dir()


def cli_main(argv: Sequence[str] | None, default: Path, compute: Callable[[Path], Any],
             table: Callable[[Any], str], *, must_be_dir: bool = False, ceiling: bool = False) -> int:
    """`python -m evals.public.<name> [PATH] [--json]`: compute on the dataset, print a table (or JSON).

    With `ceiling`, the module also takes `--ceiling` and `compute` is called as compute(path, with_ceiling)."""
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    with_ceiling = ceiling and "--ceiling" in args
    args = [a for a in args if a not in ("--json", "--ceiling")]
    path = Path(args[0]) if args else default
    if not (path.is_dir() if must_be_dir else path.exists()):
        print(f"{'dataset folder' if must_be_dir else 'dataset'} not found: {path}", file=sys.stderr)
        return 2
    result = compute(path, with_ceiling) if ceiling else compute(path)
    print(json.dumps(result, indent=2) if as_json else table(result))
    return 0


def run_result(workspace: Path, vectors_of: Callable[[dict[str, Any]], list[Any]] | None = None) -> tuple[dict[str, Any], list[Any], Any]:
    """(items by id, live needs, vectors) a run left in a workspace, read only. `vectors_of(items)` picks the items
    whose index vectors are returned (None: no vectors)."""
    from assistant.repository import load_items, load_needs
    from assistant.settings import resolve_settings
    from assistant.triage.service import item_vectors
    from assistant.workspace import Workspace

    ws = Workspace(resolve_settings(env={}, workspace=workspace))
    try:
        with ws.transaction() as s:
            items = {it.id: it for it in load_items(s)}
            needs = load_needs(s)
        vectors = item_vectors(ws, vectors_of(items)) if vectors_of else None
    finally:
        ws.close()
    return items, needs, vectors

