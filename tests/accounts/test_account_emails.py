"""Every account email (allauth's) has a plain-text part and an HTML part,
made from our templates, carrying the same link. (A password reset for an
address with no account sends nothing: ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS.)"""

import logging
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-brand-new-passphrase-77"


def parts(message) -> tuple[str, str]:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return message.body, html


def links(text: str) -> set[str]:
    return set(re.findall(r"https?://testserver/[^\s\"<]+", text))


def sent(client, django_capture_on_commit_callbacks, url, data):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(url), data)


def signup(email):
    return {
        "email": email,
        "display_name": "Ruth in Leeds",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }


@pytest.mark.parametrize(
    ("action", "expected_path"),
    [
        ("signup", "/accounts/confirm-email/"),
        ("signup_taken", "/accounts/password/reset/"),
        ("reset", "/accounts/password/reset/key/"),
    ],
)
def test_account_email_has_text_and_html_parts_with_the_same_link(
    client,
    member,
    mailoutbox,
    django_capture_on_commit_callbacks,
    action,
    expected_path,
):
    match action:
        case "signup":
            data, url = signup("ruth@example.com"), "account_signup"
        case "signup_taken":
            data, url = signup(member.email), "account_signup"
        case "reset":
            data, url = {"email": member.email}, "account_reset_password"
    sent(client, django_capture_on_commit_callbacks, url, data)
    [message] = mailoutbox
    text, html = parts(message)
    [link] = links(text)
    assert expected_path in link
    assert link in links(html)
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert "Hello from LDN Forum!" in text
    assert "Hello from LDN Forum!" in html


def test_failing_account_email_is_retried_logged_and_sent_once(
    client, member, mailoutbox, flaky_mail, caplog, django_capture_on_commit_callbacks
):
    flaky_mail["failures"] = 2
    with caplog.at_level(logging.WARNING, logger="accounts.tasks"):
        sent(
            client,
            django_capture_on_commit_callbacks,
            "account_reset_password",
            {"email": member.email},
        )
    [message] = mailoutbox
    assert message.to == [member.email]
    assert flaky_mail["tries"] == 3
    assert "failed, attempt 1 of 5: ConnectionRefusedError" in caplog.text


def test_account_email_gives_up_after_the_last_attempt(
    client, member, mailoutbox, flaky_mail, caplog, django_capture_on_commit_callbacks
):
    flaky_mail["failures"] = 1000
    with caplog.at_level(logging.WARNING, logger="accounts.tasks"):
        sent(
            client,
            django_capture_on_commit_callbacks,
            "account_reset_password",
            {"email": member.email},
        )
    assert mailoutbox == []
    assert flaky_mail["tries"] == 5
    assert "Gave up on" in caplog.text
