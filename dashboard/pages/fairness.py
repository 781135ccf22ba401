"""Researcher: per-segment metrics and fairness (exposure and recommended wage by group), gaps highlighted."""

import streamlit as st

from dashboard import charts, formatting
from dashboard import evaluation_results as ev
from dashboard.background import FINISHED, job_arguments, list_jobs, start_job
from dashboard.i18n import t
from dashboard.labels import group_label, metric_label, segment_label
from dashboard.session import page_header
from dashboard.tables import DECIMAL, NUMBER, RUPIAH, TEXT, show_table

account, lang = page_header("page_fairness", ("researcher",))
reports = [job for job in list_jobs(kind="evaluate") if job.state == FINISHED and job.result_json()]
if st.button(t("start_evaluate", lang), key="start_evaluate"):
    start_job("evaluate", job_arguments("evaluate"))
    st.success(t("job_started", lang))
if not reports:
    st.info(t("no_evaluation", lang))
    st.stop()
job = st.selectbox(t("evaluation", lang), reports, format_func=lambda j: t("evaluation_label", lang, started=formatting.long_date(j.started_at, lang) + " " + j.started_at[11:16]), key="evaluation_job", placeholder=t("choose_option", lang))
report = job.result_json()

st.subheader(t("models_compared", lang))
models = ev.metric_table(report)  # one row per metric, one column per model: 25 metrics would not fit across
by_metric = models.set_index(ev.MODEL).T.reset_index(names="metric")
by_metric["metric"] = by_metric["metric"].map(lambda name: metric_label(name, lang))
show_table(by_metric, {"metric": ("metric", TEXT), **{name: (name, DECIMAL) for name in models[ev.MODEL]}}, lang, filename="evaluation-models.csv")
differences = ev.default_differences(report)
if not differences.empty:
    st.caption(t("default_minus", lang, model=report.get("default_model"), metric=metric_label(f"ndcg@{report.get('k', 10)}", lang)))
    show_table(
        differences,
        {ev.MODEL: ("model", TEXT), "difference": ("difference", DECIMAL), "ci_low": ("ci_low", DECIMAL), "ci_high": ("ci_high", DECIMAL)},
        lang,
        filename="evaluation-differences.csv",
    )

left, right = st.columns(2)
model = left.selectbox(t("model", lang), ev.report_models(report), key="fairness_model", placeholder=t("choose_option", lang))
segments = ev.report_segments(report)
if not segments:
    st.info(t("no_segments", lang))
    st.stop()
segment = right.selectbox(t("segment", lang), segments, format_func=lambda s: segment_label(s, lang), key="fairness_segment", placeholder=t("choose_option", lang))

st.subheader(t("fairness_title", lang))
st.caption(t("gap_rule", lang))
fair = ev.fairness_rows(report, model, segment)
fair[ev.GROUP] = fair[ev.GROUP].map(lambda g: group_label(segment, g, lang))
if fair[ev.GAP].any():
    st.warning(t("gaps_found", lang, groups=", ".join(fair.loc[fair[ev.GAP], ev.GROUP].astype(str))))
chart_left, chart_right = st.columns(2)
chart_left.altair_chart(charts.localized(charts.group_gaps(fair, ev.GROUP, ev.EXPOSURE_RATIO, ev.GAP, segment_label(segment, lang), t("exposure_ratio", lang), 1.0), lang), width="stretch")
if ev.WAGE_GAP_PCT in fair:
    chart_right.altair_chart(charts.localized(charts.group_gaps(fair, ev.GROUP, ev.WAGE_GAP_PCT, ev.GAP, segment_label(segment, lang), t("wage_gap_pct", lang), 0.0), lang), width="stretch")
fair["gap_mark"] = fair[ev.GAP].map({True: t("gap_yes", lang), False: ""})
show_table(
    fair,
    {
        ev.GROUP: (segment_label(segment, lang), TEXT),
        ev.USERS: ("participants", NUMBER),
        ev.EXPOSURE_RATIO: ("exposure_ratio", DECIMAL),
        "mean_recommended_wage": ("mean_recommended_wage", RUPIAH),
        ev.WAGE_GAP_PCT: ("wage_gap_pct", DECIMAL),
        "gap_mark": ("gap", TEXT),
    },
    lang,
    filename=f"fairness-{model}-{segment}.csv",
)

st.subheader(t("segment_metrics", lang))
per_group = ev.segment_rows(report, model, segment)
if not per_group.empty:
    per_group[ev.GROUP] = per_group[ev.GROUP].map(lambda g: group_label(segment, g, lang))
columns = {ev.GROUP: (segment_label(segment, lang), TEXT), ev.USERS: ("participants", NUMBER)}
columns.update({c: (metric_label(c, lang), DECIMAL) for c in ev.key_segment_metrics(report) if c in per_group})
show_table(per_group, columns, lang, filename=f"segments-{model}-{segment}.csv")
