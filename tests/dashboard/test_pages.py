"""Every page under every role with streamlit's AppTest, against a small demo world.

Pages reached through the navigation of the signed-in role must render
without an exception; pages of another role, or without signing in, must
refuse. Interactions (sign-in, feedback, promote, language) are driven as a
user would.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from dashboard.auth import Account, create_account
from dashboard.i18n import t
from dashboard.navigation import ROLE_PAGES
from prakerja.db import make_engine
from prakerja.models import Enrollment, Interaction, ModelRun, Participant, Regency
from recommender.features import load_dataset

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
TIMEOUT = 120


def accounts(demo_db) -> dict[str, Account]:
    return {
        "participant": Account("peserta1", "participant", demo_db.participants[0]),
        "manager": Account("manajer", "manager"),
        "researcher": Account("peneliti", "researcher"),
    }


def open_app(account: Account | None, page: str | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if account is not None:
        at.session_state["account"] = account
    if lang is not None:
        at.session_state["lang"] = lang
    at.run()
    if page is not None:
        at.switch_page(f"dashboard/pages/{page}.py")
        at.run()
    return at


def open_page_file(page: str, account: Account | None) -> AppTest:
    """The page script on its own, as if reached by URL without the navigation."""
    at = AppTest.from_file(str(ROOT / "dashboard" / "pages" / f"{page}.py"), default_timeout=TIMEOUT)
    if account is not None:
        at.session_state["account"] = account
    return at.run()


def titles(at: AppTest) -> list[str]:
    return [element.value for element in at.title]


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


ALL_PAGES = [(role, stem, title) for role, pages in ROLE_PAGES.items() for stem, title, _ in pages]


@pytest.mark.parametrize("role, page, title", ALL_PAGES, ids=[f"{r}-{p}" for r, p, _ in ALL_PAGES])
def test_every_page_renders_for_its_role(demo_env, role, page, title):
    at = open_app(accounts(demo_env)[role], page)
    assert_clean(at)
    assert titles(at) == [t(title)]
    assert at.sidebar.radio[0].value == "id"  # the language switch is on every page


@pytest.mark.parametrize("role, page, title", ALL_PAGES, ids=[f"{r}-{p}" for r, p, _ in ALL_PAGES])
def test_pages_of_other_roles_are_refused(demo_env, role, page, title):
    for other, account in accounts(demo_env).items():
        if other == role:
            continue
        direct = open_page_file(page, account)
        assert [e.value for e in direct.error] == [t("access_denied")]
        assert titles(direct) == []
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            open_app(account, page)  # the role's navigation does not hold the page at all


@pytest.mark.parametrize("page", [stem for _, stem, _ in ALL_PAGES])
def test_nobody_signed_in_sees_only_the_sign_in_page(demo_env, page):
    direct = open_page_file(page, None)
    assert [w.value for w in direct.warning] == [t("sign_in_first")]
    assert titles(direct) == []
    at = open_app(None)
    assert titles(at) == [t("page_sign_in")]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app(None, page)


def test_sign_in_with_the_right_password_opens_the_role_pages(demo_env):
    engine = make_engine(demo_env.url)
    name = f"riset{uuid.uuid4().hex[:6]}"
    create_account(engine, name, "kata-sandi-1", "researcher")
    at = open_app(None)
    at.text_input[0].input(name)
    at.text_input[1].input("salah-sandi")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [t("wrong_credentials")]
    assert "account" not in at.session_state
    at.text_input[1].input("kata-sandi-1")
    at.button[0].click().run()
    assert at.session_state["account"] == Account(name, "researcher")
    assert titles(at) == [t("page_model_runs")]
    at.sidebar.button[0].click().run()  # sign out
    assert titles(at) == [t("page_sign_in")]


def test_language_switch_changes_every_text(demo_env):
    at = open_app(accounts(demo_env)["manager"], "overview", lang="en")
    assert titles(at) == [t("page_overview", "en")]
    assert [m.label for m in at.metric][:2] == [t("participants", "en"), t("completion_rate", "en")]
    at.sidebar.radio[0].set_value("id").run()
    assert titles(at) == [t("page_overview", "id")]


def test_provincial_manager_sees_only_their_province(demo_env):
    engine = make_engine(demo_env.url)
    with engine.connect() as connection:
        province, people = connection.execute(
            select(Regency.province_code, func.count()).join(Participant, Participant.regency_code == Regency.code)
            .group_by(Regency.province_code).order_by(func.count().desc()).limit(1)
        ).one()
        everyone = connection.scalar(select(func.count()).select_from(Participant))
    manager = Account("prov", "manager", province_code=province)
    overview = open_app(manager, "overview")
    assert_clean(overview)
    assert overview.metric[0].value == f"{people:,}".replace(",", ".")
    assert open_app(accounts(demo_env)["manager"], "overview").metric[0].value == f"{everyone:,}".replace(",", ".")
    funnel = open_app(manager, "funnel")
    options = [option.content for option in funnel.get("button_group")[0].proto.options]
    assert t("dim_wave") in options and t("dim_province") not in options  # no grouping by other provinces
    national = open_app(accounts(demo_env)["manager"], "funnel")
    assert t("dim_province") in [option.content for option in national.get("button_group")[0].proto.options]
    regency_table = open_app(manager, "regency_map").dataframe[0].value
    assert len(regency_table) and all(code.startswith(province) for code in regency_table[t("regency_code")])
    skills = open_app(manager, "skills_gap")
    assert not skills.selectbox  # no province picker: the scope is fixed


def test_manager_tables_offer_csv_downloads(demo_env):
    for page in ("overview", "funnel", "regency_map", "skills_gap", "providers", "vacancy_sources"):
        at = open_app(accounts(demo_env)["manager"], page)
        assert at.get("download_button"), page


def _card_buttons(at: AppTest, kind: str) -> dict[int, object]:
    return {int(b.key.split("-", 1)[1]): b for b in at.button if b.key and b.key.startswith(f"{kind}-")}


def test_participant_feedback_is_stored_and_changes_the_list(demo_copy_env):
    participant = accounts(demo_copy_env)["participant"]
    engine = make_engine(demo_copy_env.url)
    at = open_app(participant, "matches")
    assert_clean(at)
    dismiss = _card_buttons(at, "dismissed")
    assert dismiss, "the participant has matches"
    first = next(iter(dismiss))
    dismiss[first].click().run()
    assert_clean(at)
    assert first not in _card_buttons(at, "dismissed")
    with engine.connect() as connection:
        kinds = connection.scalars(
            select(Interaction.kind).where(Interaction.participant_id == participant.participant_id, Interaction.vacancy_id == first, Interaction.client_key.is_not(None))
        ).all()
    assert kinds == ["dismissed"]
    save = _card_buttons(at, "saved")
    saved_id = next(iter(save))
    save[saved_id].click().run()
    assert _card_buttons(at, "saved")[saved_id].disabled
    assert saved_id in _card_buttons(at, "dismissed")  # saving keeps it in the list


def test_participant_sees_only_their_own_trainings(demo_env):
    participant = accounts(demo_env)["participant"]
    engine = make_engine(demo_env.url)
    with engine.connect() as connection:
        own = connection.scalar(select(func.count()).select_from(Enrollment).where(Enrollment.participant_id == participant.participant_id))
    at = open_app(participant, "my_trainings")
    assert_clean(at)
    assert len(at.dataframe[0].value) == own
    for page in ("matches", "my_trainings", "next_training"):
        page_app = open_app(participant, page)
        assert not page_app.text_input  # nothing to type another person's id into


def test_researcher_promotes_a_run(demo_copy_env):
    from recommender.dataset import Dataset
    from recommender.models import make_model
    from recommender.registry import promoted_run_id, record_run

    engine = make_engine(demo_copy_env.url)
    original = promoted_run_id(engine)
    dataset = load_dataset(engine)
    new_run = record_run(engine, make_model("popularity").fit(dataset), dataset, notes="candidate")
    at = open_app(accounts(demo_copy_env)["researcher"], "model_runs")
    assert_clean(at)
    at.selectbox[0].set_value(new_run)
    at.button[0].click().run()
    assert [s.value for s in at.success] == [t("promoted_now", run=new_run)]
    assert promoted_run_id(engine) == new_run
    at.selectbox[0].set_value(original)
    at.button[0].click().run()
    assert promoted_run_id(engine) == original


def test_fairness_page_reads_a_finished_evaluation_and_flags_gaps(demo_env):
    folder = demo_env.data_dir / "jobs" / "20990101-000000-test"
    folder.mkdir(parents=True)
    fairness = [
        {"segment": "gender", "group": "F", "users": 40, "user_share": 0.4, "exposure_share": 0.25, "exposure_ratio": 0.625, "mean_recommended_wage": 3.0e6, "wage_gap": -1e5, "wage_gap_pct": -3.2, "small_group": False, "model": "blend"},
        {"segment": "gender", "group": "M", "users": 55, "user_share": 0.55, "exposure_share": 0.7, "exposure_ratio": 1.27, "mean_recommended_wage": 3.2e6, "wage_gap": 1e5, "wage_gap_pct": 3.2, "small_group": False, "model": "blend"},
        {"segment": "gender", "group": "X", "users": 5, "user_share": 0.05, "exposure_share": 0.05, "exposure_ratio": 1.0, "mean_recommended_wage": 3.1e6, "wage_gap": 0.0, "wage_gap_pct": 0.0, "small_group": True, "model": "blend"},
    ]
    segments = [{"segment": "gender", "group": g, "users": n, "small_group": n < 10, "ndcg@10": 0.1, "model": "blend"} for g, n in (("F", 40), ("M", 55), ("X", 5))]
    report = {"k": 10, "default_model": "blend", "models": {"blend": {"ndcg@10": 0.12}}, "segments": segments, "fairness": fairness}
    (folder / "stdout.txt").write_text(json.dumps(report))
    (folder / "job.json").write_text(json.dumps({"job_id": folder.name, "kind": "evaluate", "arguments": ["evaluate", "--format", "json"], "state": "finished", "started_at": "2099-01-01T00:00:00", "exit_code": 0}))
    try:
        at = open_app(accounts(demo_env)["researcher"], "fairness")
        assert_clean(at)
        # F's gap is real but F is hidden (see below), so only M is named, and in words
        assert [w.value for w in at.warning] == [t("gaps_found", groups=t("group_M"))]
        table = at.dataframe[-2].value
        # X (5) is hidden, and F (40) with it: user shares give the total, so 100 - 55 would give X's 5
        assert table[t("participants")].tolist() == [t("suppressed_cell"), "55", t("suppressed_cell")]
    finally:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


def test_researcher_inspects_by_pseudonym_only(demo_env):
    engine = make_engine(demo_env.url)
    with engine.connect() as connection:
        pseudonym = connection.scalar(select(Participant.pseudonym).order_by(Participant.id).limit(1))
    at = open_app(accounts(demo_env)["researcher"], "inspect")
    assert_clean(at)
    assert any(pseudonym in h.value for h in at.subheader)
    assert at.dataframe, ([i.value for i in at.info], [m.value for m in at.markdown], [c.value for c in at.caption])
    table = at.dataframe[0].value
    assert len(table) == 10 and table[t("score")].notna().all()
    reasons = [m.value for m in at.markdown if m.value.startswith("**") and t("why_fits") in m.value]
    assert len(reasons) == 10  # every vacancy says why, even when no skill matched, in lines that wrap
    for text in reasons:
        why = text.split(t("why_fits") + ":", 1)[1].split("\n", 1)[0].strip()
        assert why and "declared at registration" not in why  # the source in the reader's language
        assert t("contributions") + ":" in text
    at.text_input[0].input("tidak-ada").run()
    assert [e.value for e in at.error] == [t("unknown_pseudonym", pseudonym="tidak-ada")]


def test_single_sign_on_stays_hidden_unless_configured(demo_env):
    at = open_app(None)
    assert [b.key for b in at.button if b.key == "sso"] == []
    assert [b.label for b in at.button] == [t("sign_in")]


def test_a_scope_whose_waves_are_all_hidden_shows_no_empty_trend(demo_env):
    from dashboard.queries import outcomes

    engine = make_engine(demo_env.url)
    with engine.connect() as connection:
        provinces = connection.scalars(select(Regency.province_code).join(Participant, Participant.regency_code == Regency.code).distinct()).all()
    hidden_everywhere = [
        code for code in sorted(provinces)
        if outcomes.overview(engine, code)[0][outcomes.PARTICIPANTS] is not None and outcomes.funnel(engine, "wave", code)["suppressed"].all()
    ]
    if not hidden_everywhere:
        pytest.skip("this demo world has no province with 10+ people whose waves are all hidden")
    at = open_app(Account("prov", "manager", province_code=hidden_everywhere[0]), "overview")
    assert_clean(at)
    assert [i.value for i in at.info] == [t("trend_all_hidden")]
    assert not at.get("arrow_vega_lite_chart")


def test_a_training_started_from_the_page_trains_the_latest_evaluations_choice_by_default(demo_env):
    at = open_app(accounts(demo_env)["researcher"], "training_jobs")
    assert_clean(at)
    algorithm = at.selectbox[0]
    assert algorithm.value == "" and algorithm.format_func(algorithm.value) == t("algorithm_default")
    assert algorithm.options[0] == t("algorithm_default") and "grounded" in algorithm.options
