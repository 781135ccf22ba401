"""The real dashboard in Debian chromium: sign in as each role, click through every page.

Starts ``streamlit run streamlit_app.py`` on a free port of 127.0.0.1 against
the small demo database, drives it with Playwright (the system chromium; never
``playwright install``), fails on any exception a page shows, and saves one
screenshot per page under ``test-artifacts/dashboard/``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from dashboard.auth import create_account
from dashboard.i18n import t
from dashboard.navigation import ROLE_PAGES
from prakerja.db import make_engine

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PASSWORD = "uji-peramban-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    """The dashboard served from a subprocess, with one fresh account per role."""
    engine = make_engine(demo_db.url)
    suffix = uuid.uuid4().hex[:6]
    users = {
        "participant": create_account(engine, f"peserta-{suffix}", PASSWORD, "participant", participant_id=demo_db.participants[1]),
        "manager": create_account(engine, f"manajer-{suffix}", PASSWORD, "manager"),
        "researcher": create_account(engine, f"peneliti-{suffix}", PASSWORD, "researcher"),
    }
    engine.dispose()
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("browser-data")
    env = {**os.environ, "DATABASE_URL": demo_db.url, "PRAKERJA_DATA_DIR": str(data_dir), "PRAKERJA_ARTIFACT_DIR": str(demo_db.data_dir / "models")}
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]
    log = open(data_dir / "streamlit.log", "wb")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("streamlit did not start: " + (data_dir / "streamlit.log").read_text(errors="replace")[-2000:])
        time.sleep(0.5)
    yield url, users
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _settle(page, title: str) -> None:
    """Wait for the page's title, then until Streamlit runs no script and draws no placeholder for a while."""
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=60_000)
    busy = page.locator('[data-testid="stStatusWidget"], [data-testid="stSkeleton"]')
    quiet_since, deadline = None, time.monotonic() + 60
    while time.monotonic() < deadline:
        if busy.count():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 1.0:
            return
        page.wait_for_timeout(200)
    pytest.fail(f"page {title!r} kept running for a minute")


def _assert_no_exception(page, label: str) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{label}: {exceptions.first.inner_text()[:500]}"
    assert "Traceback" not in page.inner_text("body"), label


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_each_role_clicks_through_every_page(server, browser, role):
    url, users = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        page.goto(url)
        _settle(page, t("page_sign_in"))
        page.screenshot(path=str(ARTIFACTS / f"{role}-0-sign-in.png"), full_page=True)
        page.get_by_label(t("username")).fill(users[role].username)
        page.get_by_label(t("password")).fill(PASSWORD)
        page.get_by_role("button", name=t("sign_in")).click()
        for number, (stem, title, _) in enumerate(ROLE_PAGES[role], start=1):
            if number > 1:
                page.locator('[data-testid="stSidebarNav"]').get_by_text(t(title), exact=True).click()
            _settle(page, t(title))
            _assert_no_exception(page, f"{role}/{stem}")
            assert t("access_denied") not in page.inner_text("body")
            page.screenshot(path=str(ARTIFACTS / f"{role}-{number}-{stem}.png"), full_page=True)
    finally:
        context.close()
