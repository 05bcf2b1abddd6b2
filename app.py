"""backlogsmith in the browser: `streamlit run app.py`. Thin: navigation only; each page lives in assistant/ui/."""

from __future__ import annotations

import streamlit as st

from assistant.ui.app import PAGES, sidebar

# Pages across the top and the sidebar folded away: the Stories table and its editor get the whole 1440 px width.
st.set_page_config(page_title="backlogsmith", page_icon=":material/checklist:", layout="wide",
                   initial_sidebar_state="collapsed")
page = st.navigation([st.Page(path, title=title, icon=icon, url_path=slug) for slug, title, icon, path in PAGES],
                     position="top")
sidebar()
page.run()
