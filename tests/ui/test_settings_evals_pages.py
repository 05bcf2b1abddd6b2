"""Settings and Evals pages under AppTest."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ui_helpers import ROOT, open_page, plain

KEY = "sk-test-0123456789abcdefXYZ"


def test_api_key_is_kept_in_process_memory_only_and_never_shown(ui_ws):
    at = open_page("settings")
    at.selectbox(key="settings_provider").set_value("openai")
    at.text_input(key="settings_model").input("gpt-4o-mini")
    at.text_input(key="settings_key").input(KEY)
    at.button[[b.label for b in at.button].index("Use this LLM")].click().run()
    assert not at.exception
    assert os.environ["OPENAI_API_KEY"] == KEY and os.environ["BACKLOGSMITH_LLM"] == "openai"
    assert at.text_input(key="settings_key").value == ""  # the field is emptied once the key is in use
    assert at.session_state["settings_key"] == ""
    shown = [e.value for kind in ("text_input", "caption", "markdown", "success", "text") for e in at.get(kind)]
    assert not any(KEY in str(v) for v in shown)
    assert any("An API key is set" in c.value for c in at.caption)
    assert any("openai · gpt-4o-mini" in c.value for c in at.sidebar.caption)
    folder = ui_ws.settings.workspace
    for path in folder.rglob("*"):  # never written into the workspace (db, WAL, index)
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path
    at.button(key="settings_forget").click().run()
    assert "OPENAI_API_KEY" not in os.environ
    assert any("No API key" in c.value for c in at.caption)


def test_definition_of_ready_and_duplicate_threshold_are_stored(ui_ws):
    at = open_page("settings")
    at.multiselect(key="settings_dor_rules").set_value(["well_formed", "estimated"])
    at.button[[b.label for b in at.button].index("Save Definition of Ready")].click().run()
    assert ui_ws.get_setting("definition_of_ready") == ["well_formed", "estimated"]
    at.slider(key="settings_dup").set_value(0.9)
    at.checkbox(key="settings_keep").check()
    at.button[[b.label for b in at.button].index("Save")].click().run()
    assert ui_ws.get_setting("near_duplicate_threshold") == 0.9
    assert ui_ws.get_setting("keep_original_text") is True


def test_switching_workspace_opens_another_folder(ui_ws, tmp_path: Path):
    other = tmp_path / "other-ws"
    at = open_page("settings")
    at.text_input(key="settings_ws_dir").input(str(other))
    at.button[[b.label for b in at.button].index("Open workspace")].click().run()
    assert (other / "backlogsmith.db").is_file()
    assert any(str(other) in plain(c.value) for c in at.sidebar.caption)


def test_evals_page_shows_an_existing_report(ui_ws, tmp_path: Path):
    report = tmp_path / "rep"
    report.mkdir()
    (report / "report.md").write_text("# Eval report\n\n| metric | value |\n|---|---|\n| f1 | 0.81 |\n")
    (report / "report.json").write_text(json.dumps({"suites": {"triage": {"f1": 0.81}}}))
    at = open_page("evals")
    assert any("No report" in i.value for i in at.info)
    at.text_input(key="evals_dir").input(str(report)).run()
    assert any("Eval report" in m.value for m in at.markdown)
    assert at.json[0].value and "0.81" in at.json[0].value


# Running the evals from the page (controls only, a real subprocess) is in test_access.py.


def test_eval_controls_become_known_options_only():
    from assistant.ui.evals import eval_args

    args = eval_args(["pii", "--rm", "triage"], provider="openai", limit=-5, public=False, judge=True,
                     compare_provider="bogus")
    assert args == ["--suite", "pii", "--suite", "triage", "--limit", "0", "--no-public", "--provider", "openai",
                    "--judge"]


def test_every_metric_the_suites_report_is_explained_and_runs_compare(ui_ws, tmp_path: Path):
    import re

    from assistant.ui.evals import compare_rows, explain

    names = set()
    for path in (ROOT / "evals").rglob("*.py"):
        names |= set(re.findall(r'Metric\(name="([a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    assert len(names) > 15
    missing = sorted(n for n in names if explain(n).startswith("No explanation"))
    assert not missing, missing
    rows = compare_rows({"needs.urr_ari": {"value": 0.4, "higher": True}},
                        {"needs.urr_ari": {"value": 0.5, "higher": True}, "pii.leaks_in_requests": {"value": 0, "higher": False}})
    assert rows[0]["better"] == "B" and rows[0]["B − A"] == 0.1 and "Rand" in rows[0]["what it measures"]
    assert rows[1]["A"] is None and rows[1]["better"] == "—"
    # On the page: two reports side by side, each metric with its line; the other folder is confined like the first.
    for name, value in (("a", 0.4), ("b", 0.5)):
        folder = tmp_path / name  # inside the folder root (the folder that holds the workspace)
        folder.mkdir()
        (folder / "report.json").write_text(json.dumps({"runs": [{"suites": [{"suite": "needs", "metrics": [
            {"name": "urr_ari", "value": value}]}]}]}))
    at = open_page("evals")
    at.text_input(key="evals_dir").input("b").run()
    at.text_input(key="evals_other").input("a").run()
    table = next(d.value for d in at.dataframe if "what it measures" in d.value.columns)
    assert list(table["metric"]) == ["needs.urr_ari"] and list(table["better"]) == ["B"]
    at.text_input(key="evals_other").input("../../etc").run()
    assert any("outside" in plain(e.value) for e in at.error)
