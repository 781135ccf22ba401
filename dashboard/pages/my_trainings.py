"""Participant: my trainings and certificates."""

import streamlit as st

from dashboard import formatting
from dashboard.i18n import has_message, t
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
done = frame[q.COMPLETED].notna()
frame[q.MODE] = frame[q.MODE].map(lambda mode: t(f"mode_{mode}", lang) if has_message(f"mode_{mode}") else mode)
frame["status"] = done.map({True: t("status_completed", lang), False: t("status_in_progress", lang)})
# every completed Prakerja course gives a completion certificate; some also a professional one (BNSP, Kemnaker, ...)
frame["cert"] = [
    (t("certificate_completion", lang) + (f" + {by}" if has and by else "")) if finished else formatting.MISSING
    for finished, has, by in zip(done, frame[q.CERTIFICATE].fillna(False).astype(bool), frame[q.CERTIFIED_BY])
]
left, right = st.columns(2)
left.metric(t("certificates", lang), formatting.number(int(done.sum()), lang))
right.metric(t("professional_certificates", lang), formatting.number(int((done & frame[q.CERTIFICATE].fillna(False).astype(bool)).sum()), lang))
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
