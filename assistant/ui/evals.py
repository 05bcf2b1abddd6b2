"""Evals page: pick suites and options with controls, run `backlogsmith eval`, read the report, compare two runs.

The run takes only what the controls offer (known suites and providers, a sample size, toggles), never free-form
flags; report folders (this run's, and another to compare with) lie inside the server's folder root, and only their
report.* files are shown. Every metric is
explained in one line (METRIC_HELP); a metric no line covers yet says so rather than hiding.
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
SUITES = {"triage": "Triage: type, sentiment, urgency", "needs": "Needs: grouping feedback into needs",
          "stories": "Stories: form, benefit, citations", "criteria": "Acceptance criteria: testable, cited",
          "injection": "Prompt injection: hostile feedback", "pii": "Personal data: nothing leaks"}
PROVIDERS = ["", "offline", "openai", "azure"]

# metric name (without the suite) -> one line a PO understands; suffixes cover families like *_accuracy.
METRIC_HELP = {
    "case_pass_rate": "Share of the hand-written eval cases that pass all their checks.",
    "distinct_benefit_rate": "Share of stories whose benefit is not a stock phrase shared with other stories.",
    "errors": "Cases that crashed instead of giving an answer (should be 0).",
    "escapes": "Hostile feedback that made the model follow its instructions (must be 0).",
    "feedback_coverage": "Share of feedback items cited by at least one story.",
    "invented_citations": "Citations that point at feedback that does not exist (should be 0).",
    "judge_score": "The LLM judge's quality score for the stories (1–5).",
    "leaks_in_outputs": "Personal data (emails, phones, cards) that reached a story or export (must be 0).",
    "leaks_in_requests": "Personal data sent to the LLM endpoint (must be 0).",
    "lint_findings_per_story": "Average number of quality findings per story (lower is cleaner).",
    "lint_label_agreement": "How often the quality lint agrees with human labels on public user stories.",
    "maalej_accuracy": "Share of public app reviews (Maalej) given the right type.",
    "maalej_macro_f1": "Type accuracy on the Maalej reviews, balanced over bug, feature, praise, other.",
    "min2_criteria_rate": "Share of stories with at least two acceptance criteria.",
    "resisted_rate": "Share of hostile inputs the pipeline resisted.",
    "stories_with_valid_citations": "Share of stories whose every citation exists and supports it.",
    "testable_rate": "Share of acceptance criteria with an observable, testable outcome.",
    "type_macro_f1": "Feedback type accuracy, balanced over the types.",
    "urr_ari": "Agreement of the needs with human topic labels (adjusted Rand index; 1 = identical, 0 = chance).",
    "urr_nmi": "Agreement of the needs with human topic labels (normalised mutual information; 1 = identical).",
    "urr_unassigned_share": "Share of items left in no need (lower is better).",
    "ustai_macro_f1": "Story-type accuracy on the public USTAI stories, balanced over the types.",
    "well_formed_rate": "Share of stories in 'As a …, I want …, so that …' form.",
    "ari": "Agreement of the needs with the gold groups (adjusted Rand index; 1 = identical, 0 = chance).",
    "nmi": "Agreement of the needs with the gold groups (normalised mutual information; 1 = identical).",
    "unassigned_share": "Share of items left in no need (lower is better).",
    "lookalikes_lost": "Text that only looks like personal data (versions, order numbers, …) wrongly redacted; "
                       "must be 0.",
    "dalpiaz_garbled_false_alarm_rate": "Share of 1,674 human-written stories (22 real backlogs) the garbled check "
                                        "flags; lower is better.",
}
_SUFFIX_HELP = {
    # the verification gate's numbers per inbox ('bank_citation_support_share', ...; evals/suites/inboxes.py)
    "_citation_support_share": "Share of citations whose item contains the facts of what cites it ({what}).",
    "_generic_criterion_share": "Share of acceptance criteria that would fit any story ({what}; lower is better).",
    "_distinct_benefit_ratio": "Distinct benefits per story; 1 = no stock benefit repeated ({what}).",
    "_ready_once_estimated_share": "Share of stories that would be Ready once the team estimates them ({what}).",
    "_stories_to_write_share": "Share of needs handed to the PO as a story to write ({what}; lower is better "
                               "while support holds).",
    "_ready_share": "Share of stories marked Ready ({what}).",
    "_garbled_ready": "Garbled stories marked Ready ({what}); must be 0.",
    "_accuracy": "Share of items where {what} matches the gold label.",
                "_macro_f1": "How well {what} is found, balanced over its labels (1 = perfect).",
                "_precision": "Of what was flagged as {what}, the share that was right.",
                "_recall": "Of the real {what}, the share that was found."}


def explain(metric: str) -> str:
    """One line for a metric key ('suite.name' or 'name')."""
    name = metric.split(".", 1)[-1]
    if name in METRIC_HELP:
        return METRIC_HELP[name]
    for suffix, text in _SUFFIX_HELP.items():
        if name.endswith(suffix):
            return text.format(what=name[: -len(suffix)].replace("_", " "))
    return "No explanation written yet for this metric."


def eval_args(suites: list[str], *, provider: str = "", limit: int = 400, public: bool = True, judge: bool = False,
              compare_provider: str = "") -> list[str]:
    """The CLI options the controls stand for: only known suites and providers, never free text."""
    args = [a for s in suites if s in SUITES for a in ("--suite", s)]
    args += ["--limit", str(max(0, int(limit))), "--public" if public else "--no-public"]
    if provider in PROVIDERS and provider:
        args += ["--provider", provider]
    if compare_provider in PROVIDERS and compare_provider:
        args += ["--compare-provider", compare_provider]
    if judge:
        args.append("--judge")
    return args


def eval_command(out: Path, extra: list[str]) -> list[str]:
    """The CLI invocation (same interpreter, so the app and the CLI always match)."""
    return [sys.executable, "-c", "from assistant.cli import main; main()", "eval", "--out", str(out), *extra]


def run_eval(out: Path, extra: list[str], env: dict[str, str] | None = None, timeout: float = 1800) -> tuple[int, str]:
    """Run the evals; returns (exit code, combined output)."""
    proc = subprocess.run(eval_command(out, extra), capture_output=True, text=True, timeout=timeout, env=env,
                          check=False)  # the exit code is shown to the PO
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


def metric_rows(report: Any) -> dict[str, dict[str, Any]]:
    """'suite.metric' -> {value, n, better} from one report.json (its first run)."""
    runs = report.get("runs") if isinstance(report, dict) else None
    if not runs:
        return {}
    out = {}
    for suite in runs[0].get("suites", []):
        for m in suite.get("metrics", []):
            out[f"{suite['suite']}.{m['name']}"] = {"value": m.get("value"), "n": m.get("n", 0),
                                                    "higher": m.get("higher_is_better", True)}
    return out


def compare_rows(a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per metric in either run: both values, the change, which is better, and what the metric means."""
    rows = []
    for key in list(a) + [k for k in b if k not in a]:
        va, vb = (a.get(key) or {}).get("value"), (b.get(key) or {}).get("value")
        higher = (a.get(key) or b.get(key) or {}).get("higher", True)
        delta = None if va is None or vb is None else round(vb - va, 4)
        better = "—" if not delta else ("B" if (delta > 0) == higher else "A")
        rows.append({"metric": key, "A": va, "B": vb, "B − A": delta, "better": better, "what it measures": explain(key)})
    return rows


