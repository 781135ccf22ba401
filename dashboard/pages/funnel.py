"""Manager funnel: trained -> recommended -> applied -> hired, by a chosen grouping."""

import streamlit as st

from dashboard import charts
from dashboard.i18n import t
from dashboard.labels import group_label
from dashboard.queries import outcomes as q
from dashboard.session import cached, page_header
from dashboard.tables import NUMBER, PERCENT, TEXT, show_table

account, lang = page_header("page_funnel", ("manager",))
dimensions = [d for d in q.DIMENSIONS if not (account.is_provincial and d == "province")]
dimension = st.segmented_control(t("group_by", lang), dimensions, format_func=lambda d: t(f"dim_{d}", lang), default="wave", key="funnel_dimension") or "wave"
frame = cached(q.funnel, dimension, account.province_code)
frame[q.GROUP] = frame[q.GROUP].map(lambda value: group_label(dimension, value, lang))
steps = {step: t(f"step_{step}", lang) for step in q.FUNNEL_STEPS}
if frame.empty:
    st.info(t("no_data", lang))
    st.stop()
st.altair_chart(charts.localized(charts.funnel_bars(frame, q.GROUP, q.PARTICIPANTS, steps, t(f"dim_{dimension}", lang), t("share_of_participants", lang)), lang), width="stretch")
show_table(
    frame,
    {
        q.GROUP: (f"dim_{dimension}", TEXT),
        q.PARTICIPANTS: ("participants", NUMBER),
        q.TRAINED: ("step_trained", NUMBER),
        q.RECOMMENDED: ("step_recommended", NUMBER),
        q.APPLIED: ("step_applied", NUMBER),
        q.HIRED: ("step_hired", NUMBER),
        q.HIRE_RATE: ("hire_rate", PERCENT),
    },
    lang,
    filename=f"funnel-{dimension}.csv",
)
