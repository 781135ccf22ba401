"""Researcher: trained runs with their validation and test metrics, side by side, differences with intervals; promote one.

Evaluation runs (``prakerja evaluate``) have no model file: they are listed
apart and never offered for promotion.
"""

import streamlit as st

from dashboard import run_comparison as rc
from dashboard.i18n import t
from dashboard.labels import metric_label
from dashboard.queries import research as q
from dashboard.session import engine, page_header
from dashboard.tables import DECIMAL, TEXT, download_button, show_table
from prakerja.errors import UserError

K = 10
account, lang = page_header("page_model_runs", ("researcher",))
runs = q.model_runs(engine())
trained, evaluations = rc.trained_runs(runs), rc.evaluation_runs(runs)
if trained.empty:
    st.info(t("no_runs", lang))
else:
    promoted = trained[trained[q.PROMOTED]]
    st.caption(t("promoted_run", lang, run=rc.run_label(promoted.iloc[0], lang)) if len(promoted) else t("no_promoted_run", lang))
    st.subheader(t("trained_runs", lang))
    st.caption(t("trained_runs_note", lang))
    table = rc.summary(trained, K, lang)
    st.dataframe(table, hide_index=True, width="stretch")
    download_button(table, "model-runs.csv", lang)

    st.subheader(t("compare_runs", lang))
    labels = {int(run[q.RUN]): rc.run_label(run, lang) for _, run in trained.iterrows()}
    default = list(dict.fromkeys([*promoted[q.RUN].astype(int), *trained[q.RUN].astype(int)]))[:3]
    chosen = st.multiselect(t("runs_to_compare", lang), list(labels), default=default, format_func=labels.get, placeholder=t("choose_options", lang), key="compare_runs")
    picked = trained[trained[q.RUN].isin(chosen)]
    if len(picked):
        side = rc.side_by_side(picked, K, lang)
        st.dataframe(side, hide_index=True, width="stretch", height=min(38 + 35 * len(side), 700))
        download_button(side, "model-runs-side-by-side.csv", lang, key="download-side-by-side")
    if len(picked) > 1:
        baseline = int(promoted.iloc[0][q.RUN]) if len(promoted) and int(promoted.iloc[0][q.RUN]) in chosen else int(picked.iloc[0][q.RUN])
        differences = rc.differences(picked, baseline, K)
        if differences.empty:
            st.caption(t("no_differences", lang))
        else:
            st.caption(t("run_differences_note", lang, run=labels[baseline]))
            differences["run"] = differences[q.RUN].map(labels)
            differences[rc.METRIC] = differences[rc.METRIC].map(lambda name: metric_label(name, lang))
            columns = {"run": ("run", TEXT), rc.METRIC: ("metric", TEXT), rc.DIFFERENCE: ("difference", DECIMAL), rc.LOW: ("ci_low", DECIMAL), rc.HIGH: ("ci_high", DECIMAL)}
            show_table(differences, columns, lang, filename="model-run-differences.csv")

    st.subheader(t("promote_title", lang))
    with st.form("promote"):
        run_id = st.selectbox(t("run", lang), list(labels), format_func=labels.get, placeholder=t("choose_option", lang))
        confirmed = st.form_submit_button(t("promote", lang))
    if confirmed:
        from recommender.registry import promote_run

        try:
            promote_run(engine(), int(run_id))
        except UserError:
            st.error(t("promote_failed", lang, run=labels[run_id]))
        else:
            st.success(t("promoted_now", lang, run=run_id))

with st.expander(t("evaluation_runs", lang, count=len(evaluations))):
    st.caption(t("evaluation_runs_note", lang))
    if not evaluations.empty:
        st.dataframe(rc.summary(evaluations, K, lang), hide_index=True, width="stretch")
