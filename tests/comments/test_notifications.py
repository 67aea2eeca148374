"""One test per kind of notification email: who gets it, its subject, the
link in its body, its List-Unsubscribe headers, and that its unsubscribe
link works, once, and only for the member it was sent to."""

import email.policy
import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from comments import moderation, notifications
from comments.models import (
    Comment,
    CommentStatus,
    Delivery,
    Follow,
    Notification,
    NotificationKind,
    NotificationSettings,
    NotificationStatus,
    RejectionReason,
)

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


def mail_to(mailoutbox, user):
    return [message for message in mailoutbox if user.email in message.to]


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def unsubscribe_page(message) -> str:
    """The path of the unsubscribe page linked in the email's body."""
    found = re.search(
        re.escape(SITE) + r"(/notifications/unsubscribe/[^/\s]+/)\s", message.body
    )
    assert found, message.body
    assert f'href="{SITE}{found.group(1)}"' in html_of(message)
    return found.group(1)


def one_click_path(message) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    found = re.fullmatch(
        "<" + re.escape(SITE) + r"(/notifications/unsubscribe/[^/\s]+/one-click/)>",
        header,
    )
    assert found, header
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    # On the wire the address stays a plain URL, not RFC 2047 encoded words.
    sent = message.message(policy=email.policy.SMTP).as_bytes().decode()
    assert f"\r\nList-Unsubscribe: {header}\r\n" in sent
    assert "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in sent
    return found.group(1)


def check_unsubscribe(message, *, is_on, recipient, bystander):
    """The page asks first (GET changes nothing), the POST turns it off for
    the recipient only, and a second POST is a harmless no-op."""
    path = unsubscribe_page(message)
    assert one_click_path(message).startswith(path)
    reader = Client(enforce_csrf_checks=False)
    assert is_on(recipient) and is_on(bystander)
    page = reader.get(path)
    assert page.status_code == 200
    assert "Unsubscribe</button>" in page.content.decode()
    assert is_on(recipient)
    done = reader.post(path)
    assert done.status_code == 200
    assert "any more" in done.content.decode()
    assert not is_on(recipient)
    assert is_on(bystander)
    again = reader.post(path)
    assert again.status_code == 200
    assert not is_on(recipient) and is_on(bystander)


def switch(name):
    return lambda user: getattr(notifications.settings_for(user), name)


@pytest.fixture
def pending(article, member, comment_factory):
    return comment_factory(article=article, author=member, status="pending")


# Your comment was published ----------------------------------------------


def test_approval_emails_the_commenter_a_link_to_their_comment(
    pending, moderator, other_member, committed, mailoutbox
):
    with committed():
        moderation.approve(pending, by=moderator)
    [message] = mail_to(mailoutbox, pending.author)
    assert message.subject == "[LDN Forum] Your comment on “LDN in MS” is published"
    assert f"{SITE}/comments/{pending.pk}/" in message.body
    assert f'href="{SITE}/comments/{pending.pk}/"' in html_of(message)
    check_unsubscribe(
        message,
        is_on=switch("decisions"),
        recipient=pending.author,
        bystander=other_member,
    )


def test_approval_email_is_not_sent_once_the_member_turned_decisions_off(
    pending, moderator, committed, mailoutbox
):
    notifications.unsubscribe(member=pending.author, scope="decisions")
    with committed():
        moderation.approve(pending, by=moderator)
    assert mail_to(mailoutbox, pending.author) == []


def test_comment_published_at_once_sends_its_author_no_approval_email(
    article, author, committed, mailoutbox, comment_factory
):
    with committed():
        comment_factory(article=article, author=author)
    assert mailoutbox == []


# Your comment was not published ------------------------------------------


def test_rejection_emails_the_reason_and_the_guidelines_link(
    pending, moderator, other_member, committed, mailoutbox
):
    with committed():
        moderation.reject(
            pending,
            by=moderator,
            reason=RejectionReason.HARMFUL_ADVICE,
            note="Tells others to double their dose.",
        )
    [message] = mailoutbox
    assert message.to == [pending.author.email]
    assert message.subject == (
        "[LDN Forum] Your comment on “LDN in MS” was not published"
    )
    assert "Medical advice that could cause harm" in message.body
    assert f"{SITE}/guidelines/" in message.body
    assert f'href="{SITE}/guidelines/"' in html_of(message)
    assert f"{SITE}/my/comments/" in message.body
    # The moderator's note is for the log, not for the member.
    assert "double their dose" not in message.body
    assert "double their dose" not in html_of(message)
    check_unsubscribe(
        message,
        is_on=switch("decisions"),
        recipient=pending.author,
        bystander=other_member,
    )