def render() -> None:
    """The whole Evals page."""
    st.title("Evals")
    show_flashes()
    try:
        folder = report_folder(st.text_input("Report folder", DEFAULT_DIR, key="evals_dir"))
    except BacklogsmithError as exc:
        show_error(exc)
        return
    with st.expander("Run the evals", expanded=not report_files(folder)):
        st.caption(f"Runs `backlogsmith eval` into {escape_md(str(folder))} with the LLM chosen in Settings "
                   f"(now: {session_settings().effective_llm}).")
        suites = st.multiselect("Suites (none picked = all)", list(SUITES), key="evals_suites",
                                format_func=lambda s: SUITES[s])
        c1, c2, c3 = st.columns(3)
        limit = c1.number_input("Sample size per public data set (0 = all)", 0, 100_000, 400, step=100, key="evals_limit")
        provider = c2.selectbox("Provider", PROVIDERS, key="evals_provider",
                                format_func=lambda p: p or "as in Settings")
        compare = c3.selectbox("Compare with provider", PROVIDERS, key="evals_compare",
                               format_func=lambda p: p or "no comparison")
        public = c1.checkbox("Also use the public data sets when present", True, key="evals_public")
        judge = c2.checkbox("Score stories with the LLM judge", False, key="evals_judge")
        if st.button("Run evals", key="evals_run", type="primary"):
            try:
                allowed("editor", "run the evals")
            except BacklogsmithError as exc:
                show_error(exc)
                return
            args = eval_args(list(suites or []), provider=provider, limit=limit, public=public, judge=judge,
                             compare_provider=compare)
            with st.spinner("Running evals…"):
                code, output = run_eval(folder, args, env=llm_env(session_settings()))
            (st.success if code == 0 else st.error)(f"The evals finished with exit code {code}.")
            st.code(output or "(no output)", language=None)
    files = report_files(folder)
    if not files:
        st.info(f"No report in {escape_md(str(folder))} yet: run the evals above or `make eval`.")
        return
    current = metric_rows(load_json(files["json"])) if "json" in files else {}
    _compare(folder, current)
    if "png" in files:
        st.image(str(files["png"]), caption=files["png"].name)
    if "md" in files:
        with st.expander(f"Full report ({files['md'].name})"):
            st.markdown(files["md"].read_text(encoding="utf-8", errors="replace"))
    if "json" in files:
        with st.expander(f"Raw results ({files['json'].name})"):
            st.json(load_json(files["json"]), expanded=False)


def _compare(folder: Path, current: dict[str, dict[str, Any]]) -> None:
    st.subheader("Metrics")
    other = st.text_input("Compare with another report folder (A = that run, B = this one)", "", key="evals_other")
    base = {}
    if other.strip():
        try:
            files = report_files(report_folder(other.strip()))
        except BacklogsmithError as exc:
            show_error(exc)
            return
        if "json" not in files:
            st.warning(f"No report.json in {escape_md(other)}.")
        else:
            base = metric_rows(load_json(files["json"]))
    if base:
        rows = compare_rows(base, current)
    else:
        rows = [{"metric": k, "value": v["value"], "n": v["n"], "what it measures": explain(k)} for k, v in current.items()]
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch",
                     column_config={"what it measures": st.column_config.TextColumn(width="large")})
