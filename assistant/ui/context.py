"""What every page shares: who is signed in, the workspace and LLM for this session, and safe rendering.

Who may do what is decided in assistant/access.py; this module applies it to the Streamlit session. Choices a
visitor makes (workspace, LLM) live in this session only; an admin's LLM choice applies to the whole server.

Feedback and story text come from customers or other people: they are always rendered as plain text
(st.text / st.code / escaped markdown), never with unsafe_allow_html.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.access import (
    LLMChoice, User, auth_configured, confine, is_loopback, llm_overrides, local_user, require, signed_in_user,
)
from assistant.errors import AccessError, BacklogsmithError, ConflictError
from assistant.llm import Provider, get_provider
from assistant.settings import Settings, resolve_settings
from assistant.workspace import Workspace

WORKSPACE_KEY = "ui_workspace_dir"
LLM_KEY = "ui_llm_choice"

# Characters markdown (and Streamlit's :icon: / :color[...] / $math$ extensions) treats as syntax anywhere,
# and the list markers that only count at the start of a line. Escaping them makes any text render literally.
# "@" too, and the dot of "www.": GFM turns bare name@host and www.host into links (":" already stops scheme://).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|<>~$:@])")
_MD_AUTOLINK_WWW = re.compile(r"(?i)\b(www)\.")
_MD_LINE_START = re.compile(r"^(\s*)([-+]|\d+\.)(?=\s)", re.M)


def escape_md(text: str) -> str:
    """Escape text so st.markdown shows it literally (no links, images, HTML, icons, or formatting)."""
    escaped = _MD_AUTOLINK_WWW.sub(r"\1\\.", _MD_SPECIAL.sub(r"\\\1", str(text)))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped).replace("\n", "  \n")


def secrets() -> dict[str, Any]:
    """.streamlit/secrets.toml as a dict ({} when there is none)."""
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # StreamlitSecretNotFoundError: no secrets.toml anywhere
        return {}


def login_required() -> bool:
    """Login is required as soon as [auth] is configured, wherever the server listens."""
    return auth_configured(secrets())


def exposed_without_login() -> bool:
    """Listening beyond loopback with no login configured: the app must not serve anything."""
    return not login_required() and not is_loopback(st.get_option("server.address"))


def current_user() -> User:
    """The person behind this session: the OIDC identity when login is configured, else the local user."""
    if login_required():
        if not st.user.is_logged_in:
            raise AccessError("Sign in first.")
        return signed_in_user(st.user.to_dict(), secrets().get("roles"))
    if exposed_without_login():
        raise AccessError("This server listens beyond this machine without login; configure [auth].")
    return local_user(resolve_settings().actor)


def allowed(role: str, doing: str) -> User:
    """The current user if they hold `role`; AccessError (shown by guarded / show_error) otherwise."""
    user = current_user()
    require(user, role, doing)
    return user


def session_settings() -> Settings:
    """Server settings (env) with this session's workspace and LLM choices on top."""
    server = resolve_settings()
    chosen = st.session_state.get(WORKSPACE_KEY)
    choice = st.session_state.get(LLM_KEY)
    extra = llm_overrides(server, choice) if isinstance(choice, LLMChoice) else {}
    return resolve_settings(workspace=Path(chosen) if chosen else None, **extra)


def choose_workspace(folder: str) -> Path:
    """Open (or create) a workspace for this session, confined to the server's folder root."""
    allowed("editor", "open another workspace")
    target = confine(resolve_settings().folder_root, folder, "workspace folder")
    st.session_state[WORKSPACE_KEY] = str(target)
    return target


def report_folder(folder: str) -> Path:
    """An eval report folder, confined to the server's folder root."""
    return confine(resolve_settings().folder_root, folder, "report folder")  # the server's root, never the session's


def llm_env(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a subprocess (evals) that must use this session's LLM, and nothing the server holds
    for another endpoint."""
    env = dict(os.environ if base is None else base)
    values = {"BACKLOGSMITH_LLM": settings.effective_llm, "BACKLOGSMITH_MODEL": settings.model,
              "OPENAI_BASE_URL": settings.openai_base_url, "AZURE_OPENAI_ENDPOINT": settings.azure_endpoint,
              "OPENAI_API_KEY": settings.openai_api_key.get_secret_value() if settings.openai_api_key else None,
              "AZURE_OPENAI_API_KEY": settings.azure_api_key.get_secret_value() if settings.azure_api_key else None}
    for name, value in values.items():
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    return env


@st.cache_resource(show_spinner=False)
def _open_workspace(workspace: str, database_url: str | None, chroma_host: str | None) -> Workspace:
    # One Workspace (engine, chroma client, embedder) per folder for the whole server: sessions share it.
    return Workspace(resolve_settings(workspace=Path(workspace), database_url=database_url, chroma_host=chroma_host))


def workspace() -> Workspace:
    """The workspace this session works on (created on first use)."""
    s = session_settings()
    return _open_workspace(str(s.workspace.resolve()), s.database_url, s.chroma_host)


def llm_provider(ws: Workspace) -> Provider | None:
    """The LLM provider of this session (Settings page / env), or None for the offline engine. Only editors run
    the steps that use it (triage, needs, drafting), so asking for it checks that role."""
    allowed("editor", "run triage, needs or drafting")
    return get_provider(session_settings(), ws)


def actor() -> str:
    """Who is editing, recorded in the story history: the signed-in identity (AccessError for a viewer)."""
    return allowed("editor", "change stories").id


def show_error(exc: BaseException) -> None:
    """One clear message; a conflict tells the PO to reload rather than retry blindly."""
    if isinstance(exc, ConflictError):
        st.error(f"Changed by someone else — reload. {escape_md(str(exc))}", icon=":material/sync_problem:")
    else:
        st.error(escape_md(str(exc)), icon=":material/error:")


@contextmanager
def guarded() -> Iterator[None]:
    """Turn library errors into a message on the page instead of a traceback."""
    try:
        yield
    except BacklogsmithError as exc:
        show_error(exc)


def flash(message: str, kind: str = "success") -> None:
    """Queue a message that survives the st.rerun() after a write (shown literally: it may quote names or files)."""
    st.session_state.setdefault("ui_flash", []).append((kind, message))


def show_flashes() -> None:
    for kind, message in st.session_state.pop("ui_flash", []):
        getattr(st, kind)(escape_md(message))


def progress_callback(bar: Any, total: int | None = None) -> Callable[..., None]:
    """A progress callback for any library step: (done, total, label), (label, done, total) or a bare increment
    (then `total`, when known, sizes the bar)."""
    state = {"done": 0}

    def advance(*args: Any) -> None:
        label = next((a for a in args if isinstance(a, str)), "")
        numbers = [a for a in args if isinstance(a, (int, float)) and not isinstance(a, bool)]
        if len(numbers) >= 2 and numbers[1]:
            done, of = numbers[0], numbers[1]
            bar.progress(min(1.0, max(0.0, done / of)), text=f"{label} ({done}/{of})".strip())
        else:
            state["done"] += int(numbers[0]) if numbers else 1
            of = total or max(state["done"], 100)
            suffix = f"{state['done']}/{total}" if total else f"{state['done']} done"
            bar.progress(min(1.0, state["done"] / of), text=f"{label} {suffix}".strip())

    return advance
