"""The script `backlogsmith app` hands to Streamlit (app.py at the checkout root is the same for `make app`)."""

from assistant.ui.app import main

main()
