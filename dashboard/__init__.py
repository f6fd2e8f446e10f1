"""The Streamlit dashboard: a thin layer over the public API (see issue 6)."""
