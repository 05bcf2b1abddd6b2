"""Page script run by st.navigation; the page itself lives in assistant.ui.evals."""

from assistant.ui import evals

evals.render()
