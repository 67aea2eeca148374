"""Every write to comments, apart from status changes (moderation.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from articles.models import Article
from comments import moderation
from comments.models import Comment
from comments.permissions import check_can_comment, check_can_reply_to
from comments.sanitize import CONTROL_CHARACTERS, clean_comment


def validate_body(body: str) -> str:
    """The rules a comment's text must meet, shared by the form and the
    service so that no path can store what the form would refuse. Returns
    the text to store: line breaks normalised, invisible control characters
    dropped, outer whitespace trimmed."""
    if "\x00" in body:
        raise ValidationError("The text contains a NUL character.", code="null")
    # Browsers count a line break as one character but send two (CRLF).
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    body = CONTROL_CHARACTERS.sub("", body).strip()
    if not body:
        raise ValidationError("Please write something first.", code="empty")
    limit = settings.COMMENTS_MAX_LENGTH
    if len(body) > limit:
        raise ValidationError(
            f"Please keep comments to {limit:,} characters "
            f"(this one has {len(body):,}).",
            code="too_long",
        )
    return body


def attach_point(parent: Comment) -> tuple[Comment | None, int]:
    """Where a reply to parent goes: below it, or beside it once the thread
    is as deep as it may get (DESIGN invariant 5)."""
    cap = settings.COMMENTS_MAX_DEPTH
    target: Comment | None = parent
    while target is not None and target.depth >= cap:
        target = target.parent
    return target, (target.depth + 1 if target is not None else 1)


@transaction.atomic
def comment_create(
    *, article: Article, author, body: str, parent: Comment | None = None
) -> Comment:
    check_can_comment(author, article)
    body = validate_body(body)
    depth = 1
    if parent is not None:
        check_can_reply_to(parent, article)
        parent, depth = attach_point(parent)
    comment = Comment(
        article=article,
        author=author,
        parent=parent,
        depth=depth,
        body=body,
        body_html=clean_comment(body),
    )
    comment.full_clean(exclude=["status"])
    return moderation.submit(comment)
