"""Two-factor authentication (allauth.mfa): open to every member, required of
moderators before the moderation pages and of staff before the admin."""

import re
import subprocess
import sys

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from comments.models import (
    Comment,
    CommentStatus,
    MemberNote,
    MemberStanding,
    ModerationEvent,
)

pytestmark = pytest.mark.django_db

QUEUE = reverse("comments:moderation-queue")
BULK = reverse("comments:moderation-bulk")
SETUP = reverse("mfa_activate_totp")
CODE_STEP = reverse("mfa_authenticate")
REAUTH = reverse("mfa_reauthenticate")
PASSWORD = "correct-horse-battery-9"  # the factories' password


@pytest.fixture
def mfa_on(settings):
    settings.MFA_REQUIRED_FOR_MODERATORS = True
    # A code made just before a 30-second boundary is checked just after it;
    # allow the neighbouring period so the tests never flicker. A code from
    # further away is still refused (tested below).
    settings.MFA_TOTP_TOLERANCE = 1
    cache.clear()  # allauth keeps used codes and rate limits there
    yield
    cache.clear()


@pytest.fixture
def pending(article, member, comment_factory):
    return comment_factory(article=article, author=member, status=CommentStatus.PENDING)


def log_in(client, user, next_url=""):
    data = {"login": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("account_login"), data)


def confirm_password(client):
    # allauth asks for the password again before two-factor settings change.
    response = client.post(
        reverse("account_reauthenticate"), {"password": PASSWORD, "next": SETUP}
    )
    assert response.status_code == 302
    assert response["Location"] == SETUP


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def moderation_gets(comment, member):
    return [
        QUEUE,
        QUEUE + "?tab=spam",
        reverse("comments:moderation-reject", kwargs={"pk": comment.pk}),
        reverse("comments:member-detail", kwargs={"pk": member.pk}),
        reverse("comments:audit-log"),
        reverse("comments:audit-log-csv"),
    ]


def moderation_posts(comment, member):
    one = {"pk": comment.pk}
    return [
        (reverse("comments:moderation-approve", kwargs=one), {}),
        (reverse("comments:moderation-reject", kwargs=one), {"reason": "off_topic"}),
        (reverse("comments:moderation-spam", kwargs=one), {}),
        (reverse("comments:moderation-remove", kwargs=one), {}),
        (reverse("comments:moderation-restore", kwargs=one), {}),
        (reverse("comments:moderation-keep", kwargs=one), {}),
        (BULK, {"action": "approve", "ids": [comment.pk], "tab": "pending"}),
        (BULK, {"action": "spam", "all_matching": "on"}),
        (
            reverse("comments:member-note-add", kwargs={"pk": member.pk}),
            {"text": "Watch this one."},
        ),
        (
            reverse("comments:member-standing", kwargs={"pk": member.pk}),
            {"level": "banned"},
        ),
    ]


# The requirement's default -------------------------------------------------


@pytest.mark.parametrize(
    ("env", "required"),
    [
        ({"DJANGO_DEBUG": "0"}, True),
        ({"DJANGO_DEBUG": "1"}, False),
        ({"DJANGO_DEBUG": "0", "DJANGO_MFA_REQUIRED": "0"}, False),
        ({"DJANGO_DEBUG": "1", "DJANGO_MFA_REQUIRED": "1"}, True),
    ],
)
def test_mfa_requirement_is_on_exactly_when_debug_is_off_unless_set(env, required):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import ldnforum.settings as s; print(s.MFA_REQUIRED_FOR_MODERATORS)",
        ],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SECRET_KEY": "x", **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(required)


# Moderators without an authenticator app ------------------------------------


