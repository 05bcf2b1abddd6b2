"""Navigation and the sidebar shared by every page."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant.ui.context import ACTOR_KEY, escape_md, session_settings

_PAGES_DIR = Path(__file__).parent / "pages"

# (url slug, title, icon, page script) in the order a PO works; Material icons ship with Streamlit (no emoji font needed).
PAGES = [
    (slug, title, icon, str(_PAGES_DIR / f"{slug}.py"))
    for slug, title, icon in [
        ("inbox", "Inbox", ":material/inbox:"),
        ("needs", "Needs", ":material/hub:"),
        ("stories", "Stories", ":material/edit_note:"),
        ("export", "Export", ":material/upload_file:"),
        ("evals", "Evals", ":material/monitoring:"),
        ("settings", "Settings", ":material/settings:"),
    ]
]


def sidebar() -> None:
    """Which workspace and who is editing (recorded in story history)."""
    settings = session_settings()
    with st.sidebar:
        st.caption(escape_md(f"Workspace: {settings.workspace.resolve()}"))
        st.caption(escape_md(f"LLM: {settings.effective_llm}" + (f" · {settings.model}" if settings.model else "")))
        if ACTOR_KEY not in st.session_state:
            st.session_state[ACTOR_KEY] = settings.actor
        st.text_input("Your name (kept in the story history)", key=ACTOR_KEY)
