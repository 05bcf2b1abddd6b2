"""`backlogsmith triage` and `needs`: JSON shape, show/rename/merge, errors as one line."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from assistant.cli import app
from tests.needs.corpus import add_items, planted

runner = CliRunner()


def invoke(ws, *args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["--workspace", str(ws.settings.workspace), *args])
    assert result.exit_code == 0, result.output
    return result


def test_needs_json_shape_and_edit_commands(workspace) -> None:  # type: ignore[no-untyped-def]
    themes = planted(workspace, per_theme=6)
    (ask,) = add_items(workspace, ["Sales needs dark mode for the Contoso demo, their CEO asked twice."],
                       kind="stakeholder_ask", meta=[{"author": "Dan (Sales)"}], path="asks.csv")
    assert "Triaged 31 items." in invoke(workspace, "triage").stdout
    rows = json.loads(invoke(workspace, "needs", "--format", "json").stdout)
    assert len(rows) == len(themes)
    for row in rows:
        assert {"id", "name", "statement", "item_ids", "counts", "quotes", "stakeholder_asks", "emerging"} <= set(row)
        assert row["emerging"] == 0  # no review yet: nothing counts as grown since one (as on the Needs page)
        assert row["id"].startswith("need_") and row["name"] and row["statement"].endswith(".")
        assert row["counts"]["total"] == len(row["item_ids"]) and row["quotes"][0]["source"]["row"] >= 1
    dark = next(r for r in rows if ask in r["item_ids"])
    assert "emerging" in invoke(workspace, "needs").stdout  # the table has the Needs page's column
    assert [a["id"] for a in dark["stakeholder_asks"]] == [ask]
    assert set(themes["dark_mode"]) <= set(dark["item_ids"])

    shown = invoke(workspace, "needs", "show", dark["id"]).stdout
    assert "Dan (Sales) asked" in shown and "which 6 customer items share" in shown and "row" in shown
    invoke(workspace, "needs", "rename", dark["id"], "Comfortable night-time use")
    other = next(r for r in rows if r["id"] != dark["id"])
    invoke(workspace, "needs", "merge", dark["id"], other["id"])
    again = json.loads(invoke(workspace, "needs", "--recluster", "--format", "json").stdout)
    kept = next(r for r in again if r["id"] == dark["id"])
    assert kept["name"] == "Comfortable night-time use"
    table = invoke(workspace, "needs").stdout
    assert "Comfortable" in table and "items without a need" in table


def test_unknown_need_is_one_red_line(workspace) -> None:  # type: ignore[no-untyped-def]
    proc = subprocess.run(
        [sys.executable, "-c", "from assistant.cli import main; main()", "--workspace", str(workspace.settings.workspace),
         "needs", "show", "need_missing"], capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "No need with id 'need_missing'" in proc.stderr
