"""The article page at 100, 1,000 and 10,000 comments, as a member (with
the shared thread fragment cold and warm) and as an anonymous reader (the
page cache), each beside its floor; and posting a comment."""

import itertools
import random
from dataclasses import asdict, dataclass

from django.core.cache import cache
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from articles.models import Article
from comments import moderation
from comments.bench import data, floor_urls
from comments.bench.harness import get, member_client, time_request
from comments.models import Comment, CommentStatus

SIZES = (100, 1_000, 10_000)
QUICK_SIZES = (20, 200)
MEMBERS = 2_000


@dataclass
class Scene:
    articles: dict[int, Article]  # by thread size
    viewer: object  # the member reading (they have comments of their own)
    poster: object  # the member posting (trusted: approved comments)


def fill(sizes=SIZES, *, seed: int = 6) -> Scene:
    rng = random.Random(seed)
    writer = data.make_writer()
    moderator = data.make_moderator()
    members = data.make_members(min(MEMBERS, max(sizes)))
    articles = data.make_articles(len(sizes), author=writer, prefix="bench-thread")
    for article, size in zip(articles, sizes, strict=True):
        data.create_thread(article, size, members=members, rng=rng, moderator=moderator)
    moderation.recount()
    analyze()
    return Scene(
        articles=dict(zip(sizes, articles, strict=True)),
        viewer=members[0],
        poster=members[1],
    )


def analyze() -> None:
    """Statistics for the planner, as autovacuum would have left them (and
    on PostgreSQL a visibility map, for index-only scans)."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


# Requests that take under a millisecond (the cached pages, the floors) are
# timed this many times more (300 in a full run): over 15, a scheduler
# hiccup of a tenth of a millisecond moved their medians, and the ratio
# between them, by half.
FAST_REPEAT = 20


def floor_of(client: Client, content: bytes, *, label: str, repeat: int):
    floor_urls.FLOOR_CONTENT[0] = content
    with override_settings(ROOT_URLCONF="comments.bench.floor_urls"):
        return time_request(
            label,
            floor_urls.FLOOR_PATH,
            get(client, floor_urls.FLOOR_PATH),
            repeat=repeat * FAST_REPEAT,
        )


def measure_pages(scene: Scene, *, repeat: int) -> list[dict]:
    rows = []
    for size, article in scene.articles.items():
        url = article.get_absolute_url()
        member, anonymous = member_client(scene.viewer), Client()
        # A browser: it takes the stored gzip bytes as they are.
        browser = Client(headers={"Accept-Encoding": "gzip, deflate, br"})
        cache.clear()
        for who, client, before in [
            # Members never get the anonymous page cache; emptying the cache
            # before each request also empties any fragment they share.
            ("member, cold fragment", member, cache.clear),
            ("member, warm", member, None),
            ("anonymous, cached", anonymous, None),
            ("anonymous, cached, gzip", browser, None),
        ]:
            cached = who.startswith("anonymous")
            timing = time_request(
                f"{size:,} comments, {who}",
                url,
                get(client, url, before),
                repeat=repeat * FAST_REPEAT if cached else repeat,
            )
            if before is not None:
                before()
            floor = floor_of(
                client, client.get(url).content, label="floor", repeat=repeat
            )
            rows.append(
                {
                    **asdict(timing),
                    "size": size,
                    "who": who,
                    "cached": cached,
                    "floor_ms": floor.median_ms,
                }
            )
    return rows


def measure_posting(scene: Scene, *, repeat: int) -> list[dict]:
    """POST the comment form as a member: rules, sanitising, the status
    decision and its event; emails are only enqueued."""
    article = scene.articles[min(scene.articles)]
    client = member_client(scene.poster)
    url = reverse("comments:post", kwargs={"slug": article.slug})
    rng = random.Random(30)
    counter = itertools.count(1)
    parents = list(
        Comment.objects.filter(article=article, status=CommentStatus.APPROVED)
        .order_by("-depth", "pk")  # the deepest first: attach_point's walk
        .values_list("pk", flat=True)
    )

    def post(parent=None):
        def prepare():
            # Distinct texts: the duplicate rule would hold repeats.
            fields = {"body": f"{data.body(rng)} (#{next(counter)})"}
            if parent is not None:
                fields["parent"] = next(parent)
            return lambda: client.post(url, fields)

        return prepare

    before = Comment.objects.count()
    rows = [
        time_request(
            "a comment", f"POST {url}", post(), repeat=repeat, warmup=1, expect=302
        ),
        time_request(
            "a reply",
            f"POST {url} (parent=...)",
            post(itertools.cycle(parents)),
            repeat=repeat,
            warmup=1,
            expect=302,
        ),
    ]
    # A post the view refused would have timed nothing useful.
    posted = Comment.objects.count() - before
    expected = sum(row.runs + 1 for row in rows)
    if posted != expected:
        raise CommandError(f"{posted} comments stored of {expected} posted.")
    latest = Comment.objects.filter(author=scene.poster).latest("pk")
    return [
        {**asdict(row), "status": CommentStatus(latest.status).label} for row in rows
    ]
