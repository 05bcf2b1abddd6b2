"""The app's frame: the access gate, navigation, and the sidebar shared by every page."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from assistant.access import User, login_provider
from assistant.errors import AccessError
from assistant.ui.context import (
    current_user, escape_md, exposed_without_login, login_required, secrets, session_settings, show_error,
)

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
EXPOSED = ("This server listens beyond this machine without login, so it shows nothing: run `backlogsmith app` "
           "(127.0.0.1 only), or configure [auth] and [roles] in .streamlit/secrets.toml (README: Running it for a team).")


def main() -> None:
    """The whole app: nothing is drawn for a visitor who has not passed the gate."""
    # Pages across the top and the sidebar folded away: the Stories table and its editor get the whole width.
    st.set_page_config(page_title="backlogsmith", page_icon=":material/checklist:", layout="wide",
                       initial_sidebar_state="collapsed")
    user = gate()
    if user is None:
        st.stop()
    page = st.navigation([st.Page(path, title=title, icon=icon, url_path=slug) for slug, title, icon, path in PAGES],
                         position="top")
    sidebar(user)
    page.run()


def gate() -> User | None:
    """The signed-in user with a role, or None after drawing why not (sign-in button, refusal)."""
    if exposed_without_login():
        st.error(EXPOSED, icon=":material/lock:")
        return None
    if login_required() and not st.user.is_logged_in:
        st.title("backlogsmith")
        st.write("Sign in to review the backlog.")
        provider = login_provider(secrets())
        st.button("Sign in", key="auth_login", type="primary", on_click=st.login,
                  args=(provider,) if provider else ())
        return None
    try:
        user = current_user()
    except AccessError as exc:
        show_error(exc)
        return None
    if not user.roles:
        st.error(escape_md(f"You are signed in as {user.id}, who has no role on this server: ask an admin to add you "
                           "to [roles] in .streamlit/secrets.toml."), icon=":material/lock:")
        st.button("Sign out", key="auth_logout", on_click=st.logout)
        return None
    return user


def sidebar(user: User) -> None:
    """Which workspace and LLM, and who is signed in (that identity is what story history records)."""
    settings = session_settings()
    with st.sidebar:
        st.caption(escape_md(f"Workspace: {settings.workspace.resolve()}"))
        st.caption(escape_md(f"LLM: {settings.effective_llm}" + (f" · {settings.model}" if settings.model else "")))
        if user.signed_in:
            st.caption(escape_md(f"Signed in as {user.label()}"))
            st.button("Sign out", key="auth_logout", on_click=st.logout)
        else:
            st.caption(escape_md(f"Private mode (this machine only): history records {user.id} "
                                 "(BACKLOGSMITH_ACTOR)."))
