"""The services behind issue 3: word lists from the database, what a held
comment records, editing, deleting and reporting."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles.models import Article
from comments import moderation, services
from comments.models import (
    Comment,
    CommentRevision,
    CommentStatus,
    Flag,
    FlagReason,
    ModerationEvent,
    RejectionReason,
    WatchedDomain,
    WatchKind,
    WatchWord,
)
from comments.permissions import CommentingNotAllowed
from comments.services import ReportNotAllowed

pytestmark = pytest.mark.django_db


def assert_counts_true(*articles: Article) -> None:
    """The counter moderation.py keeps equals the real number."""
    for article in articles:
        article.refresh_from_db()
        real = Comment.objects.filter(
            article=article, status=CommentStatus.APPROVED
        ).count()
        assert article.approved_comment_count == real


@pytest.fixture
def trusted(member, moderator):
    moderation.set_standing(member, level="trusted", by=moderator)
    return member


def post(article, author, body) -> Comment:
    return services.comment_create(article=article, author=author, body=body)


# Word and domain lists from the database ----------------------------------


def test_adding_a_suspect_word_changes_the_decision(article, trusted):
    assert post(article, trusted, "A cure at last").status == CommentStatus.APPROVED
    WatchWord.objects.create(phrase="Cure", kind=WatchKind.SUSPECT)
    assert post(article, trusted, "A cure at last?").status == CommentStatus.PENDING
    assert_counts_true(article)


def test_held_comment_records_reason_match_and_highlighted_copy(article, trusted):
    WatchWord.objects.create(phrase="cure", kind=WatchKind.SUSPECT)
    body = "My neurologist says LDN is no CURE."
    comment = post(article, trusted, body)
    start = body.index("CURE")
    assert comment.status == CommentStatus.PENDING
    assert comment.rule_reasons == [
        {
            "rule": "suspect_word",
            "label": "held: suspect word 'cure'",
            "matches": [[start, start + 4]],
        }
    ]
    assert comment.rule_labels == ["held: suspect word 'cure'"]
    assert "<mark>CURE</mark>" in comment.review_html
    assert "<mark>" not in comment.body_html
    assert comment.body_html == "<p>My neurologist says LDN is no CURE.</p>"
    [event] = comment.events.all()
    assert event.actor is None
    assert event.rule == "held: suspect word 'cure'"
    assert event.details == comment.rule_reasons


def test_banned_word_from_database_marks_comment_spam(article, trusted):
    WatchWord.objects.create(phrase="cheap pills", kind=WatchKind.BANNED)
    body = "Buy CHEAP\npills here"
    comment = post(article, trusted, body)
    assert comment.status == CommentStatus.SPAM
    assert comment.rule_labels == ["spam: banned word 'cheap pills'"]
    assert "<mark>CHEAP<br>pills</mark>" in comment.review_html
    assert "<mark>" not in comment.body_html
    [event] = comment.events.all()
    assert (event.rule, event.to_status) == (
        "spam: banned word 'cheap pills'",
        CommentStatus.SPAM,
    )
    assert event.details[0]["matches"] == [[4, 15]]
    assert_counts_true(article)


def test_watched_domain_from_database_holds_and_marks_the_link(article, trusted):
    url = "https://shop.pharma.example.com/ldn"
    assert post(article, trusted, f"Order: {url}").status == CommentStatus.APPROVED
    WatchedDomain.objects.create(domain="pharma.example.com")
    comment = post(article, trusted, f"Order here: {url}")
    assert comment.status == CommentStatus.PENDING
    assert comment.rule_labels == ["held: link to watched domain 'pharma.example.com'"]
    assert "<mark><a href" in comment.review_html
    assert "</a></mark>" in comment.review_html
    assert "<mark>" not in comment.body_html


def test_lookalike_domain_is_not_held(article, trusted):
    WatchedDomain.objects.create(domain="pharma.example.com")
    comment = post(article, trusted, "See https://notpharma.example.com/info")
    assert comment.status == CommentStatus.APPROVED


def test_too_many_links_are_held_with_each_marked(settings, article, trusted):
    settings.RULES_MAX_LINKS = 2
    body = "https://a.example.com https://b.example.com https://c.example.com"
    comment = post(article, trusted, body)
    assert comment.status == CommentStatus.PENDING
    assert comment.rule_labels == ["held: 3 links"]
    assert comment.review_html.count("<mark>") == 3


def test_several_reasons_are_all_recorded_in_the_event(settings, article, trusted):
    settings.RULES_MAX_LINKS = 0
    WatchWord.objects.create(phrase="miracle", kind=WatchKind.SUSPECT)
    comment = post(article, trusted, "A miracle: https://example.com/x")
    assert comment.rule_labels == ["held: 1 links", "held: suspect word 'miracle'"]
    [event] = comment.events.all()
    assert event.rule == "held: 1 links; held: suspect word 'miracle'"
    assert len(event.details) == 2


def test_duplicate_within_a_day_is_rejected_with_reason(article, trusted):
    post(article, trusted, "LDN helped my fatigue.")
    copy = post(article, trusted, "ldn  helped my\nFATIGUE.")
    assert copy.status == CommentStatus.REJECTED
    assert copy.moderation_reason == RejectionReason.DUPLICATE
    assert copy.rule_labels == ["rejected: same text posted in the last 24 hours"]
    assert copy.review_html == ""  # nothing to mark
    assert_counts_true(article)


def test_same_text_after_a_day_is_not_a_duplicate(article, trusted):
    post(article, trusted, "LDN helped my fatigue.")
    Comment.objects.update(created_at=timezone.now() - timedelta(hours=25))
    again = post(article, trusted, "LDN helped my fatigue.")
    assert again.status == CommentStatus.APPROVED


def test_same_text_from_another_member_is_not_a_duplicate(
    article, trusted, user_factory, moderator
):
    other = user_factory()
    moderation.set_standing(other, level="trusted", by=moderator)
    post(article, trusted, "LDN helped my fatigue.")
    assert post(article, other, "LDN helped my fatigue.").status == (
        CommentStatus.APPROVED
    )


def test_member_typed_mark_tags_stay_escaped_in_both_copies(article, trusted):
    WatchWord.objects.create(phrase="cure", kind=WatchKind.SUSPECT)
    comment = post(article, trusted, "<mark>not mine</mark> cure")
    assert "&lt;mark&gt;not mine&lt;/mark&gt;" in comment.review_html
    assert comment.review_html.count("<mark>") == 1
    assert "<mark>" not in comment.body_html


# Editing -------------------------------------------------------------------


def edit(comment, editor, body) -> Comment:
    return services.comment_edit(comment=comment, editor=editor, body=body)


@pytest.fixture
def approved(article, trusted):
    return post(article, trusted, "LDN helps me sleep.")


def test_edit_keeps_the_old_text_and_marks_the_comment_edited(approved, trusted):
    created = approved.created_at
    edited = edit(approved, trusted, "LDN helps me sleep well.")
    assert edited.body == "LDN helps me sleep well."
    assert edited.body_html == "<p>LDN helps me sleep well.</p>"
    assert edited.edited_at is not None
    assert edited.status == CommentStatus.APPROVED
    [revision] = edited.revisions.all()
    assert revision.body == "LDN helps me sleep."
    assert revision.body_html == "<p>LDN helps me sleep.</p>"
    assert revision.created_at == created
    assert edited.events.count() == 1  # no status change, no event


def test_second_edit_dates_the_kept_text_from_the_first_edit(approved, trusted):
    first = edit(approved, trusted, "Version two.")
    second = edit(first, trusted, "Version three.")
    revisions = list(second.revisions.all())
    assert [r.body for r in revisions] == ["LDN helps me sleep.", "Version two."]
    assert revisions[1].created_at == first.edited_at


def test_edit_with_unchanged_text_does_nothing(approved, trusted):
    edited = edit(approved, trusted, "  LDN helps me sleep.\n")
    assert edited.edited_at is None
    assert not CommentRevision.objects.exists()
    assert edited.events.count() == 1


def test_edit_adding_suspect_word_sends_approved_comment_back_to_pending(
    article, approved, trusted
):
    WatchWord.objects.create(phrase="cure", kind=WatchKind.SUSPECT)
    edited = edit(approved, trusted, "LDN is a cure.")
    assert edited.status == CommentStatus.PENDING
    assert edited.rule_labels == ["held: suspect word 'cure'"]
    assert "<mark>cure</mark>" in edited.review_html
    assert "<mark>" not in edited.body_html
    [event] = edited.events.exclude(from_status="")
    assert (event.from_status, event.to_status, event.actor) == (
        CommentStatus.APPROVED,
        CommentStatus.PENDING,
        None,
    )
    assert event.rule == "edited: the rules held it"
    assert event.details == edited.rule_reasons
    assert_counts_true(article)


def test_edit_adding_banned_word_marks_comment_spam(article, approved, trusted):
    WatchWord.objects.create(phrase="viagra", kind=WatchKind.BANNED)
    edited = edit(approved, trusted, "Try viagra.")
    assert edited.status == CommentStatus.SPAM
    assert edited.events.last().rule == "edited: the rules held it"
    assert_counts_true(article)


def test_edit_of_pending_comment_tripping_a_rule_stays_pending_without_event(
    article, member
):
    WatchWord.objects.create(phrase="cure", kind=WatchKind.SUSPECT)
    comment = post(article, member, "First words.")
    assert comment.status == CommentStatus.PENDING
    edited = edit(comment, member, "A cure!")
    assert edited.status == CommentStatus.PENDING
    assert edited.rule_labels == ["held: suspect word 'cure'"]
    assert edited.events.count() == 1


def test_edit_removing_the_suspect_word_clears_the_reasons(article, trusted):
    WatchWord.objects.create(phrase="cure", kind=WatchKind.SUSPECT)
    comment = post(article, trusted, "A cure!")
    edited = edit(comment, trusted, "A help!")
    assert edited.status == CommentStatus.PENDING  # a moderator still decides
    assert edited.rule_reasons == []
    assert edited.review_html == ""


def test_edit_is_not_counted_as_a_burst(settings, article, trusted):
    settings.RULES_BURST_COUNT = 5
    comments = [post(article, trusted, f"Post {i}") for i in range(5)]
    edited = edit(comments[0], trusted, "Post zero, corrected")
    assert edited.body == "Post zero, corrected"


def test_edit_is_not_a_duplicate_of_its_own_text(article, trusted):
    comment = post(article, trusted, "Hello all")
    edited = edit(comment, trusted, "HELLO   all")  # only case and spacing
    assert edited.status == CommentStatus.APPROVED


def test_edit_after_the_window_is_refused(approved, trusted):
    Comment.objects.filter(pk=approved.pk).update(
        created_at=timezone.now() - timedelta(minutes=16)
    )
    approved.refresh_from_db()
    with pytest.raises(CommentingNotAllowed, match="15 minutes"):
        edit(approved, trusted, "Too late")
    approved.refresh_from_db()
    assert approved.body == "LDN helps me sleep."
    assert not CommentRevision.objects.exists()


def test_edit_just_inside_the_window_is_allowed(approved, trusted):
    Comment.objects.filter(pk=approved.pk).update(
        created_at=timezone.now() - timedelta(minutes=14)
    )
    assert edit(approved, trusted, "Just in time").body == "Just in time"


def test_edit_window_follows_the_setting(settings, approved, trusted):
    settings.COMMENTS_EDIT_MINUTES = 1
    Comment.objects.filter(pk=approved.pk).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    with pytest.raises(CommentingNotAllowed, match="1 minutes"):
        edit(approved, trusted, "Too late")


@pytest.mark.parametrize("who", ["other_member", "moderator", "author"])
def test_only_the_author_can_edit(request, approved, who):
    with pytest.raises(PermissionDenied):
        edit(approved, request.getfixturevalue(who), "Not mine")
    approved.refresh_from_db()
    assert approved.body == "LDN helps me sleep."


@pytest.mark.parametrize(
    "status", [CommentStatus.REJECTED, CommentStatus.SPAM, CommentStatus.REMOVED]
)
def test_decided_comment_can_no_longer_be_edited(
    article, member, comment_factory, status
):
    comment = comment_factory(article=article, author=member, status=status)
    with pytest.raises(CommentingNotAllowed, match="no longer be edited"):
        edit(comment, member, "Second thoughts")


def test_edit_with_empty_text_is_refused(approved, trusted):
    with pytest.raises(ValidationError):
        edit(approved, trusted, "   ")
    approved.refresh_from_db()
    assert approved.body == "LDN helps me sleep."


def test_suspended_member_cannot_edit(approved, trusted, moderator):
    moderation.set_standing(
        trusted,
        level="suspended",
        by=moderator,
        until=timezone.now() + timedelta(days=1),
    )
    with pytest.raises(CommentingNotAllowed, match="suspended"):
        edit(approved, trusted, "Changed")


# Deleting -------------------------------------------------------------------


def test_author_deletes_approved_comment_and_count_drops(article, approved, trusted):
    assert_counts_true(article)
    deleted = services.comment_delete(comment=approved, user=trusted)
    assert deleted.status == CommentStatus.DELETED
    assert Comment.objects.filter(pk=approved.pk).exists()  # kept for the audit
    assert deleted.events.last().rule == "deleted by its author"
    article.refresh_from_db()
    assert article.approved_comment_count == 0
    assert_counts_true(article)


def test_author_deletes_pending_comment(article, member):
    comment = post(article, member, "Never mind.")
    assert services.comment_delete(comment=comment, user=member).status == (
        CommentStatus.DELETED
    )
    assert_counts_true(article)


@pytest.mark.parametrize("who", ["other_member", "moderator", "author"])
def test_only_the_author_can_delete(request, article, approved, who):
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=approved, user=request.getfixturevalue(who))
    approved.refresh_from_db()
    assert approved.status == CommentStatus.APPROVED
    assert_counts_true(article)


def test_deleting_twice_is_refused(approved, trusted):
    services.comment_delete(comment=approved, user=trusted)
    with pytest.raises(moderation.TransitionNotAllowed):
        services.comment_delete(comment=approved, user=trusted)
    assert approved.events.filter(to_status=CommentStatus.DELETED).count() == 1


# Reporting -------------------------------------------------------------------


def report(comment, reporter, reason=FlagReason.SPAM, note="") -> Flag:
    return services.comment_report(
        comment=comment, reporter=reporter, reason=reason, note=note
    )


def test_member_reports_approved_comment_once(approved, other_member):
    flag = report(approved, other_member, FlagReason.MISINFORMATION)
    assert (flag.comment, flag.reporter, flag.reason) == (
        approved,
        other_member,
        FlagReason.MISINFORMATION,
    )
    with pytest.raises(ReportNotAllowed, match="already reported"):
        report(approved, other_member, FlagReason.HARASSMENT)
    assert Flag.objects.count() == 1


def test_member_cannot_report_own_comment(approved, trusted):
    with pytest.raises(ReportNotAllowed, match="your own"):
        report(approved, trusted)
    assert not Flag.objects.exists()


def test_unverified_member_cannot_report(approved, unverified):
    with pytest.raises(ReportNotAllowed, match="verify"):
        report(approved, unverified)
    assert not Flag.objects.exists()


@pytest.mark.parametrize(
    "status",
    [
        CommentStatus.PENDING,
        CommentStatus.REMOVED,
        CommentStatus.REJECTED,
        CommentStatus.SPAM,
        CommentStatus.DELETED,
    ],
)
def test_report_on_comment_not_shown_is_refused_politely(
    article, comment_factory, other_member, status
):
    comment = comment_factory(article=article, status=status)
    with pytest.raises(ReportNotAllowed, match="Thank you"):
        report(comment, other_member)
    assert not Flag.objects.exists()


def test_report_with_other_reason_needs_a_note(approved, other_member):
    with pytest.raises(ValidationError):
        report(approved, other_member, FlagReason.OTHER, note="   ")
    assert not Flag.objects.exists()
    flag = report(approved, other_member, FlagReason.OTHER, note=" Looks off. ")
    assert flag.note == "Looks off."


def test_unknown_report_reason_is_refused(approved, other_member):
    with pytest.raises(ValidationError):
        report(approved, other_member, "rude")
    assert not Flag.objects.exists()


@pytest.fixture
def reporters(user_factory):
    return [user_factory() for _ in range(4)]


def test_two_reports_leave_the_comment_shown(article, approved, reporters):
    for reporter in reporters[:2]:
        report(approved, reporter)
    approved.refresh_from_db()
    assert approved.status == CommentStatus.APPROVED
    assert_counts_true(article)


def test_three_reports_from_different_members_hide_the_comment(
    article, approved, reporters
):
    for reporter in reporters[:3]:
        report(approved, reporter)
    approved.refresh_from_db()
    assert approved.status == CommentStatus.PENDING
    event = approved.events.last()
    assert (event.from_status, event.to_status, event.actor) == (
        CommentStatus.APPROVED,
        CommentStatus.PENDING,
        None,
    )
    assert event.rule == "hidden after 3 reports"
    assert_counts_true(article)


def test_report_after_the_comment_is_hidden_is_refused_politely(approved, reporters):
    for reporter in reporters[:3]:
        report(approved, reporter)
    with pytest.raises(ReportNotAllowed, match="already with the moderators"):
        report(approved, reporters[3])
    assert Flag.objects.count() == 3


def test_reports_needed_to_hide_follow_the_setting(
    settings, article, approved, reporters
):
    settings.REPORTS_TO_HIDE = 2
    report(approved, reporters[0])
    report(approved, reporters[1])
    approved.refresh_from_db()
    assert approved.status == CommentStatus.PENDING
    assert approved.events.last().rule == "hidden after 2 reports"
    assert_counts_true(article)


def test_moderator_approval_resolves_every_report(
    article, approved, reporters, moderator
):
    for reporter in reporters[:3]:
        report(approved, reporter)
    moderation.approve(approved, by=moderator)
    flags = Flag.objects.filter(comment=approved)
    assert flags.count() == 3
    assert all(f.resolved_by == moderator and f.resolved_at for f in flags)
    assert_counts_true(article)


def test_resolved_reports_do_not_count_toward_hiding_again(
    article, approved, reporters, moderator
):
    for reporter in reporters[:3]:
        report(approved, reporter)
    moderation.approve(approved, by=moderator)
    report(approved, reporters[3])
    approved.refresh_from_db()
    assert approved.status == CommentStatus.APPROVED
    # Those who reported before have had their answer.
    with pytest.raises(ReportNotAllowed, match="already reported"):
        report(approved, reporters[0])
    assert_counts_true(article)


def test_moderator_rejection_resolves_every_report(approved, reporters, moderator):
    for reporter in reporters[:3]:
        report(approved, reporter)
    moderation.reject(approved, by=moderator, reason=RejectionReason.HARMFUL_ADVICE)
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()


def test_removing_a_reported_comment_resolves_its_reports(
    article, approved, reporters, moderator
):
    report(approved, reporters[0])
    moderation.remove(approved, by=moderator)
    flag = Flag.objects.get()
    assert flag.resolved_by == moderator
    assert_counts_true(article)


# Counts across a whole sequence ----------------------------------------------


def test_approved_count_stays_true_through_a_mixed_sequence(
    article, article_factory, trusted, other_member, moderator, reporters
):
    other = article_factory()
    WatchWord.objects.create(phrase="cure", kind=WatchKind.SUSPECT)
    a = post(article, trusted, "One")
    b = post(other, trusted, "Two")
    c = post(article, other_member, "Three")  # pending: new member
    moderation.approve(c, by=moderator)
    assert_counts_true(article, other)
    edit(a, trusted, "One, a cure")  # back to pending
    assert_counts_true(article, other)
    moderation.approve(a, by=moderator)
    for reporter in reporters[:3]:
        report(b, reporter)  # hidden
    assert_counts_true(article, other)
    moderation.remove(c, by=moderator)
    moderation.restore(c, by=moderator)
    services.comment_delete(comment=a, user=trusted)
    moderation.reject(b, by=moderator, reason=RejectionReason.OFF_TOPIC)
    moderation.restore(b, by=moderator)
    assert_counts_true(article, other)
    article.refresh_from_db()
    other.refresh_from_db()
    assert (article.approved_comment_count, other.approved_comment_count) == (1, 1)
    assert ModerationEvent.objects.filter(comment__in=[a, b, c]).count() == 12
