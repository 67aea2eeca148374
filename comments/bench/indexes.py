"""Every list query on an index, at 1,000,000 comments on PostgreSQL.

The comments are made in SQL (INSERT ... SELECT generate_series, a level of
the threads at a time, so that every reply's parent, root and depth agree),
spread as a real forum's are: a few articles and members have most of them,
most are approved, some wait, a few were declined or removed. Then the real
pages are requested through the test client, the SQL they run is captured,
and each query that reads the comments table is EXPLAINed (ANALYZE: it runs)
with any sequential scan of comments_comment flagged.
"""

import re
from dataclasses import dataclass

from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Count, Max
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import moderation
from comments.bench import data
from comments.bench.harness import member_client, moderator_client
from comments.bench.pages import analyze
from comments.models import Comment, CommentStatus

SIZES = {"comments": 1_000_000, "articles": 2_000, "members": 20_000}
QUICK = {"comments": 20_000, "articles": 100, "members": 1_000}
# Shares of the comments at each depth: mostly top-level stories.
DEPTH_SHARES = (0.6, 0.25, 0.1, 0.035, 0.015)
COMMENTS_TABLE = "comments_comment"
SEQ_SCAN = re.compile(rf"Seq Scan on {COMMENTS_TABLE}\b")
INDEX_USED = re.compile(
    rf"(?:Index (?:Only )?Scan(?: Backward)? using (\w+) on {COMMENTS_TABLE}\b"
    r"|Bitmap Index Scan on (\w+))"
)

_COLUMNS = (
    "id, article_id, author_id, parent_id, root_id, depth, body, body_html, "
    "status, created_at, updated_at, moderated_by_id, moderated_at, "
    "moderation_reason, moderation_note, rule_reasons, status_rule, "
    "review_html, edited_at"
)
# One row's values from: g (its number), r (random, for its status), p (its
# parent's row, for replies), and the parameters.
_STATUS = (
    "CASE WHEN r < 0.85 THEN 'approved' WHEN r < 0.93 THEN 'pending' "
    "WHEN r < 0.97 THEN 'rejected' WHEN r < 0.99 THEN 'spam' ELSE 'removed' END"
)
_BODY = " || ' ' || ".join(
    f"(%(sentences)s::text[])[1 + (g * {k} + {k * 7}) %% %(n_sentences)s]"
    for k in (7, 13, 17, 23, 29, 31)
)
_VALUES = """
    %(base)s + row_number() OVER (ORDER BY g), {article}, {author}, {parent},
    {root}, {depth}, body, '<p>' || replace(replace(body, '&', '&amp;'),
    '''', '&#x27;') || '</p>', status, created_at, created_at,
    CASE WHEN status <> 'pending' AND (status <> 'approved' OR r2 < 0.5)
         THEN %(moderator)s END,
    CASE WHEN status <> 'pending' AND (status <> 'approved' OR r2 < 0.5)
         THEN created_at + interval '2 hours' END,
    CASE WHEN status = 'rejected' THEN 'off_topic' ELSE '' END,
    '', '[]'::jsonb, '', '', NULL
"""


