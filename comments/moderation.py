"""The comment lifecycle. The only code that writes Comment.status
(DESIGN invariant 1).

Every change is one conditional UPDATE on the status it expects, inside a
transaction, plus exactly one ModerationEvent. When two moderators act on the
same comment at once, the second UPDATE matches no row and raises
TransitionNotAllowed, so there is one decision and one event.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, CommentStatus, ModerationEvent, RejectionReason
from comments.permissions import is_moderator

RULE_AUTHOR = "article author: published at once"
RULE_MODERATOR = "moderator: published at once"
RULE_PREMODERATION = "pre-moderation: held for review"

APPROVABLE = frozenset({CommentStatus.PENDING})
REJECTABLE = frozenset({CommentStatus.PENDING})


class TransitionNotAllowed(Exception):
    """The comment is no longer in the status this action expects."""

    def __init__(self, comment_pk: int, action: str) -> None:
        super().__init__(f"Comment {comment_pk} can't be {action} from its status.")
        self.comment_pk = comment_pk
        self.action = action


def initial_status(*, author, article: Article) -> tuple[str, str]:
    """The status a new comment starts in, and the rule that chose it."""
    if author.pk == article.author_id:
        return CommentStatus.APPROVED, RULE_AUTHOR
    if is_moderator(author):
        return CommentStatus.APPROVED, RULE_MODERATOR
    return CommentStatus.PENDING, RULE_PREMODERATION


@transaction.atomic
def submit(comment: Comment) -> Comment:
    """Insert a new, validated comment in its initial status."""
    if comment.pk is not None:
        raise ValueError("submit() takes a comment that has not been saved yet.")
    comment.status, rule = initial_status(
        author=comment.author, article=comment.article
    )
    comment.save(force_insert=True)
    ModerationEvent.objects.create(
        comment=comment,
        actor=None,
        rule=rule,
        from_status="",
        to_status=comment.status,
    )
    _adjust_count(comment.article_id, "", comment.status)
    return comment


def approve(comment: Comment, *, by, note: str = "") -> Comment:
    return _transition(
        comment,
        action="approved",
        allowed_from=APPROVABLE,
        to_status=CommentStatus.APPROVED,
        by=by,
        note=note,
    )


def reject(comment: Comment, *, by, reason: str, note: str = "") -> Comment:
    if reason not in RejectionReason.values:
        raise ValueError(f"Unknown rejection reason {reason!r}.")
    return _transition(
        comment,
        action="rejected",
        allowed_from=REJECTABLE,
        to_status=CommentStatus.REJECTED,
        by=by,
        reason=reason,
        note=note,
    )


@transaction.atomic
def _transition(
    comment: Comment,
    *,
    action: str,
    allowed_from: frozenset[str],
    to_status: str,
    by,
    reason: str = "",
    note: str = "",
) -> Comment:
    # Read the current status under a row lock: the event must record the
    # status this decision really changed, not what the caller last saw.
    current = (
        Comment.objects.select_for_update()
        .filter(pk=comment.pk)
        .values_list("status", flat=True)
        .first()
    )
    if current not in allowed_from:
        raise TransitionNotAllowed(comment.pk, action)
    updated = Comment.objects.filter(pk=comment.pk, status=current).update(
        status=to_status,
        moderated_by=by,
        moderated_at=timezone.now(),
        moderation_reason=reason,
        moderation_note=note,
    )
    if not updated:
        raise TransitionNotAllowed(comment.pk, action)
    ModerationEvent.objects.create(
        comment_id=comment.pk,
        actor=by,
        from_status=current,
        to_status=to_status,
        reason=reason,
        note=note,
    )
    _adjust_count(comment.article_id, current, to_status)
    comment.refresh_from_db()
    return comment


def _adjust_count(article_id: int, from_status: str, to_status: str) -> None:
    delta = int(to_status == CommentStatus.APPROVED) - int(
        from_status == CommentStatus.APPROVED
    )
    if delta:
        Article.objects.filter(pk=article_id).update(
            approved_comment_count=F("approved_comment_count") + delta
        )
