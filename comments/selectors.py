"""Page-shaped reads of comments."""

import inspect
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, JSONObject, RowNumber
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from articles.models import Article
from comments import moderation
from comments.models import (
    Comment,
    CommentCount,
    CommentStatus,
    Flag,
    Follow,
    MemberNote,
    ModerationEvent,
    ShownAsComment,
    decision_summary,
)
from comments.permissions import (
    MODERATORS_GROUP,
    holds_moderate_permission,
    is_moderator,
    moderator_query,
    read_moderator,
    verified_addresses,
)
from comments.tree import Node, build_tree
from ldnforum.statements import PageStatement, SQLStatement, Statement


def _moderates(user: str) -> ExpressionWrapper:
    """Whether the user in field `user` ("pk" on users, "author" on
    comments) moderates, for badges and member records: the permission
    (holds_moderate_permission), or the Moderators group."""
    return ExpressionWrapper(
        holds_moderate_permission(user, or_group=MODERATORS_GROUP),
        output_field=BooleanField(),
    )


def with_author_badges(queryset: QuerySet[Comment]) -> QuerySet[Comment]:
    """Annotate author_is_moderator in the same query, so badges cost no
    query per comment."""
    return queryset.annotate(author_is_moderator=_moderates("author"))


class ThreadSort(models.TextChoices):
    OLDEST = "oldest", "Oldest first"
    NEWEST = "newest", "Newest first"


class NoSuchThreadPage(Exception):
    """A page number or sort that the thread does not have."""


@dataclass
class ThreadPage:
    nodes: list[Node]
    number: int
    num_pages: int
    sort: str
    conversations: int  # top-level comments shown, on every page

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def here(self) -> str:
        return self.query(self.number)

    @property
    def previous_query(self) -> str:
        return self.query(self.number - 1)

    @property
    def next_query(self) -> str:
        return self.query(self.number + 1)

    @property
    def sort_queries(self) -> list[tuple[str, str, str]]:
        """(value, label, query string) for each order, at its first page."""
        return [
            (value, label, "?sort=newest" if value == ThreadSort.NEWEST else "")
            for value, label in ThreadSort.choices
        ]

    @property
    def reply_prefix(self) -> str:
        """The start of a link that opens a reply form on this page."""
        return f"{self.here}&reply=" if self.here else "?reply="

    def query(self, number: int) -> str:
        """The query string of another page in the same order."""
        parts = [f"page={number}"] if number > 1 else []
        if self.sort != ThreadSort.OLDEST:
            parts.append(f"sort={self.sort}")
        return "?" + "&".join(parts) if parts else ""


@dataclass(frozen=True)
class ThreadViewer:
    verified: bool  # may post and report (permissions.has_verified_email)
    following: bool
    waiting_here: bool  # has a comment awaiting moderation on the article


def thread_viewer(*, user, article: Article) -> ThreadViewer:
    """What the thread under an article needs to know of its reader, in one
    query so that the page's cost stays fixed."""
    if not user.is_authenticated:
        return ThreadViewer(verified=False, following=False, waiting_here=False)
    verified, following, waiting = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(
            Exists(verified_addresses(OuterRef("pk"), user.email)),
            Exists(Follow.objects.filter(member=OuterRef("pk"), article=article)),
            Exists(
                Comment.objects.filter(
                    author=OuterRef("pk"),
                    article=article,
                    status=CommentStatus.PENDING,
                )
            ),
        )
        .get()
    )
    return ThreadViewer(verified=verified, following=following, waiting_here=waiting)


def _shown_conversations(article_id, member) -> QuerySet[Comment]:
    """The article's top-level comments the member with this pk (or a Slot
    for one; None for an anonymous reader) may see, each with its replies:
    approved (or the member's own waiting one), or kept as a placeholder
    because something below it is (what build_tree keeps)."""
    below = Comment.objects.filter(root=OuterRef("pk"))
    shown = Q(status=CommentStatus.APPROVED) | Exists(
        below.filter(status=CommentStatus.APPROVED)
    )
    if member is not None:
        shown |= Q(status=CommentStatus.PENDING, author_id=member) | Exists(
            below.filter(status=CommentStatus.PENDING, author_id=member)
        )
    return Comment.objects.filter(article_id=article_id, parent__isnull=True).filter(
        shown
    )


