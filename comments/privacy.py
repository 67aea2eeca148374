"""What a member may ask of us about their own data: a copy of all of it
(export_member_data), and erasure of their account (delete_member).

The export is everything stored about the member, in their words: their
account, profile, comments with the text as they typed it and what became of
each, earlier versions, reports they made, what moderators decided about them
and noted on them. It leaves out other people: no moderator is named, no
other member's comment or address appears.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from articles import page_cache
from articles.models import Article
from comments import moderation, notifications
from comments.models import (
    Comment,
    CommentRevision,
    CommentStatus,
    Flag,
    MemberNote,
    MemberStanding,
    ModerationEvent,
)
from comments.permissions import is_moderator
from comments.sanitize import clean_comment

EXPORT_FORMAT = 1
# What stays of a comment's text once its author deleted their account and
# asked for their comments to go.
ERASED_BODY = "This comment was deleted together with its author's account."
NOT_INCLUDED = [
    "Your password: we keep only a one-way hash of it, which is of no use to you.",
    "The names of moderators who decided on your comments or wrote notes about "
    "you: the decisions and notes themselves are included.",
    "Comments and email addresses of other members, including replies to you.",
    "The HTML we make from your text for display: it is derived from the text "
    "you typed, which is included.",
    "IP addresses: we don't store them. Rate limits on logins and sign-ups "
    "keep a keyed hash of your address for a few minutes, in memory only.",
]


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _account(member) -> dict:
    addresses = EmailAddress.objects.filter(user=member).order_by("-primary", "email")
    roles = []
    if is_moderator(member):
        roles.append("moderator")
    if member.is_staff:
        roles.append("staff")
    if member.is_superuser:
        roles.append("administrator")
    return {
        "id": member.pk,
        "email": member.email,
        "display_name": member.display_name,
        "date_joined": _iso(member.date_joined),
        "last_login": _iso(member.last_login),
        "active": member.is_active,
        "roles": roles,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in addresses
        ],
    }


def _standing(member) -> dict | None:
    standing = MemberStanding.objects.filter(member=member).first()
    if standing is None:
        return None
    return {
        "level": standing.level,
        "label": standing.get_level_display(),
        "suspended_until": _iso(standing.suspended_until),
        "reason": standing.reason,
        "updated_at": _iso(standing.updated_at),
    }


def _event(event: ModerationEvent, member) -> dict:
    if event.rule:
        decided_by = event.rule
    elif event.actor_id == member.pk:
        decided_by = "you"
    else:
        decided_by = "a moderator"
    return {
        "at": _iso(event.created_at),
        "from_status": event.from_status,
        "to_status": event.to_status,
        "reason": event.get_reason_display() if event.reason else "",
        "note": event.note,
        "decided_by": decided_by,
    }


def _comment(comment: Comment, member) -> dict:
    return {
        "id": comment.pk,
        "article": {
            "title": comment.article.title,
            "url": comment.article.get_absolute_url(),
        },
        "url": comment.get_absolute_url()
        if comment.status == CommentStatus.APPROVED
        else None,
        "parent_id": comment.parent_id,
        "status": comment.status,
        "status_label": comment.get_status_display(),
        "body": comment.body,
        "created_at": _iso(comment.created_at),
        "updated_at": _iso(comment.updated_at),
        "edited_at": _iso(comment.edited_at),
        "moderated_at": _iso(comment.moderated_at),
        "moderation_reason": comment.get_moderation_reason_display()
        if comment.moderation_reason
        else "",
        "moderation_note": comment.moderation_note,
        "held_because": comment.rule_labels,
        "earlier_versions": [
            {
                "body": revision.body,
                "written_at": _iso(revision.created_at),
                "replaced_at": _iso(revision.replaced_at),
            }
            for revision in comment.revisions.all()
        ],
        "history": [_event(event, member) for event in comment.events.all()],
    }


def _report(flag: Flag) -> dict:
    comment = flag.comment
    return {
        "comment_id": comment.pk,
        "article": comment.article.title,
        "comment_url": comment.get_absolute_url()
        if comment.status == CommentStatus.APPROVED
        else None,
        "reason": flag.get_reason_display(),
        "note": flag.note,
        "created_at": _iso(flag.created_at),
        "resolved_at": _iso(flag.resolved_at),
    }


def export_member_data(*, member) -> dict:
    """Everything we hold about member, as JSON-ready data, in a fixed
    number of queries whatever their history."""
    comments = (
        Comment.objects.filter(author=member)
        .select_related("article")
        .defer("article__body", "article__lede")
        .prefetch_related(
            Prefetch(
                "revisions", queryset=CommentRevision.objects.order_by("replaced_at")
            ),
            Prefetch(
                "events",
                queryset=ModerationEvent.objects.order_by("created_at", "pk"),
            ),
        )
        .order_by("created_at", "pk")
    )
    reports = (
        Flag.objects.filter(reporter=member)
        .select_related("comment__article")
        .defer("comment__article__body", "comment__article__lede")
        .order_by("created_at", "pk")
    )
    notes = MemberNote.objects.filter(member=member).order_by("created_at", "pk")
    data = {
        "export": {
            "site": settings.SITE_NAME,
            "format": EXPORT_FORMAT,
            "generated_at": _iso(timezone.now()),
            "not_included": NOT_INCLUDED,
        },
        "account": _account(member),
        "profile": {"bio": member.bio, "url": member_profile_url(member)},
        "standing": _standing(member),
        "moderator_notes": [
            {"text": note.text, "created_at": _iso(note.created_at)} for note in notes
        ],
        "comments": [_comment(comment, member) for comment in comments],
        "reports": [_report(flag) for flag in reports],
    }
    # Follows and notification settings belong to comments/notifications.py,
    # which says what it keeps about a member.
    data["notifications"] = notifications.notification_data_for(member)
    return data


def member_profile_url(member) -> str:
    return reverse("comments:member-profile", kwargs={"pk": member.pk})


# Erasure ---------------------------------------------------------------


class AccountDeletionRefused(Exception):
    """Said to the member, who can act on it."""


@dataclass(frozen=True)
class DeletionSummary:
    comments_kept: int
    comments_deleted: int


def check_can_delete_account(member) -> None:
    if Article.objects.filter(author=member).exists():
        raise AccountDeletionRefused(
            "You are the author of articles on this forum, and an article keeps "
            "its author. Please ask an administrator to hand your articles to "
            "another author first; then you can delete your account here."
        )


def withdraw_comments(member) -> int:
    """Take the member's comments off the site and erase their text. Each
    visible one is deleted through the moderation state machine (one event
    each; a deleted comment with replies stays as a placeholder); the text
    of every one, whatever its status, and its earlier versions are erased."""
    mine = Comment.objects.filter(author=member)
    for comment in mine.filter(status__in=moderation.DELETABLE).order_by("pk"):
        try:
            moderation.delete_by_author(comment, by=member)
        except moderation.TransitionNotAllowed:
            continue  # a moderator took it down meanwhile; its text goes below
    CommentRevision.objects.filter(comment__author=member).delete()
    return mine.update(
        body=ERASED_BODY,
        body_html=clean_comment(ERASED_BODY),
        review_html="",
        rule_reasons=[],
        updated_at=timezone.now(),
    )


@transaction.atomic
def delete_member(*, member, keep_comments: bool) -> DeletionSummary:
    """Erase the member's account. Their email address, display name, bio,
    standing, moderators' notes on them and email addresses go with the
    user row; comments and moderation events lose their link to it (shown
    as "Former member"), and so do reports they made, which moderators
    still act on. With keep_comments false, their comments are withdrawn
    first. Sessions elsewhere stop working because their user is gone."""
    check_can_delete_account(member)
    # Their name leaves every page that shows it.
    page_cache.bump_for_member(member.pk)
    total = Comment.objects.filter(author=member).count()
    deleted = 0 if keep_comments else withdraw_comments(member)
    get_user_model().objects.filter(pk=member.pk).delete()
    return DeletionSummary(comments_kept=total - deleted, comments_deleted=deleted)
