"""UI test fixtures: a workspace in tmp that app.py opens through BACKLOGSMITH_WORKSPACE."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import resolve_settings
from assistant.workspace import Workspace


@pytest.fixture
def ui_ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A workspace folder the app opens through BACKLOGSMITH_WORKSPACE, plus our own handle on it."""
    folder = tmp_path / "ws"
    monkeypatch.setenv("BACKLOGSMITH_WORKSPACE", str(folder))
    # The Settings page writes LLM choices into the process env: register them so monkeypatch restores them.
    for name in ("BACKLOGSMITH_LLM", "BACKLOGSMITH_MODEL", "OPENAI_API_KEY", "OPENAI_BASE_URL",
                 "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    ws = Workspace(resolve_settings(env={}, workspace=folder))
    yield ws
    ws.close()


