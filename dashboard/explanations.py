"""How a recommendation's reasons read on a page: matched skills with their source, missing skills, the model's terms.

The recommender names skills in Indonesian and marks a skill the participant
declared at registration with an English constant; both are turned into the
reader's language here, so the participant's cards and the researcher's
table say the same thing the same way.
"""

from __future__ import annotations

from dashboard import formatting
from dashboard.i18n import t
from recommender.explain import DECLARED

#: Model terms shown per recommendation (largest first, as the recommender orders them).
SHOWN_TERMS = 3
#: The words the recommender writes inside term names (feature codes such as "skill=sim-b" stay as they are).
TERM_WORDS = (
    ("popularity in the participant's province", "term_province_popularity"),
    ("this vacancy's history", "term_vacancy_history"),
    ("own history", "term_own_history"),
    ("vacancy bias", "term_vacancy_bias"),
)


def skill_name(name: str, lang: str, english_names: dict[str, str]) -> str:
    """A skill in the reader's language (the recommender gives the Indonesian name)."""
    return english_names.get(name, name) if lang == "en" else name


def matched_text(matched_skills: list[tuple[str, str]], lang: str, english_names: dict[str, str]) -> str:
    """"SIM B1/B2 (dinyatakan saat mendaftar); Bahasa Korea (dari Bahasa Korea untuk EPS-TOPIK)"."""
    parts = []
    for skill, course in matched_skills:
        name = skill_name(skill, lang, english_names)
        parts.append(t("skill_declared", lang, skill=name) if course == DECLARED else t("skill_from_course", lang, skill=name, course=course))
    return "; ".join(parts)


def why_text(matched_skills: list[tuple[str, str]], lang: str, english_names: dict[str, str]) -> str:
    """Why a vacancy fits: the matched skills, or a sentence saying none matched and what chose it instead."""
    return matched_text(matched_skills, lang, english_names) if matched_skills else t("no_matched_skill", lang)


def missing_text(missing_skills: list[str], lang: str, english_names: dict[str, str]) -> str:
    """The skills the vacancy asks for that the participant lacks, comma-separated ("–" when none)."""
    return ", ".join(skill_name(s, lang, english_names) for s in missing_skills) or formatting.MISSING


def term_name(name: str, lang: str) -> str:
    """A score term's name with the recommender's English words in the reader's language."""
    for words, key in TERM_WORDS:
        name = name.replace(words, t(key, lang))
    return name


def terms_text(contributions: list[tuple[str, float]], lang: str) -> str:
    """The model's largest score terms: "skill=sim-b +0,649; prov=33 −0,253"."""
    shown = []
    for name, value in contributions[:SHOWN_TERMS]:
        number = formatting.number(abs(value), lang, digits=3)
        shown.append(f"{term_name(name, lang)} {'+' if value >= 0 else '−'}{number}")
    return "; ".join(shown) or formatting.MISSING
