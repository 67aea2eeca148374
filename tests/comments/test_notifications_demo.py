"""Issue 4's "done means", on the demo data: the author replying to the demo
member's comment sends exactly one email, the reply, whose unsubscribe link
works."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from comments import moderation, notifications
from comments.models import Comment, CommentStatus, Follow, ModerationEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    users = get_user_model().objects
    return {
        "member": users.get(email="member@example.com"),
        "author": users.get(email="author@example.com"),
        "moderator": users.get(email="moderator@example.com"),
    }


def test_author_reply_to_the_demo_member_sends_one_email_with_working_unsubscribe(
    demo, committed, mailoutbox
):
    member, author = demo["member"], demo["author"]
    theirs = (
        Comment.objects.filter(author=member, status=CommentStatus.APPROVED)
        .select_related("article")
        .first()
    )
    writer = Client()
    writer.force_login(author)
    with committed():
        response = writer.post(
            f"/articles/{theirs.article.slug}/comments/",
            {"body": "Thank you for writing this up, Hannah.", "parent": theirs.pk},
        )
    assert response.status_code == 302
    reply = Comment.objects.filter(parent=theirs, author=author).latest("pk")
    assert reply.status == CommentStatus.APPROVED

    [message] = mailoutbox
    assert message.to == ["member@example.com"]
    assert message.subject == (
        f"[LDN Forum] Miriam Osei replied to your comment on “{theirs.article.title}”"
    )
    assert f"http://127.0.0.1:8000/comments/{reply.pk}/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    path = re.search(
        r"http://127\.0\.0\.1:8000(/notifications/unsubscribe/[^/\s]+/)\s",
        message.body,
    ).group(1)
    reader = Client()  # not logged in
    page = reader.get(path)
    assert page.status_code == 200
    assert "Hannah K." in page.content.decode()
    assert "member@example.com" not in page.content.decode()
    assert reader.post(path).status_code == 200
    assert not notifications.settings_for(member).replies
    assert notifications.settings_for(author).replies
    assert notifications.settings_for(demo["moderator"]).replies
    # The permalink in the email leads to the reply in its thread.
    assert reader.get(f"/comments/{reply.pk}/").status_code == 302


def test_moderator_approving_a_reply_to_the_demo_member_sends_one_reply_email(
    demo, committed, mailoutbox, user_factory
):
    member = demo["member"]
    theirs = Comment.objects.filter(
        author=member, status=CommentStatus.APPROVED
    ).first()
    newcomer = user_factory(display_name="New Reader")
    with committed():
        reply = Comment.objects.get(
            pk=_post_reply(newcomer, theirs, "Same here, thank you.")
        )
    assert reply.status == CommentStatus.PENDING
    assert mailoutbox == []
    with committed():
        moderation.approve(reply, by=demo["moderator"])
    replies = [m for m in mailoutbox if "replied to your comment" in m.subject]
    [message] = replies
    assert message.to == ["member@example.com"]
    assert len([m for m in mailoutbox if member.email in m.to]) == 1


def _post_reply(member, parent, body) -> int:
    client = Client()
    client.force_login(member)
    client.post(
        f"/articles/{parent.article.slug}/comments/",
        {"body": body, "parent": parent.pk},
    )
    return Comment.objects.filter(author=member, parent=parent).latest("pk").pk


def test_loading_the_demo_emails_nobody_and_follows_nothing(demo, mailoutbox):
    assert Follow.objects.count() == 0
    events = list(ModerationEvent.objects.values_list("pk", flat=True))
    with notifications.muted():
        notifications.events_committed(events)
    assert mailoutbox == []
