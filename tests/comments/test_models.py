"""What the database itself refuses, whatever code path writes."""

import pytest
from django.db import IntegrityError, transaction

from comments.models import Comment, CommentStatus, ModerationEvent

pytestmark = pytest.mark.django_db


def make(article, author, **kw):
    fields = {
        "article": article,
        "author": author,
        "body": "text",
        "body_html": "<p>text</p>",
        "depth": 1,
        "status": CommentStatus.PENDING,
    }
    fields.update(kw)
    return Comment.objects.create(**fields)


@pytest.mark.parametrize(
    "bad",
    [
        {"status": "published"},
        {"depth": 2},
        {"body": ""},
        {"body_html": ""},
    ],
    ids=["unknown-status", "top-level-with-depth-2", "empty-body", "empty-html"],
)
def test_database_refuses_an_inconsistent_comment(article, member, bad):
    with pytest.raises(IntegrityError), transaction.atomic():
        make(article, member, **bad)


def test_database_refuses_a_reply_at_depth_one(article, member):
    parent = make(article, member)
    with pytest.raises(IntegrityError), transaction.atomic():
        make(article, member, parent=parent, depth=1)


def test_event_must_change_the_status(article, member):
    comment = make(article, member)
    with pytest.raises(IntegrityError), transaction.atomic():
        ModerationEvent.objects.create(
            comment=comment, rule="test", from_status="pending", to_status="pending"
        )


def test_comment_keeps_its_place_when_author_account_is_deleted(
    article, member, comment_factory
):
    comment = comment_factory(article=article, author=member)
    member.delete()
    comment.refresh_from_db()
    assert comment.author is None
    assert comment.status == CommentStatus.APPROVED


def test_comment_queryset_visible_to_shows_own_pending_only(
    article, member, other_member, comment_factory
):
    approved = comment_factory(article=article, author=other_member)
    mine = comment_factory(article=article, author=member, status="pending")
    theirs = comment_factory(article=article, author=other_member, status="pending")
    visible = set(Comment.objects.visible_to(member))
    assert visible == {approved, mine}
    assert theirs not in visible


def test_str_and_absolute_url(article, member, comment_factory):
    comment = comment_factory(article=article, author=member)
    assert "Patient Pat" in str(comment)
    assert comment.get_absolute_url() == f"/comments/{comment.pk}/"
