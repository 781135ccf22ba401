"""Researcher: one pseudonymous participant's recommendations with scores, explanations and feature contributions."""

import pandas as pd
import streamlit as st

from dashboard.i18n import t
from dashboard.queries import research as q
from dashboard.session import cached, engine, page_header
from dashboard.tables import DECIMAL, NUMBER, RUPIAH, TEXT, show_table
from prakerja.errors import UserError

account, lang = page_header("page_inspect", ("researcher",))
examples = cached(q.sample_pseudonyms)
left, right = st.columns(2)
picked = left.selectbox(t("pseudonym_examples", lang), examples, key="inspect_example")
typed = right.text_input(t("pseudonym", lang), key="inspect_typed")
pseudonym = (typed or picked or "").strip()
if not pseudonym:
    st.stop()
participant_id = q.participant_by_pseudonym(engine(), pseudonym)
if participant_id is None:
    st.error(t("unknown_pseudonym", lang, pseudonym=pseudonym))
    st.stop()
st.subheader(t("recommendations_for", lang, pseudonym=pseudonym))
try:
    from recommender.matching import MatchFilters, match_participant

    with st.spinner(t("loading_matches", lang)):
        results = match_participant(engine(), participant_id, MatchFilters(k=10))
except UserError as exc:
    st.error(str(exc))
    st.stop()
rows = [
    {
        "rank": r.rank,
        "title": r.title,
        "score": r.score,
        "salary": r.salary_max or r.salary_min,
        "distance": r.distance_km,
        "matched": "; ".join(f"{skill} ← {course}" for skill, course in r.matched_skills),
        "missing": ", ".join(r.missing_skills),
        "contributions": "; ".join(f"{name} {value:+.3f}" for name, value in r.contributions),
        "run": r.model_run_id,
    }
    for r in results
]
show_table(
    pd.DataFrame(rows, columns=["rank", "title", "score", "salary", "distance", "matched", "missing", "contributions", "run"]),
    {
        "rank": ("rank", NUMBER),
        "title": ("vacancy", TEXT),
        "score": ("score", DECIMAL),
        "salary": ("salary", RUPIAH),
        "distance": ("distance_km", NUMBER),
        "matched": ("why_fits", TEXT),
        "missing": ("missing", TEXT),
        "contributions": ("contributions", TEXT),
        "run": ("run", TEXT),
    },
    lang,
    filename=f"recommendations-{pseudonym}.csv",
)
if results and results[0].model_run_id is None:
    st.caption(t("content_fallback", lang))
st.caption(t("pseudonym_only", lang))
