"""Settings page: workspace folder, LLM provider/model/key, segment weights, Definition of Ready.

The API key lives only in this server process's environment (like `export OPENAI_API_KEY=...`): it is never
written to the workspace database or any file, never echoed back, and gone when the server stops.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.readiness import CHECKS
from assistant.ui.context import WORKSPACE_KEY, flash, session_settings, show_flashes, workspace
from assistant.workspace import Workspace

PROVIDERS = {"offline": "Offline engine (no key, deterministic)", "openai": "OpenAI-compatible endpoint",
             "azure": "Azure OpenAI"}
KEY_ENV = {"openai": "OPENAI_API_KEY", "azure": "AZURE_OPENAI_API_KEY"}

# Readable names for the Definition-of-Ready rules; rules the readiness module adds appear with their id.
DOR_LABELS = {
    "well_formed": "Well-formed story (role, goal starting with 'to', benefit)",
    "min_two_testable_criteria": "At least two testable acceptance criteria",
    "estimated": "Estimated (story points)",
    "has_evidence": "Cites feedback evidence",
    "no_blocking_finding": "No blocking quality finding",
    "prioritized": "Prioritized (has a priority)",
}


def apply_llm_choice(provider: str, model: str, base_url: str, key: str, env: Any = os.environ) -> None:
    """Set the process environment the settings resolver reads; an empty key keeps the one already set."""
    env["BACKLOGSMITH_LLM"] = provider
    if provider == "offline":
        return
    endpoint_var = "OPENAI_BASE_URL" if provider == "openai" else "AZURE_OPENAI_ENDPOINT"
    for name, value in (("BACKLOGSMITH_MODEL", model), (endpoint_var, base_url)):
        if value.strip():
            env[name] = value.strip()
        else:
            env.pop(name, None)
    if key.strip() and provider in KEY_ENV:
        env[KEY_ENV[provider]] = key.strip()


def weights_from_rows(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Edited table rows -> {segment: weight}; blank segments dropped, names lower-cased, no negative weights."""
    out: dict[str, float] = {}
    for r in rows:
        segment = str(r.get("segment") or "").strip().lower()
        if segment:
            out[segment] = max(0.0, float(r.get("weight") or 0))
    return out


def forget_keys(env: Any = os.environ) -> None:
    for name in KEY_ENV.values():
        env.pop(name, None)


def dor_rules() -> list[str]:
    """Every check the readiness module knows."""
    return list(CHECKS)


def render() -> None:
    """The whole Settings page."""
    st.title("Settings")
    show_flashes()
    _workspace_folder()
    ws = workspace()
    _llm()
    _weights(ws)
    _dor(ws)
    _misc(ws)


def _workspace_folder() -> None:
    st.subheader("Workspace")
    current = str(session_settings().workspace)
    with st.form("settings_ws"):
        folder = st.text_input("Workspace folder (database and index; created if missing)", current, key="settings_ws_dir")
        if st.form_submit_button("Open workspace") and folder.strip() and folder.strip() != current:
            st.session_state[WORKSPACE_KEY] = str(Path(folder.strip()).expanduser())
            flash(f"Opened workspace {folder.strip()}.")
            st.rerun()


def _use_llm() -> None:
    """Form callback: runs before the page is drawn, so the key field can be emptied before it is shown again."""
    state = st.session_state
    apply_llm_choice(state["settings_provider"], state.get("settings_model", ""), state.get("settings_base_url", ""),
                     state.get("settings_key", ""))
    state["settings_key"] = ""  # the key now lives only in the process environment
    model = state.get("settings_model", "")
    flash(f"LLM set to {state['settings_provider']}" + (f" · {model}" if model else "") + ".")


def _llm() -> None:
    st.subheader("LLM")
    settings = session_settings()
    current = settings.effective_llm
    with st.form("settings_llm"):
        st.selectbox("Provider", list(PROVIDERS), index=list(PROVIDERS).index(current), format_func=PROVIDERS.get,
                     key="settings_provider")
        st.text_input("Model (or Azure deployment)", settings.model or "", key="settings_model")
        st.text_input("Endpoint URL (OpenAI-compatible base URL or Azure endpoint)",
                      settings.openai_base_url or settings.azure_endpoint or "", key="settings_base_url")
        st.text_input("API key (kept only in this server's memory; leave empty to keep the current one)",
                      type="password", key="settings_key")
        st.form_submit_button("Use this LLM", on_click=_use_llm)
    has_key = bool(settings.openai_api_key or settings.azure_api_key)
    st.caption(("An API key is set for this server process (hidden)." if has_key else "No API key is set.")
               + f" Effective engine: {current}.")
    if has_key and st.button("Forget the API key", key="settings_forget"):
        forget_keys()
        flash("API key removed from this server process.")
        st.rerun()


def _weights(ws: Workspace) -> None:
    st.subheader("Segment weights")
    st.caption("How much one item from each customer segment counts when valuing needs and stories.")
    weights = ws.get_setting("segment_weights") or {}
    rows = [{"segment": k, "weight": float(v)} for k, v in weights.items()]
    with st.form("settings_weights"):
        edited = st.data_editor(rows, num_rows="dynamic", hide_index=True, key="settings_weights_editor",
                                column_config={"weight": st.column_config.NumberColumn(min_value=0.0, step=0.5)})
        if st.form_submit_button("Save weights"):
            ws.set_setting("segment_weights", weights_from_rows(edited))
            flash("Segment weights saved.")
            st.rerun()


def _dor(ws: Workspace) -> None:
    st.subheader("Definition of Ready")
    current = list(ws.get_setting("definition_of_ready") or [])
    rules = list(dict.fromkeys(dor_rules() + current))
    with st.form("settings_dor"):
        chosen = st.multiselect("A story is Ready for export when it is…", rules, default=current,
                                format_func=lambda r: DOR_LABELS.get(r, r), key="settings_dor_rules")
        if st.form_submit_button("Save Definition of Ready"):
            ws.set_setting("definition_of_ready", chosen)
            flash("Definition of Ready saved.")
            st.rerun()


def _misc(ws: Workspace) -> None:
    st.subheader("Privacy and duplicates")
    with st.form("settings_misc"):
        keep = st.checkbox("Keep the original (unredacted) text of new feedback", bool(ws.get_setting("keep_original_text")),
                           key="settings_keep")
        threshold = st.slider("Near-duplicate similarity threshold", 0.80, 1.0,
                              float(ws.get_setting("near_duplicate_threshold") or 0.95), 0.01, key="settings_dup")
        if st.form_submit_button("Save"):
            ws.set_setting("keep_original_text", keep)
            ws.set_setting("near_duplicate_threshold", threshold)
            flash("Saved.")
            st.rerun()
