"""Keeping a reported comment published closes its reports."""

import pytest
from django.urls import reverse

from comments import services
from comments.models import CommentStatus, Flag, ModerationEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(article, member, other_member, comment_factory):
    comment = comment_factory(article=article, author=member, body="My story")
    services.comment_report(comment=comment, reporter=other_member, reason="spam")
    return comment


def keep_url(comment):
    return reverse("comments:moderation-keep", kwargs={"pk": comment.pk})


def test_moderator_keeps_reported_comment_and_its_reports_close(
    client, moderator, reported
):
    client.force_login(moderator)
    html = client.get("/moderation/?tab=reported").content.decode()
    assert f"Keep #{reported.pk} and close its reports" in html
    response = client.post(keep_url(reported), follow=True)
    assert "closed 1 report" in response.content.decode()
    reported.refresh_from_db()
    assert reported.status == CommentStatus.APPROVED
    flag = Flag.objects.get()
    assert (flag.resolved_by, flag.resolved_at is not None) == (moderator, True)
    html = client.get("/moderation/?tab=reported").content.decode()
    assert f'id="queue-{reported.pk}"' not in html


def test_keeping_a_comment_that_is_no_longer_published_changes_nothing(
    client, moderator, reported
):
    from comments import moderation

    moderation.remove(reported, by=moderator)
    client.force_login(moderator)
    response = client.post(keep_url(reported), follow=True)
    assert "no longer published" in response.content.decode()
    reported.refresh_from_db()
    assert reported.status == CommentStatus.REMOVED


@pytest.mark.parametrize("who", ["member", "author", "other_member"])
def test_members_cannot_keep_reported_comments(client, request, reported, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(keep_url(reported)).status_code == 403
    assert Flag.objects.get().resolved_at is None


def test_anonymous_is_sent_to_log_in_and_nothing_changes(client, reported):
    response = client.post(keep_url(reported))
    assert response.status_code == 302
    assert Flag.objects.get().resolved_at is None


def test_keep_requires_post(client, moderator, reported):
    client.force_login(moderator)
    assert client.get(keep_url(reported)).status_code == 405


def test_keeping_is_one_event_in_the_audit_log(client, moderator, reported):
    client.force_login(moderator)
    client.post(keep_url(reported))
    kept = ModerationEvent.objects.filter(comment=reported).latest("pk")
    assert (kept.actor, kept.from_status, kept.to_status) == (
        moderator,
        CommentStatus.APPROVED,
        CommentStatus.APPROVED,
    )
    assert kept.note == "Closed 1 report."
    log = client.get(reverse("comments:audit-log"), {"action": "kept"})
    rows = log.content.decode()
    assert "kept published" in rows
    assert f"#{reported.pk}" in rows
    # Filtering by "approved" lists real approvals only, not this decision.
    approved = client.get(reverse("comments:audit-log"), {"action": "approved"})
    assert "kept published" not in approved.content.decode()


def test_keeping_twice_closes_nothing_more_and_records_one_decision(
    client, moderator, reported
):
    client.force_login(moderator)
    client.post(keep_url(reported))
    response = client.post(keep_url(reported), follow=True)
    assert "closed 0 reports" in response.content.decode()
    notes = list(
        ModerationEvent.objects.filter(
            comment=reported, from_status=CommentStatus.APPROVED
        ).values_list("note", flat=True)
    )
    assert notes == ["Closed 1 report."]


def test_keeping_a_reported_comment_emails_nobody(
    client, moderator, reported, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(keep_url(reported))
    assert mailoutbox == []
