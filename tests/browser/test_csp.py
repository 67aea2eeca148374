"""No page breaks its own Content-Security-Policy: the browser reports no
violation (securitypolicyviolation events and console messages) on the
pages each kind of visitor opens, and nothing loads from another host."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from comments.models import CommentStatus
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} on ${e.documentURI}`
  );
});
"""


def _watch(visitor, base_url):
    """Record CSP violations, and requests to any other host, in
    visitor.problems (which already holds console errors and page errors)."""
    host = urlsplit(base_url).netloc
    visitor.context.expose_function(
        "__cspViolation", lambda what: visitor.problems.append(what)
    )
    visitor.context.add_init_script(REPORT_VIOLATIONS)
    visitor.page.on(
        "request",
        lambda request: (
            visitor.problems.append(f"request to another host: {request.url}")
            if urlsplit(request.url).scheme in ("http", "https")
            and urlsplit(request.url).netloc != host
            else None
        ),
    )
    return visitor


def _besides_error_statuses(problems):
    """Chromium logs each 4xx answer as a console error; those are the
    point of an error page, so only other problems count."""
    return [
        p
        for p in problems
        if not re.fullmatch(
            r"Failed to load resource: the server responded with a status of "
            r"4\d\d \(.*\)",
            p,
        )
    ]


def _visit_all(visitor, urls):
    seen = {}
    for url in urls:
        response = visitor.page.goto(url)
        visitor.page.wait_for_load_state("load")
        seen[url] = response.status
    return seen


@pytest.fixture
def thread(article, member, other_member, comment_factory):
    story = comment_factory(article=article, author=other_member, body="Ann's story.")
    own = comment_factory(article=article, author=member, body="Pat's own story.")
    comment_factory(
        article=article, author=other_member, body="Ann waits.", status="pending"
    )
    comment_factory(article=article, author=member, parent=story, body="Pat replies.")
    return {"story": story, "own": own}


def test_public_pages_report_no_csp_violation(
    visitor, live_server, article, thread, other_member
):
    reader = _watch(visitor("reader"), live_server.url)

    statuses = _visit_all(
        reader,
        [
            "/",
            article.get_absolute_url(),
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/guidelines/",
            "/privacy/",
            f"/members/{other_member.pk}/",
        ],
    )
    assert set(statuses.values()) == {200}
    assert reader.problems == []

    # The sign-up form with errors, as a person sees it after a mistake, and
    # a missing page.
    reader.page.goto("/accounts/signup/")
    # Past the browser's own checks (required fields), to the server's.
    reader.page.evaluate(
        "document.querySelectorAll('form').forEach(f => f.noValidate = true)"
    )
    reader.page.get_by_role("button", name="Sign Up").click()
    expect(reader.page.locator(".invalid-feedback").first).to_be_visible()
    assert reader.page.goto("/no-such-page/").status == 404
    assert _besides_error_statuses(reader.problems) == []


def test_member_pages_report_no_csp_violation(
    visitor, live_server, article, member, thread
):
    patient = _watch(visitor("patient"), live_server.url)
    patient.log_in(member.email, PASSWORD)
    story, own = thread["story"], thread["own"]

    statuses = _visit_all(
        patient,
        [
            article.get_absolute_url(),
            f"{article.get_absolute_url()}?reply={story.pk}#reply-{story.pk}",
            f"/comments/{story.pk}/reply/",
            f"/comments/{story.pk}/report/",
            f"/comments/{own.pk}/edit/",
            f"/comments/{own.pk}/delete/",
            "/my/comments/",
            "/my/account/",
            "/my/profile/",
            "/my/notifications/",
            "/my/data/",
            "/my/delete/",
            "/accounts/email/",
            "/accounts/password/change/",
            "/accounts/2fa/",
            "/accounts/2fa/totp/activate/",
        ],
    )
    assert set(statuses.values()) == {200}
    assert patient.problems == []

    # The comment form with an error.
    patient.page.goto(article.get_absolute_url())
    patient.page.get_by_role("button", name="Post comment").click()
    expect(patient.page.get_by_role("alert")).to_contain_text("not posted")
    assert _besides_error_statuses(patient.problems) == []


def test_moderator_pages_report_no_csp_violation(
    visitor, live_server, moderator, member, thread
):
    mod = _watch(visitor("moderator"), live_server.url)
    mod.log_in(moderator.email, PASSWORD)

    statuses = _visit_all(
        mod,
        [
            "/moderation/",
            f"/moderation/?tab={CommentStatus.APPROVED}",
            "/moderation/log/",
            f"/moderation/members/{member.pk}/",
        ],
    )
    # The workbench's script at work: its keyboard help opens.
    mod.page.goto("/moderation/")
    mod.page.keyboard.press("?")
    expect(mod.page.locator("#workbench-keys")).to_be_visible()

    assert set(statuses.values()) == {200}
    assert mod.problems == []
