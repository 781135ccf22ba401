"""Researcher: one pseudonymous participant's recommendations with scores, reasons and the model's largest score terms."""

import pandas as pd
import streamlit as st

from dashboard import explanations as ex
from dashboard.errors import report_failure
from dashboard.i18n import t
from dashboard.queries import research as q
from dashboard.queries.lookups import english_skill_names
from dashboard.safe_text import plain
from dashboard.session import cached, engine, page_header
from dashboard.tables import DECIMAL, NUMBER, RUPIAH, TEXT, show_table
from prakerja.errors import UserError

account, lang = page_header("page_inspect", ("researcher",))
examples = cached(q.sample_pseudonyms)
left, right = st.columns(2)
picked = left.selectbox(t("pseudonym_examples", lang), examples, placeholder=t("choose_option", lang), key="inspect_example")
typed = right.text_input(t("pseudonym", lang), placeholder=t("pseudonym_placeholder", lang, example=examples[0] if examples else "…"), key="inspect_typed")
pseudonym = (typed or picked or "").strip()
if not pseudonym:
    st.stop()
participant_id = q.participant_by_pseudonym(engine(), pseudonym)
if participant_id is None:
    st.error(t("unknown_pseudonym", lang, pseudonym=pseudonym))
    st.stop()
st.subheader(t("recommendations_for", lang, pseudonym=pseudonym))
try:
    from recommender.participant_list import match_participant

    with st.spinner(t("loading_matches", lang)):
        results = match_participant(engine(), participant_id, k=10)
except UserError as exc:
    report_failure(exc, lang, "recommender_unavailable")
    st.stop()
names = cached(english_skill_names)
rows = pd.DataFrame(
    [
        {
            "rank": r.rank,
            "title": r.title,
            "score": r.score,
            "salary": r.salary_max or r.salary_min,
            "distance": r.distance_km,
            "why": ex.why_text(r.matched_skills, lang, names),
            "missing": ex.missing_text(r.missing_skills, lang, names),
            "terms": ex.terms_text(r.contributions, lang),
        }
        for r in results
    ],
    columns=["rank", "title", "score", "salary", "distance", "why", "missing", "terms"],
)
# the short columns as a table; the reasons, which are sentences, below it where they can wrap (a table would cut them)
show_table(
    rows,
    {
        "rank": ("rank", NUMBER),
        "title": ("vacancy", TEXT),
        "score": ("score", DECIMAL),
        "salary": ("salary", RUPIAH),
        "distance": ("distance_km", NUMBER),
        "why": ("why_fits", TEXT),
        "missing": ("missing", TEXT),
        "terms": ("contributions", TEXT),
    },
    lang,
    filename=f"recommendations-{pseudonym}.csv",
    shown=["rank", "title", "score", "salary", "distance"],
)
st.subheader(t("reasons_per_vacancy", lang))
for _, row in rows.iterrows():
    st.markdown(
        f"**{row['rank']}. {plain(row['title'])}**  \n"
        f"{t('why_fits', lang)}: {plain(row['why'])}  \n"
        f"{t('missing', lang)}: {plain(row['missing'])}  \n"
        f"{t('contributions', lang)}: {plain(row['terms'])}"
    )
if results and results[0].model_run_id is None:
    st.caption(t("content_fallback", lang))
elif results:
    st.caption(t("served_by", lang, run=t("run_label", lang, run=results[0].model_run_id)))
st.caption(t("pseudonym_only", lang))
