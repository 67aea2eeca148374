"""The member page moderators use: history, standing, notes; and what a
change of standing does to posting."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments import moderation
from comments.models import (
    Comment,
    CommentStatus,
    Flag,
    MemberNote,
    MemberStanding,
    ModerationEvent,
    RejectionReason,
    Standing,
)

pytestmark = pytest.mark.django_db


def detail_url(user):
    return reverse("comments:member-detail", kwargs={"pk": user.pk})


def note_url(user):
    return reverse("comments:member-note-add", kwargs={"pk": user.pk})


def standing_url(user):
    return reverse("comments:member-standing", kwargs={"pk": user.pk})


def post_url(article):
    return reverse("comments:post", kwargs={"slug": article.slug})


def local_input(when):
    """What a datetime-local input sends."""
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


# The member page -----------------------------------------------------------


def test_member_page_redirects_anonymous_users_to_login(client, member):
    response = client.get(detail_url(member))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_member_page_is_forbidden_when_viewer_is_a_member(client, member, other_member):
    client.force_login(other_member)
    assert client.get(detail_url(member)).status_code == 403


def test_member_page_is_forbidden_when_viewer_is_the_member_themself(client, member):
    client.force_login(member)
    assert client.get(detail_url(member)).status_code == 403


def test_member_page_is_404_when_member_does_not_exist(client, moderator):
    client.force_login(moderator)
    response = client.get(reverse("comments:member-detail", kwargs={"pk": 999_999}))
    assert response.status_code == 404


def test_member_page_shows_history_standing_decisions_reports_and_notes(
    client, moderator, member, other_member, article, comment_factory
):
    comment_factory(article=article, author=member, body="An approved story.")
    comment_factory(
        article=article,
        author=member,
        body="A rejected story.",
        status=CommentStatus.REJECTED,
    )
    comment_factory(
        article=article, author=member, body="A pending story.", status="pending"
    )
    theirs = comment_factory(article=article, author=other_member, body="Theirs.")
    Flag.objects.create(comment=theirs, reporter=member, reason="spam")
    MemberNote.objects.create(member=member, author=moderator, text="Asked twice.")

    client.force_login(moderator)
    response = client.get(detail_url(member))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Patient Pat" in html
    assert member.date_joined.strftime("%Y") in html
    assert member.email not in html
    assert "new member: held until 3 comments are approved" in html
    # counts by status
    assert "1</span> approved" in html
    assert "1</span> rejected" in html
    assert "1</span> awaiting moderation" in html
    # history with article, status and clean text
    for body in ("An approved story.", "A rejected story.", "A pending story."):
        assert body in html
    assert html.index("A pending story.") < html.index("An approved story.")
    assert article.title in html
    assert "Off topic for this article" in html
    # decisions on their comments, reports they made, notes
    assert "Approved → Rejected" in html or "→ Rejected" in html
    assert "Spam or advertising on" in html
    assert "Another Ann" in html
    assert "Asked twice." in html
    assert "Mod Mo" in html


def test_member_page_shows_rule_reasons_and_highlighted_review_text(
    client, moderator, member, article, comment_factory
):
    comment = comment_factory(article=article, author=member, status="pending")
    Comment.objects.filter(pk=comment.pk).update(
        rule_reasons=[{"rule": "suspect", "label": "suspect word 'cure'"}],
        review_html="<p>a <mark>cure</mark></p>",
    )
    client.force_login(moderator)
    html = client.get(detail_url(member)).content.decode()
    assert "Rule: suspect word &#x27;cure&#x27;" in html
    assert "<mark>cure</mark>" in html


def test_member_history_is_paginated_by_50_newest_first(
    client, moderator, member, article, comment_factory
):
    made = [
        comment_factory(article=article, author=member, body=f"Story number {i}.")
        for i in range(53)
    ]
    client.force_login(moderator)
    first = client.get(detail_url(member))
    assert len(first.context["comments"]) == 50
    assert first.context["comments"][0].pk == made[-1].pk
    html = first.content.decode()
    assert "Story number 52." in html
    assert "Story number 2." not in html
    second = client.get(detail_url(member), {"page": 2})
    assert [c.pk for c in second.context["comments"]] == [c.pk for c in made[2::-1]]


@pytest.mark.parametrize(
    ("level", "until_days", "shown"),
    [
        (Standing.TRUSTED, None, "trusted member: published at once"),
        (Standing.UNTRUSTED, None, "untrusted member: always held"),
        (Standing.SUSPENDED, 3, "suspended until"),
        (Standing.BANNED, None, "banned"),
    ],
)
def test_member_page_shows_standing_when_a_moderator_set_it(
    client, moderator, member, level, until_days, shown
):
    until = timezone.now() + timedelta(days=until_days) if until_days else None
    moderation.set_standing(
        member, level=level, by=moderator, until=until, reason="Pharmacy links"
    )
    client.force_login(moderator)
    html = client.get(detail_url(member)).content.decode()
    assert f'<strong class="member-standing">{shown}' in html
    assert "Set by Mod Mo" in html
    assert "Pharmacy links" in html


def test_member_page_shows_earned_trust_when_suspension_has_ended(
    client, moderator, member, article, comment_factory
):
    for _ in range(3):
        comment_factory(article=article, author=member)
    moderation.set_standing(
        member,
        level=Standing.SUSPENDED,
        by=moderator,
        until=timezone.now() + timedelta(days=1),
        reason="Cooling off",
    )
    MemberStanding.objects.filter(member=member).update(
        suspended_until=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(moderator)
    html = client.get(detail_url(member)).content.decode()
    assert '<strong class="member-standing">trusted member' in html


def test_member_page_hides_standing_form_when_member_is_a_moderator(
    client, moderator, user_factory
):
    other_moderator = user_factory(moderator=True)
    client.force_login(moderator)
    html = client.get(detail_url(other_moderator)).content.decode()
    assert "Moderators are always trusted" in html
    assert standing_url(other_moderator) not in html


@pytest.mark.parametrize("size", [2, 40])
def test_member_page_queries_do_not_grow_with_history(
    client,
    moderator,
    member,
    other_member,
    article_factory,
    comment_factory,
    django_assert_max_num_queries,
    size,
):
    articles = [article_factory() for _ in range(3)]
    for i in range(size):
        status = [CommentStatus.APPROVED, CommentStatus.PENDING, "rejected"][i % 3]
        comment_factory(article=articles[i % 3], author=member, status=status)
        theirs = comment_factory(article=articles[i % 3], author=other_member)
        Flag.objects.create(comment=theirs, reporter=member, reason="spam")
        MemberNote.objects.create(member=member, author=moderator, text=f"Note {i}")
    client.force_login(moderator)
    with django_assert_max_num_queries(20):
        assert client.get(detail_url(member)).status_code == 200


# Notes -----------------------------------------------------------------------


def test_note_is_added_with_its_author_and_date_when_a_moderator_writes_it(
    client, moderator, member
):
    client.force_login(moderator)
    response = client.post(note_url(member), {"text": "Warned about dosing advice."})
    assert response.status_code == 302
    assert response["Location"] == detail_url(member)
    note = MemberNote.objects.get()
    assert (note.member, note.author) == (member, moderator)
    html = client.get(detail_url(member)).content.decode()
    assert "Warned about dosing advice." in html
    assert "Note added on Patient Pat." in html
    assert note.created_at.strftime("%Y") in html


def test_note_text_is_escaped_on_the_page(client, moderator, member):
    client.force_login(moderator)
    client.post(note_url(member), {"text": "<script>alert(1)</script>"})
    html = client.get(detail_url(member)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_note_is_refused_with_400_when_text_is_empty_or_too_long(
    client, moderator, member, text
):
    client.force_login(moderator)
    response = client.post(note_url(member), {"text": text})
    assert response.status_code == 400
    assert "The note was not saved" in response.content.decode()
    assert not MemberNote.objects.exists()


def test_note_is_forbidden_when_poster_is_a_member(client, member, other_member):
    client.force_login(other_member)
    response = client.post(note_url(member), {"text": "Sneaky."})
    assert response.status_code == 403
    assert not MemberNote.objects.exists()


def test_note_redirects_anonymous_users_to_login(client, member):
    response = client.post(note_url(member), {"text": "Sneaky."})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not MemberNote.objects.exists()


def test_note_is_refused_when_method_is_get(client, moderator, member):
    client.force_login(moderator)
    assert client.get(note_url(member)).status_code == 405


# Standing ------------------------------------------------------------------


def test_ban_rejects_each_pending_comment_as_its_own_event(
    client, moderator, member, article, comment_factory
):
    pending = [
        comment_factory(article=article, author=member, status="pending")
        for _ in range(3)
    ]
    approved = comment_factory(article=article, author=member)
    client.force_login(moderator)
    response = client.post(
        standing_url(member), {"level": "banned", "reason": "Selling pills"}
    )
    assert response.status_code == 302
    events = ModerationEvent.objects.filter(reason=RejectionReason.MEMBER_BANNED)
    assert events.count() == 3
    assert sorted(e.comment_id for e in events) == sorted(c.pk for c in pending)
    assert {(e.from_status, e.to_status, e.actor_id) for e in events} == {
        (CommentStatus.PENDING, CommentStatus.REJECTED, moderator.pk)
    }
    for comment in pending:
        comment.refresh_from_db()
        assert comment.status == CommentStatus.REJECTED
        assert comment.moderation_reason == RejectionReason.MEMBER_BANNED
    approved.refresh_from_db()
    assert approved.status == CommentStatus.APPROVED
    standing = MemberStanding.objects.get(member=member)
    assert (standing.level, standing.reason, standing.set_by) == (
        Standing.BANNED,
        "Selling pills",
        moderator,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Patient Pat is banned" in page
    assert "3 comments awaiting moderation were rejected" in page


def test_banned_member_cannot_post(client, moderator, member, article):
    moderation.set_standing(member, level="banned", by=moderator, reason="Spam")
    client.force_login(member)
    response = client.post(post_url(article), {"body": "Buy cheap pills."})
    assert response.status_code == 403
    assert "banned from posting" in response.content.decode()
    assert not Comment.objects.exists()


def test_suspended_member_cannot_post_until_the_date(
    client, moderator, member, article
):
    until = timezone.now() + timedelta(days=2)
    client.force_login(moderator)
    response = client.post(
        standing_url(member),
        {"level": "suspended", "until": local_input(until), "reason": "Rude"},
    )
    assert response.status_code == 302
    standing = MemberStanding.objects.get(member=member)
    assert standing.level == Standing.SUSPENDED
    assert abs(standing.suspended_until - until) < timedelta(minutes=1)

    client.force_login(member)
    response = client.post(post_url(article), {"body": "Back again."})
    assert response.status_code == 403
    assert "suspended until" in response.content.decode()
    assert not Comment.objects.exists()


def test_suspended_member_can_post_again_when_suspension_has_ended(
    client, moderator, member, article
):
    moderation.set_standing(
        member,
        level="suspended",
        by=moderator,
        until=timezone.now() + timedelta(hours=1),
        reason="Rude",
    )
    MemberStanding.objects.filter(member=member).update(
        suspended_until=timezone.now() - timedelta(seconds=1)
    )
    client.force_login(member)
    response = client.post(post_url(article), {"body": "Back again, calmer."})
    assert response.status_code == 302
    assert Comment.objects.filter(author=member).exists()


def test_trusted_member_publishes_at_once_when_a_moderator_trusts_them(
    client, moderator, member, article
):
    client.force_login(moderator)
    response = client.post(standing_url(member), {"level": "trusted"})
    assert response.status_code == 302
    client.force_login(member)
    client.post(post_url(article), {"body": "My first story."})
    assert Comment.objects.get(author=member).status == CommentStatus.APPROVED


def test_untrusted_member_is_held_even_after_approved_comments(
    client, moderator, member, article, comment_factory
):
    for _ in range(3):
        comment_factory(article=article, author=member)
    client.force_login(moderator)
    response = client.post(standing_url(member), {"level": "untrusted"})
    assert response.status_code == 302
    client.force_login(member)
    client.post(post_url(article), {"body": "One more story."})
    assert Comment.objects.filter(author=member).latest("pk").status == "pending"


def test_standing_back_to_auto_lifts_a_ban(client, moderator, member, article):
    moderation.set_standing(member, level="banned", by=moderator, reason="Spam")
    client.force_login(moderator)
    response = client.post(
        standing_url(member), {"level": "auto", "until": "2000-01-01T00:00"}
    )
    assert response.status_code == 302
    standing = MemberStanding.objects.get(member=member)
    assert (standing.level, standing.suspended_until) == (Standing.AUTO, None)
    client.force_login(member)
    assert client.post(post_url(article), {"body": "Hello."}).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"level": "suspended", "reason": "Rude"}, "when the suspension ends"),
        (
            {"level": "suspended", "until": "2001-01-01T10:00", "reason": "Rude"},
            "must end in the future",
        ),
        (
            {"level": "suspended", "until": "next tuesday", "reason": "Rude"},
            "Please enter a date and time",
        ),
        ({"level": "banned"}, "Please give the reason"),
        ({"level": "banned", "reason": "   "}, "Please give the reason"),
        (
            {"level": "suspended", "until": "2999-01-01T10:00"},
            "Please give the reason",
        ),
        ({"level": "exiled"}, "Please choose one of the standings"),
        ({}, "This field is required"),
        ({"level": "banned", "reason": "x" * 501}, "at most 500 characters"),
    ],
)
def test_standing_is_refused_with_400_when_input_is_bad(
    client, moderator, member, article, comment_factory, data, message
):
    pending = comment_factory(article=article, author=member, status="pending")
    client.force_login(moderator)
    response = client.post(standing_url(member), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Nothing was changed" in html
    assert not MemberStanding.objects.exists()
    pending.refresh_from_db()
    assert pending.status == CommentStatus.PENDING


def test_standing_is_forbidden_when_moderator_changes_their_own(client, moderator):
    client.force_login(moderator)
    response = client.post(standing_url(moderator), {"level": "trusted"})
    assert response.status_code == 403
    assert not MemberStanding.objects.exists()


def test_standing_is_forbidden_when_target_is_another_moderator(
    client, moderator, user_factory
):
    other_moderator = user_factory(moderator=True)
    client.force_login(moderator)
    response = client.post(
        standing_url(other_moderator), {"level": "banned", "reason": "Coup"}
    )
    assert response.status_code == 403
    assert not MemberStanding.objects.exists()


def test_standing_is_forbidden_when_poster_is_a_member(client, member, other_member):
    client.force_login(other_member)
    response = client.post(standing_url(member), {"level": "banned", "reason": "x"})
    assert response.status_code == 403
    assert not MemberStanding.objects.exists()


def test_standing_redirects_anonymous_users_to_login(client, member):
    response = client.post(standing_url(member), {"level": "banned", "reason": "x"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not MemberStanding.objects.exists()


def test_standing_is_404_when_member_does_not_exist(client, moderator):
    client.force_login(moderator)
    url = reverse("comments:member-standing", kwargs={"pk": 999_999})
    assert client.post(url, {"level": "trusted"}).status_code == 404
