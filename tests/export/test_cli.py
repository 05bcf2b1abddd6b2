"""The thin CLI over the export library: export, push --dry-run, backlog import."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from assistant.cli import common
from assistant.cli import export as export_cli
from assistant.errors import ConfigError, ExportError


def make_app(ws) -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root(ctx: typer.Context) -> None:
        opts = common.GlobalOptions(ws.settings.workspace, None, None)
        opts._ws = ws
        ctx.obj = opts

    export_cli.register(app)
    return app


def test_cli_export_gherkin_and_refusal(backlog, tmp_path):
    runner = CliRunner()
    app = make_app(backlog)
    refused = runner.invoke(app, ["export", "--format", "gherkin", "--out", str(tmp_path / "f")])
    assert isinstance(refused.exception, ExportError) and "S-notready" in str(refused.exception)
    ok = runner.invoke(app, ["export", "--format", "gherkin", "--out", str(tmp_path / "f"), "--force"])
    assert ok.exit_code == 0, ok.output
    assert "Exported 4 stories as gherkin" in ok.output and "S-notready" in ok.output
    assert len(list(Path(tmp_path / "f").glob("*.feature"))) == 4


def test_cli_push_dry_run_prints_payloads_without_token(ready_backlog, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_VERYSECRET")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/shop")
    result = CliRunner().invoke(make_app(ready_backlog), ["push", "github", "--dry-run"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["dry_run"] is True and len(data["requests"]) == 3
    assert data["requests"][0]["path"] == "/repos/acme/shop/issues"
    assert "VERYSECRET" not in result.output


def test_cli_push_without_credentials_names_variables(ready_backlog, monkeypatch):
    for name in ("LINEAR_API_KEY", "LINEAR_TEAM_ID"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(make_app(ready_backlog), ["push", "linear"])
    assert isinstance(result.exception, ConfigError)
    assert "LINEAR_API_KEY, LINEAR_TEAM_ID" in str(result.exception)


def test_cli_backlog_import(backlog, tmp_path):
    (tmp_path / "b.txt").write_text("SHOP-12: Remember the customer's payment card at checkout\n", encoding="utf-8")
    result = CliRunner().invoke(make_app(backlog), ["backlog", "import", str(tmp_path / "b.txt")])
    assert result.exit_code == 0, result.output
    assert "already in backlog: SHOP-12" in result.output
