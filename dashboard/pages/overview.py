"""Manager overview: headline figures and their trend by wave."""

import streamlit as st

from dashboard import charts, formatting
from dashboard.i18n import t
from dashboard.queries import outcomes as q
from dashboard.session import cached, page_header
from dashboard.tables import NUMBER, PERCENT, RUPIAH, show_table

account, lang = page_header("page_overview", ("manager",))
totals, by_wave = cached(q.overview, account.province_code)
st.caption(t("as_of", lang, time=formatting.long_date(totals[q.AS_OF], lang) + totals[q.AS_OF].strftime(" %H:%M UTC")))
if totals[q.PARTICIPANTS] is None:
    st.info(t("too_few_people", lang))
    st.stop()
first, second, third, fourth = st.columns(4)
first.metric(t("participants", lang), formatting.number(totals[q.PARTICIPANTS], lang))
second.metric(t("completion_rate", lang), formatting.percent(totals[q.COMPLETION_RATE], lang))
third.metric(t("match_rate", lang), formatting.percent(totals[q.MATCH_RATE], lang))
fourth.metric(t("applications", lang), formatting.number(totals[q.APPLICATIONS], lang))
first, second, third, fourth = st.columns(4)
first.metric(t("hired", lang), formatting.number(totals[q.HIRED], lang))
second.metric(t("median_wage_before", lang), formatting.rupiah(totals[q.WAGE_BEFORE]))
third.metric(t("median_wage_after", lang), formatting.rupiah(totals[q.WAGE_AFTER]))
fourth.metric(t("incentive_paid", lang), formatting.short_rupiah(totals[q.INCENTIVE], lang), help=formatting.rupiah(totals[q.INCENTIVE]))

st.subheader(t("trend_by_wave", lang))
measures = {
    q.PARTICIPANTS: (t("participants", lang), "number"),
    q.COMPLETION_RATE: (t("completion_rate", lang), "percent"),
    q.MATCH_RATE: (t("match_rate", lang), "percent"),
    q.HIRE_RATE: (t("hire_rate", lang), "percent"),
    q.WAGE_BEFORE: (t("median_wage_before", lang), "rupiah"),
    q.WAGE_AFTER: (t("median_wage_after", lang), "rupiah"),
}
if by_wave[q.PARTICIPANTS].notna().any():
    st.altair_chart(charts.localized(charts.measure_panels(by_wave, q.GROUP, measures, t("wave", lang)), lang))
else:
    st.info(t("trend_all_hidden", lang))  # every wave of this scope is hidden: empty charts would say nothing
show_table(
    by_wave,
    {
        q.GROUP: ("wave", NUMBER),
        q.PARTICIPANTS: ("participants", NUMBER),
        q.COMPLETION_RATE: ("completion_rate", PERCENT),
        q.MATCH_RATE: ("match_rate", PERCENT),
        q.APPLICATIONS: ("applications", NUMBER),
        q.HIRED: ("hired", NUMBER),
        q.WAGE_BEFORE: ("median_wage_before", RUPIAH),
        q.WAGE_AFTER: ("median_wage_after", RUPIAH),
        q.INCENTIVE: ("incentive_paid", RUPIAH),
    },
    lang,
    filename="overview-by-wave.csv",
    shown=[q.GROUP, q.PARTICIPANTS, q.COMPLETION_RATE, q.HIRED, q.WAGE_BEFORE, q.WAGE_AFTER, q.INCENTIVE],  # the rest in the CSV: all nine would not fit
)
