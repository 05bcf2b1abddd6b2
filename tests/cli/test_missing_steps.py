"""A CLI step whose input is missing says which command to run, instead of printing an empty table."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app, common
from assistant.errors import NotFoundError


@pytest.fixture(autouse=True)
def _wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    for console in (common.console, common.err_console):
        monkeypatch.setattr(console, "_width", 1000)


def test_each_step_names_the_command_that_is_missing(tmp_path: Path):
    runner = CliRunner()
    ws = ["--workspace", str(tmp_path / "ws")]
    # main() prints a BacklogsmithError as one `error: ...` line; under CliRunner it arrives as the exception.
    empty = runner.invoke(app, [*ws, "draft"])
    assert isinstance(empty.exception, NotFoundError) and "run `backlogsmith ingest FILE`" in str(empty.exception)
    listed = runner.invoke(app, [*ws, "stories", "list"])
    assert listed.exit_code == 0 and "run `backlogsmith ingest FILE`" in listed.output
    assert runner.invoke(app, [*ws, "ingest", "--paste", "Export is slow\nDark mode please"]).exit_code == 0
    no_needs = runner.invoke(app, [*ws, "draft"])
    assert "No needs yet: run `backlogsmith needs` first" in str(no_needs.exception)
    assert "0 new" not in no_needs.output  # no empty table pretending it drafted
    listed = runner.invoke(app, [*ws, "stories", "list"])
    assert "run `backlogsmith needs` first" in listed.output
