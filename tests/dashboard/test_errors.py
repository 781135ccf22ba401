"""A page that fails shows a friendly sentence with a reference id; the traceback goes to the server log only."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.auth import Account
from dashboard.errors import logger
from dashboard.i18n import t

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


def test_a_failing_page_shows_a_reference_id_and_logs_the_traceback(demo_env, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database exploded at /srv/secret/path.py")

    monkeypatch.setattr("dashboard.session.cached", broken)
    collected = _Collect()
    logger.addHandler(collected)
    try:
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["account"] = Account("manajer", "manager")
        at.run()
    finally:
        logger.removeHandler(collected)
    assert not at.exception  # no traceback element reaches the browser
    shown = " ".join(e.value for e in at.error)
    reference = re.search(r"\b([0-9a-f]{10})\b", shown).group(1)
    assert shown == t("unexpected_error", reference=reference)
    assert "secret" not in shown and "RuntimeError" not in shown
    record = next(r for r in collected.records if reference in r.getMessage())
    assert record.exc_info and record.exc_info[0] is RuntimeError  # the operator gets the traceback under the same id
