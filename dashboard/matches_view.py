"""The participant's match list: the filter form, one card per vacancy, the feedback buttons.

Kept apart from the page so that its parts read as what they are; the page
only strings them together.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from dashboard import formatting
from dashboard.i18n import t
from prakerja import vocab

FEEDBACK_KINDS = ("saved", "applied", "dismissed")
RADIUS_CHOICES_KM = (None, 10, 25, 50, 100, 250)
SHOWN_TYPES = ("fullTime", "partTime", "contract", "internship", "freelance")


def filters_from_form(lang: str):
    """The participant's filters (radius or province, remote, minimum wage, type) as ``MatchFilters``."""
    from recommender.matching import MatchFilters

    with st.expander(t("filters", lang), expanded=False):
        left, middle, right = st.columns(3)
        radius = left.selectbox(
            t("radius", lang), RADIUS_CHOICES_KM, format_func=lambda km: t("any_distance", lang) if km is None else f"{km} km", key="filter_radius"
        )
        province_only = left.checkbox(t("province_only", lang), key="filter_province")
        remote = middle.checkbox(t("remote_allowed", lang), value=True, key="filter_remote")
        minimum = middle.number_input(t("min_wage", lang), min_value=0, max_value=100_000_000, value=0, step=500_000, key="filter_min_wage")
        if minimum:
            middle.caption(formatting.rupiah(minimum))
        types = right.multiselect(
            t("employment_type", lang), [k for k in SHOWN_TYPES if k in vocab.EMPLOYMENT_TYPES], format_func=lambda k: t(f"etype_{k}", lang), key="filter_types"
        )
    return MatchFilters(
        radius_km=radius, province_only=province_only, remote_allowed=remote, min_wage=int(minimum) or None, employment_types=tuple(types) or None, k=10
    )


def _place(result, lang: str) -> str:
    return result.regency_name or result.province_name or t("remote_or_national", lang)


def render_card(result, lang: str, saved: bool = False) -> str | None:
    """One vacancy card; returns the feedback kind whose button was pressed, if any."""
    with st.container(border=True):
        st.markdown(f"#### {result.title}" + (f"  :green-badge[{t('saved_badge', lang)}]" if saved else ""))
        facts = [result.company or "–", _place(result, lang)]
        if result.distance_km is not None:
            facts.append(formatting.distance(result.distance_km, lang))
        st.write(" · ".join(facts))
        left, right = st.columns(2)
        left.markdown(f"**{t('salary', lang)}:** {formatting.rupiah_range(result.salary_min, result.salary_max)}")
        right.markdown(f"**{t('posted', lang)}:** {formatting.long_date(result.posted_at, lang)}")
        if result.employment_types:
            left.caption(", ".join(t(f"etype_{k}", lang) for k in result.employment_types))
        if result.url:
            right.markdown(f"[{t('source_link', lang)}]({result.url})")
        if result.matched_skills:
            reasons = "; ".join(t("skill_from_course", lang, skill=skill, course=course) for skill, course in result.matched_skills)
        else:
            reasons = t("no_matched_skill", lang)
        st.markdown(f":material/check_circle: **{t('why_fits', lang)}:** {reasons}")
        if result.missing_skills:
            st.markdown(f":material/add_circle: **{t('missing', lang)}:** {', '.join(result.missing_skills)}")
        buttons = st.columns(len(FEEDBACK_KINDS))
        for column, kind in zip(buttons, FEEDBACK_KINDS):
            if column.button(t(f"feedback_{kind}", lang), key=f"{kind}-{result.vacancy_id}", disabled=saved and kind == "saved"):
                return kind
    return None


def give_feedback(engine: Engine, participant_id: int, vacancy_id: int, kind: str, model_run_id: int | None) -> int:
    """Store the action once (the client key makes a double click harmless)."""
    from recommender.matching import record_feedback

    return record_feedback(engine, participant_id, vacancy_id, kind, client_key=f"dash:{participant_id}:{vacancy_id}:{kind}", model_run_id=model_run_id)
