"""`backlogsmith usage` and the end-of-command usage line."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from assistant.cli import app
from assistant.cli.llm import report_usage
from assistant.llm.cache import WorkspaceCache
from assistant.llm.fake import fake_provider
from assistant.llm.steps import llm_triage
from assistant.settings import resolve_settings
from assistant.workspace import Workspace
from tests.llm.helpers import NORMAL, item


def test_usage_lists_recorded_runs(tmp_path, capsys) -> None:
    ws = Workspace(resolve_settings(env={}, workspace=tmp_path / "ws"))
    for _ in range(2):  # second run is all cache hits
        p = fake_provider(cache=WorkspaceCache(ws))
        llm_triage(p, [item(1, NORMAL[0]), item(2, NORMAL[1])])
        report_usage(ws, p, "triage")
    assert "LLM fake-model: 0 call(s), 1 cached" in capsys.readouterr().err
    report_usage(ws, None, "triage")  # offline: nothing printed, nothing stored
    ws.close()
    out = CliRunner().invoke(app, ["-w", str(tmp_path / "ws"), "usage", "--format", "json"])
    assert out.exit_code == 0, out.output
    runs = json.loads(out.output)
    assert [(r["command"], r["calls"], r["cache_hits"]) for r in runs] == [("triage", 0, 1), ("triage", 1, 0)]
    assert runs[1]["prompt_tokens"] > 0
    table = CliRunner().invoke(app, ["-w", str(tmp_path / "ws"), "usage"])
    assert table.exit_code == 0 and "┃" in table.output
