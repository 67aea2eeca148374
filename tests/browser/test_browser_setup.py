"""The browser the suite drives is Debian's Chromium, started with the
flags issue 5 lists, and not one a test tool downloaded."""

import pytest

from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

ISSUE_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)


def test_browser_is_debians_chromium_started_with_the_issues_flags(browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto("chrome://version")
    executable = page.locator("#executable_path").inner_text()
    command_line = page.locator("#command_line").inner_text()
    page.screenshot(path=SCREENSHOTS / "browser-version.png")
    context.close()
    # /usr/bin/chromium is Debian's launcher for this binary; Playwright's
    # own downloads live under ~/.cache/ms-playwright.
    assert executable == "/usr/lib/chromium/chromium"
    assert f" {ISSUE_FLAGS} " in command_line