def test_moderator_without_authenticator_is_sent_from_the_queue_to_set_one_up(
    mfa_on, client, moderator
):
    log_in(client, moderator)
    response = client.get(QUEUE, follow=True)
    assert response.redirect_chain[0] == (SETUP, 302)
    assert response.status_code == 200
    assert (
        "Moderators and staff need two-factor authentication. Set up an "
        "authenticator app to continue."
    ) in messages_of(response)
    confirm_password(client)
    assert "Activate Authenticator App" in client.get(SETUP).content.decode()


def test_every_moderation_page_sends_a_moderator_without_authenticator_to_set_up(
    mfa_on, client, moderator, pending, member
):
    client.force_login(moderator)
    for url in moderation_gets(pending, member):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == SETUP, url


def test_every_moderation_action_is_refused_to_a_moderator_without_authenticator(
    mfa_on, client, moderator, pending, member
):
    client.force_login(moderator)
    for url, data in moderation_posts(pending, member):
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "need two-factor authentication" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == CommentStatus.PENDING
    assert ModerationEvent.objects.filter(comment=pending).count() == 1  # created
    assert not MemberNote.objects.exists()
    assert not MemberStanding.objects.exists()


def test_bulk_approve_by_moderator_without_authenticator_is_403_and_changes_nothing(
    mfa_on, client, moderator, article, member, comment_factory
):
    waiting = [
        comment_factory(article=article, author=member, status=CommentStatus.PENDING)
        for _ in range(3)
    ]
    events_before = ModerationEvent.objects.count()
    log_in(client, moderator)
    response = client.post(
        BULK,
        {"action": "approve", "ids": [c.pk for c in waiting], "tab": "pending"},
    )
    assert response.status_code == 403
    assert set(
        Comment.objects.filter(pk__in=[c.pk for c in waiting]).values_list(
            "status", flat=True
        )
    ) == {CommentStatus.PENDING}
    assert ModerationEvent.objects.count() == events_before


# Moderators with an authenticator app ---------------------------------------


