"""The comment lifecycle. The only code that writes Comment.status
(DESIGN invariant 1).

Every change is one conditional UPDATE on the status it expects, under a row
lock, inside a transaction, plus exactly one ModerationEvent. When two
moderators act on the same comment at once, the second finds the status
changed and gets TransitionNotAllowed, so there is one decision and one
event. A moderator's decision also resolves the comment's open reports.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles import page_cache
from articles.models import Article, ModerationMode
from comments import notifications
from comments.models import (
    Comment,
    CommentCount,
    CommentStatus,
    Flag,
    MemberStanding,
    ModerationEvent,
    RejectionReason,
    Standing,
)
from comments.permissions import is_moderator
from comments.rules import Action, Decision
from ldnforum.statements import ModelStatement, Statement

S = CommentStatus

RULE_AUTHOR = "article author: published at once"
RULE_MODERATOR = "moderator: published at once"
RULE_TRUSTED = "trusted member: published at once"
RULE_POSTMODERATION = "post-moderated article: published at once"
RULE_PREMODERATION = "pre-moderation: held for review"
RULE_NEW_MEMBER = "new member: held until {n} comments are approved"
RULE_UNTRUSTED = "untrusted member: always held"
RULE_RECENT_REJECTION = "rejected in the last {days} days: held"
RULE_REPORTS = "hidden after {n} reports"
RULE_EDITED = "edited: the rules held it"
RULE_AUTHOR_DELETED = "deleted by its author"
RULE_MEMBER_BANNED = "member banned"

# What each action may start from.
APPROVABLE = frozenset({S.PENDING})
REJECTABLE = frozenset({S.PENDING})
SPAMMABLE = frozenset({S.PENDING, S.APPROVED, S.REJECTED})
REMOVABLE = frozenset({S.APPROVED})
RESTORABLE = frozenset({S.REJECTED, S.SPAM, S.REMOVED})
DELETABLE = frozenset({S.PENDING, S.APPROVED})
HIDEABLE = frozenset({S.APPROVED})


class TransitionNotAllowed(Exception):
    """The comment is no longer in the status this action expects."""

    def __init__(self, comment_pk: int, action: str) -> None:
        super().__init__(f"Comment {comment_pk} can't be {action} from its status.")
        self.comment_pk = comment_pk
        self.action = action


# Trust -------------------------------------------------------------------


@dataclass(frozen=True)
class Trust:
    trusted: bool
    rule: str  # why, in the words the queue shows


# Every posting asks these of its member (compiled once: ldnforum/statements.py).
_STANDING = ModelStatement(
    lambda member: MemberStanding.objects.filter(member_id=member)
)


def standing_of(member) -> MemberStanding | None:
    found = _STANDING.rows(member=member.pk)
    return found[0] if found else None


_RECENTLY_REJECTED = Statement(
    lambda member, since: (
        ModerationEvent.objects.filter(
            member_id=member,
            to_status__in=[S.REJECTED, S.SPAM],
            created_at__gte=since,
        )
        # The duplicate rule's own rejections (a double-clicked Post button) are
        # no judgement on the member, so they don't cost trust.
        .exclude(actor__isnull=True, reason=RejectionReason.DUPLICATE)
        .values_list("pk")[:1]
    ),
    fields={"since": DateTimeField()},
)
_APPROVED_COUNT = Statement(
    lambda member: (
        Comment.objects.filter(author_id=member, status=S.APPROVED)
        .order_by()
        .values("author_id")
        .annotate(n=Count("pk"))
        .values_list("n")
    )
)


def posting_block(member, *, now=None) -> str | None:
    """Why member may not post at all right now, or None."""
    standing = standing_of(member)
    if standing is None:
        return None
    now = now or timezone.now()
    if standing.level == Standing.BANNED:
        return "This account has been banned from posting."
    if standing.level == Standing.SUSPENDED and standing.suspended_until > now:
        until = timezone.localtime(standing.suspended_until)
        return f"This account is suspended until {until:%-d %B %Y, %H:%M}."
    return None


def trust_of(member, article: Article) -> Trust:
    if member.pk == article.author_id:
        return Trust(True, RULE_AUTHOR)
    if is_moderator(member):
        return Trust(True, RULE_MODERATOR)
    standing = standing_of(member)
    level = standing.level if standing else Standing.AUTO
    if level == Standing.TRUSTED:
        return Trust(True, RULE_TRUSTED)
    if level == Standing.UNTRUSTED:
        return Trust(False, RULE_UNTRUSTED)
    days = settings.TRUST_REJECTION_DAYS
    since = timezone.now() - timedelta(days=days)
    if _RECENTLY_REJECTED.rows(member=member.pk, since=since):
        return Trust(False, RULE_RECENT_REJECTION.format(days=days))
    needed = settings.TRUST_AFTER_APPROVED
    approved = _APPROVED_COUNT.rows(member=member.pk)
    if (approved[0][0] if approved else 0) < needed:
        return Trust(False, RULE_NEW_MEMBER.format(n=needed))
    return Trust(True, RULE_TRUSTED)


def initial_status(
    *, author, article: Article, decision: Decision
) -> tuple[str, str, str]:
    """(status, rule, rejection reason) for a new comment."""
    if decision.action == Action.SPAM:
        return S.SPAM, decision.reasons[0].label, ""
    if decision.action == Action.REJECT:
        return S.REJECTED, decision.reasons[0].label, RejectionReason.DUPLICATE
    trust = trust_of(author, article)
    if trust.rule in (RULE_AUTHOR, RULE_MODERATOR):
        return S.APPROVED, trust.rule, ""
    if decision.action == Action.HOLD:
        return S.PENDING, "; ".join(r.label for r in decision.reasons), ""
    if not trust.trusted and trust.rule == RULE_UNTRUSTED:
        return S.PENDING, trust.rule, ""
    if trust.trusted:
        return S.APPROVED, trust.rule, ""
    if article.moderation_mode == ModerationMode.POST:
        return S.APPROVED, RULE_POSTMODERATION, ""
    return S.PENDING, trust.rule, ""


# Transitions -------------------------------------------------------------


# Inside a posting's transaction, a failure here fails the posting: a
# savepoint of its own would only cost two more round trips.
@transaction.atomic(savepoint=False)
def submit(comment: Comment, *, decision: Decision) -> Comment:
    """Insert a new, validated comment in its initial status."""
    if comment.pk is not None:
        raise ValueError("submit() takes a comment that has not been saved yet.")
    if decision.action == Action.REFUSE:
        raise ValueError("A refused comment is never stored.")
    comment.status, rule, reason = initial_status(
        author=comment.author, article=comment.article, decision=decision
    )
    comment.moderation_reason = reason
    comment.rule_reasons = [r.as_dict() for r in decision.reasons]
    comment.status_rule = rule[:100]
    comment.save(force_insert=True)
    event = ModerationEvent.objects.create(
        comment=comment,
        member_id=comment.author_id,
        actor=None,
        rule=rule[:100],
        from_status="",
        to_status=comment.status,
        reason=reason,
        details=comment.rule_reasons,
    )
    _announce([event.pk])
    _count([(comment.article_id, "", comment.status)])
    return comment


def approve(comment: Comment, *, by, note: str = "") -> Comment:
    return _transition(comment, "approved", APPROVABLE, S.APPROVED, by=by, note=note)


def reject(comment: Comment, *, by, reason: str, note: str = "") -> Comment:
    if reason not in RejectionReason.values:
        raise ValueError(f"Unknown rejection reason {reason!r}.")
    return _transition(
        comment, "rejected", REJECTABLE, S.REJECTED, by=by, reason=reason, note=note
    )


def mark_spam(comment: Comment, *, by, note: str = "") -> Comment:
    return _transition(comment, "marked spam", SPAMMABLE, S.SPAM, by=by, note=note)


def remove(comment: Comment, *, by, reason: str = "", note: str = "") -> Comment:
    if reason and reason not in RejectionReason.values:
        raise ValueError(f"Unknown removal reason {reason!r}.")
    return _transition(
        comment, "removed", REMOVABLE, S.REMOVED, by=by, reason=reason, note=note
    )


def restore(comment: Comment, *, by, note: str = "") -> Comment:
    return _transition(comment, "restored", RESTORABLE, S.APPROVED, by=by, note=note)


def delete_by_author(comment: Comment, *, by) -> Comment:
    return _transition(
        comment, "deleted", DELETABLE, S.DELETED, rule=RULE_AUTHOR_DELETED, by=by
    )


def hide_for_reports(comment: Comment) -> Comment:
    n = settings.REPORTS_TO_HIDE
    return _transition(
        comment, "hidden", HIDEABLE, S.PENDING, rule=RULE_REPORTS.format(n=n)
    )


def hold_after_edit(comment: Comment, *, decision: Decision) -> Comment:
    target = S.SPAM if decision.action == Action.SPAM else S.PENDING
    return _transition(
        comment,
        "held after an edit",
        frozenset({S.APPROVED, S.PENDING} - {target}),
        target,
        rule=RULE_EDITED,
        details=[r.as_dict() for r in decision.reasons],
    )


@transaction.atomic
def _transition(
    comment: Comment,
    action: str,
    allowed_from: frozenset[str],
    to_status: str,
    *,
    by=None,
    rule: str = "",
    reason: str = "",
    note: str = "",
    details: list | None = None,
) -> Comment:
    # Read the current status under a row lock: the event must record the
    # status this decision really changed, not what the caller last saw.
    current, author_id = (
        Comment.objects.select_for_update()
        .filter(pk=comment.pk)
        .values_list("status", "author_id")
        .first()
    ) or (None, None)
    if current not in allowed_from:
        raise TransitionNotAllowed(comment.pk, action)
    now = timezone.now()
    changes = {"status": to_status, "status_rule": rule}
    if by is not None and rule == "":
        # A moderator's decision.
        changes.update(
            moderated_by=by,
            moderated_at=now,
            moderation_reason=reason,
            moderation_note=note,
        )
    if details is not None:
        changes["rule_reasons"] = details
    updated = Comment.objects.filter(pk=comment.pk, status=current).update(**changes)
    if not updated:
        raise TransitionNotAllowed(comment.pk, action)
    event = ModerationEvent.objects.create(
        comment_id=comment.pk,
        member_id=author_id,
        actor=by,
        rule=rule,
        from_status=current,
        to_status=to_status,
        reason=reason,
        note=note,
        details=details or [],
    )
    _announce([event.pk])
    if by is not None and rule == "":
        Flag.objects.filter(comment_id=comment.pk, resolved_at__isnull=True).update(
            resolved_by=by, resolved_at=now
        )
    _count([(comment.article_id, current, to_status)])
    comment.refresh_from_db()
    return comment


# What a moderator may decide for many comments at once.
MANY_DECISIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (APPROVABLE, S.APPROVED),
    "reject": (REJECTABLE, S.REJECTED),
    "spam": (SPAMMABLE, S.SPAM),
}


@transaction.atomic
def decide_many(
    ids: list[int],
    action: str,
    *,
    by,
    only_from: frozenset[str] | None = None,
    reason: str = "",
    note: str = "",
) -> list[int]:
    """One moderator's decision on many comments, as a set: one locking
    read, one UPDATE, one bulk insert of events (still one per comment),
    whatever the number. Comments no longer in a status the action starts
    from (or, given only_from, in one of those: what the moderator saw)
    are left alone. Returns the ids decided, in order."""
    allowed_from, to_status = MANY_DECISIONS[action]
    if action == "reject" and reason not in RejectionReason.values:
        raise ValueError(f"Unknown rejection reason {reason!r}.")
    if only_from is not None:
        allowed_from = allowed_from & only_from
    rows = list(
        Comment.objects.select_for_update()
        .filter(pk__in=ids, status__in=allowed_from)
        .order_by("pk")
        .annotate(
            reported=Exists(
                Flag.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
            )
        )
        .values_list("pk", "status", "article_id", "author_id", "reported")
    )
    if not rows:
        return []
    decided = [pk for pk, *_ in rows]
    now = timezone.now()
    Comment.objects.filter(pk__in=decided).update(
        status=to_status,
        status_rule="",
        moderated_by=by,
        moderated_at=now,
        moderation_reason=reason,
        moderation_note=note,
    )
    events = ModerationEvent.objects.bulk_create(
        ModerationEvent(
            comment_id=pk,
            member_id=author_id,
            actor=by,
            from_status=status,
            to_status=to_status,
            reason=reason,
            note=note,
        )
        for pk, status, _, author_id, _ in rows
    )
    _announce([event.pk for event in events])
    reported = [pk for pk, *_, has_reports in rows if has_reports]
    if reported:
        Flag.objects.filter(comment_id__in=reported, resolved_at__isnull=True).update(
            resolved_by=by, resolved_at=now
        )
    _count([(article_id, status, to_status) for _, status, article_id, *_ in rows])
    return decided


@transaction.atomic
def dismiss_reports(comment: Comment, *, by) -> int:
    """A moderator keeps a reported comment published: its open reports
    close, and the decision is an event of its own (approved to approved),
    so the audit log accounts for it. Returns how many reports closed."""
    current, author_id = (
        Comment.objects.select_for_update()
        .filter(pk=comment.pk)
        .values_list("status", "author_id")
        .first()
    ) or (None, None)
    if current != S.APPROVED:
        raise TransitionNotAllowed(comment.pk, "kept")
    closed = Flag.objects.filter(
        comment_id=comment.pk, resolved_at__isnull=True
    ).update(resolved_by=by, resolved_at=timezone.now())
    if closed:  # someone else may have kept it a moment ago
        event = ModerationEvent.objects.create(
            comment_id=comment.pk,
            member_id=author_id,
            actor=by,
            from_status=S.APPROVED,
            to_status=S.APPROVED,
            note=f"Closed {closed} report{'s' if closed != 1 else ''}.",
        )
        _announce([event.pk])
    return closed


def _announce(event_ids: list[int]) -> None:
    # Emails follow decisions only once they are committed (DESIGN
    # invariant 8): a rolled-back decision announces nothing.
    transaction.on_commit(partial(notifications.events_committed, event_ids))


def _count(changes: list[tuple[int, str, str]]) -> None:
    """Keep the counters in step with status changes, each given as
    (article id, from status, to status), from "" for a new comment: the
    article's approved_comment_count, and CommentCount's rows, in one
    statement each however many comments changed."""
    per_status: Counter[tuple[int, str]] = Counter()
    approved: Counter[int] = Counter()
    for article_id, before, after in changes:
        if before:
            per_status[article_id, before] -= 1
        per_status[article_id, after] += 1
        approved[article_id] += int(after == S.APPROVED) - int(before == S.APPROVED)
    rows = [(a, status, n) for (a, status), n in per_status.items() if n]
    if rows:
        table = connection.ops.quote_name(CommentCount._meta.db_table)
        values = ", ".join(["(%s, %s, %s)"] * len(rows))
        with connection.cursor() as cursor:
            # An upsert that adds: PostgreSQL's and SQLite's ON CONFLICT.
            cursor.execute(
                f"INSERT INTO {table} (article_id, status, n) VALUES {values} "
                f"ON CONFLICT (status, article_id) "
                f"DO UPDATE SET n = {table}.n + EXCLUDED.n",
                [value for row in rows for value in row],
            )
    # What readers see may have changed: their cached pages go.
    page_cache.bump(article_ids={article_id for article_id, _, _ in changes})
    deltas = {article: d for article, d in approved.items() if d}
    if deltas:
        Article.objects.filter(pk__in=deltas).update(
            approved_comment_count=F("approved_comment_count")
            + Case(
                *(When(pk=pk, then=Value(d)) for pk, d in deltas.items()),
                default=Value(0),
            )
        )


def recount() -> None:
    """Rebuild every counter from the comments themselves: after a bulk
    import that bypassed this module, or to repair drift."""
    with transaction.atomic():
        CommentCount.objects.all().delete()
        CommentCount.objects.bulk_create(
            CommentCount(article_id=row["article_id"], status=row["status"], n=row["n"])
            for row in Comment.objects.order_by()
            .values("article_id", "status")
            .annotate(n=Count("pk"))
        )
        approved = Comment.objects.filter(article=OuterRef("pk"), status=S.APPROVED)
        Article.objects.update(
            approved_comment_count=Coalesce(
                Subquery(
                    approved.order_by()
                    .values("article")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            )
        )


# Members -----------------------------------------------------------------


@transaction.atomic
def set_standing(
    member, *, level: str, by, until=None, reason: str = ""
) -> MemberStanding:
    """Record what moderators decided about a member. A ban also rejects
    every comment of theirs still waiting, each as its own decision."""
    if level not in Standing.values:
        raise ValueError(f"Unknown standing {level!r}.")
    if level == Standing.SUSPENDED and (until is None or until <= timezone.now()):
        raise ValueError("A suspension needs an end in the future.")
    standing, _ = MemberStanding.objects.select_for_update().get_or_create(
        member=member
    )
    standing.level = level
    standing.suspended_until = until if level == Standing.SUSPENDED else None
    standing.reason = reason
    standing.set_by = by
    standing.save()
    if level == Standing.BANNED:
        waiting = Comment.objects.filter(author=member, status=S.PENDING)
        for comment in waiting.order_by("pk"):
            try:
                _transition(
                    comment,
                    "rejected",
                    REJECTABLE,
                    S.REJECTED,
                    by=by,
                    reason=RejectionReason.MEMBER_BANNED,
                    note=RULE_MEMBER_BANNED,
                )
            except TransitionNotAllowed:
                continue  # decided by someone else meanwhile
    return standing
