"""Manager map: regencies as points sized by participants and coloured by hire rate."""

import streamlit as st

from dashboard import charts
from dashboard.boundaries import configured_boundaries
from dashboard.errors import report_failure
from dashboard.i18n import t
from dashboard.queries import outcomes, regions as q
from dashboard.session import cached, page_header
from dashboard.tables import NUMBER, PERCENT, TEXT, show_table
from prakerja.errors import UserError

account, lang = page_header("page_map", ("manager",))
frame = cached(q.regency_outcomes, account.province_code)
try:
    boundaries = configured_boundaries()
except UserError as exc:
    report_failure(exc, lang, "boundaries_unavailable")
    boundaries = None
st.altair_chart(
    charts.localized(charts.regency_map(
        frame,
        latitude=q.LATITUDE,
        longitude=q.LONGITUDE,
        size=outcomes.PARTICIPANTS,
        colour=outcomes.HIRE_RATE,
        name=q.REGENCY_NAME,
        size_title=t("participants", lang),
        colour_title=t("hire_rate", lang),
        boundaries=boundaries,
        province_code=account.province_code,
    ), lang),
    width="stretch",
)
st.caption(t("map_note", lang))
show_table(
    frame,
    {
        q.REGENCY_CODE: ("regency_code", TEXT),
        q.REGENCY_NAME: ("regency", TEXT),
        outcomes.PARTICIPANTS: ("participants", NUMBER),
        outcomes.HIRED: ("hired", NUMBER),
        outcomes.HIRE_RATE: ("hire_rate", PERCENT),
    },
    lang,
    filename="regencies.csv",
)
