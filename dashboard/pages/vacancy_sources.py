"""Manager vacancy page: boards, freshness of active vacancies, quarantine."""

import streamlit as st

from dashboard import charts
from dashboard.i18n import t
from dashboard.queries import vacancies as q
from dashboard.session import cached, page_header
from dashboard.tables import DATE, NUMBER, TEXT, show_table

account, lang = page_header("page_vacancies", ("manager",))
left, right = st.columns(2)
with left:
    st.subheader(t("sources", lang))
    show_table(
        cached(q.sources, account.province_code),
        {q.SOURCE: ("source", TEXT), q.POSTINGS: ("postings", NUMBER), q.ACTIVE: ("active", NUMBER), q.LAST_SEEN: ("last_seen", DATE)},
        lang,
        filename="vacancy-sources.csv",
    )
with right:
    st.subheader(t("freshness", lang))
    fresh = cached(q.freshness, account.province_code)
    st.altair_chart(charts.localized(charts.simple_bars(fresh, q.AGE, q.VACANCIES, t("age_days", lang), t("active_vacancies", lang)), lang), width="stretch")
    show_table(fresh, {q.AGE: ("age_days", TEXT), q.VACANCIES: ("active_vacancies", NUMBER)}, lang, filename="vacancy-freshness.csv")
st.subheader(t("quarantine", lang))
quarantine = cached(q.quarantine_counts)
quarantine[q.REASON] = quarantine[q.REASON].map(lambda key: t(key, lang))
show_table(quarantine, {q.SOURCE: ("source", TEXT), q.REASON: ("reason", TEXT), q.ROWS: ("rows", NUMBER)}, lang, filename="quarantine.csv")
