"""What stops robots: a honeypot on the comment, reply and sign-up forms,
and allauth's limit on wrong passwords."""

import re

import pytest
from django.contrib.auth import get_user_model

from comments.models import Comment
from ldnforum.honeypot import REFUSED
from tests.conftest import PASSWORD

HONEYPOT = re.compile(
    r'<div class="visually-hidden" aria-hidden="true">'
    r'<label for="(?P<id>[\w-]+)">Leave this field empty</label>'
    r'<input type="text" name="website" id="(?P=id)" value="" tabindex="-1" '
    r'autocomplete="off"></div>'
)


def _signup_data(**extra):
    return {
        "email": "robot@example.com",
        "display_name": "Helpful Robot",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }


def test_comment_form_has_a_honeypot_hidden_from_people(client, member, article):
    client.force_login(member)

    page = client.get(article.get_absolute_url()).content.decode()

    assert HONEYPOT.search(page)


def test_reply_page_has_a_honeypot(client, member, article, comment_factory):
    parent = comment_factory(article=article)
    client.force_login(member)

    page = client.get(f"/comments/{parent.pk}/reply/").content.decode()

    assert HONEYPOT.search(page)


def test_signup_page_has_a_honeypot(client, db):
    page = client.get("/accounts/signup/").content.decode()

    assert HONEYPOT.search(page)


def test_comment_with_filled_honeypot_is_refused_and_not_stored(
    client, member, article
):
    client.force_login(member)

    response = client.post(
        f"/articles/{article.slug}/comments/",
        {"body": "Buy cheap pills", "website": "https://spam.example"},
    )

    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert "honeypot" not in response.content.decode().lower()
    assert not Comment.objects.exists()


def test_reply_with_filled_honeypot_is_refused_and_not_stored(
    client, member, article, comment_factory
):
    parent = comment_factory(article=article)
    client.force_login(member)

    response = client.post(
        f"/articles/{article.slug}/comments/",
        {"body": "Buy cheap pills", "parent": parent.pk, "website": "x"},
    )

    assert response.status_code == 400
    assert not Comment.objects.filter(parent=parent).exists()


def test_refused_comment_form_keeps_the_text_and_empties_the_honeypot(
    client, member, article
):
    client.force_login(member)

    page = client.post(
        f"/articles/{article.slug}/comments/",
        {"body": "My own words, autofilled by mistake.", "website": "x"},
    ).content.decode()

    assert "My own words, autofilled by mistake." in page
    assert HONEYPOT.search(page)  # value="" again: a person can resend


def test_comment_with_empty_honeypot_is_posted(client, member, article):
    client.force_login(member)

    response = client.post(
        f"/articles/{article.slug}/comments/",
        {"body": "Two months on LDN.", "website": ""},
    )

    assert response.status_code == 302
    assert Comment.objects.filter(author=member).count() == 1


def test_signup_with_filled_honeypot_is_refused_and_creates_no_account(
    client, db, mailoutbox
):
    response = client.post(
        "/accounts/signup/", _signup_data(website="https://spam.example")
    )

    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not get_user_model().objects.filter(email="robot@example.com").exists()
    assert mailoutbox == []


def test_signup_with_empty_honeypot_creates_the_account(client, db):
    response = client.post("/accounts/signup/", _signup_data(website=""))

    assert response.status_code == 302
    assert get_user_model().objects.filter(email="robot@example.com").exists()


TOO_MANY = "Too many failed login attempts"


@pytest.mark.django_db
def test_login_is_refused_after_five_wrong_passwords_even_with_the_right_one(
    client, member, settings
):
    assert settings.ACCOUNT_RATE_LIMITS_ENABLED
    wrong = {"login": member.email, "password": "not-the-password"}

    pages = [client.post("/accounts/login/", wrong).content.decode() for _ in range(6)]
    right = client.post(
        "/accounts/login/", {"login": member.email, "password": PASSWORD}
    )

    assert [TOO_MANY in page for page in pages] == [False] * 5 + [True]
    assert TOO_MANY in right.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_works_after_fewer_wrong_passwords_than_the_limit(client, member):
    wrong = {"login": member.email, "password": "not-the-password"}
    for _ in range(4):
        client.post("/accounts/login/", wrong)

    response = client.post(
        "/accounts/login/", {"login": member.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
