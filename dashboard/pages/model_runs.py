"""Researcher: model runs side by side (parameters and metrics), and promoting one to serve."""

import streamlit as st

from dashboard.i18n import t
from dashboard.queries import research as q
from dashboard.session import engine, page_header
from dashboard.tables import download_button
from prakerja.errors import UserError

account, lang = page_header("page_model_runs", ("researcher",))
runs = q.model_runs(engine())
if runs.empty:
    st.info(t("no_runs", lang))
    st.stop()
promoted = runs.loc[runs[q.PROMOTED], q.RUN].tolist()
st.caption(t("promoted_run", lang, run=promoted[0]) if promoted else t("no_promoted_run", lang))
chosen = st.multiselect(t("runs_to_compare", lang), runs[q.RUN].tolist(), default=runs[q.RUN].tolist()[:5], key="compare_runs")
side_by_side = runs[runs[q.RUN].isin(chosen)].set_index(q.RUN).T.dropna(how="all")
side_by_side.columns = [t("run_label", lang, run=run) for run in side_by_side.columns]
side_by_side = side_by_side.astype(str).replace({"None": "", "nan": ""})
st.dataframe(side_by_side, width="stretch")
download_button(side_by_side.reset_index(names=t("field", lang)), "model-runs.csv", lang)

st.subheader(t("promote_title", lang))
with st.form("promote"):
    run_id = st.selectbox(t("run", lang), runs[q.RUN].tolist(), format_func=lambda r: t("run_label", lang, run=r) + f" · {runs.set_index(q.RUN).at[r, q.ALGORITHM]}")
    confirmed = st.form_submit_button(t("promote", lang))
if confirmed:
    from recommender.registry import promote_run

    try:
        promote_run(engine(), int(run_id))
    except UserError as exc:
        st.error(str(exc))
    else:
        st.success(t("promoted_now", lang, run=run_id))
