"""The lifecycle in comments/moderation.py: every transition, the forbidden
ones, the audit log, and two moderators racing."""

import threading

import pytest
from django.db import connection, connections
from django.db.models import Count

from articles.models import Article
from comments import moderation, selectors
from comments.models import (
    Comment,
    CommentCount,
    CommentStatus,
    ModerationEvent,
    RejectionReason,
)
from comments.rules import Action, Decision

pytestmark = pytest.mark.django_db
S = CommentStatus


@pytest.fixture
def pending(article, member, comment_factory):
    return comment_factory(article=article, author=member, status=CommentStatus.PENDING)


def test_new_member_comment_starts_pending_with_one_event(pending):
    [event] = pending.events.all()
    assert (event.from_status, event.to_status) == ("", CommentStatus.PENDING)
    assert event.actor is None
    assert event.rule == "new member: held until 3 comments are approved"


def test_article_author_comment_starts_approved_by_rule(
    article, author, comment_factory
):
    comment = comment_factory(article=article, author=author)
    [event] = comment.events.all()
    assert comment.status == CommentStatus.APPROVED
    assert event.rule == moderation.RULE_AUTHOR
    article.refresh_from_db()
    assert article.approved_comment_count == 1


def test_approve_publishes_and_records_who_and_when(pending, moderator, article):
    moderation.approve(pending, by=moderator)
    pending.refresh_from_db()
    assert pending.status == CommentStatus.APPROVED
    assert pending.moderated_by == moderator
    assert pending.moderated_at is not None
    event = pending.events.last()
    assert (event.from_status, event.to_status, event.actor) == (
        CommentStatus.PENDING,
        CommentStatus.APPROVED,
        moderator,
    )
    article.refresh_from_db()
    assert article.approved_comment_count == 1


def test_reject_records_reason_and_note(pending, moderator, article):
    moderation.reject(
        pending, by=moderator, reason=RejectionReason.HARMFUL_ADVICE, note="dose"
    )
    pending.refresh_from_db()
    assert pending.status == CommentStatus.REJECTED
    assert pending.moderation_reason == RejectionReason.HARMFUL_ADVICE
    event = pending.events.last()
    assert (event.to_status, event.reason, event.note) == (
        CommentStatus.REJECTED,
        RejectionReason.HARMFUL_ADVICE,
        "dose",
    )
    article.refresh_from_db()
    assert article.approved_comment_count == 0


def test_reject_refuses_an_unknown_reason_and_changes_nothing(pending, moderator):
    with pytest.raises(ValueError, match="Unknown rejection reason"):
        moderation.reject(pending, by=moderator, reason="because")
    pending.refresh_from_db()
    assert pending.status == CommentStatus.PENDING
    assert pending.events.count() == 1


@pytest.mark.parametrize(
    ("start", "action"),
    [
        (CommentStatus.APPROVED, "approve"),
        (CommentStatus.REJECTED, "approve"),
        (CommentStatus.SPAM, "approve"),
        (CommentStatus.REMOVED, "approve"),
        (CommentStatus.APPROVED, "reject"),
        (CommentStatus.REJECTED, "reject"),
        (CommentStatus.SPAM, "reject"),
        (CommentStatus.REMOVED, "reject"),
    ],
)
def test_forbidden_transition_raises_and_writes_nothing(
    article, member, moderator, comment_factory, start, action
):
    comment = comment_factory(article=article, author=member, status=start)
    events_before = ModerationEvent.objects.count()
    article.refresh_from_db()
    count_before = article.approved_comment_count
    with pytest.raises(moderation.TransitionNotAllowed):
        if action == "approve":
            moderation.approve(comment, by=moderator)
        else:
            moderation.reject(comment, by=moderator, reason=RejectionReason.OFF_TOPIC)
    comment.refresh_from_db()
    article.refresh_from_db()
    assert comment.status == start
    assert ModerationEvent.objects.count() == events_before
    assert article.approved_comment_count == count_before


def test_stale_object_cannot_decide_twice(pending, moderator):
    stale = Comment.objects.get(pk=pending.pk)
    moderation.approve(pending, by=moderator)
    with pytest.raises(moderation.TransitionNotAllowed):
        moderation.reject(stale, by=moderator, reason=RejectionReason.OFF_TOPIC)
    assert pending.events.count() == 2


def test_submit_refuses_a_saved_comment(pending):
    with pytest.raises(ValueError):
        moderation.submit(pending, decision=Decision(Action.ALLOW))


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL; .ci/run and make test always use it",
)
@pytest.mark.parametrize("second", ["approve", "reject"])
def test_two_moderators_at_once_give_exactly_one_decision(
    article, member, user_factory, comment_factory, second
):
    comment = comment_factory(article=article, author=member, status="pending")
    mods = [user_factory(moderator=True), user_factory(moderator=True)]
    barrier = threading.Barrier(2)
    outcomes = []

    def act(index):
        try:
            barrier.wait()
            if index == 0 or second == "approve":
                moderation.approve(Comment.objects.get(pk=comment.pk), by=mods[index])
            else:
                moderation.reject(
                    Comment.objects.get(pk=comment.pk),
                    by=mods[index],
                    reason=RejectionReason.OFF_TOPIC,
                )
            outcomes.append("decided")
        except moderation.TransitionNotAllowed:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["decided", "refused"]
    decisions = ModerationEvent.objects.filter(comment=comment).exclude(from_status="")
    assert decisions.count() == 1
    article.refresh_from_db()
    comment.refresh_from_db()
    expected = 1 if comment.status == CommentStatus.APPROVED else 0
    assert article.approved_comment_count == expected


def _counted():
    return {
        (row.article_id, row.status): row.n
        for row in CommentCount.objects.all()
        if row.n
    }


def _actual():
    return {
        (row["article_id"], row["status"]): row["n"]
        for row in Comment.objects.order_by()
        .values("article_id", "status")
        .annotate(n=Count("pk"))
    }


def test_status_counters_follow_every_kind_of_change(
    article_factory, user_factory, moderator, comment_factory
):
    first, second = article_factory(), article_factory()
    member = user_factory()
    held = [
        comment_factory(article=a, author=user_factory(), status=S.PENDING)
        for a in (first, second, first, second, first)
    ]
    posted = comment_factory(article=first, author=member)
    comment_factory(article=second, author=member, status=S.SPAM)
    moderation.approve(held[0], by=moderator)
    moderation.reject(held[1], by=moderator, reason=RejectionReason.OFF_TOPIC)
    moderation.decide_many([c.pk for c in held[2:]], "spam", by=moderator)
    moderation.restore(held[2], by=moderator)
    moderation.remove(posted, by=moderator)
    moderation.hide_for_reports(held[0])
    moderation.delete_by_author(held[0], by=held[0].author)
    assert _counted() == _actual()
    tabs = selectors.queue_tab_counts()
    assert (tabs["pending"], tabs["spam"], tabs["removed"], tabs["rejected"]) == (
        Comment.objects.filter(status=S.PENDING).count(),
        Comment.objects.filter(status=S.SPAM).count(),
        1,
        1,
    )


def test_recount_repairs_counters_that_drifted(article, member, comment_factory):
    comment_factory(article=article, author=member)
    CommentCount.objects.update(n=42)
    Article.objects.update(approved_comment_count=42)
    moderation.recount()
    assert _counted() == _actual()
    article.refresh_from_db()
    assert article.approved_comment_count == 1
