"""Participant: "Pelatihan berikutnya" — the course that would open the most additional vacancies."""

import streamlit as st

from dashboard import formatting
from dashboard.errors import report_failure
from dashboard.i18n import t
from dashboard.safe_text import plain
from dashboard.session import engine, page_header
from prakerja.errors import UserError
from recommender.catalogue_index import vacancy_details
from recommender.next_training import suggest_next_training

account, lang = page_header("page_next_training", ("participant",))
try:
    with st.spinner(t("loading_next", lang)):
        advice = suggest_next_training(engine(), account.participant_id)
except UserError as exc:
    report_failure(exc, lang, "recommender_unavailable")
    st.stop()
if advice is None:
    st.info(t("no_next_training", lang))
    st.stop()
with st.container(border=True):
    st.subheader(plain(advice.title))
    st.markdown(plain(advice.provider))
    st.metric(t("opens_vacancies", lang), formatting.number(advice.unlocks, lang))
if advice.vacancy_ids:
    st.write(t("vacancies_it_opens", lang))
    details = vacancy_details(engine(), advice.vacancy_ids)
    for vacancy_id, row in details.iterrows():
        place = row["regency_name"] if isinstance(row["regency_name"], str) else (row["province_name"] if isinstance(row["province_name"], str) else t("remote_or_national", lang))
        salary = formatting.rupiah_range(row["salary_min_idr"], row["salary_max_idr"])
        st.markdown(f"- **{plain(row['title'])}** — {plain(row['company']) or formatting.MISSING} · {plain(place)} · {plain(salary)}")
