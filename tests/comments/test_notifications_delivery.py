"""How notification emails go out: after the commit only, once per news
item whatever runs twice, and again after a failing send."""

import logging
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.tasks import task_backends
from django.utils import timezone

from comments import moderation, notifications
from comments.models import (
    Comment,
    CommentStatus,
    ModerationEvent,
    Notification,
    NotificationKind,
    NotificationStatus,
)

pytestmark = pytest.mark.django_db


def mail_to(mailoutbox, user):
    return [message for message in mailoutbox if user.email in message.to]


@pytest.fixture
def pending(article, member, comment_factory):
    return comment_factory(article=article, author=member, status="pending")


@pytest.fixture
def pending_reply(article, member, user_factory, comment_factory):
    """A new member's reply to Pat's published comment, waiting."""
    parent = comment_factory(article=article, author=member)
    return comment_factory(
        article=article, author=user_factory(), parent=parent, status="pending"
    )


# After the commit, and only then ------------------------------------------


def test_rolled_back_decision_sends_nothing(pending, moderator, committed, mailoutbox):
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        moderation.approve(pending, by=moderator)
        raise RuntimeError("something after the decision failed")
    pending.refresh_from_db()
    assert pending.status == CommentStatus.PENDING
    assert mailoutbox == []
    assert Notification.objects.count() == 0


def test_decision_enqueues_its_emails_on_commit_not_before(
    pending, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        moderation.approve(pending, by=moderator)
    assert mailoutbox == []
    assert Notification.objects.count() == 0
    for callback in callbacks:
        callback()
    assert len(mail_to(mailoutbox, pending.author)) == 1


def test_failing_enqueue_never_undoes_the_decision(
    pending, moderator, committed, monkeypatch, caplog
):
    class Unavailable:
        def enqueue(self, **kwargs):
            raise ConnectionError("task queue unavailable")

    monkeypatch.setattr(notifications, "plan_notifications", Unavailable())
    with caplog.at_level(logging.ERROR, logger="comments.notifications"), committed():
        moderation.approve(pending, by=moderator)
    pending.refresh_from_db()
    assert pending.status == CommentStatus.APPROVED
    assert "Could not enqueue notifications" in caplog.text


# No duplicates ----------------------------------------------------------------


def test_planning_the_same_events_again_sends_no_second_email(
    pending_reply, moderator, committed, mailoutbox
):
    parent_author = pending_reply.parent.author
    with committed():
        moderation.approve(pending_reply, by=moderator)
    first = len(mailoutbox)
    assert len(mail_to(mailoutbox, parent_author)) == 1
    event_ids = list(
        ModerationEvent.objects.filter(comment=pending_reply).values_list(
            "pk", flat=True
        )
    )
    # A retried task, or the same events announced twice.
    notifications.plan_notifications.enqueue(event_ids=event_ids)
    notifications.plan_notifications.call(event_ids)
    assert len(mailoutbox) == first
    assert Notification.objects.filter(recipient=parent_author).count() == 1


def test_sending_a_sent_notification_again_does_nothing(
    pending, moderator, committed, mailoutbox
):
    with committed():
        moderation.approve(pending, by=moderator)
    notification = Notification.objects.get(recipient=pending.author)
    before = len(mailoutbox)
    result = notifications.send_notification.enqueue(notification_id=notification.pk)
    assert result.return_value == NotificationStatus.SENT
    assert len(mailoutbox) == before


def test_comment_approved_again_after_being_hidden_is_not_news_again(
    pending, moderator, comment_factory, committed, mailoutbox, user_factory
):
    with committed():
        moderation.approve(pending, by=moderator)
    sent = len(mailoutbox)
    with committed():
        moderation.hide_for_reports(pending)
        moderation.approve(pending, by=moderator)
    assert len(mailoutbox) == sent


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks need PostgreSQL; .ci/run and make test always use it",
)
def test_two_moderators_approving_at_once_send_each_email_once(
    article, author, member, user_factory, comment_factory, mailoutbox
):
    parent = comment_factory(article=article, author=member)
    replier = user_factory()
    reply = comment_factory(
        article=article, author=replier, parent=parent, status="pending"
    )
    mailoutbox.clear()
    mods = [user_factory(moderator=True), user_factory(moderator=True)]
    barrier = threading.Barrier(2)
    outcomes = []

    def act(index):
        try:
            barrier.wait()
            moderation.approve(Comment.objects.get(pk=reply.pk), by=mods[index])
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
    assert len(mail_to(mailoutbox, member)) == 1  # the reply
    assert len(mail_to(mailoutbox, replier)) == 1  # published
    assert len(mail_to(mailoutbox, author)) == 1  # new comment on the article
    assert len(mailoutbox) == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL's concurrent transactions",
)
def test_the_same_events_planned_twice_at_once_send_each_email_once(
    article, author, member, user_factory, comment_factory, mailoutbox
):
    # Notifications are claimed by INSERT under a unique constraint: two
    # workers running the same plan at the same moment can't both claim.
    parent = comment_factory(article=article, author=member)
    for _ in range(3):
        notifications.follow_article(member=user_factory(), article=article)
    with notifications.muted():
        reply = comment_factory(article=article, author=author, parent=parent)
    mailoutbox.clear()
    event_ids = list(
        ModerationEvent.objects.filter(comment=reply).values_list("pk", flat=True)
    )
    barrier = threading.Barrier(2)
    claimed = []

    def plan():
        try:
            barrier.wait()
            claimed.append(notifications.plan_notifications.call(event_ids))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=plan) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    # The member (reply) and three followers, each once.
    assert sorted(claimed) in ([0, 4], [1, 3], [2, 2])
    assert len(mailoutbox) == 4
    assert len({tuple(message.to) for message in mailoutbox}) == 4
    sent = Notification.objects.filter(comment=reply, status=NotificationStatus.SENT)
    assert sent.count() == 4


