"""Every write to comments, apart from status changes (moderation.py)."""

from dataclasses import replace
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DateTimeField
from django.utils import timezone

from articles import page_cache
from articles.models import Article
from comments import moderation, notifications
from comments.models import (
    Comment,
    CommentRevision,
    CommentStatus,
    Flag,
    WatchedDomain,
    WatchKind,
    WatchWord,
)
from comments.permissions import (
    CommentingNotAllowed,
    check_can_comment,
    check_can_reply_to,
    has_verified_email,
    is_moderator,
)
from comments.rules import Action, Decision, Link, RuleContext, evaluate
from comments.sanitize import CONTROL_CHARACTERS, clean_comment, extract_links
from ldnforum.statements import Statement


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
    # Past the cap the reply goes up a level; and it never hangs under an
    # ancestor that is no longer approved (removed, say, since), which
    # would break invariant 5: it goes on up to the nearest approved one.
    while target is not None and (
        target.depth >= cap or target.status != CommentStatus.APPROVED
    ):
        target = target.parent
    return target, (target.depth + 1 if target is not None else 1)


# What every posting reads around the text (compiled once:
# ldnforum/statements.py).
_WATCH_WORDS = Statement(lambda: WatchWord.objects.values_list("kind", "phrase"))
_WATCHED_DOMAINS = Statement(lambda: WatchedDomain.objects.values_list("domain"))
_RECENT_POSTS = Statement(
    lambda author, since: Comment.objects.filter(
        author_id=author, created_at__gte=since
    ).values_list("pk", "body", "created_at"),
    fields={"since": DateTimeField()},
)


def rule_context(*, author, exclude_pk: int | None = None) -> RuleContext:
    """What the rules need to know around a member's new text."""
    now = timezone.now()
    words = _WATCH_WORDS.rows()
    duplicate_since = now - timedelta(hours=settings.RULES_DUPLICATE_HOURS)
    burst_since = now - timedelta(minutes=settings.RULES_BURST_MINUTES)
    # One read of the member's recent comments answers both windows.
    recent = [
        (body, created_at)
        for pk, body, created_at in _RECENT_POSTS.rows(
            author=author.pk, since=min(duplicate_since, burst_since)
        )
        if pk != exclude_pk
    ]
    return RuleContext(
        banned_phrases=[p for kind, p in words if kind == WatchKind.BANNED],
        suspect_phrases=[p for kind, p in words if kind == WatchKind.SUSPECT],
        watched_domains=[domain for (domain,) in _WATCHED_DOMAINS.rows()],
        max_links=settings.RULES_MAX_LINKS,
        recent_texts=[body for body, at in recent if at >= duplicate_since],
        recent_count=(
            sum(at >= burst_since for _, at in recent) if exclude_pk is None else 0
        ),
        burst_limit=settings.RULES_BURST_COUNT,
        burst_minutes=settings.RULES_BURST_MINUTES,
    )


def check_rules(*, author, article: Article, body: str, exclude_pk=None) -> Decision:
    """Run the rules, unless the poster is the article's author or a
    moderator: they answer for what they write."""
    if author.pk == article.author_id or is_moderator(author):
        return Decision(Action.ALLOW)
    links = [Link(start, end, url) for start, end, url in extract_links(body)]
    context = replace(
        rule_context(author=author, exclude_pk=exclude_pk), links=tuple(links)
    )
    decision = evaluate(body, context)
    if decision.action == Action.REFUSE:
        raise CommentingNotAllowed(
            "You are posting very quickly. Please wait a few minutes and try "
            "again; nothing was saved."
        )
    return decision


def _review_html(body: str, decision: Decision) -> str:
    spans = decision.spans
    return clean_comment(body, highlight=spans) if spans else ""


# full_clean checks the fields a member's text fills. The status is
# moderation.py's; the related rows are ones this module has just read; and
# the table's check constraints hold of what validate_body and the tree code
# make (the database enforces them on save all the same). Asking the
# database for each would cost a posting a dozen queries.
_CHECKED_ELSEWHERE = ["status", "article", "author", "parent", "root"]


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
    decision = check_rules(author=author, article=article, body=body)
    comment = Comment(
        article=article,
        author=author,
        parent=parent,
        root_id=None if parent is None else (parent.root_id or parent.pk),
        depth=depth,
        body=body,
        body_html=clean_comment(body),
        review_html=_review_html(body, decision),
    )
    comment.full_clean(exclude=_CHECKED_ELSEWHERE, validate_constraints=False)
    comment = moderation.submit(comment, decision=decision)
    notifications.follow_on_post(comment=comment)
    return comment