def test_marking_spam_emails_nobody(pending, moderator, committed, mailoutbox):
    with committed():
        moderation.mark_spam(pending, by=moderator)
    assert mailoutbox == []


def test_banning_a_member_rejects_their_comments_without_emailing_them(
    pending, moderator, committed, mailoutbox
):
    with committed():
        moderation.set_standing(pending.author, level="banned", by=moderator)
    pending.refresh_from_db()
    assert pending.status == CommentStatus.REJECTED
    assert mailoutbox == []


# Someone replied to your comment -----------------------------------------


def test_author_reply_emails_the_parent_comments_author_once(
    article, author, member, other_member, comment_factory, committed, mailoutbox
):
    parent = comment_factory(article=article, author=member)
    with committed():
        reply = comment_factory(
            article=article, author=author, parent=parent, body="Thank you, Pat."
        )
    [message] = mailoutbox
    assert message.to == [member.email]
    assert message.subject == (
        "[LDN Forum] Dr Writer replied to your comment on “LDN in MS”"
    )
    assert "Thank you, Pat." in message.body
    assert f"{SITE}/comments/{reply.pk}/" in message.body
    assert f'href="{SITE}/comments/{reply.pk}/"' in html_of(message)
    notification = Notification.objects.get(recipient=member)
    assert notification.kind == NotificationKind.REPLY
    assert notification.status == NotificationStatus.SENT
    check_unsubscribe(
        message, is_on=switch("replies"), recipient=member, bystander=other_member
    )


def test_reply_is_emailed_only_once_approved_never_while_pending(
    article, member, user_factory, comment_factory, moderator, committed, mailoutbox
):
    parent = comment_factory(article=article, author=member)
    with committed():
        reply = comment_factory(
            article=article, author=user_factory(), parent=parent, status="pending"
        )
    assert mail_to(mailoutbox, member) == []
    with committed():
        moderation.approve(reply, by=moderator)
    [message] = mail_to(mailoutbox, member)
    assert "replied to your comment" in message.subject


def test_rejected_reply_never_emails_the_parent_comments_author(
    article, member, user_factory, comment_factory, moderator, committed, mailoutbox
):
    parent = comment_factory(article=article, author=member)
    replier = user_factory()
    with committed():
        reply = comment_factory(
            article=article, author=replier, parent=parent, status="pending"
        )
        moderation.reject(reply, by=moderator, reason=RejectionReason.OFF_TOPIC)
    assert mail_to(mailoutbox, member) == []
    assert [m.subject for m in mail_to(mailoutbox, replier)] == [
        "[LDN Forum] Your comment on “LDN in MS” was not published"
    ]


def test_replying_to_your_own_comment_emails_you_nothing(
    article, author, comment_factory, committed, mailoutbox
):
    parent = comment_factory(article=article, author=author)
    with committed():
        comment_factory(article=article, author=author, parent=parent)
    assert mailoutbox == []


# New comment on your article ---------------------------------------------


def test_new_approved_comment_emails_the_articles_author(
    pending, author, moderator, other_member, committed, mailoutbox
):
    with committed():
        moderation.approve(pending, by=moderator)
    [message] = mail_to(mailoutbox, author)
    assert message.subject == "[LDN Forum] New comment on “LDN in MS”"
    assert "Patient Pat commented on your article" in message.body
    assert f"{SITE}/comments/{pending.pk}/" in message.body
    assert f'href="{SITE}/comments/{pending.pk}/"' in html_of(message)
    assert Notification.objects.get(recipient=author).kind == (
        NotificationKind.ARTICLE_COMMENT
    )
    check_unsubscribe(
        message,
        is_on=switch("article_comments"),
        recipient=author,
        bystander=other_member,
    )


def test_pending_comment_does_not_email_the_articles_author(
    article, author, member, comment_factory, committed, mailoutbox
):
    with committed():
        comment_factory(article=article, author=member, status="pending")
    assert mailoutbox == []


# New comment in a discussion you follow ----------------------------------


