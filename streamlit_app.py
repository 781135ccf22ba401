"""Entry of the dashboard: the page config and the navigation of the signed-in role, nothing else.

Run with ``prakerja dashboard`` (or ``make run``).
"""

import streamlit as st

from dashboard.navigation import pages_for
from dashboard.session import current_account, language

st.set_page_config(page_title="Prakerja Match", page_icon=":material/work:", layout="wide")
st.navigation(pages_for(current_account(), language())).run()