def _conversation_order(sort: str) -> tuple[str, str]:
    return ("-created_at", "-pk") if sort == ThreadSort.NEWEST else ("created_at", "pk")


@dataclass(frozen=True, slots=True)
class ThreadAuthor:
    pk: int
    display_name: str


@dataclass(frozen=True, slots=True)
class ThreadComment(ShownAsComment):
    """A comment as the thread shows it: the columns its row needs, read
    as plain values (building a thousand model instances, with their
    authors, cost a long page a fifth of its time)."""

    pk: int
    parent_id: int | None
    root_id: int | None
    depth: int
    status: str
    author_id: int | None
    author: ThreadAuthor | None  # None once the account is deleted
    body_html: str  # stored clean HTML (sanitize.py)
    created_at: datetime
    edited_at: datetime | None
    author_is_moderator: bool

    @classmethod
    def of(cls, row: tuple) -> "ThreadComment":
        pk, parent_id, root_id, depth, status, author_id, name, *rest = row
        author = ThreadAuthor(author_id, name) if author_id is not None else None
        return cls(pk, parent_id, root_id, depth, status, author_id, author, *rest)


# A page's conversations, whatever their number (compiled once:
# ldnforum/statements.py).
_THREAD_ROWS = Statement(
    lambda heads: (
        with_author_badges(
            Comment.objects.filter(Q(pk__any_of=heads) | Q(root_id__any_of=heads))
        )
        .order_by("created_at", "pk")
        .values_list(
            "pk",
            "parent_id",
            "root_id",
            "depth",
            "status",
            "author_id",
            "author__display_name",
            "body_html",
            "created_at",
            "edited_at",
            "author_is_moderator",
        )
    )
)


