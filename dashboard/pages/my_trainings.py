"""Participant: my trainings and certificates."""

import streamlit as st

from dashboard import formatting
from dashboard.i18n import t
from dashboard.queries import participant as q
from dashboard.session import engine, page_header
from dashboard.tables import DATE, NUMBER, TEXT, show_table

account, lang = page_header("page_my_trainings", ("participant",))
me = q.profile(engine(), account.participant_id)
if me is None:
    st.error(t("unknown_participant", lang))
    st.stop()
st.caption(t("profile_line", lang, regency=me["regency"], province=me["province"], wave=me["wave"], wage=formatting.rupiah(me["wage_before_idr"])))
frame = q.trainings(engine(), account.participant_id)
frame["status"] = frame[q.COMPLETED].map(lambda d: t("status_completed", lang) if d is not None and str(d) != "NaT" else t("status_in_progress", lang))
frame["cert"] = [
    (t("certificate_yes", lang) + (f" ({by})" if by else "")) if has else "–" for has, by in zip(frame[q.CERTIFICATE], frame[q.CERTIFIED_BY])
]
st.metric(t("certificates", lang), formatting.number(int(frame[q.CERTIFICATE].sum()), lang))
show_table(
    frame,
    {
        q.COURSE: ("course", TEXT),
        q.PROVIDER: ("level_provider", TEXT),
        q.MODE: ("mode", TEXT),
        q.HOURS: ("hours", NUMBER),
        q.STARTED: ("started_on", DATE),
        q.COMPLETED: ("completed_on", DATE),
        "status": ("status", TEXT),
        "cert": ("certificate", TEXT),
    },
    lang,
    filename="my-trainings.csv",
)
