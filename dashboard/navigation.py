"""Which pages each role gets, as ``st.Page`` objects grouped for ``st.navigation``.

Pages are files under ``dashboard/pages``; each page also checks the role
itself (:func:`dashboard.session.page_header`), so a page reached by its URL
without the right role is refused, not merely hidden.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.auth import Account
from dashboard.i18n import t

PAGES_DIR = Path(__file__).resolve().parent / "pages"

#: (file stem, title key, icon) per role, in menu order.
ROLE_PAGES: dict[str, list[tuple[str, str, str]]] = {
    "participant": [
        ("matches", "page_matches", ":material/work:"),
        ("my_trainings", "page_my_trainings", ":material/school:"),
        ("next_training", "page_next_training", ":material/trending_up:"),
    ],
    "manager": [
        ("overview", "page_overview", ":material/dashboard:"),
        ("funnel", "page_funnel", ":material/filter_alt:"),
        ("regency_map", "page_map", ":material/map:"),
        ("skills_gap", "page_skills", ":material/balance:"),
        ("providers", "page_providers", ":material/leaderboard:"),
        ("vacancy_sources", "page_vacancies", ":material/rss_feed:"),
    ],
    "researcher": [
        ("model_runs", "page_model_runs", ":material/science:"),
        ("fairness", "page_fairness", ":material/diversity_3:"),
        ("training_jobs", "page_jobs", ":material/play_circle:"),
        ("inspect", "page_inspect", ":material/person_search:"),
        ("experiments", "page_experiments", ":material/labs:"),
    ],
}
SIGN_IN = ("sign_in", "page_sign_in", ":material/login:")


def page_path(stem: str) -> Path:
    """The file of a page."""
    return PAGES_DIR / f"{stem}.py"


def pages_for(account: Account | None, lang: str) -> list[st.Page]:
    """The pages the account may open (only the sign-in page for nobody)."""
    entries = [SIGN_IN] if account is None else ROLE_PAGES.get(account.role, [])
    return [st.Page(page_path(stem), title=t(title, lang), icon=icon, url_path=stem) for stem, title, icon in entries]
