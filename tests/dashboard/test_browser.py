"""The real dashboard in Debian chromium: every role, both languages, every page, after real work.

Starts ``prakerja dashboard`` (the production settings) on a free port of
127.0.0.1 against a small demo world that has been trained, evaluated and fed
an ingest with bad rows (``worked_world``), drives it with Playwright and the
system chromium (never ``playwright install``; ``make browser-deps``
installs chromium), four sessions at a time, and fails on any exception or
error a page shows, on Streamlit's English placeholders in the Indonesian
interface, on a metric value wider than its box (cut off), on an image from
outside the app, and on the Deploy button. One full-page screenshot per page
goes to ``test-artifacts/dashboard/<lang>-<role>-<n>-<page>.png``.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from dashboard.auth import create_account
from dashboard.i18n import LANGUAGES, t
from dashboard.navigation import ROLE_PAGES
from prakerja.db import make_engine
from tests.dashboard.worked_world import copy_worked_world

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
CLI = [sys.executable, "-c", "from prakerja.cli import main; main()"]
PASSWORD = "uji-peramban-1"
VIEWPORT = {"width": 1400, "height": 1000}
#: Streamlit's own English texts that must not appear in the Indonesian interface.
ENGLISH_PLACEHOLDERS = ("Choose an option", "Choose options", "Press Enter", "No results", "No options to select", "Running...")
#: (name in the test, role whose pages it opens)
USERS = (("participant", "participant"), ("manager", "manager"), ("province", "manager"), ("researcher", "researcher"))
CUT_METRICS = """
() => Array.from(document.querySelectorAll('[data-testid="stMetricValue"]')).flatMap((box) => {
  const parts = [box, ...box.querySelectorAll('*')];
  return parts.some((el) => el.scrollWidth > el.clientWidth + 1) ? [box.innerText] : [];
})
"""
OUTSIDE_IMAGES = """
(origin) => Array.from(document.images).map((img) => img.currentSrc || img.src)
  .filter((src) => src && !src.startsWith(origin) && !src.startsWith('data:') && !src.startsWith('blob:'))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(worked_world, tmp_path_factory):
    """``prakerja dashboard`` on a copy of the worked world, with one fresh account per user of the test."""
    world = copy_worked_world(worked_world, tmp_path_factory.mktemp("browser-world"))
    engine = make_engine(world.url)
    with engine.connect() as connection:
        busiest = connection.exec_driver_sql(
            "select r.province_code from participants p join regencies r on r.code = p.regency_code group by 1 order by count(*) desc, 1 limit 1"
        ).scalar()
    suffix = uuid.uuid4().hex[:6]
    users = {
        "participant": create_account(engine, f"peserta-{suffix}", PASSWORD, "participant", participant_id=world.participants[1]),
        "manager": create_account(engine, f"manajer-{suffix}", PASSWORD, "manager"),
        "province": create_account(engine, f"manajer{busiest}-{suffix}", PASSWORD, "manager", province_code=busiest),
        "researcher": create_account(engine, f"peneliti-{suffix}", PASSWORD, "researcher"),
    }
    engine.dispose()
    port = _free_port()
    log_path = world.folder / "dashboard.log"
    log = open(log_path, "wb")
    process = subprocess.Popen([*CLI, "dashboard", "--port", str(port)], cwd=ROOT, env=world.env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the dashboard did not start: " + log_path.read_text(errors="replace")[-2000:])
        time.sleep(0.5)
    yield url, users
    process.terminate()  # prakerja dashboard passes SIGTERM on to Streamlit
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


#: Sessions driven at once: most of a page's time is waiting for the server and the quiet spell, not CPU.
CONCURRENT_SESSIONS = 4


async def _settle(page, title: str) -> None:
    """Wait for the page's title, then until Streamlit runs no script and draws no placeholder for a while.

    "Runs no script" is Streamlit's own state on the app element
    (``data-test-script-state``, what Streamlit's end-to-end tests wait on),
    so the quiet spell that follows only has to cover a rerun just being asked for.
    """
    await page.get_by_role("heading", name=title, level=1).wait_for(timeout=90_000)
    busy = page.locator('[data-testid="stStatusWidget"], [data-testid="stSkeleton"], [data-testid="stSpinner"]')
    idle = page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]')
    quiet_since, deadline = None, time.monotonic() + 90
    while time.monotonic() < deadline:
        if await busy.count() or not await idle.count():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.5:
            await page.wait_for_timeout(300)  # charts draw after the script ends
            return
        await page.wait_for_timeout(100)
    raise AssertionError(f"page {title!r} kept running for 90 seconds")


