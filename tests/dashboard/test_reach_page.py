"""The matches page says the day its data is judged at and lets the participant set how far they will go."""

from __future__ import annotations

import datetime as dt

from dashboard import formatting
from dashboard.i18n import t
from dashboard.matches_view import list_notice
from prakerja.db import make_engine
from recommender.participant_list import EMPTY_NO_ACTIVE, MatchList
from recommender.reach import Reach
from recommender.reach_preference import read_reach

from tests.dashboard.test_pages import accounts, assert_clean, open_app


def test_the_matches_page_shows_the_day_and_saves_the_reach(demo_copy_env):
    participant = accounts(demo_copy_env)["participant"]
    at = open_app(participant, "matches")
    assert_clean(at)
    today = formatting.long_date(dt.datetime.now(dt.UTC).date(), "id")
    assert any(c.value == t("data_as_of_day", "id", date=today) for c in at.caption)
    at.selectbox(key="reach_kind").select("province").run()
    at.button(key="reach_save").click().run()
    assert_clean(at)
    assert read_reach(make_engine(demo_copy_env.url), participant.participant_id) == Reach("province", read_reach(
        make_engine(demo_copy_env.url), participant.participant_id).commute_km, chosen=True)


def test_a_widened_or_empty_list_says_so_in_both_languages():
    reach = Reach("commute", 25)
    widened = MatchList([object()], data_as_of=dt.date(2026, 12, 5), reach=reach, asked=reach.steps()[0], shown=reach.steps()[1])
    assert list_notice(widened, "id") == "Tidak ada lowongan dalam 25 km; menampilkan lowongan di provinsi Anda."
    assert list_notice(widened, "en") == "No vacancies within 25 km; showing vacancies in your province."
    assert widened.notice == list_notice(widened, "id")
    fewer = MatchList([object()], data_as_of=dt.date(2026, 12, 5), reach=reach, asked=reach.steps()[0], shown=reach.steps()[1],
                      few_connected=True)
    assert list_notice(fewer, "en") == "Few vacancies fitting your training within 25 km; showing vacancies in your province."
    assert fewer.notice == list_notice(fewer, "id")
    empty = MatchList(data_as_of=dt.date(2026, 12, 5), empty_reason=EMPTY_NO_ACTIVE, newest_sighting=dt.datetime(2024, 8, 30))
    assert list_notice(empty, "id") == "Belum ada lowongan aktif per 5 Desember 2026; lowongan terbaru terlihat 30 Agustus 2024."
    assert list_notice(MatchList([object()], data_as_of=dt.date(2026, 12, 5), reach=reach, asked=reach.steps()[0],
                                 shown=reach.steps()[0]), "id") is None