def test_followers_get_new_approved_comments_and_unsubscribe_per_thread(
    article,
    article_factory,
    member,
    other_member,
    user_factory,
    comment_factory,
    committed,
    mailoutbox,
    author,
):
    elsewhere = article_factory(title="Another article")
    for who in (member, other_member):
        notifications.follow_article(member=who, article=article)
    notifications.follow_article(member=member, article=elsewhere)
    with committed():
        comment = comment_factory(article=article, author=author, body="An update.")
    [message] = mail_to(mailoutbox, member)
    assert len(mail_to(mailoutbox, other_member)) == 1
    assert message.subject == "[LDN Forum] New comment on “LDN in MS”"
    assert "a discussion you follow" in message.body
    assert f"{SITE}/comments/{comment.pk}/" in message.body
    assert f'href="{SITE}/comments/{comment.pk}/"' in html_of(message)

    def follows_this(user):
        return Follow.objects.filter(member=user, article=article).exists()

    check_unsubscribe(
        message, is_on=follows_this, recipient=member, bystander=other_member
    )
    # Only that discussion: the member still follows the other one.
    assert Follow.objects.filter(member=member, article=elsewhere).exists()
    assert notifications.settings_for(member).follows


def test_member_who_is_both_replied_to_and_following_gets_one_email(
    article, member, author, comment_factory, committed, mailoutbox
):
    parent = comment_factory(article=article, author=member)
    assert Follow.objects.filter(member=member, article=article).exists()
    with committed():
        comment_factory(article=article, author=author, parent=parent)
    [message] = mail_to(mailoutbox, member)
    assert "replied to your comment" in message.subject


def test_member_with_replies_off_hears_of_the_reply_as_a_follower(
    article, member, author, comment_factory, committed, mailoutbox
):
    parent = comment_factory(article=article, author=member)
    notifications.unsubscribe(member=member, scope="replies")
    with committed():
        comment_factory(article=article, author=author, parent=parent)
    [message] = mail_to(mailoutbox, member)
    assert "a discussion you follow" in message.body


# Daily digests -------------------------------------------------------------


def test_author_digest_gathers_the_days_comments_in_one_email(
    article, author, other_member, comment_factory, committed, mailoutbox
):
    notifications.notification_settings_update(
        member=author, values={"article_comments_delivery": Delivery.DAILY}
    )
    with committed():
        first = comment_factory(article=article, body="First of the day.")
        second = comment_factory(article=article, body="Second of the day.")
    assert mail_to(mailoutbox, author) == []
    with committed():
        call_command("send_digests", stdout=io.StringIO())
    [message] = mail_to(mailoutbox, author)
    assert message.subject == "[LDN Forum] 2 new comments on your articles today"
    for comment in (first, second):
        assert f"{SITE}/comments/{comment.pk}/" in message.body
        assert f'href="{SITE}/comments/{comment.pk}/"' in html_of(message)
    assert "First of the day." in message.body
    check_unsubscribe(
        message,
        is_on=switch("article_comments"),
        recipient=author,
        bystander=other_member,
    )


def test_digest_never_repeats_a_comment(
    article, author, comment_factory, committed, mailoutbox
):
    notifications.notification_settings_update(
        member=author, values={"article_comments_delivery": Delivery.DAILY}
    )
    with committed():
        old = comment_factory(article=article, body="Yesterday's news.")
    for _ in range(2):
        with committed():
            call_command("send_digests", stdout=io.StringIO())
    assert len(mail_to(mailoutbox, author)) == 1
    with committed():
        new = comment_factory(article=article, body="Today's news.")
    with committed():
        call_command("send_digests", stdout=io.StringIO())
    latest = mail_to(mailoutbox, author)[-1]
    assert len(mail_to(mailoutbox, author)) == 2
    assert latest.subject == "[LDN Forum] 1 new comment on your articles today"
    assert f"/comments/{new.pk}/" in latest.body
    assert f"/comments/{old.pk}/" not in latest.body


def test_follow_digest_leaves_out_comments_no_longer_published(
    article,
    member,
    other_member,
    author,
    comment_factory,
    moderator,
    committed,
    mailoutbox,
):
    notifications.follow_article(member=member, article=article)
    notifications.notification_settings_update(
        member=member, values={"follows_delivery": Delivery.DAILY}
    )
    with committed():
        kept = comment_factory(article=article, body="Still here.")
        gone = comment_factory(article=article, body="Soon removed.")
        moderation.remove(gone, by=moderator)
    assert mail_to(mailoutbox, member) == []
    with committed():
        call_command("send_digests", stdout=io.StringIO())
    [message] = mail_to(mailoutbox, member)
    assert message.subject == "[LDN Forum] 1 new comment in discussions you follow"
    assert f"/comments/{kept.pk}/" in message.body
    assert "Soon removed." not in message.body
    check_unsubscribe(
        message, is_on=switch("follows"), recipient=member, bystander=other_member
    )


# Comments waiting too long (moderators) ----------------------------------


def age(comment: Comment, hours: float) -> Comment:
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )
    return comment