async def _screenshot(page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so the window is made as tall as the content first."""
    height = await page.evaluate("() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], [data-testid=\"stSidebarContent\"]')].map((el) => el.scrollHeight))")
    await page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], min(int(height) + 40, 12_000))})
    await page.wait_for_timeout(200)
    await page.screenshot(path=str(path), full_page=True)
    await page.set_viewport_size(VIEWPORT)


async def _check_page(page, url: str, label: str, lang: str) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert await exceptions.count() == 0, f"{label}: {(await exceptions.first.inner_text())[:500]}"
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert await errors.count() == 0, f"{label}: {(await errors.first.inner_text())[:500]}"
    text = await page.inner_text("body")
    assert "Traceback" not in text and t("access_denied", lang) not in text, label
    if lang == "id":
        english = [phrase for phrase in ENGLISH_PLACEHOLDERS if phrase in text]
        assert english == [], f"{label}: Streamlit's English {english}"
    assert await page.evaluate(CUT_METRICS) == [], f"{label}: metric values cut off"
    assert await page.evaluate(OUTSIDE_IMAGES, url) == [], f"{label}: images from outside the app"
    assert await page.locator('[data-testid="stAppDeployButton"]').count() == 0, f"{label}: the Deploy button shows"


async def _visit_every_page(browser, url: str, account, role: str, lang: str, user: str) -> None:
    """One person's session: the sign-in page (switched to ``lang``), signing in, then each page of the role."""
    context = await browser.new_context(viewport=VIEWPORT, locale="id-ID")
    page = await context.new_page()
    try:
        await page.goto(url)
        await _settle(page, t("page_sign_in", "id"))
        if lang != "id":
            await page.locator('[data-testid="stSidebar"]').get_by_text(LANGUAGES[lang], exact=True).click()
            await _settle(page, t("page_sign_in", lang))
        await _check_page(page, url, f"{lang}/{user}/sign-in", lang)
        await _screenshot(page, ARTIFACTS / f"{lang}-{user}-0-sign-in.png")
        await page.get_by_label(t("username", lang), exact=True).fill(account.username)
        await page.get_by_label(t("password", lang), exact=True).fill(PASSWORD)
        await page.get_by_role("button", name=t("sign_in", lang)).click()
        for number, (stem, title, _) in enumerate(ROLE_PAGES[role], start=1):
            if number > 1:
                await page.locator('[data-testid="stSidebarNav"]').get_by_text(t(title, lang), exact=True).click()
            await _settle(page, t(title, lang))
            await _check_page(page, url, f"{lang}/{user}/{stem}", lang)
            await _screenshot(page, ARTIFACTS / f"{lang}-{user}-{number}-{stem}.png")
    finally:
        await context.close()


async def _visit_all(url: str, users: dict) -> dict[tuple[str, str], BaseException | None]:
    """Every (user, language) session, ``CONCURRENT_SESSIONS`` at a time in one chromium; what each raised, if anything."""
    from playwright.async_api import async_playwright

    slots = asyncio.Semaphore(CONCURRENT_SESSIONS)

    async def one(browser, user: str, role: str, lang: str) -> BaseException | None:
        async with slots:
            try:
                await _visit_every_page(browser, url, users[user], role, lang, user)
            except Exception as error:  # reported by the case's own test below
                return error
            return None

    cases = [(user, role, lang) for user, role in USERS for lang in LANGUAGES]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            outcomes = await asyncio.gather(*(one(browser, *case) for case in cases))
        finally:
            await browser.close()
    return {(user, lang): outcome for (user, _, lang), outcome in zip(cases, outcomes)}


@pytest.fixture(scope="module")
def visits(server):
    """All sessions, driven together once: each page waits mostly on the server, so they overlap."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (Debian chromium)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    url, users = server
    return asyncio.run(_visit_all(url, users))


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("user, role", USERS, ids=[name for name, _ in USERS])
def test_every_user_opens_every_page_in_both_languages(visits, user, role, lang):
    failure = visits[(user, lang)]
    if failure is not None:
        raise failure
