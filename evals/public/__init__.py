"""Adapters and metrics for public evaluation datasets (read by path from ../shared/datasets; never shipped)."""

from __future__ import annotations

import os
from pathlib import Path

_BESIDE_CHECKOUT = Path(__file__).resolve().parents[3] / "shared" / "datasets"


def datasets_dir() -> Path:
    """Where the public datasets are: BACKLOGSMITH_DATASETS, else ../shared/datasets beside the checkout."""
    env = os.environ.get("BACKLOGSMITH_DATASETS")
    return Path(env) if env else _BESIDE_CHECKOUT


DATASETS = datasets_dir()
