"""Page script run by st.navigation; the page itself lives in assistant.ui.needs."""

from assistant.ui import needs

needs.render()
