"""Researcher: online experiments — create, start and stop them, read the report and carry out its decision."""

import pandas as pd
import streamlit as st
from sqlalchemy import select

from dashboard.i18n import t
from dashboard.session import engine, page_header
from dashboard.tables import DECIMAL, NUMBER, PERCENT, TEXT, show_table
from prakerja import vocab
from prakerja.errors import UserError
from prakerja.models import ModelRun, Province
from recommender.experiments.analysis import CONTINUE, PROMOTE, STOP, carry_out, experiment_report
from recommender.experiments.registry import (
    create_experiment,
    get_experiment,
    list_experiments,
    start_experiment,
    stop_experiment,
)
from recommender.registry import promoted_run_id

account, lang = page_header("page_experiments", ("researcher",))
st.caption(t("exp_intro", lang))
db = engine()
experiments = list_experiments(db)


def arms_text(experiment) -> str:
    return ", ".join(t("exp_arm_label", lang, arm=a.name, run=a.run_id, share=f"{a.share:.0%}") for a in experiment.arms)


if experiments:
    listing = pd.DataFrame([{
        "id": e.id, "name": e.name, "status": t(f"exp_status_{e.status}", lang), "metric": t(f"exp_metric_{e.primary_metric}", lang),
        "arms": arms_text(e), "decision": e.decision or "",
    } for e in experiments])
    show_table(listing, {"id": ("exp_id", NUMBER), "name": ("exp_name", TEXT), "status": ("exp_status", TEXT),
                         "metric": ("exp_metric", TEXT), "arms": ("exp_arms", TEXT), "decision": ("exp_decision", TEXT)},
               lang, filename="experiments.csv")
else:
    st.info(t("exp_none", lang))

st.subheader(t("exp_create", lang))
with db.connect() as connection:
    runs = connection.execute(select(ModelRun.id, ModelRun.algorithm).where(ModelRun.artifact_path.is_not(None)).order_by(ModelRun.id.desc())).all()
    provinces = dict(connection.execute(select(Province.code, Province.name).order_by(Province.name)).all())
control = promoted_run_id(db)
candidates = {int(r.id): t("exp_run_label", lang, run=r.id, algorithm=r.algorithm) for r in runs if r.id != control}
if control is None or not candidates:
    st.info(t("exp_needs_runs", lang))
else:
    st.caption(t("exp_control_is", lang, run=control))
    with st.form("create_experiment"):
        name = st.text_input(t("exp_name", lang), max_chars=120)
        treatments = st.multiselect(t("exp_treatments", lang), list(candidates), format_func=candidates.get, placeholder=t("choose_options", lang))
        control_share = st.slider(t("exp_control_share", lang), 10, 90, 50, step=5)
        metric = st.selectbox(t("exp_metric", lang), vocab.EXPERIMENT_METRICS, index=1, format_func=lambda m: t(f"exp_metric_{m}", lang))
        province = st.selectbox(t("exp_province", lang), [None, *provinces], format_func=lambda c: t("exp_everyone", lang) if c is None else provinces[c])
        end = st.date_input(t("exp_end", lang), value=None)
        hypothesis = st.text_area(t("exp_hypothesis", lang), max_chars=2000)
        submitted = st.form_submit_button(t("exp_create_button", lang))
    if submitted:
        shares = [control_share] + [(100 - control_share) / max(len(treatments), 1)] * len(treatments)
        try:
            created = create_experiment(db, name, treatments, shares=shares, province=province, primary_metric=metric,
                                        planned_end=pd.Timestamp(end).to_pydatetime() if end else None, hypothesis=hypothesis or None)
        except UserError as exc:
            st.error(t("exp_failed", lang, reason=str(exc)))
        else:
            st.success(t("exp_created", lang, id=created))
            st.rerun()

