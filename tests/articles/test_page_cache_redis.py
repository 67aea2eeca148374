"""The page cache on Redis, as production runs it: a hit on a page the
process keeps in memory reads its article's version ahead, as the request
comes in, and still shows every change on the very next request."""

import re

import pytest
from django.core.cache import cache

from comments import moderation
from comments.models import CommentStatus
from ldnforum.cache import RedisCache
from tests.conftest import redis_under_a_prefix

pytestmark = pytest.mark.django_db

# Database 15 is also tests/test_redis_cache.py's; keys are prefixed per test.
REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    """This machine's Redis as the cache, under a prefix of this test's
    own, deleted afterwards. Unreachable, the test fails: CI must not pass
    it without Redis."""
    with redis_under_a_prefix(REDIS_URL, "The page cache's Redis tests") as (
        client,
        prefix,
    ):
        settings.CACHES = {
            "default": {
                "BACKEND": "ldnforum.cache.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": prefix,
            }
        }
        yield client


@pytest.fixture
def reads_ahead(redis_cache, monkeypatch):
    """The keys read ahead, in order."""
    sent = []
    original = RedisCache.send_get

    def send_get(self, key):
        sent.append(key)
        return original(self, key)

    monkeypatch.setattr(RedisCache, "send_get", send_get)
    return sent


def _see(client, article, **headers) -> str:
    response = client.get(article.get_absolute_url(), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_a_hit_reads_the_version_ahead_and_a_change_shows_next(
    client, article, comment_factory, moderator, reads_ahead
):
    waiting = comment_factory(
        article=article, body="Approved between two hits.", status="pending"
    )
    first = _see(client, article)  # rendered, kept in memory
    assert reads_ahead == []
    assert _see(client, article) == first
    assert len(reads_ahead) == 1
    moderation.approve(waiting, by=moderator)
    html = _see(client, article)
    assert "Approved between two hits." in html
    assert len(reads_ahead) == 2
    assert _see(client, article) == html


def test_an_answer_nobody_read_is_never_taken_for_a_later_read(redis_cache):
    cache.set("one", 1)
    cache.set("two", 2)
    assert cache.send_get("one")
    cache.forget_sent()
    cache.set("one", 11)
    assert cache.get_sent("one") == 11
    # An answer waiting for another key is not this key's, nor later its own.
    assert cache.send_get("one")
    assert cache.get_sent("two") == 2
    cache.set("one", 111)
    assert cache.get_sent("one") == 111
    assert cache.get_sent("missing", "default") == "default"


def test_a_request_answered_before_the_view_leaves_no_answer_behind(
    client, article, comment_factory, moderator, reads_ahead, settings
):
    settings.DISALLOWED_USER_AGENTS = [re.compile("BadBot")]
    waiting = comment_factory(
        article=article, body="Approved after the bot.", status="pending"
    )
    _see(client, article)
    # Read ahead, then refused by CommonMiddleware before the view.
    response = client.get(article.get_absolute_url(), headers={"user-agent": "BadBot"})
    assert response.status_code == 403
    assert len(reads_ahead) == 1
    moderation.approve(waiting, by=moderator)
    assert "Approved after the bot." in _see(client, article)


def test_lost_connections_cost_a_read_never_a_stale_page(
    client, article, comment_factory, moderator, redis_cache, reads_ahead
):
    waiting = comment_factory(
        article=article,
        body="Approved after Redis dropped us.",
        status=CommentStatus.PENDING,
    )
    first = _see(client, article)
    assert _see(client, article) == first
    # As when Redis restarts: every connection but this one is closed.
    redis_cache.client_kill_filter(_type="normal", skipme=True)
    assert _see(client, article) == first
    redis_cache.client_kill_filter(_type="normal", skipme=True)
    moderation.approve(waiting, by=moderator)
    assert "Approved after Redis dropped us." in _see(client, article)
    assert len(reads_ahead) >= 2


def test_a_read_cut_short_leaves_no_answer_for_the_next(redis_cache, monkeypatch):
    """Interrupted while its answer was on its way (a worker told to stop),
    a read takes its connection with it: the next read gets its own."""
    cache.set("one", 1)
    assert cache.send_get("one")
    connection = cache._own.connection

    def interrupted(*args, **kwargs):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(connection, "read_response", interrupted)
    with pytest.raises(RuntimeError):
        cache.get_sent("one")
    cache.set("one", 2)
    assert cache.send_get("one")
    assert cache.get_sent("one") == 2
