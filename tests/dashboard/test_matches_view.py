"""The participant's vacancy card: scraped text stays text, only http(s) postings are linked, missing values never crash.

Cards are drawn by ``AppTest.from_function`` with hand-made results (the
recommender is not needed to decide how a card shows what it is given); the
markdown each card hands to Streamlit is rendered with a CommonMark parser to
prove that no link, image or HTML can come out of scraped text.
"""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from dashboard.safe_text import is_example, link_target, plain

HOSTILE = {
    "title": "Kasir ![x](http://127.0.0.1:9/pixel.png) [a](x)![y](https://track.er/p)",
    "company": "[Klik di sini](https://evil.example) <img src=x> www.evil.example",
    "regency_name": ":red[Jakarta] :material/warning: $x^2$",
    "url": "javascript:alert(1)",
}


def draw_cards(cards: list[dict], lang: str = "id") -> AppTest:
    def app(cards, lang):
        from types import SimpleNamespace

        from dashboard.matches_view import render_card

        defaults = dict(
            vacancy_id=1, title="Kasir", company=None, regency_name=None, province_name=None, salary_min=None, salary_max=None,
            employment_types=[], posted_at=None, url=None, score=1.0, rank=1, matched_skills=[], missing_skills=[], distance_km=None,
            wage_before=None, wage_gain=None, contributions=[], model_run_id=None, connected=None, similar_applicants=None,
            chosen_by_similar_applicants=False,
        )
        for number, card in enumerate(cards):
            render_card(SimpleNamespace(**{**defaults, "vacancy_id": number + 1, **card}), lang, english_names={"Menjahit": "Sewing"})

    return AppTest.from_function(app, kwargs={"cards": cards, "lang": lang}, default_timeout=60).run()


def markdown_sources(at: AppTest) -> list[str]:
    return [element.value for element in at.markdown] + [element.value for element in at.caption]


def test_markdown_injection_in_scraped_fields_renders_as_plain_text():
    at = draw_cards([HOSTILE])
    assert not at.exception
    html = "".join(MarkdownIt("commonmark").render(source) for source in markdown_sources(at))
    assert "<a " not in html and "<img" not in html and "<b>" not in html
    sources = " ".join(markdown_sources(at))
    assert "://" not in sources and "www." not in sources  # no GFM autolink can start
    assert ":red[" not in sources and ":material/warning:" not in sources and re.search(r"(?<!\\)\$", sources) is None
    assert r"\:red\[Jakarta\]" in sources and r"\$x\^2\$" in sources  # escaped: shown as written, not styled or typeset
    assert "pixel" in html and "Klik di sini" in html  # the text itself is still shown
    assert not at.get("link_button")  # javascript: is never linked


def test_only_http_postings_are_linked_and_demo_postings_are_marked_as_examples():
    at = draw_cards([{"url": "https://www.kalibrr.com/c/x/jobs/1"}, {"url": "https://lowongan-demo.invalid/7"}, {"url": "data:text/html,hi"}])
    buttons = at.get("link_button")
    assert [b.proto.url for b in buttons] == ["https://www.kalibrr.com/c/x/jobs/1"]
    from dashboard.i18n import t

    assert [c.value for c in at.caption].count(t("example_posting")) == 1


def test_missing_values_from_a_partner_or_a_csv_never_crash_the_card():
    nan = float("nan")
    import pandas as pd

    at = draw_cards([{"company": nan, "employment_types": ["nan", None, nan, "fullTime"], "salary_min": nan, "salary_max": float("inf"),
                      "posted_at": pd.NaT, "distance_km": nan, "regency_name": nan, "province_name": None, "missing_skills": [], "title": None}])
    assert not at.exception, [e.value for e in at.exception]
    texts = " ".join(markdown_sources(at))
    assert "nan" not in texts.lower().replace("penuh", "")  # no "nan" shown anywhere
    assert "Penuh waktu" in texts


def test_skill_names_follow_the_language_on_the_card():
    card = {"matched_skills": [("Menjahit", "Kursus Menjahit Dasar")], "missing_skills": ["Menjahit"]}
    english = " ".join(markdown_sources(draw_cards([card], "en")))
    assert "Sewing (from Kursus Menjahit Dasar)" in english.replace("\\", "")


@pytest.mark.parametrize("url, linked", [("https://a.id/x", True), ("http://a.id", True), ("javascript:alert(1)", False), ("data:text/html,x", False), ("ftp://a.id", False), ("//a.id", False), ("https:///x", False), (None, False), (float("nan"), False)])
def test_link_targets_are_http_or_https_with_a_host(url, linked):
    assert (link_target(url) is not None) == linked


def test_plain_escapes_every_markdown_character():
    assert plain("a*b_c`d") == r"a\*b\_c\`d"
    assert plain(None) == "" and plain(float("nan")) == ""
    assert is_example("https://jobs.example/1") and is_example("http://x.invalid") and not is_example("https://kalibrr.com")
    assert re.fullmatch(r"(\\.|[^\\])*", plain("\\[x]"))


def test_a_vacancy_chosen_on_similar_applicants_says_so():
    card = {"connected": False, "similar_applicants": 6, "chosen_by_similar_applicants": True}
    assert any("Dipilih karena peserta serupa melamar (6 orang)" in text for text in markdown_sources(draw_cards([card])))
    assert any("similar participants applied (6 people)" in text for text in markdown_sources(draw_cards([card], "en")))
    assert not any("Dipilih karena" in text for text in markdown_sources(draw_cards([{"connected": True, "similar_applicants": 9}])))
