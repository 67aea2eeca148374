"""The moderation queue at /moderation/: who may use it, what it shows, and
the approve/reject actions."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment, CommentStatus, ModerationEvent, RejectionReason

pytestmark = pytest.mark.django_db

QUEUE = reverse("comments:moderation-queue")


def approve_url(comment):
    return reverse("comments:moderation-approve", kwargs={"pk": comment.pk})


def reject_url(comment):
    return reverse("comments:moderation-reject", kwargs={"pk": comment.pk})


@pytest.fixture
def pending(article, member, comment_factory):
    return comment_factory(
        article=article,
        author=member,
        body="Started LDN last month, vivid dreams so far.",
        status=CommentStatus.PENDING,
    )


def test_queue_lists_pending_comments_oldest_first_with_context(
    client, moderator, article, member, other_member, comment_factory
):
    parent = comment_factory(article=article, author=other_member, body="Parent text")
    comment_factory(article=article, author=member, body="Older approved")
    comment_factory(
        article=article, author=member, body="Rejected once", status="rejected"
    )
    older = comment_factory(
        article=article, author=member, body="Older pending", status="pending"
    )
    newer = comment_factory(
        article=article,
        author=other_member,
        body="Newer pending reply",
        parent=parent,
        status="pending",
    )
    client.force_login(moderator)
    response = client.get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(f'id="queue-{older.pk}"') < html.index(f'id="queue-{newer.pk}"')
    assert "Older approved" not in html
    assert article.title in html
    assert "Patient Pat" in html
    # member history: 1 approved, 1 rejected, and join date
    assert "1 approved, 1 rejected" in html
    assert "Joined" in html
    # the parent of a reply is shown
    assert "In reply to Another Ann" in html
    assert "Parent text" in html
    assert "Newer pending reply" in html


def test_a_reply_shows_what_it_answers_and_how_that_stands(
    client, moderator, article, member, user_factory, comment_factory
):
    """The parent is shown with its author (or "a former member" once the
    account is gone) and its status when readers can't see it; its stored
    clean HTML is shown as HTML, not escaped."""
    gone = user_factory(display_name="Gone Gail")
    answered = comment_factory(
        article=article, author=gone, body="Is LDN worth it? 1.5 mg & rising."
    )
    reply = comment_factory(
        article=article,
        author=member,
        body="It was for me.",
        parent=answered,
        status="pending",
    )
    Comment.objects.filter(pk=answered.pk).update(status=CommentStatus.REJECTED)
    gone.delete()
    client.force_login(moderator)
    html = client.get(QUEUE).content.decode()
    item = html[html.index(f'id="queue-{reply.pk}"') :]
    assert "In reply to a former member (rejected):" in item
    assert "Gone Gail" not in html
    assert "<p>Is LDN worth it? 1.5 mg &amp; rising.</p>" in item


@pytest.mark.parametrize("size", [3, 60])
def test_queue_queries_do_not_grow_with_its_length(
    client,
    moderator,
    article,
    user_factory,
    comment_factory,
    django_assert_max_num_queries,
    size,
):
    members = [user_factory() for _ in range(3)]
    for i in range(size):
        comment_factory(article=article, author=members[i % 3], status="pending")
    client.force_login(moderator)
    with django_assert_max_num_queries(10):
        response = client.get(QUEUE)
    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-4 queue-item"') == min(
        size, 50
    )


def test_queue_paginates_at_fifty(client, moderator, article, member, comment_factory):
    for _ in range(51):
        comment_factory(article=article, author=member, status="pending")
    client.force_login(moderator)
    html = client.get(QUEUE + "?page=2").content.decode()
    assert html.count('class="card mb-4 queue-item"') == 1
    assert "Page 2 of 2" in html


def test_queue_is_forbidden_to_members(client, member, author):
    client.force_login(member)
    response = client.get(QUEUE)
    assert response.status_code == 403
    assert "Only moderators can do this." in response.content.decode()
    client.force_login(author)
    assert client.get(QUEUE).status_code == 403


def test_queue_is_forbidden_to_unverified_members(client, unverified):
    client.force_login(unverified)
    assert client.get(QUEUE).status_code == 403


@pytest.mark.parametrize("who", ["member", "author", "unverified"])
def test_reject_page_is_forbidden_to_members(client, request, pending, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reject_url(pending)).status_code == 403


def test_reject_page_sends_anonymous_users_to_log_in(client, pending):
    response = client.get(reject_url(pending))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_queue_sends_anonymous_users_to_log_in(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_navigation_shows_pending_count_to_moderators_only(
    client, moderator, member, pending
):
    client.force_login(moderator)
    html = client.get("/").content.decode()
    assert "Moderation" in html
    assert '1<span class="visually-hidden"> pending</span>' in html
    client.force_login(member)
    assert "Moderation <span" not in client.get("/").content.decode()


def test_moderator_approves_and_the_comment_becomes_public(
    client, moderator, pending, article
):
    client.force_login(moderator)
    response = client.post(approve_url(pending), follow=True)
    assert response.status_code == 200
    assert f"Approved comment #{pending.pk}" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == CommentStatus.APPROVED
    client.logout()
    assert pending.body in client.get(article.get_absolute_url()).content.decode()


def test_moderator_rejects_with_reason_and_note(client, moderator, pending, article):
    client.force_login(moderator)
    response = client.post(
        reject_url(pending),
        {"reason": RejectionReason.HARMFUL_ADVICE, "note": "suggests stopping DMT"},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == CommentStatus.REJECTED
    assert pending.moderation_note == "suggests stopping DMT"
    assert pending.events.last().reason == RejectionReason.HARMFUL_ADVICE
    client.logout()
    assert pending.body not in client.get(article.get_absolute_url()).content.decode()


def test_reject_page_without_javascript_shows_the_form(client, moderator, pending):
    client.force_login(moderator)
    response = client.get(reject_url(pending))
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required."),
        ({"reason": "because"}, "Select a valid choice."),
        ({"reason": RejectionReason.OTHER, "note": "  "}, "Please say why"),
        ({"reason": RejectionReason.OFF_TOPIC, "note": "x" * 1001}, "at most 1000"),
    ],
    ids=["missing", "unknown", "other-without-note", "note-too-long"],
)
def test_reject_with_bad_input_is_400_and_changes_nothing(
    client, moderator, pending, data, message
):
    client.force_login(moderator)
    response = client.post(reject_url(pending), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == CommentStatus.PENDING
    assert pending.events.count() == 1


def test_second_decision_on_same_comment_is_refused_politely(
    client, moderator, user_factory, pending
):
    other_moderator = user_factory(moderator=True)
    client.force_login(moderator)
    client.post(approve_url(pending))
    second = Client()
    second.force_login(other_moderator)
    response = second.post(
        reject_url(pending), {"reason": RejectionReason.OFF_TOPIC}, follow=True
    )
    assert "already decided by someone else" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == CommentStatus.APPROVED
    assert ModerationEvent.objects.filter(comment=pending).count() == 2


@pytest.mark.parametrize("who", ["member", "author", "unverified"])
def test_members_cannot_approve_or_reject(client, request, pending, who):
    client.force_login(request.getfixturevalue(who))
    assert client.post(approve_url(pending)).status_code == 403
    response = client.post(reject_url(pending), {"reason": RejectionReason.OFF_TOPIC})
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == CommentStatus.PENDING


def test_anonymous_cannot_approve(client, pending):
    response = client.post(approve_url(pending))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == CommentStatus.PENDING


def test_approve_requires_post(client, moderator, pending):
    client.force_login(moderator)
    assert client.get(approve_url(pending)).status_code == 405


def test_approve_without_csrf_token_is_refused(moderator, pending):
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    assert client.post(approve_url(pending)).status_code == 403
    pending.refresh_from_db()
    assert pending.status == CommentStatus.PENDING


def test_approving_a_missing_comment_is_404(client, moderator):
    client.force_login(moderator)
    assert client.post("/moderation/999999/approve/").status_code == 404
    assert not Comment.objects.exists()
