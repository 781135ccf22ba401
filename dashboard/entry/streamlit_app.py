"""Entry of the dashboard: the page config and the navigation of the signed-in role, nothing else.

Run with ``prakerja dashboard`` (or ``make run``); it ships inside the package so
an installed wheel can start the dashboard too. Every page runs guarded: a
failure shows a reference id, never a traceback (:mod:`dashboard.errors`).
"""

import streamlit as st

from dashboard.errors import guarded
from dashboard.navigation import pages_for
from dashboard.session import current_account, language


def main() -> None:
    """Configure the page once and run the page the signed-in role chose."""
    st.set_page_config(page_title="Prakerja Match", page_icon=":material/work:", layout="wide")
    page = st.navigation(pages_for(current_account(), language()))
    guarded(page.run, language)


if __name__ == "__main__":
    main()