def _insert_level(cursor, *, depth: int, count: int, params: dict, parents) -> None:
    """Insert `count` comments at `depth`; replies go under approved
    comments of the level above (ids parents[0]..parents[1])."""
    # A few members write most comments; the article's author a tenth of
    # the replies.
    member = "%(first_member)s + floor(%(members)s * r3 * r3)::bigint"
    if depth == 1:
        source = f"""
            SELECT g, r, r2, r3, {_STATUS} AS status, {_BODY} AS body,
                   %(start)s::timestamptz + g * %(step)s * interval '1 second'
                       AS created_at,
                   %(first_article)s + floor(%(articles)s * r4 * r4)::bigint
                       AS article_id
            FROM (SELECT g, random() AS r, random() AS r2, random() AS r3,
                         random() AS r4
                  FROM generate_series(1, %(count)s) AS g) AS numbers
        """
        values = _VALUES.format(
            article="article_id",
            author=member,
            parent="NULL",
            root="NULL",
            depth="1",
        )
    else:
        low, high = parents
        # Oversampled: the picked parent must be approved (invariant 5).
        source = f"""
            SELECT g, r, r2, r3, {_STATUS} AS status, {_BODY} AS body,
                   p.created_at + r4 * interval '3 days' AS created_at,
                   p.article_id, p.id AS parent_id, COALESCE(p.root_id, p.id)
                       AS root_id, p.depth
            FROM (SELECT g, random() AS r, random() AS r2, random() AS r3,
                         random() AS r4
                  FROM generate_series(1, %(oversample)s) AS g) AS numbers
            JOIN {COMMENTS_TABLE} p
              ON p.id = {low} + (g::bigint * 7919) %% {high - low + 1}
            WHERE p.status = 'approved'
            LIMIT %(count)s
        """
        values = _VALUES.format(
            article="article_id",
            author=f"CASE WHEN r2 > 0.9 THEN %(writer)s ELSE {member} END",
            parent="parent_id",
            root="root_id",
            depth="depth + 1",
        )
    cursor.execute(
        f"INSERT INTO {COMMENTS_TABLE} ({_COLUMNS}) SELECT {values} FROM ({source}) s",
        {**params, "count": count, "oversample": int(count * 1.3) + 10},
    )


