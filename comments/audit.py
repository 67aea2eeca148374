"""The moderators' record: the audit log of every ModerationEvent (its
filters and its CSV export), and what moderators know about a member (their
standing, history, reports and the notes moderators keep on them).

Reads here are page-shaped and cost a fixed number of queries whatever the
size of the log or of a member's history.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import dateformat, timezone

from articles.models import Article
from comments import moderation
from comments.models import (
    Comment,
    CommentStatus,
    Flag,
    MemberNote,
    MemberStanding,
    ModerationEvent,
    Standing,
)
from comments.permissions import MODERATE_PERMISSION, is_moderator

# The audit log -------------------------------------------------------------

# The "moderator" filter's value for decisions no person took.
BY_RULES = "rules"

CSV_HEADER = [
    "time",
    "event",
    "comment",
    "article",
    "member",
    "member id",
    "actor",
    "from",
    "to",
    "reason",
    "note",
]

KEPT = "kept"  # the action filter's value for "kept published after reports"

# A spreadsheet runs a cell that starts with one of these as a formula
# (OWASP "CSV injection"); member-chosen text must never do that.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class LogFilter:
    moderator: object | None = None  # a user, BY_RULES, or None for anyone
    member: object | None = None
    article: Article | None = None
    action: str | None = None  # the status the comment went to, or KEPT
    date_from: date | None = None
    date_to: date | None = None  # inclusive


def moderators() -> QuerySet:
    """People who may moderate now: the choices of the log's actor filter."""
    # The same permission is_moderator() checks, asked of the database.
    return ModelBackend().with_perm(MODERATE_PERMISSION).order_by("display_name", "pk")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def log_events(log_filter: LogFilter | None = None) -> QuerySet[ModerationEvent]:
    """Every event matching the filter, newest first, with what a row shows."""
    f = log_filter or LogFilter()
    events = ModerationEvent.objects.select_related(
        "comment__article", "comment__author", "actor"
    )
    if f.moderator == BY_RULES:
        events = events.filter(Q(actor__isnull=True) | ~Q(rule=""))
    elif f.moderator is not None:
        events = events.filter(actor=f.moderator, rule="")
    if f.member is not None:
        # The comment's author, as each event records it: on the event's own
        # index, where joining comments walks the member's whole history.
        events = events.filter(member=f.member)
    if f.article is not None:
        events = events.filter(comment__article=f.article)
    if f.action == KEPT:
        events = events.filter(from_status=F("to_status"))
    elif f.action:
        events = events.filter(to_status=f.action).exclude(from_status=F("to_status"))
    if f.date_from:
        events = events.filter(created_at__gte=_day_start(f.date_from))
    if f.date_to:
        events = events.filter(created_at__lt=_day_start(f.date_to + timedelta(days=1)))
    return events.order_by("-created_at", "-pk")


def actor_label(event: ModerationEvent) -> str:
    """Who decided: the rule's own words when no moderator did."""
    if event.rule:
        return event.rule
    if event.actor is not None:
        return event.actor.display_name
    return "former moderator"


def member_label(member) -> str:
    return member.display_name if member is not None else "former member"


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def csv_row(event: ModerationEvent) -> list[str]:
    comment = event.comment
    author = comment.author
    cells = [
        timezone.localtime(event.created_at).isoformat(),
        event.pk,
        comment.pk,
        comment.article.title,
        member_label(author),
        author.pk if author is not None else "",
        actor_label(event),
        event.from_status,
        event.to_status,
        event.reason,
        event.note,
    ]
    return [safe_cell(cell) for cell in cells]


class _Echo:
    """csv.writer writes to this and gets the line back to stream it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(events: QuerySet[ModerationEvent]) -> Iterator[str]:
    """The export, a line at a time: one query, read in chunks, so a long
    log never sits in memory."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for event in events.iterator(chunk_size=2000):
        yield writer.writerow(csv_row(event))


# A member, as moderators see them ------------------------------------------


class _NoArticle:
    # trust_of() first asks whether the member wrote the article at hand.
    # The member page has no article: authors are trusted on their own
    # articles only, so the page shows how anything else they post is met.
    author_id = None


@dataclass(frozen=True)
class StandingSummary:
    label: str  # "banned", "suspended until ...", or trust_of's rule
    record: MemberStanding | None  # what a moderator decided, if anything
    changeable: bool  # moderators' standing is not set here


def standing_summary(member, *, now: datetime | None = None) -> StandingSummary:
    now = now or timezone.now()
    record = moderation.standing_of(member)
    changeable = not is_moderator(member)
    if record is not None and record.level == Standing.BANNED:
        label = "banned"
    elif (
        record is not None
        and record.level == Standing.SUSPENDED
        and record.suspended_until > now
    ):
        until = timezone.localtime(record.suspended_until)
        label = f"suspended until {dateformat.format(until, 'j F Y, H:i')}"
    else:
        # An ended suspension counts for nothing: the member earns trust
        # again as anyone does.
        label = moderation.trust_of(member, _NoArticle()).rule
    return StandingSummary(label=label, record=record, changeable=changeable)


def status_counts(member) -> list[tuple[str, str, int]]:
    """(status, label, count) for every status, zeros included."""
    rows = (
        Comment.objects.filter(author=member)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    counts = dict(rows)
    return [
        (value, label, counts.get(value, 0)) for value, label in CommentStatus.choices
    ]


def member_decisions(member, *, limit: int = 10) -> list[ModerationEvent]:
    """The latest decisions on the member's comments."""
    return list(log_events(LogFilter(member=member))[:limit])


def member_reports(member, *, limit: int = 20) -> list[Flag]:
    """The latest reports the member made on others' comments."""
    return list(
        Flag.objects.filter(reporter=member)
        .select_related("comment__article", "comment__author")
        .order_by("-created_at", "-pk")[:limit]
    )


def member_report_count(member) -> int:
    return Flag.objects.filter(reporter=member).count()


def member_notes(member) -> list[MemberNote]:
    return list(
        MemberNote.objects.filter(member=member)
        .select_related("author")
        .order_by("-created_at", "-pk")
    )


def pending_count(member) -> int:
    return Comment.objects.filter(author=member).pending().count()


@transaction.atomic
def note_add(*, member, author, text: str) -> MemberNote:
    """Keep a moderator's note on a member. Notes are part of the
    moderators' record, like the log, so they are written here."""
    note = MemberNote(member=member, author=author, text=text)
    note.full_clean()
    note.save()
    return note
