"""Settings page: workspace folder, LLM provider/model/key, segment weights, Definition of Ready.

An API key typed here lives only in memory: in this browser session, or (an admin's choice for everyone) in this
server process's environment, like `export OPENAI_API_KEY=...`. It is never written to the workspace database or
any file, never echoed back, and gone when the session or server ends. The server's key is only ever sent to the
server's endpoint: an endpoint chosen here goes with the key typed with it, or with none.
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st
from pydantic import SecretStr

from assistant.access import LLMChoice
from assistant.errors import BacklogsmithError
from assistant.readiness import CHECKS
from assistant.settings import resolve_settings
from assistant.ui.context import (
    LLM_KEY, allowed, choose_workspace, current_user, flash, session_settings, show_error, show_flashes, workspace,
)
from assistant.urlmask import mask_url
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
    """Set the process environment the settings resolver reads (an admin's choice for the whole server). An empty
    key keeps the one already set only while the endpoint stays the same: a new endpoint never gets the old key."""
    env["BACKLOGSMITH_LLM"] = provider
    if provider == "offline":
        return
    endpoint_var = "OPENAI_BASE_URL" if provider == "openai" else "AZURE_OPENAI_ENDPOINT"
    if base_url.strip().rstrip("/") != env.get(endpoint_var, "").strip().rstrip("/") and not key.strip():
        env.pop(KEY_ENV[provider], None)
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
    """Remove the server's LLM keys from this process (admin)."""
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
    if not current_user().can("admin"):
        st.caption("Segment weights, the Definition of Ready and privacy settings apply to everyone using this "
                   "workspace: only an admin can change them.")
    _weights(ws)
    _dor(ws)
    _misc(ws)


def _workspace_folder() -> None:
    st.subheader("Workspace")
    current = str(session_settings().workspace)
    with st.form("settings_ws"):
        folder = st.text_input(f"Workspace folder inside {resolve_settings().folder_root} (database and index; "
                               "created if missing; for this session)", current, key="settings_ws_dir")
        if st.form_submit_button("Open workspace") and folder.strip() and folder.strip() != current:
            try:
                opened = choose_workspace(folder)
            except BacklogsmithError as exc:
                show_error(exc)
                return
            flash(f"Opened workspace {opened}.")
            st.rerun()


def _unmasked(endpoint: str) -> str:
    """The field shows endpoints with credentials masked; sent back unchanged, it means the endpoint in use."""
    for actual in (session_settings().openai_base_url, session_settings().azure_endpoint):
        if actual and endpoint.strip() == mask_url(actual):
            return actual
    return endpoint


def _use_llm() -> None:
    """Form callback: runs before the page is drawn, so the key field can be emptied before it is shown again."""
    state = st.session_state
    provider, model = state["settings_provider"], state.get("settings_model", "")
    endpoint, key = _unmasked(state.get("settings_base_url", "")), state.get("settings_key", "").strip()
    state["settings_key"] = ""  # the key now lives only in memory (this session, or the process environment)
    try:
        user = allowed("editor", "choose the LLM")
    except BacklogsmithError as exc:
        flash(str(exc), kind="error")
        return
    said = f"LLM set to {provider}" + (f" · {model}" if model else "")
    if user.can("admin") and state.get("settings_for_everyone"):
        apply_llm_choice(provider, model, endpoint, key)
        state.pop(LLM_KEY, None)
        flash(said + " for everyone on this server.")
        return
    secret = SecretStr(key) if key else None
    previous = state.get(LLM_KEY)
    if secret is None and isinstance(previous, LLMChoice) and previous.endpoint.strip().rstrip("/") == \
            endpoint.strip().rstrip("/"):
        secret = previous.key  # the same endpoint keeps the key this person typed for it
    state[LLM_KEY] = LLMChoice(provider=provider, model=model, endpoint=endpoint, key=secret)
    flash(said + " for this session.")


def _llm() -> None:
    st.subheader("LLM")
    settings, user = session_settings(), current_user()
    current = settings.effective_llm
    with st.form("settings_llm"):
        st.selectbox("Provider", list(PROVIDERS), index=list(PROVIDERS).index(current), format_func=PROVIDERS.get,
                     key="settings_provider")
        st.text_input("Model (or Azure deployment)", settings.model or "", key="settings_model")
        st.text_input("Endpoint URL (OpenAI-compatible base URL or Azure endpoint)",
                      mask_url(settings.openai_base_url or settings.azure_endpoint or ""), key="settings_base_url")
        st.text_input("API key (kept only in memory; leave empty to keep the current one — a new endpoint gets "
                      "only the key typed with it)", type="password", key="settings_key")
        if user.can("admin"):
            st.checkbox("For everyone on this server (admin)", value=not user.signed_in, key="settings_for_everyone")
        st.form_submit_button("Use this LLM", on_click=_use_llm, disabled=not user.can("editor"))
    choice = st.session_state.get(LLM_KEY)
    own_key = isinstance(choice, LLMChoice) and choice.key is not None
    server = resolve_settings()
    server_key = bool(server.openai_api_key or server.azure_api_key)
    has_key = bool(settings.openai_api_key or settings.azure_api_key)
    st.caption(("Your own API key is used in this session (hidden)." if own_key else
                "An API key is set for this server process (hidden)." if has_key else "No API key is set.")
               + f" Effective engine: {current}.")
    if (own_key or (server_key and user.can("admin"))) and st.button("Forget the API key", key="settings_forget"):
        if own_key:
            st.session_state[LLM_KEY] = choice.model_copy(update={"key": None})
            flash("Your API key is forgotten.")
        else:
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
        if st.form_submit_button("Save weights", disabled=_not_admin()):
            _save_for_everyone(lambda: ws.set_setting("segment_weights", weights_from_rows(edited)),
                               "Segment weights saved.")


def _dor(ws: Workspace) -> None:
    st.subheader("Definition of Ready")
    current = list(ws.get_setting("definition_of_ready") or [])
    rules = list(dict.fromkeys(dor_rules() + current))
    with st.form("settings_dor"):
        chosen = st.multiselect("A story is Ready for export when it is…", rules, default=current,
                                format_func=lambda r: DOR_LABELS.get(r, r), key="settings_dor_rules")
        if st.form_submit_button("Save Definition of Ready", disabled=_not_admin()):
            _save_for_everyone(lambda: ws.set_setting("definition_of_ready", chosen), "Definition of Ready saved.")


def _misc(ws: Workspace) -> None:
    st.subheader("Privacy and duplicates")
    with st.form("settings_misc"):
        keep = st.checkbox("Keep the original (unredacted) text of new feedback", bool(ws.get_setting("keep_original_text")),
                           key="settings_keep")
        threshold = st.slider("Near-duplicate similarity threshold", 0.80, 1.0,
                              float(ws.get_setting("near_duplicate_threshold") or 0.95), 0.01, key="settings_dup")
        if st.form_submit_button("Save", disabled=_not_admin()):
            _save_for_everyone(lambda: (ws.set_setting("keep_original_text", keep),
                                        ws.set_setting("near_duplicate_threshold", threshold)), "Saved.")


def _not_admin() -> bool:
    return not current_user().can("admin")


def _save_for_everyone(write: Any, message: str) -> None:
    """A workspace-wide setting: admins only (the disabled button is a hint; this is the check)."""
    try:
        allowed("admin", "change settings that apply to everyone")
        write()
    except BacklogsmithError as exc:
        show_error(exc)
        return
    flash(message)
    st.rerun()