def test_stale_queue_sends_each_moderator_one_email_and_never_repeats_comments(
    article,
    user_factory,
    moderator,
    member,
    comment_factory,
    committed,
    mailoutbox,
):
    second_moderator = user_factory(moderator=True)
    old = [
        age(comment_factory(article=article, status="pending"), 13) for _ in range(2)
    ]
    fresh = comment_factory(article=article, status="pending")
    with committed():
        call_command("notify_stale_queue", stdout=io.StringIO())
    assert {tuple(m.to) for m in mailoutbox} == {
        (moderator.email,),
        (second_moderator.email,),
    }
    [message] = mail_to(mailoutbox, moderator)
    assert message.subject == (
        "[LDN Forum] 2 comments waiting more than 12 hours for moderation"
    )
    assert f"{SITE}/moderation/" in message.body
    assert f'href="{SITE}/moderation/"' in html_of(message)
    assert "waiting 13 hours" in message.body

    # The next run has nothing new to say.
    with committed():
        call_command("notify_stale_queue", stdout=io.StringIO())
    assert len(mailoutbox) == 2

    # Once the fresh comment has waited too, only it is news.
    age(fresh, 14)
    with committed():
        call_command("notify_stale_queue", stdout=io.StringIO())
    latest = mail_to(mailoutbox, moderator)[-1]
    assert latest.subject == (
        "[LDN Forum] 1 comment waiting more than 12 hours for moderation"
    )
    assert "In all, 3 comments have waited that long" in latest.body
    assert len(old) == 2
    check_unsubscribe(
        latest,
        is_on=switch("moderation_reminders"),
        recipient=moderator,
        bystander=second_moderator,
    )
    assert mail_to(mailoutbox, member) == []


def test_stale_queue_age_is_a_setting_and_fresh_comments_are_not_news(
    article, moderator, comment_factory, committed, mailoutbox, settings
):
    age(comment_factory(article=article, status="pending"), 2)
    with committed():
        call_command("notify_stale_queue", stdout=io.StringIO())
    assert mailoutbox == []
    settings.NOTIFY_STALE_QUEUE_HOURS = 1
    with committed():
        call_command("notify_stale_queue", stdout=io.StringIO())
    [message] = mailoutbox
    assert message.subject == (
        "[LDN Forum] 1 comment waiting more than 1 hour for moderation"
    )


# Unsubscribe links ----------------------------------------------------------


def test_one_click_unsubscribe_works_without_csrf_token_or_login(
    pending, moderator, other_member, committed, mailoutbox
):
    with committed():
        moderation.approve(pending, by=moderator)
    [message] = mail_to(mailoutbox, pending.author)
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        one_click_path(message),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not notifications.settings_for(pending.author).decisions
    assert notifications.settings_for(other_member).decisions
    # The confirmation page keeps its CSRF protection.
    assert mail_client.post(unsubscribe_page(message)).status_code == 403


def test_unsubscribe_link_with_a_forged_member_changes_nothing(
    client, member, other_member
):
    genuine = notifications.unsubscribe_token(member_id=member.pk, scope="replies")
    theirs = notifications.unsubscribe_token(member_id=other_member.pk, scope="replies")
    # Their payload with our signature: the signature no longer matches.
    forged = theirs.rpartition(":")[0] + ":" + genuine.rpartition(":")[2]
    for path in (
        f"/notifications/unsubscribe/{forged}/",
        f"/notifications/unsubscribe/{forged}/one-click/",
        "/notifications/unsubscribe/not-a-token/",
    ):
        assert client.post(path).status_code == 400
    page = client.get(f"/notifications/unsubscribe/{forged}/")
    assert page.status_code == 400
    assert "not valid" in page.content.decode()
    assert NotificationSettings.objects.count() == 0


def test_unsubscribe_link_of_a_deleted_account_is_refused(client, member):
    token = notifications.unsubscribe_token(member_id=member.pk, scope="replies")
    member.delete()
    assert client.get(f"/notifications/unsubscribe/{token}/").status_code == 400


def test_unsubscribe_token_cannot_name_an_unknown_setting(client, member):
    from django.core import signing

    token = signing.dumps(
        {"m": member.pk, "s": "is_staff"}, salt=notifications.UNSUBSCRIBE_SALT
    )
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 400
    member.refresh_from_db()
    assert not member.is_staff


def test_one_click_address_opened_in_a_browser_shows_the_confirmation_page(
    client, member
):
    token = notifications.unsubscribe_token(member_id=member.pk, scope="replies")
    response = client.get(f"/notifications/unsubscribe/{token}/one-click/")
    assert response.status_code == 302
    assert response.url == f"/notifications/unsubscribe/{token}/"
    assert notifications.settings_for(member).replies
