"""Shared fixtures: a real SQLite file, a real chroma index in a temp dir and the real local model.

The network is blocked for every test by pytest-socket (see pyproject addopts); loopback stays open for
local servers (pytest-httpserver, the llama.cpp recordings, the Roundup tracker).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.settings import resolve_settings
from assistant.workspace import Workspace
from evals.public import datasets_dir

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATASETS = datasets_dir()
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's real keys or endpoints must never leak into the default (offline) run.
    for name in list(os.environ):
        if name.startswith(("BACKLOGSMITH_", "OPENAI_", "AZURE_OPENAI_", "CHROMA_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A fresh workspace folder with a real SQLite db and chroma index."""
    ws = Workspace(resolve_settings(env={}, workspace=tmp_path / "ws"))
    yield ws
    ws.close()


@pytest.fixture
def shared_datasets() -> Path:
    if not SHARED_DATASETS.is_dir():
        pytest.skip(f"public datasets not found at {SHARED_DATASETS} (set BACKLOGSMITH_DATASETS)")
    return SHARED_DATASETS