def test_moderator_with_authenticator_enters_a_code_at_login_and_reaches_the_queue(
    mfa_on, client, moderator, pending, totp_factory, totp_code
):
    secret = totp_factory(moderator)
    response = log_in(client, moderator, next_url=QUEUE)
    assert response.status_code == 302
    assert response["Location"] == CODE_STEP
    assert "_auth_user_id" not in client.session  # not signed in before the code

    response = client.post(CODE_STEP, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert f'id="queue-{pending.pk}"' in response.content.decode()


def test_moderator_with_authenticator_can_act_on_the_queue_after_the_code(
    mfa_on, client, moderator, pending, totp_factory, totp_code
):
    secret = totp_factory(moderator)
    log_in(client, moderator)
    client.post(CODE_STEP, {"code": totp_code(secret)})
    response = client.post(
        BULK, {"action": "approve", "ids": [pending.pk], "tab": "pending"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == CommentStatus.APPROVED


def test_login_refuses_a_wrong_or_stale_code_and_signs_nobody_in(
    mfa_on, client, moderator, totp_factory, totp_code
):
    secret = totp_factory(moderator)
    log_in(client, moderator, next_url=QUEUE)
    response = client.post(CODE_STEP, {"code": totp_code(secret, steps=-10)})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(QUEUE).status_code == 302


def test_moderator_signed_in_without_a_code_is_asked_for_one_then_returned(
    mfa_on, client, moderator, pending, totp_factory, totp_code
):
    # A session that began without the code step: signed in before the app
    # was added, or through another door.
    secret = totp_factory(moderator)
    client.force_login(moderator)
    response = client.get(QUEUE + "?tab=pending")
    assert response.status_code == 302
    assert response["Location"] == f"{REAUTH}?next=%2Fmoderation%2F%3Ftab%3Dpending"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Enter a code from your authenticator app" in page.content.decode()
    # and a form posted from such a session changes nothing
    refused = client.post(BULK, {"action": "approve", "ids": [pending.pk]})
    assert refused.status_code == 403
    pending.refresh_from_db()
    assert pending.status == CommentStatus.PENDING
    response = client.post(
        response["Location"],
        {"code": totp_code(secret), "next": "/moderation/?tab=pending"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/moderation/?tab=pending"
    assert client.get(QUEUE).status_code == 200


def test_moderator_who_turns_the_app_off_loses_the_queue_again(
    mfa_on, client, moderator, totp_factory, totp_code
):
    secret = totp_factory(moderator)
    log_in(client, moderator)
    client.post(CODE_STEP, {"code": totp_code(secret)})
    assert client.get(QUEUE).status_code == 200
    Authenticator.objects.filter(user=moderator).delete()
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"] == SETUP


def test_members_are_not_asked_for_two_factor_when_it_is_required(
    mfa_on, client, member, article
):
    log_in(client, member)
    assert client.get(reverse("comments:my-comments")).status_code == 200
    assert client.get(article.get_absolute_url()).status_code == 200
    # and the queue stays closed to them as before
    assert client.get(QUEUE).status_code == 403


# The admin -------------------------------------------------------------------


def test_admin_login_form_gives_way_to_the_forum_login(mfa_on, client):
    response = client.get(reverse("admin:login") + "?next=/admin/articles/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/articles/"
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"


def test_staff_without_authenticator_is_sent_from_the_admin_to_set_one_up(
    mfa_on, client, author
):
    log_in(client, author)
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.status_code == 302
    assert response["Location"] == SETUP


def test_staff_without_authenticator_cannot_post_in_the_admin(mfa_on, client, author):
    from articles.models import Article

    client.force_login(author)
    response = client.post(
        reverse("admin:articles_article_add"),
        {"title": "Sneaked in", "slug": "sneaked-in", "author": author.pk},
    )
    assert response.status_code == 403
    assert "need two-factor authentication" in response.content.decode()
    assert not Article.objects.filter(slug="sneaked-in").exists()


def test_staff_with_authenticator_reaches_the_admin_after_the_code(
    mfa_on, client, author, totp_factory, totp_code
):
    secret = totp_factory(author)
    response = log_in(client, author, next_url="/admin/")
    assert response["Location"] == CODE_STEP
    response = client.post(CODE_STEP, {"code": totp_code(secret)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_members_are_still_refused_the_admin_by_the_admin(mfa_on, client, member):
    client.force_login(member)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# With the requirement off (make run) ------------------------------------------


def test_demo_moderator_works_the_queue_with_password_only_when_not_required(
    client, moderator, pending
):
    assert settings.MFA_REQUIRED_FOR_MODERATORS is False
    response = log_in(client, moderator, next_url=QUEUE)
    assert response["Location"] == QUEUE
    assert client.get(QUEUE).status_code == 200
    response = client.post(
        reverse("comments:moderation-approve", kwargs={"pk": pending.pk})
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == CommentStatus.APPROVED


def test_staff_reach_the_admin_with_password_only_when_not_required(client, author):
    log_in(client, author)
    assert client.get("/admin/").status_code == 200


def test_an_app_still_asks_for_its_code_at_login_when_not_required(
    client, moderator, totp_factory
):
    totp_factory(moderator)
    assert log_in(client, moderator)["Location"] == CODE_STEP


# Any member can turn it on ------------------------------------------------------


def test_member_turns_on_an_authenticator_app_and_gets_recovery_codes(
    mfa_on, client, member, totp_code
):
    log_in(client, member)
    confirm_password(client)
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', html)
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7=]+)"', html)
    if secret is None:
        secret = re.search(r'value="([A-Z2-7=]+)"[^>]*id="authenticator_secret"', html)
    secret = secret.group(1)

    response = client.post(SETUP, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert set(
        Authenticator.objects.filter(user=member).values_list("type", flat=True)
    ) == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}

    codes_page = client.get(response["Location"]).content.decode()
    codes = re.search(r"<textarea[^>]*>(.*?)</textarea>", codes_page, re.S).group(1)
    assert len(codes.split()) == 10
    assert all(re.fullmatch(r"\d{8}", code) for code in codes.split())


def test_member_turning_on_the_app_with_a_wrong_code_gets_an_error_and_nothing(
    mfa_on, client, member
):
    log_in(client, member)
    confirm_password(client)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "12345"})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=member).exists()


def test_member_signs_in_with_a_recovery_code_instead_of_the_app(
    mfa_on, client, member, totp_factory
):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    totp_factory(member)
    code = RecoveryCodes.activate(member).get_unused_codes()[0]
    assert log_in(client, member)["Location"] == CODE_STEP
    response = client.post(CODE_STEP, {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
    # used once only
    client.logout()
    log_in(client, member)
    response = client.post(CODE_STEP, {"code": code})
    assert "Incorrect code." in response.content.decode()


def test_setting_up_the_app_asks_anonymous_users_to_log_in(client):
    for url in [reverse("mfa_index"), SETUP, reverse("mfa_view_recovery_codes")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


# Pages -------------------------------------------------------------------------


def _inline_scripts(html: str) -> list[str]:
    return re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_mfa_pages_use_our_layout_crispy_forms_and_no_inline_script(
    mfa_on, client, member, totp_code
):
    log_in(client, member)
    html = client.get(reverse("mfa_index")).content.decode()
    assert 'class="navbar-brand fw-semibold"' in html
    assert "Authenticator App" in html
    assert _inline_scripts(html) == []

    confirm_password(client)
    response = client.get(SETUP)
    html = response.content.decode()
    assert 'class="navbar-brand fw-semibold"' in html
    assert re.search(r'<input[^>]*name="code"[^>]*class="[^"]*\bform-control\b', html)
    assert _inline_scripts(html) == []
    csp = response["Content-Security-Policy"]
    assert re.search(r"img-src 'self' data:", csp)
    assert "unsafe-inline" not in csp

    secret = client.session["mfa.totp.secret"]
    client.post(SETUP, {"code": totp_code(secret)})
    html = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert 'class="navbar-brand fw-semibold"' in html
    assert _inline_scripts(html) == []


def test_code_step_at_login_uses_our_layout_and_crispy(
    mfa_on, client, member, totp_factory
):
    totp_factory(member)
    log_in(client, member)
    html = client.get(CODE_STEP).content.decode()
    assert 'class="navbar-brand fw-semibold"' in html
    assert re.search(r'<input[^>]*name="code"[^>]*class="[^"]*\bform-control\b', html)
    assert _inline_scripts(html) == []


def test_account_page_links_two_factor_settings_for_signed_in_users_only(
    client, member
):
    link = f'href="{reverse("mfa_index")}">Two-factor authentication</a>'
    account = reverse("accounts:settings")
    assert client.get(account).status_code == 302  # to log in
    client.force_login(member)
    assert link in client.get(account).content.decode()


@pytest.mark.parametrize("size", [3, 60])
def test_queue_costs_no_query_more_with_two_factor_whatever_its_size(
    mfa_on,
    settings,
    client,
    moderator,
    article,
    user_factory,
    comment_factory,
    totp_factory,
    totp_code,
    django_assert_max_num_queries,
    size,
):
    for _ in range(size):
        comment_factory(
            article=article, author=user_factory(), status=CommentStatus.PENDING
        )
    secret = totp_factory(moderator)
    log_in(client, moderator)
    client.post(CODE_STEP, {"code": totp_code(secret)})
    # the workbench's 10 at most (tests/comments/test_workbench.py)
    with django_assert_max_num_queries(10) as required:
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-4 queue-item"') == min(
        size, 50
    )
    settings.MFA_REQUIRED_FOR_MODERATORS = False
    with django_assert_max_num_queries(10) as not_required:
        client.get(QUEUE)
    # Whether the moderator still has an authenticator app is asked in the
    # same query as whether they moderate (comments.permissions).
    assert len(required) == len(not_required)
