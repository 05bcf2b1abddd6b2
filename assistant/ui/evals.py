"""Evals page: run `backlogsmith eval` and read its report (report.md, report.json, report.png).

The run takes only what the controls offer (suites, sample size, public data on/off), never free-form flags, and
report folders must lie inside the server's folder root, where only report.* files are shown.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.errors import BacklogsmithError
from assistant.ui.context import allowed, escape_md, llm_env, report_folder, session_settings, show_error, show_flashes

DEFAULT_DIR = "eval-report"
SUITES = ["triage", "needs", "stories", "criteria", "injection", "pii"]


def eval_args(suites: list[str], limit: int, public: bool) -> list[str]:
    """The only options the page passes: known suites, a sample size, public data on or off."""
    args = [a for s in suites if s in SUITES for a in ("--suite", s)]
    return [*args, "--limit", str(max(0, int(limit))), "--public" if public else "--no-public"]


def eval_command(out: Path, extra: list[str]) -> list[str]:
    """The CLI invocation (same interpreter, so the app and the CLI always match)."""
    return [sys.executable, "-c", "from assistant.cli import main; main()", "eval", "--out", str(out), *extra]


def run_eval(out: Path, extra: list[str], env: dict[str, str] | None = None, timeout: float = 1800) -> tuple[int, str]:
    """Run the evals; returns (exit code, combined output)."""
    proc = subprocess.run(eval_command(out, extra), capture_output=True, text=True, timeout=timeout, env=env)
    return proc.returncode, (proc.stdout + proc.stderr)[-20_000:]


def report_files(folder: Path) -> dict[str, Path]:
    """The report files present in a folder (md, json, png), newest run's names first."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for suffix in (".md", ".json", ".png"):
        named = folder / f"report{suffix}"  # only what `eval` writes: never any other file of the folder
        if named.is_file():
            found[suffix.lstrip(".")] = named
    return found


def load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {"error": f"{path.name} cannot be read: {exc}"}


def render() -> None:
    """The whole Evals page."""
    st.title("Evals")
    show_flashes()
    try:
        folder = report_folder(st.text_input("Report folder", DEFAULT_DIR, key="evals_dir"))
    except BacklogsmithError as exc:
        show_error(exc)
        return
    with st.expander("Run the evals"):
        st.caption(f"Runs `backlogsmith eval --out {escape_md(str(folder))}` with the LLM chosen in Settings "
                   f"(now: {session_settings().effective_llm}).")
        suites = st.multiselect("Suites (empty = all)", SUITES, key="evals_suites")
        limit = st.number_input("Sample size per public data set (0 = all)", 0, 100_000, 400, step=50, key="evals_limit")
        public = st.checkbox("Also use the public data sets when present", True, key="evals_public")
        if st.button("Run evals", key="evals_run", type="primary"):
            try:
                allowed("editor", "run the evals")
            except BacklogsmithError as exc:
                show_error(exc)
                return
            with st.spinner("Running evals…"):
                code, output = run_eval(folder, eval_args(suites, limit, public), env=llm_env(session_settings()))
            (st.success if code == 0 else st.error)(f"backlogsmith eval finished with exit code {code}.")
            st.code(output or "(no output)", language=None)
    files = report_files(folder)
    if not files:
        st.info(f"No report in {escape_md(str(folder))} yet: run the evals above or `make eval`.")
        return
    if "png" in files:
        st.image(str(files["png"]), caption=files["png"].name)
    if "md" in files:
        st.markdown(files["md"].read_text(encoding="utf-8", errors="replace"))
    if "json" in files:
        with st.expander(f"Raw results ({files['json'].name})"):
            st.json(load_json(files["json"]), expanded=False)
