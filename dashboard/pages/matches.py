"""Participant: "Lowongan untuk saya" — matching vacancies with reasons, filters and feedback buttons."""

import streamlit as st

from dashboard.errors import report_failure
from dashboard.i18n import t
from dashboard import formatting
from dashboard.matches_view import FEEDBACK_KINDS, filters_from_form, give_feedback, list_notice, reach_form, render_card
from dashboard.queries.lookups import english_skill_names
from dashboard.queries.participant import saved_vacancies
from dashboard.session import cached, engine, page_header
from dashboard.tables import DATE, TEXT, show_table
from prakerja.errors import UserError
from recommender.experiments.serving import serve_participant

account, lang = page_header("page_matches", ("participant",))
reach_form(engine(), account.participant_id, lang)
filters = filters_from_form(lang)
try:
    with st.spinner(t("loading_matches", lang)):
        results, _arm = serve_participant(engine(), account.participant_id, filters)  # the experiment arm's model, if any
except UserError as exc:
    report_failure(exc, lang, "recommender_unavailable")
    st.stop()
st.caption(t("data_as_of_day", lang, date=formatting.long_date(results.data_as_of, lang)))
notice = list_notice(results, lang)
if notice:
    st.info(notice)
saved = saved_vacancies(engine(), account.participant_id)
saved_ids = set(saved["vacancy_id"].astype(int))
english_names = cached(english_skill_names)
for result in results:
    clicked = render_card(result, lang, saved=result.vacancy_id in saved_ids, english_names=english_names)
    if clicked in FEEDBACK_KINDS:
        give_feedback(engine(), account.participant_id, result.vacancy_id, clicked, result.model_run_id)
        st.toast(t(f"feedback_done_{clicked}", lang))
        st.rerun()
with st.expander(t("saved_vacancies", lang)):
    show_table(
        saved,
        {"title": ("vacancy", TEXT), "company": ("company", TEXT), "saved_at": ("saved_on", DATE)},
        lang,
        filename="saved-vacancies.csv",
    )