def fill(*, comments: int, articles: int, members: int, seed: float = 0.6) -> dict:
    writer = data.make_writer()
    moderator = data.make_moderator()
    people = data.make_members(members)
    pages = data.make_articles(articles, author=writer, prefix="bench-index")
    start_id = (Comment.objects.aggregate(n=Max("pk"))["n"] or 0) + 1
    params = {
        "sentences": data.SENTENCES,
        "n_sentences": len(data.SENTENCES),
        "moderator": moderator.pk,
        "writer": writer.pk,
        "first_member": min(m.pk for m in people),
        "members": len(people),
        "first_article": min(a.pk for a in pages),
        "articles": len(pages),
        # A year of comments, the oldest first.
        "start": "2025-01-01T00:00:00Z",
        "step": 365 * 86400 / max(comments * DEPTH_SHARES[0], 1),
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed])
        parents, base = None, start_id - 1
        for depth, share in enumerate(DEPTH_SHARES, start=1):
            count = round(comments * share)
            _insert_level(
                cursor,
                depth=depth,
                count=count,
                params={**params, "base": base},
                parents=parents,
            )
            cursor.execute(f"SELECT max(id) FROM {COMMENTS_TABLE}")
            top = cursor.fetchone()[0]
            parents, base = (base + 1, top), top
        # Reports: on one approved comment in forty, one in eight still open.
        cursor.execute(
            f"""
            INSERT INTO comments_flag (comment_id, reporter_id, reason, note,
                                       created_at, resolved_by_id, resolved_at)
            SELECT id, %(first_member)s + (id * 31) %% %(members)s, 'misinformation',
                   '', created_at + interval '1 hour',
                   CASE WHEN id / 40 %% 8 <> 0 THEN %(moderator)s END,
                   CASE WHEN id / 40 %% 8 <> 0
                        THEN created_at + interval '5 hours' END
            FROM {COMMENTS_TABLE} WHERE status = 'approved' AND id %% 40 = 0
            """,
            params,
        )
        # The audit log: every moderator's decision.
        cursor.execute(
            f"""
            INSERT INTO comments_moderationevent (comment_id, member_id, actor_id,
                rule, from_status, to_status, reason, note, details, created_at)
            SELECT id, author_id, moderated_by_id, '', 'pending', status,
                   moderation_reason, '', '[]'::jsonb, moderated_at
            FROM {COMMENTS_TABLE} WHERE moderated_by_id IS NOT NULL
            """
        )
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Comment]):
            cursor.execute(sql)
    moderation.recount()
    analyze()
    hot = (
        Comment.objects.values("article_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    active = (
        Comment.objects.exclude(author=writer)
        .values("author_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    # And one who has written little: an index that only suits prolific
    # members would walk the whole table for them.
    quiet = (
        Comment.objects.values("author_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=1)
        .order_by("n", "author_id")
        .first()
    )
    return {
        "moderator": moderator,
        "quiet_member": next(m for m in people if m.pk == quiet["author_id"]),
        "quiet_member_comments": quiet["n"],
        "article": next(a for a in pages if a.pk == hot["article_id"]),
        "article_comments": hot["n"],
        "member": next(m for m in people if m.pk == active["author_id"]),
        "member_comments": active["n"],
        "total": Comment.objects.count(),
    }


@dataclass
class Plan:
    sql: str
    plan: str
    seq_scan: bool
    indexes: list[str]
    ms: float


def explain(sql: str) -> Plan:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE {sql}")
        text = "\n".join(row[0] for row in cursor.fetchall())
    executed = re.search(r"Execution Time: ([\d.]+) ms", text)
    return Plan(
        sql=sql,
        plan=text,
        seq_scan=bool(SEQ_SCAN.search(text)),
        indexes=sorted({a or b for a, b in INDEX_USED.findall(text)}),
        ms=float(executed[1]) if executed else 0.0,
    )


def capture(client: Client, url: str, *, expect: int = 200) -> list[str]:
    cache.clear()  # a cached page would run no query worth explaining
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != expect:
        raise RuntimeError(f"{url} answered {response.status_code}, not {expect}.")
    return [q["sql"] for q in captured.captured_queries]


def pages(scene: dict) -> list[tuple[str, Client, str, int]]:
    article, member, quiet = scene["article"], scene["member"], scene["quiet_member"]
    url = article.get_absolute_url()
    last = (
        Comment.objects.filter(article=article, status=CommentStatus.APPROVED)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[20]
    )
    reader, anonymous = member_client(member), Client()
    quiet_reader = member_client(quiet)
    moderator = moderator_client(scene["moderator"])
    queue = reverse("comments:moderation-queue")
    return [
        ("Article page, anonymous", anonymous, url, 200),
        ("Article page, member", reader, url, 200),
        (
            "Article page, newest first, page 2",
            reader,
            f"{url}?sort=newest&page=2",
            200,
        ),
        ("Permalink to a late comment", anonymous, f"/comments/{last}/", 302),
        ("Moderation queue (pending)", moderator, queue, 200),
        ("Moderation queue, Reported tab", moderator, f"{queue}?tab=reported", 200),
        (
            "Moderation queue, Rejected tab, one member",
            moderator,
            f"{queue}?tab=rejected&member=%23{quiet.pk}",
            200,
        ),
        ("My comments", reader, reverse("comments:my-comments"), 200),
        (
            "My comments, a member with few",
            quiet_reader,
            reverse("comments:my-comments"),
            200,
        ),
        (
            "Public profile",
            anonymous,
            reverse("comments:member-profile", kwargs={"pk": member.pk}),
            200,
        ),
        (
            "Public profile, a member with few",
            anonymous,
            reverse("comments:member-profile", kwargs={"pk": quiet.pk}),
            200,
        ),
        (
            "A member's comments (moderators' view)",
            moderator,
            reverse("comments:member-detail", kwargs={"pk": member.pk}),
            200,
        ),
        (
            "A member's comments (moderators' view), a member with few",
            moderator,
            reverse("comments:member-detail", kwargs={"pk": quiet.pk}),
            200,
        ),
    ]


def measure(scene: dict) -> list[dict]:
    results = []
    for label, client, url, expect in pages(scene):
        queries = capture(client, url, expect=expect)
        plans = [
            explain(sql)
            for sql in queries
            if sql.lstrip().upper().startswith(("SELECT", "WITH"))
            and COMMENTS_TABLE in sql
        ]
        results.append(
            {
                "label": label,
                "url": url,
                "queries": len(queries),
                "plans": [plan.__dict__ for plan in plans],
            }
        )
    return results


def describe(scene: dict) -> dict:
    return {
        "total": scene["total"],
        "article_comments": scene["article_comments"],
        "member_comments": scene["member_comments"],
        "quiet_member_comments": scene["quiet_member_comments"],
    }
