"""Every message exists in both languages, and every key the code asks for exists."""

import re
from pathlib import Path

import pytest

from dashboard import i18n
from dashboard.background import KINDS, RUNNING, FINISHED, FAILED
from dashboard.auth import DASHBOARD_ROLES
from dashboard.matches_view import FEEDBACK_KINDS, SHOWN_TYPES
from dashboard.navigation import ROLE_PAGES, SIGN_IN
from dashboard.queries.outcomes import DIMENSIONS, FUNNEL_STEPS
from dashboard.queries.providers import LEVELS
from prakerja import vocab

SOURCE = Path(i18n.__file__).resolve().parent
ROOT = SOURCE.parent


def test_every_message_has_both_languages_and_no_blank_text():
    for key, texts in i18n.MESSAGES.items():
        assert set(texts) == set(i18n.LANGUAGES), key
        assert all(text.strip() for text in texts.values()), key


def test_placeholders_agree_between_languages():
    for key, texts in i18n.MESSAGES.items():
        fields = {lang: set(re.findall(r"{(\w+)}", text)) for lang, text in texts.items()}
        assert fields["id"] == fields["en"], key


def test_literal_keys_used_in_the_code_exist():
    files = [*SOURCE.rglob("*.py"), ROOT / "streamlit_app.py"]
    used = set()
    for path in files:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_0-9]+)["']""", path.read_text(encoding="utf-8")))
        used |= set(re.findall(r"""\(\s*"([a-z_0-9]+)",\s*(?:NUMBER|TEXT|PERCENT|RUPIAH|DATE|DECIMAL)\)""", path.read_text(encoding="utf-8")))
    assert used, "the scan found no keys"
    assert sorted(k for k in used if not i18n.has_message(k)) == []


def test_keys_built_from_vocabularies_exist():
    families = {
        "dim_": DIMENSIONS, "step_": FUNNEL_STEPS, "etype_": vocab.EMPLOYMENT_TYPES, "feedback_": FEEDBACK_KINDS,
        "feedback_done_": FEEDBACK_KINDS, "job_": KINDS, "state_": (RUNNING, FINISHED, FAILED), "role_": DASHBOARD_ROLES,
        "level_": LEVELS,
    }
    missing = [prefix + value for prefix, values in families.items() for value in values if not i18n.has_message(prefix + value)]
    assert missing == []
    titles = [title for pages in ROLE_PAGES.values() for _, title, _ in pages] + [SIGN_IN[1]]
    assert all(i18n.has_message(title) for title in titles)
    assert set(SHOWN_TYPES) <= set(vocab.EMPLOYMENT_TYPES)


def test_t_fills_values_and_fails_loudly_on_unknown_keys():
    assert i18n.t("run_label", "en", run=7) == "run 7"
    assert i18n.t("page_matches") == "Lowongan untuk saya"
    assert i18n.t("page_matches", "en") == "Vacancies for me"
    with pytest.raises(KeyError):
        i18n.t("no_such_key")
    with pytest.raises(KeyError):
        i18n.t("page_matches", "fr")
