"""The participant's match list: the filter form, one card per vacancy, the feedback buttons.

Kept apart from the page so that its parts read as what they are; the page
only strings them together.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from dashboard import explanations, formatting
from dashboard.i18n import has_message, t
from dashboard.safe_text import is_example, link_target, plain
from prakerja import vocab

FEEDBACK_KINDS = ("saved", "applied", "dismissed")
RADIUS_CHOICES_KM = (None, 10, 25, 50, 100, 250)
SHOWN_TYPES = ("fullTime", "partTime", "contract", "internship", "freelance")


def filters_from_form(lang: str):
    """The participant's filters (radius or province, remote, minimum wage, type) as ``ItemFilters``."""
    from recommender.filters import ItemFilters

    with st.expander(t("filters", lang), expanded=False):
        left, middle, right = st.columns(3)
        radius = left.selectbox(
            t("radius", lang), RADIUS_CHOICES_KM, format_func=lambda km: t("any_distance", lang) if km is None else f"{km} km", key="filter_radius", placeholder=t("choose_option", lang)
        )
        province_only = left.checkbox(t("province_only", lang), key="filter_province")
        remote = middle.checkbox(t("remote_allowed", lang), value=True, key="filter_remote")
        minimum = middle.number_input(t("min_wage", lang), min_value=0, max_value=100_000_000, value=0, step=500_000, key="filter_min_wage")
        if minimum:
            middle.caption(formatting.rupiah(minimum))
        types = right.multiselect(
            t("employment_type", lang), [k for k in SHOWN_TYPES if k in vocab.EMPLOYMENT_TYPES], format_func=lambda k: t(f"etype_{k}", lang), key="filter_types", placeholder=t("choose_options", lang)
        )
    return ItemFilters(
        radius_km=radius, province_only=province_only, remote_allowed=remote, min_wage=int(minimum) or None, employment_types=tuple(types) or None
    )


REACH_KINDS = vocab.REACH_KINDS


def reach_form(engine: Engine, participant_id: int, lang: str) -> None:
    """The participant's reach (how far they will go for work), read and saved through ``recommender.reach_preference``."""
    from recommender.reach_preference import read_reach, save_reach

    reach = read_reach(engine, participant_id)
    with st.expander(t("reach_title", lang), expanded=False):
        left, right = st.columns(2)
        kind = left.selectbox(t("reach_kind", lang), REACH_KINDS, index=REACH_KINDS.index(reach.kind),
                              format_func=lambda k: t(f"reach_{k}", lang), key="reach_kind")
        km = right.number_input(t("reach_km", lang), min_value=1, max_value=500, value=int(reach.commute_km), step=5,
                                key="reach_km", disabled=kind != "commute")
        if not reach.chosen:
            st.caption(t("reach_is_default", lang))
        if st.button(t("reach_save", lang), key="reach_save"):
            save_reach(engine, participant_id, kind, int(km) if kind == "commute" else None)
            st.toast(t("reach_saved", lang))
            st.rerun()


def list_notice(results, lang: str) -> str | None:
    """What the list did (widened its scope) or why it is empty, in the reader's language; None when nothing needs saying."""
    if results.empty_reason == "no_active_vacancies":
        seen = formatting.long_date(results.newest_sighting, lang) if results.newest_sighting else "-"
        return t("empty_no_active_vacancies", lang, date=formatting.long_date(results.data_as_of, lang), seen=seen)
    if results.empty_reason:
        return t(f"empty_{results.empty_reason}", lang)
    if results.widened:
        opening = "scope_few_" if results.few_connected else "scope_empty_"
        return t("list_widened", lang, nothing=_scope_text(opening, results.asked, lang),
                 showing=_scope_text("scope_shown_", results.shown, lang))
    return None


def _scope_text(prefix: str, step, lang: str) -> str:
    """The message of a reach step ("scope_empty_commute" takes the distance)."""
    if step.scope == "commute":
        return t(prefix + step.scope, lang, km=f"{step.km:g}")
    return t(prefix + step.scope, lang)


def _place(result, lang: str) -> str:
    for place in (result.regency_name, result.province_name):
        if isinstance(place, str) and place.strip():
            return place
    return t("remote_or_national", lang)


def _employment_types(result, lang: str) -> str:
    """The posting's employment types in words; values the vocabulary does not know (None, NaN, "nan") are left out."""
    known = [kind for kind in (result.employment_types or []) if isinstance(kind, str) and has_message(f"etype_{kind}")]
    return ", ".join(t(f"etype_{kind}", lang) for kind in known)


def render_card(result, lang: str, saved: bool = False, english_names: dict[str, str] | None = None) -> str | None:
    """One vacancy card; returns the feedback kind whose button was pressed, if any.

    Every scraped field goes through :func:`dashboard.safe_text.plain`; the
    posting is linked only when its URL is http(s), and a demo posting (an
    example domain) is marked as an example instead of linked.
    """
    names = english_names or {}
    with st.container(border=True):
        st.markdown(f"#### {plain(result.title) or formatting.MISSING}" + (f"  :green-badge[{t('saved_badge', lang)}]" if saved else ""))
        facts = [plain(result.company) or formatting.MISSING, plain(_place(result, lang))]
        distance = formatting.distance(result.distance_km, lang)
        if distance != formatting.MISSING:
            facts.append(plain(distance))
        st.markdown(" · ".join(facts))
        left, right = st.columns(2)
        left.markdown(f"**{t('salary', lang)}:** {plain(formatting.rupiah_range(result.salary_min, result.salary_max))}")
        right.markdown(f"**{t('posted', lang)}:** {plain(formatting.long_date(result.posted_at, lang))}")
        types = _employment_types(result, lang)
        if types:
            left.caption(plain(types))
        if is_example(result.url):
            right.caption(t("example_posting", lang))
        elif link_target(result.url):
            right.link_button(t("source_link", lang), link_target(result.url), icon=":material/open_in_new:")
        reasons = explanations.why_text(result.matched_skills or [], lang, names)
        st.markdown(f":material/check_circle: **{t('why_fits', lang)}:** {plain(reasons)}")
        if result.missing_skills:
            st.markdown(f":material/add_circle: **{t('missing', lang)}:** {plain(explanations.missing_text(result.missing_skills, lang, names))}")
        if result.chosen_by_similar_applicants:
            st.caption(t("chosen_by_similar_applicants", lang, count=result.similar_applicants))
        buttons = st.columns(len(FEEDBACK_KINDS))
        for column, kind in zip(buttons, FEEDBACK_KINDS):
            if column.button(t(f"feedback_{kind}", lang), key=f"{kind}-{result.vacancy_id}", disabled=saved and kind == "saved"):
                return kind
    return None


def give_feedback(engine: Engine, participant_id: int, vacancy_id: int, kind: str, model_run_id: int | None) -> int:
    """Store the action once (the client key makes a double click harmless)."""
    from recommender.feedback import record_feedback

    return record_feedback(engine, participant_id, vacancy_id, kind, client_key=f"dash:{participant_id}:{vacancy_id}:{kind}", model_run_id=model_run_id)
