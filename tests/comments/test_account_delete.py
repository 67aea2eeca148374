"""Account deletion, confirmed by password, keeping or deleting the
member's comments. Either way: address, name and profile erased, logins
stop, no email ever again, moderation records keep their shape."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.tasks import send_email
from comments import moderation
from comments.models import (
    Comment,
    CommentRevision,
    CommentStatus,
    Flag,
    MemberNote,
    MemberStanding,
    ModerationEvent,
)
from comments.privacy import ERASED_BODY
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

User = get_user_model()
DELETE = reverse("comments:account-delete")


def delete_account(client, choice, password=PASSWORD):
    return client.post(DELETE, {"comments": choice, "password": password})


def snapshot(member):
    """What a refused deletion must leave exactly as it was."""
    return {
        "user": list(User.objects.filter(pk=member.pk).values()),
        "addresses": list(EmailAddress.objects.filter(user=member).values()),
        "comments": list(Comment.objects.filter(author=member).order_by("pk").values()),
        "events": ModerationEvent.objects.count(),
        "revisions": CommentRevision.objects.count(),
    }


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


# Who may ---------------------------------------------------------------------


def test_deletion_page_sends_anonymous_visitors_to_log_in(client):
    for response in [client.get(DELETE), delete_account(client, "keep")]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_deletion_page_asks_for_the_choice_and_the_password(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(DELETE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="comments" value="keep"' in html
    assert 'name="comments" value="delete"' in html
    assert '<input type="password" name="password"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Former member" in html


def test_article_author_is_told_to_hand_over_articles_first(client, author, article):
    client.force_login(author)
    before = snapshot(author)
    assert client.get(DELETE).status_code == 403
    response = delete_account(client, "keep")
    assert response.status_code == 403
    assert "ask an administrator" in response.content.decode()
    assert snapshot(author) == before


# Bad input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"comments": "keep", "password": "wrong"}, "That is not your password"),
        ({"comments": "delete", "password": ""}, "This field is required."),
        ({"password": PASSWORD}, "Please choose what happens to your comments."),
        ({"comments": "everything", "password": PASSWORD}, "Select a valid choice."),
    ],
)
def test_deletion_with_bad_input_changes_nothing(
    client, member, member_history, data, message
):
    client.force_login(member)
    before = snapshot(member)
    response = client.post(DELETE, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot(member) == before
    assert client.get(reverse("accounts:settings")).status_code == 200


def test_password_guessing_on_the_deletion_page_is_rate_limited(client, member):
    client.force_login(member)
    for _ in range(10):
        assert delete_account(client, "keep", password="guess").status_code == 400
    response = delete_account(client, "keep")
    assert response.status_code == 429
    assert User.objects.filter(pk=member.pk).exists()


# Keeping the comments ----------------------------------------------------------


def test_keeping_comments_erases_the_account_and_shows_former_member(
    client, article, member, other_member, member_history
):
    mine = {c.pk: (c.status, c.body) for c in member_history["mine"]}
    events_before = ModerationEvent.objects.count()
    client.force_login(member)
    response = delete_account(client, "keep")
    assert response.status_code == 302
    assert response["Location"] == reverse("articles:list")

    assert not User.objects.filter(pk=member.pk).exists()
    assert not EmailAddress.objects.filter(email__iexact=member.email).exists()
    assert not MemberStanding.objects.filter(member_id=member.pk).exists()
    assert not MemberNote.objects.filter(member_id=member.pk).exists()
    kept = Comment.objects.filter(pk__in=mine)
    assert {c.pk: (c.status, c.body) for c in kept} == mine
    assert all(c.author_id is None for c in kept)
    assert ModerationEvent.objects.count() == events_before
    report = Flag.objects.get(pk=member_history["report"].pk)
    assert report.reporter_id is None
    assert report.note == "Pat reports this."

    follow = client.get(response["Location"])
    assert "Your comments now show" in follow.content.decode()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Pat on LDN." in html
    assert "Ann replies." in html
    assert "Former member" in html
    assert "Patient Pat" not in html
    assert member.email not in html


# Deleting the comments -------------------------------------------------------


def test_deleting_comments_leaves_placeholders_only_where_others_replied(
    client, article, member, other_member, member_history
):
    history = member_history
    count_before = type(article).objects.get(pk=article.pk).approved_comment_count
    client.force_login(member)
    response = delete_account(client, "delete")
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    assert "Your account and your comments are deleted." in done

    assert not User.objects.filter(pk=member.pk).exists()
    status = {
        c.pk: c.status
        for c in Comment.objects.filter(pk__in=[c.pk for c in history["mine"]])
    }
    assert status == {
        history["commented"].pk: CommentStatus.DELETED,
        history["edited"].pk: CommentStatus.DELETED,
        history["reply_by_pat"].pk: CommentStatus.DELETED,
        history["waiting"].pk: CommentStatus.DELETED,
        history["rejected"].pk: CommentStatus.REJECTED,
    }
    erased = Comment.objects.filter(pk__in=status)
    assert {c.body for c in erased} == {ERASED_BODY}
    assert not CommentRevision.objects.filter(comment__in=erased).exists()
    # Three approved comments of Pat's left the page.
    article.refresh_from_db()
    assert article.approved_comment_count == count_before - 3

    # One deletion event per comment taken down, by the rule, with no actor.
    deletions = ModerationEvent.objects.filter(to_status=CommentStatus.DELETED)
    assert deletions.count() == 4
    assert {(e.rule, e.actor_id) for e in deletions} == {
        ("deleted by its author", None)
    }

    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count("This comment was deleted by its author.") == 1
    assert "Ann replies." in html
    assert "Ann's story." in html
    for text in ["Pat on LDN.", "Pat's typo", "Pat answers Ann.", ERASED_BODY]:
        assert text not in html
    assert "Patient Pat" not in html


def test_audit_log_keeps_the_events_and_shows_the_rule_and_former_member(
    client, member, moderator, member_history
):
    client.force_login(member)
    delete_account(client, "delete")
    client.force_login(moderator)
    response = client.get(reverse("comments:audit-log"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Former member" in html
    assert "deleted by its author" in html
    assert "Patient Pat" not in html


def test_moderation_queue_shows_a_former_members_waiting_comment(
    client, member, moderator, member_history
):
    client.force_login(member)
    delete_account(client, "keep")
    client.force_login(moderator)
    response = client.get(reverse("comments:moderation-queue"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pat waits." in html
    assert "Former member" in html


def test_a_deleted_moderators_decisions_show_former_moderator(
    client, article, member, moderator, comment_factory
):
    waiting = comment_factory(article=article, author=member, status="pending")
    moderation.approve(waiting, by=moderator)
    client.force_login(moderator)
    assert delete_account(client, "keep").status_code == 302
    event = ModerationEvent.objects.get(comment=waiting, to_status="approved")
    assert event.actor_id is None
    admin = get_user_model().objects.create_superuser(
        email="admin@example.com", password=PASSWORD, display_name="Admin"
    )
    client.force_login(admin)
    html = client.get(reverse("comments:audit-log")).content.decode()
    assert "Former moderator" in html


# Logins stop, and no email is sent again ---------------------------------------


def test_deletion_logs_the_member_out_everywhere(client, member):
    elsewhere = Client()
    elsewhere.force_login(member)
    client.force_login(member)
    delete_account(client, "keep")
    for browser in (client, elsewhere):
        response = browser.get(reverse("accounts:settings"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    response = Client().post(
        reverse("account_login"), {"login": member.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


def test_no_email_reaches_a_deleted_address(
    client,
    article,
    member,
    other_member,
    moderator,
    comment_factory,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    theirs = comment_factory(article=article, author=member)
    client.force_login(member)
    delete_account(client, "keep")
    with django_capture_on_commit_callbacks(execute=True):
        # Someone asks for a password reset for the old address...
        client.post(reverse("account_reset_password"), {"email": member.email})
        # ...a reply to the kept comment is approved...
        reply = comment_factory(
            article=article, author=other_member, parent=theirs, status="pending"
        )
        moderation.approve(reply, by=moderator)
        # ...and a message queued before the deletion is sent now.
        send_email.enqueue(subject="Queued", body="Hello", to=[member.email])
    assert all(member.email not in message.to for message in mailoutbox)


def test_queued_mail_still_reaches_existing_members(member, mailoutbox):
    send_email.enqueue(subject="Hello", body="Hi", to=[member.email.upper()])
    assert [m.to for m in mailoutbox] == [[member.email.upper()]]


def test_deletion_takes_follows_and_email_settings_with_it_and_ends_the_emails(
    client,
    article,
    member,
    other_member,
    moderator,
    comment_factory,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    from comments import notifications
    from comments.models import Follow, Notification, NotificationSettings

    notifications.follow_article(member=member, article=article)
    notifications.notification_settings_update(member=member, values={"replies": True})
    waiting = comment_factory(article=article, author=member, status="pending")
    client.force_login(member)
    delete_account(client, "keep")
    assert not Follow.objects.exists()
    assert not NotificationSettings.objects.exists()
    mailoutbox.clear()
    # The former member's waiting comment can still be approved, and a new
    # comment in the thread they followed is published: nobody writes to
    # them, and nothing fails.
    with django_capture_on_commit_callbacks(execute=True):
        approved = moderation.approve(Comment.objects.get(pk=waiting.pk), by=moderator)
        comment_factory(article=article, author=other_member)
    assert approved.status == CommentStatus.APPROVED
    assert all(member.email not in message.to for message in mailoutbox)
    assert not Notification.objects.filter(comment=approved, kind="approved").exists()
