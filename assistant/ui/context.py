"""What every page shares: the workspace for this session, the actor, and safe rendering of untrusted text.

Feedback and story text come from customers or other people: they are always rendered as plain text
(st.text / st.code / escaped markdown), never with unsafe_allow_html.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import streamlit as st

from assistant.errors import BacklogsmithError, ConflictError
from assistant.llm import Provider, get_provider
from assistant.settings import Settings, resolve_settings
from assistant.workspace import Workspace

WORKSPACE_KEY = "ui_workspace_dir"
ACTOR_KEY = "ui_actor"

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


def session_settings() -> Settings:
    """Process settings (env) with this session's workspace choice on top."""
    chosen = st.session_state.get(WORKSPACE_KEY)
    return resolve_settings(workspace=Path(chosen) if chosen else None)


@st.cache_resource(show_spinner=False)
def _open_workspace(workspace: str, database_url: str | None, chroma_host: str | None) -> Workspace:
    # One Workspace (engine, chroma client, embedder) per folder for the whole server: sessions share it.
    return Workspace(resolve_settings(workspace=Path(workspace), database_url=database_url, chroma_host=chroma_host))


def workspace() -> Workspace:
    """The workspace this session works on (created on first use)."""
    s = session_settings()
    return _open_workspace(str(s.workspace.resolve()), s.database_url, s.chroma_host)


def llm_provider(ws: Workspace) -> Provider | None:
    """The LLM provider chosen now (Settings page / env), or None for the offline engine."""
    return get_provider(session_settings(), ws)


def actor() -> str:
    """Who is editing: recorded in the story history."""
    return st.session_state.get(ACTOR_KEY) or session_settings().actor


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
