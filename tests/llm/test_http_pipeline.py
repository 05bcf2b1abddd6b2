"""The LLM path end to end over real HTTP: `backlogsmith run` and each step in real subprocesses against an
OpenAI-compatible server on loopback (a scripted competent model), on a real workspace.

Every step stores its results, a re-run is answered from the response cache (the server sees zero
requests), and a second process writes to the database during every model call (it would fail with
'database is locked' if a transaction were held open across a model call).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # CLI subprocesses load the embedding model each time

from assistant.settings import resolve_settings
from assistant.workspace import Workspace
from tests.llm.pipeline_env import MODEL, ConcurrentWriter, cli, llm_env, stored, write_inbox
from tests.llm.scripted_server import ScriptedServer


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_inbox(tmp_path_factory.mktemp("inbox"))


@pytest.fixture(scope="module")
def run_ws(server: ScriptedServer, inbox: Path, tmp_path_factory: pytest.TempPathFactory):
    """One workspace through `backlogsmith run` (shared by the run tests)."""
    folder = tmp_path_factory.mktemp("run") / "ws"
    writer = ConcurrentWriter(folder / "backlogsmith.db")
    server.model.on_request = writer
    before = server.total
    proc = cli(llm_env(server.url, folder), "run", str(inbox), "--out", str(folder.parent / "backlog.md"))
    server.model.on_request = None
    yield {"folder": folder, "proc": proc, "requests": server.total - before, "writer": writer,
           "backlog": folder.parent / "backlog.md"}


def _open(folder: Path) -> Workspace:
    return Workspace(resolve_settings(env={}, workspace=folder))


def test_run_stores_every_step_from_the_model(run_ws, server: ScriptedServer) -> None:
    proc = run_ws["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "offline engine was used" not in proc.stderr + proc.stdout, proc.stderr[-2000:]
    assert not server.errors, server.errors
    for schema in ("TriageBatch", "NeedMembersOut", "NeedStatementOut", "StoryDraftBatch"):
        assert server.requests[schema] > 0, server.requests
    ws = _open(run_ws["folder"])
    try:
        got = stored(ws)
    finally:
        ws.close()
    assert got["triage"] and all(t.get("engine") == MODEL for t in got["triage"].values())
    assert got["needs"] and all(p.get("engine") == MODEL for *_, p in got["needs"])
    llm_stories = [st for st in got["stories"] if st["provenance"].get("engine") == "openai"]
    assert llm_stories, got["stories"]
    texts = got["texts"]
    for st in llm_stories:  # every kept citation shares words with what cites it (the gate checked it)
        for given, when, then, ev in st["criteria"]:
            assert ev and all(set(f"{given} {when} {then}".lower().split()) & set(texts[e].lower().split()) for e in ev)
    assert run_ws["backlog"].read_text(encoding="utf-8").count("I want") >= len(llm_stories)


def test_no_transaction_is_held_across_a_model_call(run_ws) -> None:
    # The server wrote to the database from this process during every request of the run.
    assert run_ws["proc"].returncode == 0
    assert run_ws["writer"].done == run_ws["requests"] > 0


def test_critique_repair_ran_on_drafts_with_findings(run_ws, server: ScriptedServer) -> None:
    # The scripted model cites an unrelated block on its first draft; the gate strips it and the
    # critique prompt gets the finding as input.
    assert run_ws["proc"].returncode == 0
    assert server.requests["RepairOut"] > 0, server.requests


def test_rerun_is_answered_from_the_cache(run_ws, server: ScriptedServer, inbox: Path) -> None:
    assert run_ws["proc"].returncode == 0
    before = server.total
    proc = cli(llm_env(server.url, run_ws["folder"]), "run", str(inbox), "--out", str(run_ws["backlog"]))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert server.total == before, server.requests
    assert "0 call(s)" in proc.stderr + proc.stdout


@pytest.fixture(scope="module")
def step_ws(server: ScriptedServer, inbox: Path, tmp_path_factory: pytest.TempPathFactory):
    """A second workspace, taken through the steps one by one (ingest, triage, needs, draft)."""
    folder = tmp_path_factory.mktemp("steps") / "ws"
    env = llm_env(server.url, folder)
    proc = cli(env, "ingest", str(inbox))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"folder": folder, "env": env}


def _step(server: ScriptedServer, step_ws: dict, *args: str, **env: str):
    """Run one step with a second process writing during every model call; return (proc, requests, stored)."""
    folder = step_ws["folder"]
    writer = ConcurrentWriter(folder / "backlogsmith.db")
    server.model.on_request = writer
    before = server.total
    try:
        proc = cli({**step_ws["env"], **env}, *args)
    finally:
        server.model.on_request = None
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert writer.done == server.total - before and not server.errors, server.errors
    ws = _open(folder)
    try:
        return proc, server.total - before, stored(ws)
    finally:
        ws.close()


def test_triage_step_stores_labels_and_a_relabel_is_free(step_ws, server: ScriptedServer) -> None:
    _, asked, got = _step(server, step_ws, "triage")
    assert asked > 0 and all(t.get("engine") == MODEL for t in got["triage"].values())
    _, asked_again, _ = _step(server, step_ws, "triage", "--all")  # every item labelled again: from the cache
    assert asked_again == 0


def test_needs_step_stores_model_statements(step_ws, server: ScriptedServer) -> None:
    before = server.requests["NeedStatementOut"]
    _, asked, got = _step(server, step_ws, "needs")
    assert asked > 0 and server.requests["NeedStatementOut"] > before
    assert got["needs"] and all(p.get("engine") == MODEL for *_, p in got["needs"])


def test_draft_step_stores_gated_model_stories(step_ws, server: ScriptedServer) -> None:
    before = server.requests["StoryDraftBatch"]
    proc, asked, got = _step(server, step_ws, "draft")
    assert asked > 0 and server.requests["StoryDraftBatch"] > before
    assert any(st["provenance"].get("engine") == "openai" for st in got["stories"]), proc.stdout[-2000:]


def test_eval_against_the_endpoint(server: ScriptedServer, tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "triage.yaml").write_text(
        "suite: triage\ncases:\n"
        "  - {name: crash, inputs: {text: 'The app crashes every time I export a report.', rating: 1},"
        " expected: {type: bug}, graders: [type_match]}\n"
        "  - {name: ask, inputs: {text: 'Please add a dark mode for the reading screen.', rating: 4},"
        " expected: {type: feature_request}, graders: [type_match]}\n", encoding="utf-8")
    before = server.requests["TriageBatch"]
    out = tmp_path / "eval"
    proc = cli(llm_env(server.url, tmp_path / "ws"), "eval", "--out", str(out), "--provider", "openai",
               "--cases", str(cases), "--suite", "triage", "--no-public")
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    assert server.requests["TriageBatch"] > before
    assert (out / "report.json").exists()


def test_a_failing_endpoint_falls_back_offline_and_says_why(step_ws, server: ScriptedServer) -> None:
    # Last in the module: it relabels the step workspace offline.
    server.model.mode = "error500"
    try:
        # another model name: nothing cached for it, so the requests reach the failing server
        proc, _, got = _step(server, step_ws, "triage", "--all", BACKLOGSMITH_MODEL="another-model")
    finally:
        server.model.mode = "competent"
    said = proc.stdout + proc.stderr
    assert "offline engine was used" in said and "500" in said, said[-3000:]
    assert got["triage"] and all(t.get("engine") == "offline" for t in got["triage"].values())
