"""Fixtures for the end-to-end LLM tests: the scripted OpenAI-compatible server, one per test module."""

from __future__ import annotations

import pytest

from tests.llm.scripted_server import ScriptedServer


@pytest.fixture(scope="module")
def server():
    """The scripted model on 127.0.0.1 (a fresh request count per module)."""
    with ScriptedServer() as srv:
        yield srv
