"""Wrong passwords slow the next attempt down, per account and per client, on both databases and on the page."""

from __future__ import annotations

import datetime as dt
import uuid

from streamlit.testing.v1 import AppTest

from dashboard import sign_in_limits as limits
from dashboard.auth import create_account
from dashboard.i18n import t
from prakerja.db import make_engine

T0 = dt.datetime(2026, 12, 5, 10, 0, 0)


def test_the_wait_grows_after_the_free_attempts_and_is_capped():
    assert [limits.delay_after(n) for n in range(1, 8)] == [0, 0, 5, 10, 20, 40, 80]
    assert limits.delay_after(100) == limits.MAX_DELAY_SECONDS


def test_failures_count_per_account_and_per_client(engine):
    for n in range(limits.FREE_FAILURES):
        assert limits.record_failure(engine, "siti", "10.0.0.1", T0) == (0 if n < limits.FREE_FAILURES - 1 else 5)
    assert limits.seconds_to_wait(engine, "siti", "10.0.0.9", T0) == 5  # the account waits, whatever the client
    assert limits.seconds_to_wait(engine, "budi", "10.0.0.1", T0) == 5  # the client waits, whatever the account
    assert limits.seconds_to_wait(engine, "budi", "10.0.0.9", T0) == 0
    assert limits.seconds_to_wait(engine, "SITI ", "10.0.0.9", T0 + dt.timedelta(seconds=5)) == 0
    assert limits.record_failure(engine, "siti", "10.0.0.1", T0 + dt.timedelta(seconds=6)) == 10
    limits.record_success(engine, "siti")
    assert limits.seconds_to_wait(engine, "siti", "10.0.0.9", T0 + dt.timedelta(seconds=7)) == 0
    assert limits.seconds_to_wait(engine, "x", "10.0.0.1", T0 + dt.timedelta(seconds=7)) == 9  # the guessing client still waits
    assert limits.seconds_to_wait(engine, "x", "10.0.0.1", T0 + limits.FORGET_AFTER + dt.timedelta(seconds=7)) == 0


def _sign_in(at: AppTest, username: str, password: str) -> list[str]:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return [e.value for e in at.error]


def test_25_wrong_passwords_then_the_right_one_does_not_sign_in(demo_copy_env):
    engine = make_engine(demo_copy_env.url)
    name = f"tebak{uuid.uuid4().hex[:6]}"
    create_account(engine, name, "sandi-yang-benar", "researcher")
    at = AppTest.from_file("../../streamlit_app.py", default_timeout=60).run()
    assert t("sign_in_policy", free=limits.FREE_FAILURES, minutes=limits.MAX_DELAY_SECONDS // 60) in [c.value for c in at.caption]
    errors = []
    for n in range(25):
        errors = _sign_in(at, name, f"salah-{n}")
    assert any(t("sign_in_wait", seconds=s) in " ".join(errors) for s in range(1, limits.MAX_DELAY_SECONDS + 1))
    errors = _sign_in(at, name, "sandi-yang-benar")
    assert "account" not in at.session_state
    assert errors and errors[0].startswith(t("sign_in_wait", seconds=0).split(":")[0])
