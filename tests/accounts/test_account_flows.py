"""Sign-up, email verification, password reset and email change, end to end:
each link is taken from the email in mailoutbox and followed as a member
would."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

User = get_user_model()
OLD_PASSWORD = "correct-horse-battery-9"  # the factories' password
NEW_PASSWORD = "a-brand-new-passphrase-77"


def link_in(message) -> str:
    """The one link to this site in an email's text part, as a path."""
    [url] = re.findall(r"https?://testserver(/\S+)", message.body)
    return url


def log_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def signed_in_user(client):
    return client.session.get("_auth_user_id")


def test_signup_verification_link_confirms_the_address_and_signs_the_member_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "ruth@example.com",
                "display_name": "Ruth in Leeds",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
    user = User.objects.get(email="ruth@example.com")
    assert user.display_name == "Ruth in Leeds"
    [message] = mailoutbox
    assert message.to == ["ruth@example.com"]
    assert message.subject == "[LDN Forum] Please Confirm Your Email Address"
    url = link_in(message)
    assert url.startswith("/accounts/confirm-email/")

    page = client.get(url)
    assert page.status_code == 200
    assert "ruth@example.com" in page.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert signed_in_user(client) == str(user.pk)
    # and the display name is what the member is known by
    assert "(Ruth in Leeds)" in client.get("/").content.decode()


def test_a_wrong_verification_link_says_so_and_verifies_nothing(client, unverified):
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert "This email confirmation link expired or is invalid." in (
        response.content.decode()
    )
    assert client.post("/accounts/confirm-email/not-a-real-key/").status_code == 404
    assert not EmailAddress.objects.get(user=unverified).verified


def test_password_reset_link_sets_a_new_password_that_logs_in(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email})
    [message] = mailoutbox
    assert message.to == [member.email]
    assert message.subject == "[LDN Forum] Password Reset Email"
    url = link_in(message)
    assert url.startswith("/accounts/password/reset/key/")

    # allauth moves the key out of the address before showing the form
    response = client.get(url, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    assert re.search(r'name="password1"', response.content.decode())
    response = client.post(
        form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert signed_in_user(client) is None  # the reset does not sign in
    log_in(client, member.email, OLD_PASSWORD)
    assert signed_in_user(client) is None
    log_in(client, member.email, NEW_PASSWORD)
    assert signed_in_user(client) == str(member.pk)


def test_password_reset_link_works_once(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email})
    url = link_in(mailoutbox[0])
    form_url = client.get(url, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    response = client.get(url, follow=True)
    assert "Bad Token" in response.content.decode()
    assert 'name="password1"' not in response.content.decode()


def test_password_reset_refuses_mismatched_passwords_and_keeps_the_old_one(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email})
    form_url = client.get(link_in(mailoutbox[0]), follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    )
    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(OLD_PASSWORD)


def test_email_change_is_verified_at_the_new_address_before_it_takes_effect(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    old = member.email
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"),
            {"email": "pat.new@example.com", "action_add": ""},
        )
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == ["pat.new@example.com"]
    assert message.subject == "[LDN Forum] Please Confirm Your Email Address"

    # Nothing changes until the new address is confirmed.
    member.refresh_from_db()
    assert member.email == old
    client.logout()
    log_in(client, "pat.new@example.com", OLD_PASSWORD)
    assert signed_in_user(client) is None

    client.force_login(member)
    url = link_in(message)
    assert client.post(url).status_code == 302
    member.refresh_from_db()
    assert member.email == "pat.new@example.com"
    assert list(
        EmailAddress.objects.filter(user=member).values_list(
            "email", "verified", "primary"
        )
    ) == [("pat.new@example.com", True, True)]

    client.logout()
    log_in(client, old, OLD_PASSWORD)
    assert signed_in_user(client) is None
    log_in(client, "pat.new@example.com", OLD_PASSWORD)
    assert signed_in_user(client) == str(member.pk)


def test_email_change_never_takes_an_address_another_member_has(
    client, member, other_member, mailoutbox, django_capture_on_commit_callbacks
):
    # allauth doesn't say the address is taken (that would tell who is a
    # member); the owner gets the confirmation, and confirming changes nothing.
    old, theirs = member.email, other_member.email
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_email"), {"email": theirs.upper(), "action_add": ""}
        )
    [message] = mailoutbox
    assert message.to == [theirs]

    response = client.post(link_in(message), follow=True)
    assert (
        f"Unable to confirm {theirs} because it is already confirmed "
        "by a different account."
    ) in response.content.decode()
    member.refresh_from_db()
    other_member.refresh_from_db()
    assert (member.email, other_member.email) == (old, theirs)
    assert EmailAddress.objects.get(email=theirs, verified=True).user == other_member


def test_email_change_asks_a_member_with_two_factor_to_turn_it_off_first(
    client, member, totp_factory, mailoutbox, django_capture_on_commit_callbacks
):
    # allauth's rule (MFA_ALLOW_UNVERIFIED_EMAIL off): no unverified address
    # is added to an account that two-factor protects.
    totp_factory(member)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"), {"email": "pat.new@example.com", "action_add": ""}
        )
    assert response.status_code == 200
    assert (
        "You cannot add an email address to an account protected by two-factor "
        "authentication."
    ) in response.content.decode()
    assert mailoutbox == []
    assert not EmailAddress.objects.filter(email="pat.new@example.com").exists()
