"""Manager league table: providers and courses with completion, hire rate and wage gain (95% intervals, n)."""

import streamlit as st

from dashboard import charts
from dashboard.i18n import t
from dashboard.queries import providers as q
from dashboard.session import cached, page_header
from dashboard.tables import NUMBER, PERCENT, RUPIAH, TEXT, show_table

account, lang = page_header("page_providers", ("manager",))
level = st.segmented_control(t("level", lang), q.LEVELS, format_func=lambda v: t(f"level_{v}", lang), default="provider", key="providers_level") or "provider"
frame = cached(q.training_outcomes, level, account.province_code)
if frame.empty:
    st.info(t("no_data", lang))
    st.stop()
shown = frame.head(40)
for measure, low, high, n, title, percent in ((q.HIRE_RATE, q.HIRE_LOW, q.HIRE_HIGH, q.COMPLETED, "hire_rate", True), (q.GAIN, q.GAIN_LOW, q.GAIN_HIGH, q.GAIN_N, "wage_gain", False)):
    st.subheader(t(title, lang))
    if shown[measure].notna().any():
        chart = charts.estimates_with_intervals(shown, q.NAME, measure, low, high, n, t(f"level_{level}", lang), t(title, lang), percent=percent)
        st.altair_chart(charts.localized(chart, lang), width="stretch")
    else:
        st.caption(t("nothing_visible", lang))  # every row is hidden or unmeasured: an empty chart would say nothing
columns = {q.NAME: (f"level_{level}", TEXT)}
if level == "course":
    columns[q.PROVIDER] = ("level_provider", TEXT)
columns.update(
    {
        q.ENROLLED: ("enrolled", NUMBER),
        q.COMPLETION_RATE: ("completion_rate", PERCENT),
        q.COMPLETED: ("completed", NUMBER),
        q.HIRE_RATE: ("hire_rate", PERCENT),
        q.HIRE_LOW: ("hire_ci_low", PERCENT),
        q.HIRE_HIGH: ("hire_ci_high", PERCENT),
        q.GAIN_N: ("wage_gain_n", NUMBER),
        q.GAIN: ("wage_gain", RUPIAH),
        q.GAIN_LOW: ("gain_ci_low", RUPIAH),
        q.GAIN_HIGH: ("gain_ci_high", RUPIAH),
    }
)
on_screen = [c for c in columns if c not in (q.HIRE_LOW, q.HIRE_HIGH, q.GAIN_LOW, q.GAIN_HIGH)]  # intervals: on the charts and in the CSV
show_table(frame, columns, lang, filename=f"{level}s.csv", shown=on_screen)
st.caption(t("providers_note", lang))
