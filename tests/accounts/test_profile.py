"""The member's own account pages: the Account menu and the Profile page
(display name and bio), and display names taken in a race."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import forms as account_forms
from accounts import services as account_services
from accounts.selectors import display_name_taken

pytestmark = pytest.mark.django_db

User = get_user_model()
SETTINGS = reverse("accounts:settings")
PROFILE = reverse("accounts:profile-edit")


def rename(client, display_name, bio=""):
    return client.post(PROFILE, {"display_name": display_name, "bio": bio})


# The Account menu ---------------------------------------------------------


def test_account_menu_sends_anonymous_visitors_to_log_in(client):
    response = client.get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_account_menu_links_profile_export_and_deletion(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.get(SETTINGS)
    assert response.status_code == 200
    html = response.content.decode()
    for url in [
        PROFILE,
        reverse("comments:data-export"),
        reverse("comments:account-delete"),
        reverse("comments:member-profile", args=[user.pk]),
        reverse("account_email"),
    ]:
        assert f'href="{url}"' in html


def test_navigation_links_to_the_account_menu_when_logged_in(client, member):
    client.force_login(member)
    html = client.get("/").content.decode()
    assert f'href="{SETTINGS}"' in html


# The Profile page ---------------------------------------------------------


def test_profile_page_sends_anonymous_visitors_to_log_in(client):
    for response in [client.get(PROFILE), rename(client, "Sneaky")]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_profile_page_shows_the_members_name_and_bio_in_a_crispy_form(client, member):
    member.bio = "Diagnosed 2019."
    member.save()
    client.force_login(member)
    response = client.get(PROFILE)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Patient Pat"' in html
    assert "Diagnosed 2019." in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert re.search(r'<textarea name="bio"[^>]*class="[^"]*form-control', html)


def test_profile_page_refuses_a_post_without_csrf_token(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert rename(client, "Renamed Pat").status_code == 403
    member.refresh_from_db()
    assert member.display_name == "Patient Pat"


def test_renaming_shows_the_new_name_on_the_members_comments_at_once(
    client, member, article, comment_factory
):
    comment_factory(article=article, author=member)
    client.force_login(member)
    response = rename(client, "Pat from Leeds", bio="Living with MS since 2015.")
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    member.refresh_from_db()
    assert (member.display_name, member.bio) == (
        "Pat from Leeds",
        "Living with MS since 2015.",
    )
    client.logout()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Pat from Leeds" in html
    assert "Patient Pat" not in html


def test_member_can_change_only_the_case_of_their_own_name(client, member):
    client.force_login(member)
    assert rename(client, "PATIENT pat").status_code == 302
    member.refresh_from_db()
    assert member.display_name == "PATIENT pat"


@pytest.mark.parametrize(
    ("display_name", "message"),
    [
        ("pat@example.com", "can&#x27;t contain an email address"),
        ("pat\uff20example.com", "can&#x27;t contain an email address"),
        ("Another ANN", "That display name is taken."),
        ("<b>Pat</b>", "Use letters, numbers"),
        ("P", "at least 2 characters"),
        ("", "This field is required."),
        ("x" * 41, "at most 40 characters"),
    ],
)
def test_profile_refuses_a_bad_display_name_and_keeps_the_old_one(
    client, member, other_member, display_name, message
):
    client.force_login(member)
    response = rename(client, display_name)
    assert response.status_code == 400
    assert message in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Patient Pat"
    # The page around the form still shows the name the member really has.
    assert "Patient Pat" in response.content.decode()


@pytest.mark.parametrize(
    ("bio", "message"),
    [
        ("Write to me: pat@example.com", "leave email addresses out"),
        ("pat (at) example (dot) com", "leave email addresses out"),
        ("x" * 501, "at most 500 characters"),
    ],
)
def test_profile_refuses_a_bad_bio_and_stores_nothing(client, member, bio, message):
    client.force_login(member)
    response = rename(client, "Pat Renamed", bio=bio)
    assert response.status_code == 400
    assert message in response.content.decode()
    member.refresh_from_db()
    assert (member.display_name, member.bio) == ("Patient Pat", "")


def test_a_name_taken_by_a_concurrent_rename_is_a_form_error_not_a_500(
    client, member, other_member, monkeypatch
):
    # Both checks run before Ann's rename commits; the database then refuses.
    calls = []

    def stale_then_true(name, *, exclude_pk=None):
        calls.append(name)
        return len(calls) > 1 and display_name_taken(name, exclude_pk=exclude_pk)

    monkeypatch.setattr(account_forms, "display_name_taken", lambda *a, **k: False)
    monkeypatch.setattr(account_services, "display_name_taken", stale_then_true)
    client.force_login(member)
    response = rename(client, "another ann")
    assert response.status_code == 400
    assert "That display name is taken." in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Patient Pat"


def test_profile_update_service_refuses_a_taken_name(member, other_member):
    with pytest.raises(ValidationError) as caught:
        account_services.profile_update(
            member=member, display_name="ANOTHER ANN", bio=""
        )
    assert caught.value.message_dict == {
        "display_name": ["That display name is taken."]
    }


def test_profile_update_service_trims_and_drops_control_characters(member):
    updated = account_services.profile_update(
        member=member, display_name="  Pat B.  ", bio="Line one\r\nLine\x07 two\n"
    )
    assert (updated.display_name, updated.bio) == ("Pat B.", "Line one\nLine two")


# Sign-up races ------------------------------------------------------------


def test_a_name_taken_by_a_concurrent_signup_is_a_form_error_not_a_500(
    client, user_factory, monkeypatch
):
    user_factory(display_name="Ruth")
    # The form's check ran before the other sign-up committed.
    monkeypatch.setattr(account_forms, "display_name_taken", lambda *a, **k: False)
    response = client.post(
        reverse("account_signup"),
        {
            "email": "second.ruth@example.com",
            "display_name": "RUTH",
            "password1": "a-long-unusual-passphrase-42",
            "password2": "a-long-unusual-passphrase-42",
        },
    )
    assert response.status_code == 200
    assert "That display name is taken." in response.content.decode()
    assert not User.objects.filter(email="second.ruth@example.com").exists()
