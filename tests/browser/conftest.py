"""Playwright driving Debian's Chromium against pytest-django's live_server.
No test tool downloads a browser: the Makefile installs the `chromium`
package with apt."""

import os
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


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class Visitor:
    """One person in their own browser context, collecting what the page
    logs so tests can assert that no CSP violation or script error happened."""

    def __init__(self, browser, base_url, name):
        self.context = browser.new_context(base_url=base_url)
        self.page = self.context.new_page()
        self.name = name
        self.problems: list[str] = []
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
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{label}.png", full_page=True)


@pytest.fixture
def visitor(browser, live_server, transactional_db):
    visitors = []

    def make(name):
        v = Visitor(browser, live_server.url, name)
        visitors.append(v)
        return v

    yield make
    for v in visitors:
        v.context.close()
