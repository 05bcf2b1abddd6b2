"""Page script run by st.navigation; the page itself lives in assistant.ui.export."""

from assistant.ui import export

export.render()
