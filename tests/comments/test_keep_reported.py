"""Keeping a reported comment published closes its reports."""

import pytest
from django.urls import reverse

from comments import services
from comments.models import CommentStatus, Flag

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
