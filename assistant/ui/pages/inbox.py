"""Page script run by st.navigation; the page itself lives in assistant.ui.inbox."""

from assistant.ui import inbox

inbox.render()
