"""Manager skills page: skills trained against skills asked by active vacancies, by province."""

import streamlit as st

from dashboard import charts
from dashboard.i18n import t
from dashboard.queries import occupations
from dashboard.queries import skills as q
from dashboard.queries.lookups import province_names
from dashboard.session import cached, page_header
from dashboard.tables import NUMBER, PERCENT, TEXT, show_table

account, lang = page_header("page_skills", ("manager",))
provinces = cached(province_names)
if account.is_provincial:
    province = account.province_code
    st.caption(provinces.get(province, province))
else:
    options = [None, *provinces]
    province = st.selectbox(t("province", lang), options, format_func=lambda c: t("all_provinces", lang) if c is None else provinces[c], key="skills_province", placeholder=t("choose_option", lang))
frame = cached(q.skills_supply_demand, province, lang)
st.write(t("skills_intro", lang))
if frame.empty:
    st.info(t("no_data", lang))
    st.stop()
st.altair_chart(charts.localized(charts.diverging_bars(frame, q.SKILL, q.GAP, t("skill", lang), t("gap", lang)), lang), width="stretch")
show_table(
    frame,
    {
        q.SKILL: ("skill", TEXT),
        q.SUPPLY: ("trained_people", NUMBER),
        q.DEMAND: ("active_vacancies", NUMBER),
        q.SUPPLY_SHARE: ("supply_share", PERCENT),
        q.DEMAND_SHARE: ("demand_share", PERCENT),
        q.GAP: ("gap", PERCENT),
    },
    lang,
    filename=f"skills-{province or 'national'}.csv",
)

st.subheader(t("vacancies_by_occupation", lang))
st.caption(t("occupation_left_out", lang, **cached(occupations.left_out_of_occupations, province)))
show_table(
    cached(occupations.vacancies_by_occupation, province, lang),
    {
        occupations.CODE: ("occupation_code", TEXT),
        occupations.GROUP: ("occupation_group", TEXT),
        occupations.VACANCIES: ("active_vacancies", NUMBER),
    },
    lang,
    filename=f"occupations-{province or 'national'}.csv",
)
