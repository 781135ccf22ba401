"""Thin entry for ``streamlit run streamlit_app.py`` from a checkout; the real one is dashboard/entry/streamlit_app.py."""

from dashboard.entry.streamlit_app import main

main()