def comment_thread(
    *, article: Article, user, page: int = 1, sort: str = ThreadSort.OLDEST
) -> ThreadPage:
    """One page of the article's thread as the user may see it: up to
    COMMENTS_THREADS_PER_PAGE top-level comments, each with all its
    replies (oldest first within a conversation), in two queries whatever
    the thread's size (DESIGN invariant 4), holding one page in memory.

    Approved comments and the user's own waiting ones are shown; any other
    comment with visible replies (removed, deleted, or hidden for review
    after reports) stays as a placeholder so the thread keeps its shape."""
    if sort not in ThreadSort.values or page < 1:
        raise NoSuchThreadPage(page, sort)
    viewer = user.pk if user.is_authenticated else None
    per_page = settings.COMMENTS_THREADS_PER_PAGE
    start = (page - 1) * per_page
    # The page's top-level comments and the total in one query.
    heads = list(
        _shown_conversations(article.pk, viewer)
        .annotate(total=Window(Count("pk")))
        .order_by(*_conversation_order(sort))
        .values_list("pk", "total")[start : start + per_page]
    )
    if heads:
        total = heads[0][1]
    elif page == 1:
        total = 0
    else:
        raise NoSuchThreadPage(page, sort)
    ids = [pk for pk, _ in heads]
    rows = []
    if ids:
        rows = [ThreadComment.of(row) for row in _THREAD_ROWS.rows(heads=ids)]

    def is_visible(comment: Comment) -> bool:
        return comment.status == CommentStatus.APPROVED or (
            comment.status == CommentStatus.PENDING and comment.author_id == viewer
        )

    nodes = build_tree(rows, is_visible)
    if sort == ThreadSort.NEWEST:
        nodes.reverse()
    return ThreadPage(
        nodes=nodes,
        number=page,
        num_pages=max(1, -(-total // per_page)),
        sort=sort,
        conversations=total,
    )


def _conversations_before(article, head, member=None) -> QuerySet:
    """How many conversations come before the one headed by `head`, oldest
    first, as the member (or an anonymous reader) sees the article."""
    started = Subquery(
        Comment.objects.filter(pk=head).values_list("created_at", flat=True)[:1]
    )
    return (
        _shown_conversations(article, member)
        .filter(Q(created_at__lt=started) | Q(created_at=started, pk__lt=head))
        .order_by()
        .values("article_id")
        .annotate(n=Count("pk"))
        .values_list("n")
    )


# Every posting and permalink asks one of these (compiled once:
# ldnforum/statements.py).
_BEFORE_FOR_READER = Statement(
    lambda article, head: _conversations_before(article, head)
)
_BEFORE_FOR_MEMBER = Statement(_conversations_before)


def thread_page_of(comment: Comment, *, user) -> int:
    """The page (oldest first) where the comment's conversation is, for
    permalinks and the redirect after posting."""
    where = {"article": comment.article_id, "head": comment.root_id or comment.pk}
    if user.is_authenticated:
        rows = _BEFORE_FOR_MEMBER.rows(**where, member=user.pk)
    else:
        rows = _BEFORE_FOR_READER.rows(**where)
    before = rows[0][0] if rows else 0
    return before // settings.COMMENTS_THREADS_PER_PAGE + 1


def comment_url(comment: Comment, *, user) -> str:
    """Where the comment is shown: its article's page that holds it, at
    its anchor."""
    page = thread_page_of(comment, user=user)
    query = f"?page={page}" if page > 1 else ""
    return f"{comment.article.get_absolute_url()}{query}#{comment.anchor}"


# The moderators' workbench ----------------------------------------------


class QueueTab(models.TextChoices):
    PENDING = "pending", "Pending"
    REPORTED = "reported", "Reported"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Spam"
    REMOVED = "removed", "Removed"
    APPROVED = "approved", "Recently approved"


# The statuses a moderator sees on each tab: a decision taken from a tab is
# only applied while the comment is still in one of them.
TAB_STATUSES: dict[str, frozenset[str]] = {
    QueueTab.PENDING: frozenset({CommentStatus.PENDING}),
    QueueTab.REPORTED: frozenset({CommentStatus.APPROVED, CommentStatus.PENDING}),
    QueueTab.REJECTED: frozenset({CommentStatus.REJECTED}),
    QueueTab.SPAM: frozenset({CommentStatus.SPAM}),
    QueueTab.REMOVED: frozenset({CommentStatus.REMOVED}),
    QueueTab.APPROVED: frozenset({CommentStatus.APPROVED}),
}
RECENTLY_APPROVED = timedelta(days=7)
# Waiting tabs show the longest-waiting first; decided tabs the newest
# decisions first.
_OLDEST_FIRST_TABS = frozenset({QueueTab.PENDING, QueueTab.REPORTED})


class HeldBy(models.TextChoices):
    """The rule filter: keys of Comment.rule_reasons, then trust rules that
    only the ModerationEvent records."""

    LINKS = "links", "Too many links"
    SUSPECT_WORD = "suspect_word", "Suspect word"
    WATCHED_DOMAIN = "watched_domain", "Watched domain"
    BANNED_WORD = "banned_word", "Banned word"
    DUPLICATE = "duplicate", "Duplicate"
    NEW_MEMBER = "new_member", "New member"
    UNTRUSTED = "untrusted", "Untrusted member"
    RECENT_REJECTION = "recent_rejection", "Rejected recently"
    REPORTS = "reports", "Hidden after reports"
    EDITED = "edited", "Held after an edit"


_EVENT_RULE_PREFIXES = {
    HeldBy.NEW_MEMBER: moderation.RULE_NEW_MEMBER.split("{")[0],
    HeldBy.UNTRUSTED: moderation.RULE_UNTRUSTED,
    HeldBy.RECENT_REJECTION: moderation.RULE_RECENT_REJECTION.split("{")[0],
    HeldBy.REPORTS: moderation.RULE_REPORTS.split("{")[0],
    HeldBy.EDITED: moderation.RULE_EDITED,
}

QUEUE_AGES = {
    "1h": (timedelta(hours=1), "Older than 1 hour"),
    "12h": (timedelta(hours=12), "Older than 12 hours"),
    "24h": (timedelta(hours=24), "Older than 24 hours"),
    "7d": (timedelta(days=7), "Older than 7 days"),
}
_MEMBER_NUMBER = re.compile(r"#?([0-9]{1,12})")
HISTORY_LENGTH = 5


@dataclass(frozen=True)
class QueueFilters:
    tab: str = QueueTab.PENDING
    article_id: int | None = None
    member: str = ""  # display name (part of it) or member number
    rule: str = ""  # a HeldBy value
    older_than: timedelta | None = None
    text: str = ""
    newest_first: bool | None = None  # None: the tab's own order

    @property
    def narrowed(self) -> bool:
        return bool(
            self.article_id or self.member or self.rule or self.older_than or self.text
        )


def decided_at() -> Coalesce:
    """When a comment got its status: a moderator's decision, or its posting
    when a rule published or held it. comment_decided_idx indexes it."""
    return Coalesce("moderated_at", "created_at")


def _recently_approved(since) -> Q:
    return Q(status=CommentStatus.APPROVED) & Q(GreaterThanOrEqual(decided_at(), since))


def _open_flags() -> QuerySet[Flag]:
    return Flag.objects.filter(resolved_at__isnull=True)


def _among(field: str, ids: QuerySet) -> Q:
    """`field` is one of the few ids a subquery gives. On PostgreSQL as
    `field = ANY(ARRAY(...))`: with IN (subquery) the planner, taking the
    ids for common, walks the comments by date to meet them (90 ms at
    1,000,000 comments for the Reported tab; 370 ms at 100,000 pending for
    one member's); an array it takes for a few ids, which it reads by key."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        return Q(**{f"{field}__any_of": ArraySubquery(ids)})
    return Q(**{f"{field}__in": ids})


def _has_open_reports() -> Q:
    """Comments with an open report."""
    return _among("pk", _open_flags().values("comment_id"))


def _tab_filter(tab: str, since) -> Q:
    """Which comments a tab holds; the Recently approved tab's are those
    approved `since` (now less RECENTLY_APPROVED)."""
    if tab == QueueTab.REPORTED:
        return Q(status__in=TAB_STATUSES[tab]) & _has_open_reports()
    if tab == QueueTab.APPROVED:
        return _recently_approved(since)
    return Q(status__in=TAB_STATUSES[tab])


def _held_by(rule: str) -> Q:
    prefix = _EVENT_RULE_PREFIXES.get(rule)
    if prefix is not None:
        # The rule that gave the comment its status, as the item shows it
        # (on PostgreSQL, a pattern index on pending comments serves this).
        return Q(status_rule__startswith=prefix)
    if connection.features.supports_json_field_contains:
        return Q(rule_reasons__contains=[{"rule": rule}])
    # SQLite has no JSON containment; rule is one of HeldBy's fixed values
    # and appears in the stored JSON text exactly so.
    return Q(rule_reasons__icontains=f'"rule": "{rule}"')


@dataclass(frozen=True)
class ReplyTo:
    """The comment a workbench item answers, as the item shows it."""

    author: str | None  # None once the account is deleted
    status: str
    body_html: str  # stored clean HTML (sanitize.py)

    @classmethod
    def of(cls, shown: dict | None) -> "ReplyTo | None":
        return cls(**shown) if shown else None

    @property
    def status_label(self) -> str:
        return CommentStatus(self.status).label


def moderation_queue(
    filters: QueueFilters | None = None, *, now=None
) -> QuerySet[Comment]:
    """One workbench tab, filtered and ordered, with what a moderator needs
    to decide each item in the same query: article, the comment it answers
    (reply_to_fields, for ReplyTo.of), the member, why it is here, and how many
    open reports it has. attach_member_history() adds the member's track
    record for a page of it; queue_page() lists a page of it faster."""
    filters = filters or QueueFilters()
    return _queue(filters, **_queue_values(filters, now or timezone.now()))


def _queue_values(filters: QueueFilters, now) -> dict:
    """The values a filter puts into its list's query, by slot name."""
    values = {"since": now - RECENTLY_APPROVED}
    if filters.article_id:
        values["article"] = filters.article_id
    if filters.member:
        values["member"] = filters.member
        if number := _MEMBER_NUMBER.fullmatch(filters.member):
            values["member_number"] = int(number[1])
    if filters.older_than:
        values["before"] = now - filters.older_than
    if filters.text:
        values["text"] = filters.text
    return values


def _queue(
    filters: QueueFilters,
    *,
    since,
    article=None,
    member=None,
    member_number=None,
    before=None,
    text=None,
) -> QuerySet[Comment]:
    """moderation_queue()'s queryset, its values given apart (values, or a
    PageStatement's slots): `filters` says which filters there are."""
    queryset = (
        Comment.objects.filter(_tab_filter(filters.tab, since))
        .select_related("article", "author", "author__standing", "moderated_by")
        # Articles' texts can be long and the page shows only their titles.
        .defer("article__body", "article__lede")
        .annotate(
            # What a reply answers, as one value (ReplyTo.of reads it):
            # joining the comments table to itself again costs PostgreSQL
            # more planning, with its many indexes, than the query runs.
            reply_to_fields=Subquery(
                Comment.objects.filter(pk=OuterRef("parent_id")).values(
                    shown=JSONObject(
                        status="status",
                        body_html="body_html",
                        author="author__display_name",
                    )
                )[:1],
                output_field=JSONField(),
            ),
            open_report_count=Subquery(
                _open_flags()
                .filter(comment=OuterRef("pk"))
                .order_by()
                .values("comment")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        )
    )
    if article is not None:
        queryset = queryset.filter(article_id=article)
    if member is not None:
        by_name = Q(display_name__icontains=member)
        if member_number is not None:
            by_name |= Q(pk=member_number)
        members = get_user_model().objects.filter(by_name).values("pk")
        queryset = queryset.filter(_among("author_id", members))
    if filters.rule:
        queryset = queryset.filter(_held_by(filters.rule))
    if before is not None:
        queryset = queryset.filter(created_at__lte=before)
    if text is not None:
        queryset = queryset.filter(body__icontains=text)

    newest_first = filters.newest_first
    if newest_first is None:
        newest_first = filters.tab not in _OLDEST_FIRST_TABS
    if filters.tab in _OLDEST_FIRST_TABS:
        order = ["created_at", "pk"]
    else:
        queryset = queryset.annotate(decided_at=decided_at())
        order = ["decided_at", "pk"]
    if newest_first:
        order = [f"-{field}" for field in order]
    return queryset.order_by(*order)


# A PageStatement per shape of filter (which filters, not their values):
# building and compiling the list's queryset took 2.4 ms of a queue page,
# and PostgreSQL's planning of it most of a millisecond more.
_QUEUE_SLOT_FIELDS = {
    "since": DateTimeField(),
    "before": DateTimeField(),
    "member": CharField(),
    "text": CharField(),
}
_QUEUE_PAGES: dict[tuple, PageStatement] = {}


def _queue_statement(filters: QueueFilters, names: list[str]) -> PageStatement:
    shape = (filters.tab, filters.rule, filters.newest_first, *names)
    statement = _QUEUE_PAGES.get(shape)
    if statement is None:
        shaped = replace(filters, article_id=None, member="", older_than=None, text="")

        def build(**slots):
            return _queue(shaped, **slots)

        # The slots are its parameters by name: a signature for Statement.
        build.__signature__ = inspect.Signature(
            [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY) for n in names]
        )
        statement = PageStatement(
            build, fields={n: f for n, f in _QUEUE_SLOT_FIELDS.items() if n in names}
        )
        _QUEUE_PAGES[shape] = statement
    return statement


def queue_page(filters: QueueFilters, *, now, offset: int, limit: int) -> list[Comment]:
    """Items offset to offset + limit of moderation_queue(filters, now=now),
    as its slice would give them, from a statement compiled once."""
    values = _queue_values(filters, now)
    statement = _queue_statement(filters, sorted(values))
    return statement.rows(**values, offset=offset, limit=limit)


@dataclass(frozen=True)
class QueueList:
    """moderation_queue() for a Paginator (which slices it), its pages
    read through queue_page(). The Paginator is given the count."""

    filters: QueueFilters
    now: datetime

    def __getitem__(self, bounds: slice) -> list[Comment]:
        start = bounds.start or 0
        return queue_page(
            self.filters, now=self.now, offset=start, limit=bounds.stop - start
        )


# Tabs that are exactly one status: their counts are CommentCount's sums.
_COUNTED_TABS = {
    QueueTab.PENDING: CommentStatus.PENDING,
    QueueTab.REJECTED: CommentStatus.REJECTED,
    QueueTab.SPAM: CommentStatus.SPAM,
    QueueTab.REMOVED: CommentStatus.REMOVED,
}


def queue_tab_counts(
    *,
    now=None,
    matching: QuerySet[Comment] | None = None,
    matching_limit: int | None = None,
) -> dict[str, int]:
    """How many comments each workbench tab holds (and, given `matching`,
    how many a filtered list holds, under the key "matching": at most
    `matching_limit`), in one query of scalar subqueries. A tab that is one
    status sums the counters moderation.py keeps; the others count their
    few rows on their own indexes (open reports; comment_decided_idx for
    recent approvals)."""
    now = now or timezone.now()
    since = now - RECENTLY_APPROVED
    if matching is None:
        row = _TAB_COUNTS.rows(since=since)[0]
        return dict(zip(QueueTab.values, row, strict=True))
    matching = matching.order_by().values("pk")
    if matching_limit is not None:
        matching = matching[:matching_limit]
    # The tabs' compiled SELECT, with the list's count as one more column:
    # only the filtered list's own SQL is compiled for this request.
    sql, params = _TAB_COUNTS.sql_with_params(since=since)
    matching_sql, matching_params = matching.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"{sql}, (SELECT COUNT(*) FROM ({matching_sql}) AS counted)",
            [*params, *matching_params],
        )
        row = cursor.fetchone()
    return dict(zip([*QueueTab.values, "matching"], row, strict=True))


def _tab_counts_sql(*, since) -> tuple[str, list]:
    counted: dict[str, QuerySet] = {}
    for tab in QueueTab.values:
        if tab in _COUNTED_TABS:
            counted[tab] = (
                CommentCount.objects.filter(status=_COUNTED_TABS[tab])
                .order_by()
                .values("status")
                .annotate(total=Sum("n"))
                .values("total")
            )
        else:
            counted[tab] = Comment.objects.filter(_tab_filter(tab, since)).values("pk")
    selects, params = [], []
    for key, queryset in counted.items():
        sql, query_params = queryset.order_by().query.sql_with_params()
        if key in _COUNTED_TABS:
            selects.append(f"COALESCE(({sql}), 0)")
        else:
            selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")
        params.extend(query_params)
    return f"SELECT {', '.join(selects)}", params


# Every workbench page asks (compiled once: ldnforum/statements.py); a
# filtered list's count is added to it as one more column.
_TAB_COUNTS = SQLStatement(
    lambda since: _tab_counts_sql(since=since), fields={"since": DateTimeField()}
)


@dataclass(frozen=True)
class NoteLine:
    """A moderator note, as a workbench item shows it."""

    created_at: datetime
    author: str | None  # None once the moderator's account is deleted
    text: str


def _count_of(status: str) -> Count:
    return Count("comments", filter=Q(comments__status=status))


# The workbench asks these three for each page's members: compiled once
# (ldnforum/statements.py), they cost a page a third of what they did.
_MEMBER_RECORDS = Statement(
    lambda members: (
        get_user_model()
        .objects.filter(pk__any_of=members)
        .annotate(
            approved=_count_of(CommentStatus.APPROVED),
            rejected=_count_of(CommentStatus.REJECTED),
            spam=_count_of(CommentStatus.SPAM),
            moderates=_moderates("pk"),
        )
        .values_list("pk", "approved", "rejected", "spam", "moderates")
    )
)
_MEMBER_DECISIONS = Statement(
    lambda members: _latest_per_member(
        # Entering the queue is not a decision (moderationevent_decision_idx).
        ModerationEvent.objects.exclude(
            from_status="", to_status=CommentStatus.PENDING
        ).filter(member_id__any_of=members),
        member="member_id",
    ).values_list(
        "history_member",
        "created_at",
        "comment_id",
        "from_status",
        "to_status",
        "actor__display_name",
        "actor_id",
        "rule",
        "reason",
    )
)
_MEMBER_NOTES = Statement(
    lambda members: _latest_per_member(
        MemberNote.objects.filter(member_id__any_of=members), member="member_id"
    ).values_list(
        "history_member", "created_at", "author__display_name", "author_id", "text"
    )
)


def attach_member_history(comments: list[Comment]) -> None:
    """Give each comment of a workbench page its member's track record
    (approved, rejected and spam counts, whether they moderate, their last
    decisions and moderator notes) and its open reports, in at most four
    queries whatever the page size: members, member_decisions,
    member_notes, open_reports."""
    members = sorted({c.author_id for c in comments if c.author_id is not None})
    records: dict[int, tuple] = {}
    decisions: dict[int, list[dict]] = defaultdict(list)
    notes: dict[int, list[NoteLine]] = defaultdict(list)
    reports: dict[int, list[Flag]] = defaultdict(list)
    if members:
        records = {row[0]: row for row in _MEMBER_RECORDS.rows(members=members)}
        for row in _MEMBER_DECISIONS.rows(members=members):
            # Plain values: a page has 250 of these lines to show.
            member, created_at, comment_id, before, after, actor, actor_id = row[:7]
            summary = decision_summary(
                comment_id=comment_id,
                from_status=before,
                to_status=after,
                actor=actor if actor_id is not None else None,
                rule=row[7],
                reason=row[8],
            )
            decisions[member].append({"created_at": created_at, "summary": summary})
        for member, created_at, author, author_id, text in _MEMBER_NOTES.rows(
            members=members
        ):
            notes[member].append(
                NoteLine(
                    created_at=created_at,
                    author=author if author_id is not None else None,
                    text=text,
                )
            )
    reported = [c.pk for c in comments if getattr(c, "open_report_count", 0)]
    if reported:
        for flag in (
            _open_flags().filter(comment_id__in=reported).order_by("created_at", "pk")
        ):
            reports[flag.comment_id].append(flag)
    no_record = (None, 0, 0, 0, False)
    for comment in comments:
        _, approved, rejected, spam, moderates = records.get(
            comment.author_id, no_record
        )
        comment.author_approved_count = approved
        comment.author_rejected_count = rejected
        comment.author_spam_count = spam
        comment.author_is_moderator = moderates
        comment.member_decisions = decisions.get(comment.author_id, [])
        comment.member_notes = notes.get(comment.author_id, [])
        comment.open_reports = reports.get(comment.pk, [])


def _latest_per_member(queryset: QuerySet, *, member: str) -> QuerySet:
    newest = (F("created_at").desc(), F("pk").desc())
    return (
        queryset.annotate(
            history_member=F(member),
            rank=Window(RowNumber(), partition_by=F(member), order_by=newest),
        )
        .filter(rank__lte=HISTORY_LENGTH)
        .order_by(*newest)
    )


def _pending_total() -> Coalesce:
    """How many comments wait, from the counters moderation.py keeps: a few
    hundred small rows, not a count over the queue."""
    total = (
        CommentCount.objects.filter(status=CommentStatus.PENDING)
        .order_by()
        .values("status")
        .annotate(total=Sum("n"))
        .values("total")[:1]
    )
    return Coalesce(Subquery(total), 0)


def pending_count() -> int:
    return CommentCount.objects.filter(status=CommentStatus.PENDING).aggregate(
        total=Coalesce(Sum("n"), 0)
    )["total"]


_MODERATOR_AND_PENDING = Statement(lambda user: moderator_query(user, _pending_total()))


def navigation_pending_count(user) -> int | None:
    """The navigation's count for a moderator (None for anyone else), in
    the same query that tells whether they moderate (permissions.
    is_moderator, which it answers for the rest of the request)."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser or getattr(user, "_is_moderator", None) is not None:
        return pending_count() if is_moderator(user) else None
    moderates, pending = read_moderator(user, _MODERATOR_AND_PENDING)
    return pending if moderates else None


def member_comments(*, member) -> QuerySet[Comment]:
    """A member's own comments, newest first, whatever their status."""
    return (
        Comment.objects.filter(author=member)
        .select_related("article", "moderated_by")
        .order_by("-created_at", "-pk")
    )


def member_public_comments(*, member) -> QuerySet[Comment]:
    """What anyone may read of a member: their approved comments on
    published articles, newest first, with the article for the link."""
    return (
        Comment.objects.approved()
        .filter(author=member, article__in=Article.objects.published())
        .select_related("article")
        .defer("article__body", "article__lede")
        .order_by("-created_at", "-pk")
    )
