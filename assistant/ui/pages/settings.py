"""Page script run by st.navigation; the page itself lives in assistant.ui.settings_page."""

from assistant.ui import settings_page

settings_page.render()
