"""The UI's buttons on the LLM path, over real HTTP: "Triage and find needs" and "Draft stories" against the
scripted OpenAI-compatible server on loopback store the model's results; pressing them again asks nothing
(the response cache); a failing endpoint falls back to the offline engine and the page says why."""

from __future__ import annotations

import pytest

from assistant.settings import resolve_settings
from assistant.workspace import Workspace
from tests.llm.pipeline_env import MODEL, stored, write_inbox
from tests.llm.scripted_server import ScriptedServer
from ui_helpers import open_page


@pytest.fixture
def llm_ui(ui_ws: Workspace, tmp_path, monkeypatch: pytest.MonkeyPatch):
    from ingest import ingest_paths

    ingest_paths(ui_ws, [write_inbox(tmp_path / "inbox")], skip_bad_rows=False)
    with ScriptedServer() as server:
        for name, value in (("BACKLOGSMITH_LLM", "openai"), ("OPENAI_BASE_URL", server.url),
                            ("BACKLOGSMITH_MODEL", MODEL), ("BACKLOGSMITH_LLM_MAX_RETRIES", "0")):
            monkeypatch.setenv(name, value)
        yield ui_ws, server


def _stored(ws: Workspace) -> dict:
    fresh = Workspace(resolve_settings(env={}, workspace=ws.settings.workspace))
    try:
        return stored(fresh)
    finally:
        fresh.close()


def _press(at, key: str):
    at.button(key=key).click().run(timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def test_buttons_store_model_results_and_a_second_press_is_free(llm_ui) -> None:
    ws, server = llm_ui
    _press(open_page("inbox"), "inbox_process")
    assert server.requests["TriageBatch"] > 0 and server.requests["NeedStatementOut"] > 0
    got = _stored(ws)
    assert all(t["engine"] == MODEL for t in got["triage"].values())
    assert got["needs"] and all(p.get("engine") == MODEL for *_, p in got["needs"])

    at = _press(open_page("stories"), "st_draft")
    assert server.requests["StoryDraftBatch"] > 0
    got = _stored(ws)
    assert any(st["provenance"].get("engine") == "openai" for st in got["stories"])
    assert any("Drafted" in s.value for s in at.success)

    before = server.total
    _press(open_page("stories"), "st_draft")
    _press(open_page("inbox"), "inbox_process")
    assert server.total == before, server.requests


def test_a_failing_endpoint_falls_back_and_the_page_says_why(llm_ui) -> None:
    ws, server = llm_ui
    server.model.mode = "error500"
    at = _press(open_page("inbox"), "inbox_process")
    said = " ".join(s.value for s in [*at.success, *at.warning])
    assert "offline engine was used" in said and "500" in said, said
    got = _stored(ws)
    assert got["needs"] and all(t["engine"] == "offline" for t in got["triage"].values())
