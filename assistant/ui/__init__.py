"""The Streamlit UI: one module per page (rendering + view-model); app.py only wires navigation."""
