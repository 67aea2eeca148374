"""The bench's code paths at tiny sizes (make bench runs them at full size):
its data is consistent, and its measurements return rows. Nothing here is
timed; the query-count guards on the pages live in their own tests."""

import random

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from comments.bench import data, indexes, pages, report, throughput
from comments.bench.harness import LOCMEM, bench_settings
from comments.models import Comment, CommentCount, CommentStatus, Flag


def assert_threads_consistent():
    comments = {c.pk: c for c in Comment.objects.all()}
    assert comments
    for comment in comments.values():
        if comment.parent_id is None:
            assert (comment.root_id, comment.depth) == (None, 1)
            continue
        parent = comments[comment.parent_id]
        assert parent.article_id == comment.article_id
        assert comment.depth == parent.depth + 1 <= settings.COMMENTS_MAX_DEPTH
        assert comment.root_id == (parent.root_id or parent.pk)
        # Replies hang under comments that were approved when they came.
        assert parent.status in (CommentStatus.APPROVED, CommentStatus.REMOVED)
    counted = {
        (row["article_id"], row["status"]): row["n"]
        for row in Comment.objects.values("article_id", "status").annotate(
            n=Count("pk")
        )
    }
    assert {
        (c.article_id, c.status): c.n for c in CommentCount.objects.all()
    } == counted


@pytest.fixture
def scene(db):
    with bench_settings(caches=LOCMEM):
        yield pages.fill((12, 40), seed=1)


def test_bench_threads_have_consistent_roots_parents_depths_and_counters(scene):
    assert_threads_consistent()
    article = scene.articles[40]
    thread = Comment.objects.filter(article=article)
    assert thread.count() == 40
    top_level = thread.filter(parent=None).count()
    assert 40 / 2 < top_level < 40
    assert thread.filter(depth__gt=2).exists()
    assert thread.filter(author=article.author).exists()
    assert article.__class__.objects.get(pk=article.pk).approved_comment_count == (
        thread.filter(status=CommentStatus.APPROVED).count()
    )


def test_bench_bodies_are_about_400_characters_and_varied():
    rng = random.Random(2)
    bodies = [data.body(rng) for _ in range(50)]
    assert all(300 <= len(b) <= 450 for b in bodies)
    assert len(set(bodies)) == 50


def test_bench_page_rows_have_query_counts_bytes_and_floors(scene):
    with bench_settings(caches=LOCMEM):
        rows = pages.measure_pages(scene, repeat=1)
    assert {(r["size"], r["who"]) for r in rows} == {
        (size, who)
        for size in (12, 40)
        for who in (
            "member, cold fragment",
            "member, warm",
            "anonymous, cached",
            "anonymous, cached, gzip",
        )
    }
    for row in rows:
        assert row["queries"] > 0 or row["cached"]
        assert row["bytes"] > 0 and row["floor_ms"] > 0
    text = report.render(
        [{"part": "sqlite", "engine": "test", "engine_version": "x", "pages": rows}],
        quick=True,
        repeat=1,
        seconds=1,
    )
    assert "| 40 | test | member, warm |" in text
    gzipped = {r["size"]: r["bytes"] for r in rows if r["who"].endswith("gzip")}
    plain = {r["size"]: r["bytes"] for r in rows if r["who"] == "anonymous, cached"}
    assert all(gzipped[size] < plain[size] for size in plain)


def test_bench_posting_stores_every_post_it_times(scene):
    before = Comment.objects.count()
    with bench_settings(caches=LOCMEM):
        rows = pages.measure_posting(scene, repeat=2)
    assert [r["label"] for r in rows] == ["a comment", "a reply"]
    assert all(r["queries"] > 0 for r in rows)
    assert Comment.objects.count() == before + 6  # one warm-up each
    assert_threads_consistent()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the index bench is PostgreSQL's"
)
def test_bench_index_data_is_consistent_and_every_list_query_is_explained(db):
    with bench_settings(caches=LOCMEM):
        scene = indexes.fill(comments=3_000, articles=5, members=60)
        results = indexes.measure(scene)
    assert 2_900 < scene["total"] <= 3_000
    assert_threads_consistent()
    reports = Flag.objects.all()
    assert 0 < reports.filter(resolved_at=None).count() < reports.count() / 4
    assert {r["label"] for r in results} >= {
        "Article page, member",
        "Moderation queue (pending)",
        "Moderation queue, Reported tab",
        "My comments",
        "Public profile",
    }
    for result in results:
        assert result["plans"], result["label"]
        assert all("Execution Time" in p["plan"] for p in result["plans"])


def test_wrk_output_counts_timeouts_and_bad_statuses_as_errors():
    # wrk pads a latency in seconds with a space.
    output = """Running 20s test @ http://127.0.0.1:8000/articles/a/
  2 threads and 64 connections
  Latency Distribution
     50%  812.00us
     75%    1.62ms
     90%    1.76ms
     99%    1.20s{PAD}
  41000 requests in 20.01s, 4.80GB read
  Socket errors: connect 0, read 2, write 0, timeout 10
  Non-2xx or 3xx responses: 3
Requests/sec:   2049.50
""".format(PAD=" ")
    assert throughput.parse_wrk(output) == {
        "rps": 2049.5,
        "p50_ms": 0.812,
        "p99_ms": 1200.0,
        "requests": 41000,
        "errors": 15,
    }
