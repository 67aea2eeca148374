"""Accounts: sign-up with a display name, mandatory verification, and the
allauth pages in our look."""

import re
import subprocess
import sys

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, transaction

pytestmark = pytest.mark.django_db

User = get_user_model()


def signup(client, *, email="new@example.com", display_name="New Patient"):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "display_name": display_name,
            "password1": "a-long-unusual-passphrase-42",
            "password2": "a-long-unusual-passphrase-42",
        },
    )


def test_signup_sends_verification_email_after_commit(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = signup(client)
    assert response.status_code == 302
    assert len(callbacks) >= 1
    [message] = mailoutbox
    assert message.to == ["new@example.com"]
    assert "/accounts/confirm-email/" in message.body
    assert message.body.startswith("Hello from LDN Forum!")
    assert "New Patient" in message.body
    user = User.objects.get(email="new@example.com")
    assert user.display_name == "New Patient"
    assert not EmailAddress.objects.get(user=user).verified


def test_no_email_is_sent_when_the_transaction_does_not_commit(client, mailoutbox):
    # Without the commit (the test's transaction never commits), nothing goes.
    signup(client)
    assert mailoutbox == []


def test_unverified_member_cannot_log_in_until_verified(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client)
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/login/",
            {"login": "new@example.com", "password": "a-long-unusual-passphrase-42"},
        )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("display_name", "message"),
    [
        ("me@example.com", "can&#x27;t contain an email address"),
        ("<script>", "Use letters, numbers"),
        ("x", "at least 2 characters"),
        ("taken name", "That display name is taken."),
    ],
)
def test_signup_refuses_a_bad_display_name(client, user_factory, display_name, message):
    user_factory(display_name="Taken Name")
    response = signup(client, display_name=display_name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_display_names_are_unique_ignoring_case(user_factory):
    user_factory(display_name="Ruth")
    with pytest.raises(IntegrityError), transaction.atomic():
        user_factory(display_name="RUTH")


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ],
)
def test_allauth_pages_use_our_base_template_and_crispy(client, url):
    html = client.get(url).content.decode()
    assert 'class="navbar-brand fw-semibold"' in html
    assert "bootstrap.min.css" in html
    assert re.search(r'class="[^"]*\bform-control\b', html)


@pytest.mark.parametrize("url", ["/accounts/email/", "/accounts/password/change/"])
def test_account_management_pages_work_for_members(client, member, url):
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    assert re.search(r'class="[^"]*\bform-control\b', response.content.decode())


def test_password_reset_sends_an_email(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": member.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_repeated_failed_logins_are_rate_limited(client, member):
    cache.clear()
    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"login": member.email, "password": "wrong"}
        )
        assert response.status_code == 200
        assert "Too many failed" not in response.content.decode()
    response = client.post(
        "/accounts/login/", {"login": member.email, "password": "wrong"}
    )
    assert "Too many failed login attempts" in response.content.decode()
    cache.clear()


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    env = {"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "-c", "import ldnforum.settings"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_email_address_never_appears_on_public_pages(
    client, user_factory, article, comment_factory
):
    writer = user_factory(email="private.person@example.com", display_name="Private")
    comment_factory(article=article, author=writer)
    for url in ["/", article.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert not re.search(r"private\.person@example\.com", html)
