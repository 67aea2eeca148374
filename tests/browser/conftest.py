"""Playwright driving Debian's Chromium against pytest-django's live_server.
No test tool downloads a browser: the Makefile installs the `chromium`
package with apt."""

import itertools
import os
import re
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playwright's sync API keeps an event loop in the test thread; the test's own
# ORM calls are still synchronous, which Django's guard can't tell apart.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    # Everything in tests/browser is a browser test, marked or not, so that
    # `make test-fast` (-m "not browser") never starts Chromium.
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs it.")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class Visitor:
    """One person in their own browser context, collecting what the page
    logs so tests can assert that no CSP violation or script error happened."""

    def __init__(self, browser, base_url, name, **context_options):
        self.context = browser.new_context(base_url=base_url, **context_options)
        # Fail in seconds, not Playwright's 30: every page here is local.
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.name = name
        self.problems: list[str] = []
        # Which visitor's page loaded last: the one the test ended on.
        self.loaded_at = 0
        self.page.on("load", lambda _: setattr(self, "loaded_at", next(_loads)))
        self.page.on(
            "console",
            lambda msg: (
                self.problems.append(msg.text)
                if msg.type == "error" or "Content Security Policy" in msg.text
                else None
            ),
        )
        self.page.on("pageerror", lambda exc: self.problems.append(str(exc)))

    def log_in(self, email, password):
        self.page.goto("/accounts/login/")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign In").click()
        self.page.wait_for_load_state()

    def screenshot(self, label):
        self.page.screenshot(path=SCREENSHOTS / f"{label}.png", full_page=True)


_loads = itertools.count(1)


@pytest.fixture
def visitor(request, browser, live_server, transactional_db):
    """visitor(name, **options) opens a browser context of its own (options
    as Playwright's new_context takes them: java_script_enabled, viewport).
    When the test ends, the page it ended on is saved as
    var/screenshots/<test name>.png, passed or failed, for people to look at."""
    visitors = []

    def make(name, **context_options):
        v = Visitor(browser, live_server.url, name, **context_options)
        visitors.append(v)
        return v

    yield make
    last = max(visitors, key=lambda v: v.loaded_at, default=None)
    if last is not None and last.loaded_at:
        last.screenshot(re.sub(r"[^\w.-]+", "-", request.node.name).strip("-"))
    for v in visitors:
        v.context.close()
