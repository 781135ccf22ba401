"""Researcher: start training, tuning or evaluation in the background and watch their progress."""

import streamlit as st

from dashboard import formatting
from dashboard.background import FAILED, FINISHED, RUNNING, job_arguments, list_jobs, start_job
from dashboard.i18n import t
from dashboard.session import page_header

account, lang = page_header("page_jobs", ("researcher",))
#: "" is `prakerja train`'s default: the model the latest evaluation chose (the grounded blend before any).
ALGORITHMS = ("", "grounded", "blend", "lightfm", "content", "popularity", "random")

with st.form("start_job"):
    kind = st.radio(t("job_kind", lang), ("train", "tune", "evaluate"), format_func=lambda k: t(f"job_{k}", lang), horizontal=True)
    left, middle, right = st.columns(3)
    algorithm = left.selectbox(t("algorithm", lang), ALGORITHMS, format_func=lambda a: a or t("algorithm_default", lang))
    promote = middle.checkbox(t("promote_after", lang))
    trials = right.number_input(t("trials", lang), min_value=1, max_value=500, value=10)
    if st.form_submit_button(t("start_job", lang)):
        job_id = start_job(kind, job_arguments(kind, algorithm=algorithm or None, trials=int(trials), promote=promote))
        st.success(t("job_started", lang) + f" ({job_id})")


def job_summary(arguments: list[str], lang: str) -> str:
    """What a job does, in the reader's language ("Algoritme: blend · tidak dipromosikan"; "Percobaan: 10")."""
    parts = []
    if "--algorithm" in arguments:
        parts.append(f"{t('algorithm', lang)}: {arguments[arguments.index('--algorithm') + 1]}")
    elif arguments[:1] == ["train"]:
        parts.append(f"{t('algorithm', lang)}: {t('algorithm_default', lang)}")
    if "--promote" in arguments or "--no-promote" in arguments:
        parts.append(t("promote_after", lang) if "--promote" in arguments else t("not_promoted", lang))
    if "--trials" in arguments:
        parts.append(f"{t('trials', lang)}: {arguments[arguments.index('--trials') + 1]}")
    return " · ".join(parts) or t("job_all_models", lang)


@st.fragment(run_every=2)
def job_list() -> None:
    """Re-read the job folders every two seconds; the rest of the page stays still."""
    jobs = list_jobs()
    if not jobs:
        st.info(t("no_jobs", lang))
        return
    icons = {RUNNING: ":material/hourglass_top:", FINISHED: ":material/check_circle:", FAILED: ":material/error:"}
    for job in jobs[:10]:
        with st.container(border=True):
            started = formatting.long_date(job.started_at, lang) + " " + job.started_at[11:16]
            st.markdown(f"{icons[job.state]} **{t(f'job_{job.kind}', lang)}** · {t(f'state_{job.state}', lang)} · {t('started_at', lang)} {started}")
            st.caption(job_summary(job.arguments, lang))
            if job.fraction is not None:
                st.progress(job.fraction, text=formatting.percent(job.fraction, lang, 0))
            elif job.state == RUNNING:
                st.progress(0.0, text=t("running_no_fraction", lang))
            if job.progress_lines:
                with st.expander(t("technical_log", lang)):  # the command's own output, in English
                    st.code("prakerja " + " ".join(job.arguments) + "\n" + "\n".join(job.progress_lines), language=None)


job_list()