def edit_deadline(comment: Comment):
    return comment.created_at + timedelta(minutes=settings.COMMENTS_EDIT_MINUTES)


def check_can_edit(user, comment: Comment, *, now=None) -> None:
    now = now or timezone.now()
    if not user.is_authenticated or comment.author_id != user.pk:
        raise PermissionDenied("You can only edit your own comments.")
    if comment.status not in (CommentStatus.PENDING, CommentStatus.APPROVED):
        raise CommentingNotAllowed("This comment can no longer be edited.")
    if now > edit_deadline(comment):
        raise CommentingNotAllowed(
            f"Comments can be edited for {settings.COMMENTS_EDIT_MINUTES} minutes "
            "after posting; this one can no longer be changed."
        )
    block = moderation.posting_block(user, now=now)
    if block:
        raise CommentingNotAllowed(block)


@transaction.atomic
def comment_edit(*, comment: Comment, editor, body: str) -> Comment:
    """The author's correction. The old text is kept for moderators, and the
    rules run again: an approved comment that now trips one goes back to
    waiting."""
    comment = (
        Comment.objects.select_for_update().select_related("article").get(pk=comment.pk)
    )
    check_can_edit(editor, comment)
    body = validate_body(body)
    if body == comment.body:
        return comment
    decision = check_rules(
        author=editor, article=comment.article, body=body, exclude_pk=comment.pk
    )
    CommentRevision.objects.create(
        comment=comment,
        body=comment.body,
        body_html=comment.body_html,
        created_at=comment.edited_at or comment.created_at,
    )
    comment.body = body
    comment.body_html = clean_comment(body)
    comment.review_html = _review_html(body, decision)
    comment.rule_reasons = [r.as_dict() for r in decision.reasons]
    comment.edited_at = timezone.now()
    comment.full_clean(exclude=_CHECKED_ELSEWHERE, validate_constraints=False)
    comment.save(
        update_fields=[
            "body",
            "body_html",
            "review_html",
            "rule_reasons",
            "edited_at",
            "updated_at",
        ]
    )
    page_cache.bump(article_ids=[comment.article_id])
    if decision.action in (Action.HOLD, Action.SPAM, Action.REJECT):
        target = CommentStatus.SPAM if decision.action == Action.SPAM else "pending"
        if comment.status != target:
            comment = moderation.hold_after_edit(comment, decision=decision)
    return comment


def comment_delete(*, comment: Comment, user) -> Comment:
    if not user.is_authenticated or comment.author_id != user.pk:
        raise PermissionDenied("You can only delete your own comments.")
    return moderation.delete_by_author(comment, by=user)


class ReportNotAllowed(Exception):
    """Said politely to the member who tried."""


@transaction.atomic
def comment_report(*, comment: Comment, reporter, reason: str, note: str = "") -> Flag:
    if not has_verified_email(reporter):
        raise ReportNotAllowed("Please verify your email address before reporting.")
    if comment.author_id == reporter.pk:
        raise ReportNotAllowed("You can't report your own comment.")
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != CommentStatus.APPROVED:
        raise ReportNotAllowed(
            "Thank you, but this comment is already with the moderators or "
            "no longer shown."
        )
    if Flag.objects.filter(comment=comment, reporter=reporter).exists():
        raise ReportNotAllowed("You have already reported this comment. Thank you.")
    flag = Flag(comment=comment, reporter=reporter, reason=reason, note=note.strip())
    flag.full_clean()
    flag.save()
    reporters = (
        Flag.objects.filter(comment=comment, resolved_at__isnull=True)
        .values("reporter")
        .distinct()
        .count()
    )
    if reporters >= settings.REPORTS_TO_HIDE:
        moderation.hide_for_reports(comment)
    return flag
