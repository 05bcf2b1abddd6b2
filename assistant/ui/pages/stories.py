"""Page script run by st.navigation; the page itself lives in assistant.ui.stories."""

from assistant.ui import stories

stories.render()