# Retries ----------------------------------------------------------------------


def test_failed_send_is_retried_logged_and_sent_once(
    pending, moderator, committed, mailoutbox, flaky_mail, caplog
):
    flaky_mail["failures"] = 2
    log = caplog.at_level(logging.WARNING, logger="comments.notifications")
    with log, committed():
        moderation.approve(pending, by=moderator)
    assert len(mail_to(mailoutbox, pending.author)) == 1
    notification = Notification.objects.get(
        recipient=pending.author, kind=NotificationKind.APPROVED
    )
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 3
    assert "failed, attempt 1 of 5" in caplog.text
    assert "ConnectionRefusedError" in caplog.text
    assert "SMTP server unavailable" in notification.last_error


def test_send_gives_up_after_the_last_attempt_and_the_decision_stands(
    pending, moderator, committed, mailoutbox, flaky_mail, caplog, settings
):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    flaky_mail["failures"] = 1000
    log = caplog.at_level(logging.WARNING, logger="comments.notifications")
    with log, committed():
        moderation.approve(pending, by=moderator)
    assert mailoutbox == []
    pending.refresh_from_db()
    assert pending.status == CommentStatus.APPROVED
    notification = Notification.objects.get(
        recipient=pending.author, kind=NotificationKind.APPROVED
    )
    assert notification.status == NotificationStatus.FAILED
    assert notification.attempts == 3
    assert "Gave up on notification" in caplog.text
    # Bounded: 3 tries for each of the two emails (member, article's author).
    assert flaky_mail["tries"] == 6


def test_with_a_worker_a_failed_send_is_retried_later_not_at_once(
    pending, moderator, committed, mailoutbox, flaky_mail, settings
):
    # A backend with a worker (here Django's dummy backend, worked by hand
    # as db_worker would) gets the next attempt deferred by a minute.
    dummy = "django.tasks.backends.dummy.DummyBackend"
    settings.TASKS = {"default": {"BACKEND": dummy}}
    queue = task_backends["default"]
    flaky_mail["failures"] = 1
    with committed():
        moderation.approve(pending, by=moderator)
    assert mailoutbox == []  # the request only enqueued

    def work(now):
        """Run every task that is due, as a worker would."""
        while due := [
            r for r in queue.results if not r.task.run_after or r.task.run_after <= now
        ]:
            queue.results.remove(due[0])
            due[0].task.call(*due[0].args, **due[0].kwargs)

    work(timezone.now())
    # Of the two emails (the member's, the article author's), the first
    # failed and waits for its second attempt.
    assert len(mailoutbox) == 1
    failed = Notification.objects.get(status=NotificationStatus.QUEUED)
    assert failed.attempts == 1
    assert "SMTP server unavailable" in failed.last_error
    [retry] = queue.results
    assert retry.kwargs == {"notification_id": failed.pk, "attempt": 2}
    wait = (retry.task.run_after - timezone.now()).total_seconds()
    assert 50 < wait <= 60

    work(timezone.now() + timedelta(seconds=61))
    failed.refresh_from_db()
    assert failed.status == NotificationStatus.SENT
    assert failed.attempts == 2
    assert len(mailoutbox) == 2


def test_email_no_longer_wanted_when_sent_is_skipped(
    pending, moderator, committed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        moderation.approve(pending, by=moderator)
    # The member turns decisions off before the queued task runs.
    notifications.unsubscribe(member=pending.author, scope="decisions")
    for callback in callbacks:
        callback()
    assert mail_to(mailoutbox, pending.author) == []


def test_deploy_check_warns_until_emails_have_a_worker_and_an_https_address(
    settings,
):
    from django.core.checks import run_checks

    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert {"ldnforum.W002", "ldnforum.W003"} <= ids
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SITE_URL = "https://forum.example.org"
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert not {"ldnforum.W002", "ldnforum.W003"} & ids


def test_a_large_bulk_decision_is_planned_in_chunks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }
    notifications.events_committed(list(range(1, 451)))
    queued = task_backends["default"].results
    assert [len(r.kwargs["event_ids"]) for r in queued] == [200, 200, 50]
    assert queued[2].kwargs["event_ids"][-1] == 450