if experiments:
    st.subheader(t("exp_details", lang))
    labels = {e.id: f"{e.id}: {e.name} ({t(f'exp_status_{e.status}', lang)})" for e in experiments}
    chosen = st.selectbox(t("exp_choose", lang), list(labels), format_func=labels.get)
    experiment = get_experiment(db, chosen)
    st.write(t("exp_summary", lang, arms=arms_text(experiment), metric=t(f"exp_metric_{experiment.primary_metric}", lang),
               alpha=experiment.alpha))
    if experiment.hypothesis:
        st.caption(experiment.hypothesis)
    left, right = st.columns(2)
    if experiment.status == "draft" and left.button(t("exp_start", lang)):
        try:
            start_experiment(db, experiment.id)
        except UserError as exc:
            st.error(t("exp_failed", lang, reason=str(exc)))
        else:
            st.rerun()
    if experiment.status != "stopped" and right.button(t("exp_stop", lang)):
        stop_experiment(db, experiment.id, t("exp_stopped_by", lang, user=account.username))
        st.rerun()

    if experiment.status != "draft":
        report = experiment_report(db, experiment.id)
        decision = report.decision
        box = {PROMOTE: st.success, STOP: st.warning, CONTINUE: st.info}[decision.action]
        box(t(f"exp_decision_{decision.action}", lang, arm=decision.arm or ""))
        st.caption(t("exp_reason", lang, reason=decision.reason))
        ratio = report.ratio
        (st.caption if ratio.ok else st.error)(t("exp_srm_ok" if ratio.ok else "exp_srm_bad", lang, counts=", ".join(map(str, ratio.observed)), p=f"{ratio.p:.3g}"))
        if experiment.status == "running" and decision.action != CONTINUE and st.button(t("exp_act", lang)):
            carry_out(db, report)
            st.rerun()

        rows = pd.DataFrame([{
            "metric": t(f"exp_metric_{row.metric}", lang), "arm": row.arm, "n": row.participants, "rate": row.rate.value,
            "rate_low": row.rate.low, "rate_high": row.rate.high,
            "difference": None if row.difference is None else row.difference.value,
            "cuped": None if row.cuped_difference is None else row.cuped_difference.value,
            "valid_low": None if row.always_valid is None else row.always_valid.low,
            "valid_high": None if row.always_valid is None else row.always_valid.high,
            "variance_cut": row.variance_reduction,
        } for row in sorted(report.metrics, key=lambda r: r.metric != experiment.primary_metric)])
        st.subheader(t("exp_results", lang))
        show_table(rows, {"metric": ("exp_metric", TEXT), "arm": ("exp_arm", TEXT), "n": ("exp_participants", NUMBER),
                          "rate": ("exp_rate", DECIMAL), "rate_low": ("ci_low", DECIMAL), "rate_high": ("ci_high", DECIMAL),
                          "difference": ("difference", DECIMAL), "cuped": ("exp_cuped", DECIMAL),
                          "valid_low": ("exp_valid_low", DECIMAL), "valid_high": ("exp_valid_high", DECIMAL),
                          "variance_cut": ("exp_variance_cut", PERCENT)}, lang, filename=f"experiment-{experiment.id}.csv")
        st.caption(t("exp_results_note", lang))

        st.subheader(t("exp_guardrails", lang))
        rails = pd.DataFrame([{"arm": r.arm, "shown": r.exposures, "within": r.within_reach, "connected": r.connected} for r in report.guardrails])
        show_table(rails, {"arm": ("exp_arm", TEXT), "shown": ("exp_shown", NUMBER), "within": ("exp_within_reach", PERCENT),
                           "connected": ("exp_connected", PERCENT)}, lang, filename=f"experiment-{experiment.id}-guardrails.csv")

        st.subheader(t("exp_fairness", lang))
        gaps = pd.DataFrame([{"arm": arm, "dimension": t(f"exp_dimension_{dimension}", lang), "gap": values["gap"],
                              "groups": len(values["rates"])}
                             for arm, dimensions in report.fairness.items() for dimension, values in dimensions.items()])
        show_table(gaps, {"arm": ("exp_arm", TEXT), "dimension": ("exp_dimension", TEXT), "groups": ("exp_groups", NUMBER),
                          "gap": ("exp_gap", DECIMAL)}, lang, filename=f"experiment-{experiment.id}-fairness.csv")
        st.caption(t("exp_fairness_note", lang, metric=t(f"exp_metric_{experiment.primary_metric}", lang)))
