"""Browser tests: Debian's Chromium driven by Playwright against Django's live server, with
axe-core checking each page for serious and critical accessibility violations.

One browser for the whole session, a fresh browser context (cookies, storage) per test, and
the demo loaded into an empty database before each test.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

# Playwright's sync API keeps an asyncio event loop in the main thread; Django would refuse
# the ORM calls these tests make (loading the demo, counting rows) from what looks like an
# async context. Nothing here is async, so tell Django it is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect, sync_playwright

from enablement.demo.loader import DEMO_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]
BLOCKING_IMPACTS = ("serious", "critical")

_axe = Axe()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless. Missing Chromium fails the run: it must never skip."""
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}, which is missing. "
            "Install it with `apt-get install -y chromium chromium-driver` "
            "(never `playwright install`).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def live_demo(transactional_db, live_server):
    """The demo as `make run` loads it, at the real current moment (the live server reads
    the real clock), in the database the live server uses."""
    from django.utils import timezone

    from enablement.demo.loader import load_demo

    now = timezone.now()
    load_demo(now=now)
    return now


def _new_page(browser, live_server, **context_options) -> Page:
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def page(browser, live_server, live_demo):
    """A page in a new browser context: no cookies from any other test."""
    page = _new_page(browser, live_server)
    yield page
    page.context.close()


@pytest.fixture
def page_without_js(browser, live_server, live_demo):
    """A page in a new browser context with JavaScript switched off."""
    page = _new_page(browser, live_server, java_script_enabled=False)
    yield page
    page.context.close()


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the sign-in form, as a person would."""
    page.goto("/sign-in/")
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_out(page: Page) -> None:
    """Sign out with the button in the header, and check we are back at sign-in."""
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/sign-in/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Enablement")
    # and the session is over: the home page asks them to sign in again
    page.goto("/")
    assert path_of(page) == "/sign-in/"


def path_of(page: Page) -> str:
    """The path of the page's URL, without query or fragment."""
    return urlsplit(page.url).path


def assert_accessible(page: Page) -> None:
    """Run axe on the page as it is now and fail on any serious or critical violation,
    naming each rule, its impact and the elements that break it."""
    violations = [
        v for v in _axe.run(page).response["violations"] if v["impact"] in BLOCKING_IMPACTS
    ]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    at {' '.join(map(str, node['target']))}" for node in v["nodes"])
        for v in violations
    )
    assert not violations, (
        f"axe found {len(violations)} serious or critical accessibility violation(s) on "
        f"{page.url}:\n{report}"
    )
