"""Who waits in the queue: trust, standing, moderation modes and bursts, as
comment_create decides them (issue 3)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ModerationMode
from comments import moderation, services
from comments.models import (
    Comment,
    CommentStatus,
    ModerationEvent,
    RejectionReason,
    Standing,
    WatchKind,
    WatchWord,
)
from comments.permissions import CommentingNotAllowed

pytestmark = pytest.mark.django_db

HELD_NEW = "new member: held until 3 comments are approved"


def assert_counts_true(*articles: Article) -> None:
    """The counter moderation.py keeps equals the real number."""
    for article in articles:
        article.refresh_from_db()
        real = Comment.objects.filter(
            article=article, status=CommentStatus.APPROVED
        ).count()
        assert article.approved_comment_count == real


def post(article, author, body=None, **kw) -> Comment:
    body = body or f"Week {Comment.objects.count() + 1} on LDN, still fine."
    return services.comment_create(article=article, author=author, body=body, **kw)


def creating_event(comment: Comment) -> ModerationEvent:
    return comment.events.get(from_status="")


def earn_trust(member, article, comment_factory, n=3) -> None:
    for _ in range(n):
        comment_factory(article=article, author=member, status=CommentStatus.APPROVED)


# New members -------------------------------------------------------------


def test_new_member_first_three_comments_are_held_with_rule_text(article, member):
    comments = [post(article, member) for _ in range(3)]
    assert [c.status for c in comments] == [CommentStatus.PENDING] * 3
    assert {creating_event(c).rule for c in comments} == {HELD_NEW}
    assert_counts_true(article)


def test_new_member_is_still_held_with_only_two_approved(
    article, member, comment_factory
):
    earn_trust(member, article, comment_factory, n=2)
    post(article, member)  # pending: does not count
    comment = post(article, member)
    assert comment.status == CommentStatus.PENDING
    assert creating_event(comment).rule == HELD_NEW


def test_member_comment_publishes_at_once_after_three_are_approved(
    article, member, moderator
):
    for comment in [post(article, member) for _ in range(3)]:
        moderation.approve(comment, by=moderator)
    fourth = post(article, member)
    assert fourth.status == CommentStatus.APPROVED
    assert creating_event(fourth).rule == moderation.RULE_TRUSTED
    assert_counts_true(article)


def test_trust_earned_on_one_article_counts_on_another(
    article, article_factory, member, comment_factory
):
    earn_trust(member, article, comment_factory)
    other = article_factory()
    assert post(other, member).status == CommentStatus.APPROVED
    assert_counts_true(article, other)


def test_trust_threshold_follows_the_setting(
    settings, article, member, comment_factory
):
    settings.TRUST_AFTER_APPROVED = 1
    first = post(article, member)
    assert (
        creating_event(first).rule == "new member: held until 1 comments are approved"
    )
    earn_trust(member, article, comment_factory, n=1)
    assert post(article, member).status == CommentStatus.APPROVED


def test_zero_threshold_trusts_members_from_their_first_comment(
    settings, article, member
):
    settings.TRUST_AFTER_APPROVED = 0
    assert post(article, member).status == CommentStatus.APPROVED
    assert_counts_true(article)


def test_trusted_member_comment_tripping_a_rule_is_still_held(
    article, member, comment_factory
):
    earn_trust(member, article, comment_factory)
    WatchWord.objects.create(phrase="cure", kind=WatchKind.SUSPECT)
    comment = post(article, member, "LDN is a cure, I am sure.")
    assert comment.status == CommentStatus.PENDING
    assert creating_event(comment).rule == "held: suspect word 'cure'"
    assert_counts_true(article)


# Rejections take trust away ------------------------------------------------


@pytest.fixture
def rejected_trusted_member(article, member, comment_factory):
    earn_trust(member, article, comment_factory)
    comment_factory(article=article, author=member, status=CommentStatus.REJECTED)
    return member


def test_recent_rejection_takes_trust_away(article, rejected_trusted_member):
    comment = post(article, rejected_trusted_member)
    assert comment.status == CommentStatus.PENDING
    assert creating_event(comment).rule == "rejected in the last 90 days: held"
    assert_counts_true(article)


def test_recent_spam_decision_takes_trust_away(article, member, comment_factory):
    earn_trust(member, article, comment_factory)
    comment_factory(article=article, author=member, status=CommentStatus.SPAM)
    assert post(article, member).status == CommentStatus.PENDING


def test_rejection_89_days_ago_still_counts(article, rejected_trusted_member):
    ModerationEvent.objects.filter(to_status=CommentStatus.REJECTED).update(
        created_at=timezone.now() - timedelta(days=89)
    )
    assert post(article, rejected_trusted_member).status == CommentStatus.PENDING


def test_rejection_older_than_90_days_no_longer_counts(
    article, rejected_trusted_member
):
    ModerationEvent.objects.filter(to_status=CommentStatus.REJECTED).update(
        created_at=timezone.now() - timedelta(days=91)
    )
    comment = post(article, rejected_trusted_member)
    assert comment.status == CommentStatus.APPROVED
    assert creating_event(comment).rule == moderation.RULE_TRUSTED
    assert_counts_true(article)


def test_duplicate_post_does_not_cost_a_trusted_member_their_trust(
    article, member, comment_factory
):
    # A double click sends the same text twice: the copy is rejected by the
    # duplicate rule, but that is no moderator's judgement on the member.
    earn_trust(member, article, comment_factory)
    post(article, member, "Same words twice.")
    copy = post(article, member, "Same words twice.")
    assert copy.status == CommentStatus.REJECTED
    assert post(article, member).status == CommentStatus.APPROVED


def test_moderator_rejection_as_duplicate_still_costs_trust(
    article, member, moderator, comment_factory
):
    earn_trust(member, article, comment_factory)
    comment = comment_factory(article=article, author=member)
    moderation.hide_for_reports(comment)
    moderation.reject(comment, by=moderator, reason=RejectionReason.DUPLICATE)
    assert post(article, member).status == CommentStatus.PENDING


# Standing set by moderators -----------------------------------------------


def test_member_set_trusted_publishes_from_the_first_comment(
    article, member, moderator
):
    moderation.set_standing(member, level=Standing.TRUSTED, by=moderator)
    comment = post(article, member)
    assert comment.status == CommentStatus.APPROVED
    assert creating_event(comment).rule == moderation.RULE_TRUSTED


def test_member_set_trusted_is_trusted_despite_a_recent_rejection(
    article, rejected_trusted_member, moderator
):
    moderation.set_standing(
        rejected_trusted_member, level=Standing.TRUSTED, by=moderator
    )
    assert post(article, rejected_trusted_member).status == CommentStatus.APPROVED


def test_untrusted_member_is_always_held_even_with_approved_comments(
    article, member, moderator, comment_factory
):
    earn_trust(member, article, comment_factory, n=4)
    moderation.set_standing(member, level=Standing.UNTRUSTED, by=moderator)
    comment = post(article, member)
    assert comment.status == CommentStatus.PENDING
    assert creating_event(comment).rule == "untrusted member: always held"


def test_untrusted_member_is_held_on_post_moderated_article(
    article_factory, member, moderator
):
    article = article_factory(moderation_mode=ModerationMode.POST)
    moderation.set_standing(member, level=Standing.UNTRUSTED, by=moderator)
    assert post(article, member).status == CommentStatus.PENDING
    assert_counts_true(article)


def test_suspended_member_cannot_post_and_nothing_is_stored(article, member, moderator):
    until = timezone.now() + timedelta(days=7)
    moderation.set_standing(member, level=Standing.SUSPENDED, by=moderator, until=until)
    with pytest.raises(CommentingNotAllowed, match="suspended until"):
        post(article, member)
    assert not Comment.objects.exists()


def test_suspension_in_the_past_lets_the_member_post_again(article, member, moderator):
    standing = moderation.set_standing(
        member,
        level=Standing.SUSPENDED,
        by=moderator,
        until=timezone.now() + timedelta(days=1),
    )
    type(standing).objects.filter(pk=standing.pk).update(
        suspended_until=timezone.now() - timedelta(minutes=1)
    )
    comment = post(article, member)
    assert comment.status == CommentStatus.PENDING  # still a new member
    assert creating_event(comment).rule == HELD_NEW


def test_suspension_must_end_in_the_future(member, moderator):
    with pytest.raises(ValueError):
        moderation.set_standing(
            member,
            level=Standing.SUSPENDED,
            by=moderator,
            until=timezone.now() - timedelta(days=1),
        )


def test_banned_member_cannot_post_and_nothing_is_stored(article, member, moderator):
    moderation.set_standing(member, level=Standing.BANNED, by=moderator)
    with pytest.raises(CommentingNotAllowed, match="banned"):
        post(article, member)
    assert not Comment.objects.exists()


def test_ban_rejects_each_pending_comment_with_its_own_event(
    article, member, moderator, comment_factory
):
    approved = comment_factory(
        article=article, author=member, status=CommentStatus.APPROVED
    )
    waiting = [post(article, member) for _ in range(2)]
    moderation.set_standing(member, level=Standing.BANNED, by=moderator)
    for comment in waiting:
        comment.refresh_from_db()
        assert comment.status == CommentStatus.REJECTED
        assert comment.moderation_reason == RejectionReason.MEMBER_BANNED
        [event] = comment.events.filter(to_status=CommentStatus.REJECTED)
        assert (event.actor, event.reason, event.note) == (
            moderator,
            RejectionReason.MEMBER_BANNED,
            "member banned",
        )
    approved.refresh_from_db()
    assert approved.status == CommentStatus.APPROVED
    assert_counts_true(article)


def test_banned_member_through_the_form_gets_403_with_message(
    client, article, member, moderator
):
    moderation.set_standing(member, level=Standing.BANNED, by=moderator)
    client.force_login(member)
    response = client.post(
        reverse("comments:post", kwargs={"slug": article.slug}), {"body": "Hello"}
    )
    assert response.status_code == 403
    assert "banned from posting" in response.content.decode()
    assert not Comment.objects.exists()


# Authors and moderators ----------------------------------------------------


@pytest.fixture
def word_lists(db):
    WatchWord.objects.create(phrase="viagra", kind=WatchKind.BANNED)
    WatchWord.objects.create(phrase="cure", kind=WatchKind.SUSPECT)


@pytest.mark.parametrize("who", ["author", "moderator"])
def test_author_and_moderator_publish_at_once_and_skip_content_rules(
    request, settings, article, word_lists, who
):
    settings.RULES_MAX_LINKS = 0
    poster = request.getfixturevalue(who)
    body = "Not a cure, and not viagra: see https://example.com/ldn"
    comment = post(article, poster, body)
    assert comment.status == CommentStatus.APPROVED
    assert comment.rule_reasons == []
    assert comment.review_html == ""
    expected = moderation.RULE_AUTHOR if who == "author" else moderation.RULE_MODERATOR
    assert creating_event(comment).rule == expected
    assert_counts_true(article)


def test_moderator_publishes_at_once_even_when_set_untrusted(
    article, moderator, user_factory
):
    other_moderator = user_factory(moderator=True)
    moderation.set_standing(moderator, level=Standing.UNTRUSTED, by=other_moderator)
    assert post(article, moderator).status == CommentStatus.APPROVED


# Moderation modes ----------------------------------------------------------


def test_article_mode_defaults_to_the_setting(settings, article_factory):
    settings.COMMENTS_DEFAULT_MODERATION_MODE = ModerationMode.POST
    assert article_factory().moderation_mode == ModerationMode.POST


def test_post_moderated_article_publishes_new_member_clean_comment_at_once(
    article_factory, member
):
    article = article_factory(moderation_mode=ModerationMode.POST)
    comment = post(article, member)
    assert comment.status == CommentStatus.APPROVED
    assert creating_event(comment).rule == moderation.RULE_POSTMODERATION
    assert_counts_true(article)


def test_post_moderated_article_still_holds_what_a_rule_holds(
    article_factory, member, word_lists
):
    article = article_factory(moderation_mode=ModerationMode.POST)
    comment = post(article, member, "Is this a cure?")
    assert comment.status == CommentStatus.PENDING
    assert creating_event(comment).rule == "held: suspect word 'cure'"
    assert_counts_true(article)


def test_post_moderated_article_still_marks_banned_words_spam(
    article_factory, member, word_lists
):
    article = article_factory(moderation_mode=ModerationMode.POST)
    assert post(article, member, "Cheap VIAGRA").status == CommentStatus.SPAM
    assert_counts_true(article)


@pytest.mark.parametrize("who", ["member", "author", "moderator"])
def test_closed_article_refuses_every_comment(request, article_factory, who):
    article = article_factory(moderation_mode=ModerationMode.CLOSED)
    with pytest.raises(CommentingNotAllowed, match="closed"):
        post(article, request.getfixturevalue(who))
    assert not Comment.objects.exists()


def test_closing_an_article_refuses_replies_to_its_comments(
    article, member, comment_factory
):
    parent = comment_factory(article=article)
    Article.objects.filter(pk=article.pk).update(moderation_mode=ModerationMode.CLOSED)
    article.refresh_from_db()
    with pytest.raises(CommentingNotAllowed):
        post(article, member, parent=parent)
    assert Comment.objects.count() == 1


# Settings for the rules ----------------------------------------------------


def test_link_limit_follows_the_setting(settings, article, member, comment_factory):
    earn_trust(member, article, comment_factory)
    two_links = "See https://example.com/a and https://example.org/b"
    assert post(article, member, two_links).status == CommentStatus.APPROVED
    settings.RULES_MAX_LINKS = 1
    comment = post(article, member, two_links + " again")
    assert comment.status == CommentStatus.PENDING
    assert comment.rule_labels == ["held: 2 links"]


# Bursts --------------------------------------------------------------------


@pytest.fixture
def burst_limit(settings):
    settings.RULES_BURST_COUNT = 5
    settings.RULES_BURST_MINUTES = 10


def test_sixth_comment_in_ten_minutes_is_refused_and_not_stored(
    burst_limit, article, member
):
    for _ in range(5):
        post(article, member)
    events = ModerationEvent.objects.count()
    with pytest.raises(CommentingNotAllowed, match="posting very quickly"):
        post(article, member)
    assert Comment.objects.count() == 5
    assert ModerationEvent.objects.count() == events


def test_burst_counts_comments_on_every_article(
    burst_limit, article, article_factory, member
):
    other = article_factory()
    for i in range(5):
        post(article if i % 2 else other, member)
    with pytest.raises(CommentingNotAllowed):
        post(article, member)


def test_burst_counts_only_the_last_ten_minutes(burst_limit, article, member):
    for _ in range(5):
        post(article, member)
    Comment.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    assert post(article, member).pk is not None
    assert Comment.objects.count() == 6


def test_burst_of_one_member_does_not_stop_another(
    burst_limit, article, member, other_member
):
    for _ in range(5):
        post(article, member)
    assert post(article, other_member).pk is not None


def test_burst_limit_follows_the_setting(settings, article, member):
    settings.RULES_BURST_COUNT = 2
    post(article, member)
    post(article, member)
    with pytest.raises(CommentingNotAllowed):
        post(article, member)


def test_article_author_is_not_limited_by_bursts(burst_limit, article, author):
    for _ in range(7):
        post(article, author)
    assert Comment.objects.count() == 7


def test_burst_through_the_form_is_refused_with_message_and_nothing_stored(
    burst_limit, client, article, member
):
    client.force_login(member)
    url = reverse("comments:post", kwargs={"slug": article.slug})
    for i in range(5):
        response = client.post(url, {"body": f"Comment number {i}"})
        assert response.status_code == 302
    response = client.post(url, {"body": "One too many"})
    assert response.status_code in (400, 403)
    page = response.content.decode()
    assert "You are posting very quickly" in page
    assert "nothing was saved" in page
    assert Comment.objects.count() == 5
    assert not Comment.objects.filter(body="One too many").exists()
