"""Two app servers behind one address, as production runs them: two gunicorn
processes (gunicorn.conf.py) on different loopback ports share the test
database in PostgreSQL and this machine's Redis, each keeping nothing another
needs. A comment a moderator approves through one is on the article page the
other serves next, whatever either had cached.

Redis is required: unreachable, the test fails rather than skips, so CI can
never pass it without the shared cache."""

import http.cookiejar
import time
import urllib.parse
import urllib.request

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.db import connection
from django.urls import reverse

from comments.models import Comment, CommentStatus
from tests.conftest import PASSWORD, redis_under_a_prefix
from tests.gunicorn_site import database_url, get, gunicorn, site_environment

# Database 15 is tests/test_redis_cache.py's; keys are prefixed per run.
REDIS_URL = "redis://127.0.0.1:6379/14"
TIMEOUT = 20
APPROVED_TEXTS = [
    "Three months on a low dose and my walking is steadier.",
    "No change for me after six weeks, but no side effects either.",
]
PENDING_TEXT = "Approved on one server and read on the other, straight away."


@pytest.fixture
def shared_redis():
    """This machine's Redis and a key prefix for this run alone; the run's
    keys are deleted afterwards."""
    with redis_under_a_prefix(REDIS_URL, "The scale-out test") as shared:
        yield shared


@pytest.fixture
def two_app_servers(transactional_db, shared_redis):
    """Servers A and B: the same database, the same Redis and prefix, two
    workers each."""
    _, prefix = shared_redis
    env = site_environment(
        DATABASE_URL=database_url(),
        REDIS_URL=REDIS_URL,
        DJANGO_CACHE_KEY_PREFIX=prefix,
        DJANGO_MFA_REQUIRED="0",
        WEB_CONCURRENCY="2",
    )
    with gunicorn(env) as a, gunicorn(env) as b:
        for server in (a, b):
            _wait_healthy(server)
        yield a, b


def _wait_healthy(server) -> None:
    """Until /healthz says this process reaches the database and the cache
    (its workers have booted)."""
    deadline = time.monotonic() + 30
    while True:
        status, _, body = get(server.url + "/healthz", timeout=5)
        if status == 200:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"{server.url}/healthz: {status} {body}\n{server.errors()}")
        time.sleep(0.2)


def _read_article(server, path: str) -> str:
    """The article page as an anonymous reader gets it (no cookies)."""
    status, _, page = get(server.url + path, timeout=TIMEOUT)
    assert status == 200, page
    return page


def _served_count(server, path: str) -> int:
    return server.access_log().count(f'"GET {path} HTTP/1.1" 200')


def _wait_served(server, path: str, count: int) -> None:
    """gunicorn logs a request just after answering it: wait for the line."""
    deadline = time.monotonic() + 10
    while _served_count(server, path) < count:
        assert time.monotonic() < deadline, server.access_log()[-2000:]
        time.sleep(0.05)


class Browser:
    """A moderator's browser on one server: cookies, and the CSRF token
    from its cookie. With DEBUG off the site marks its cookies Secure; in
    production they travel over the proxy's TLS, here over loopback HTTP,
    so the jar is told to send them anyway."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar(
            http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "http"))
        )
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=TIMEOUT) as response:
            assert response.status == 200
            return response.read().decode()

    def post(self, path: str, fields: dict[str, str]) -> tuple[str, str]:
        """Sends the form with the CSRF token; answers the page it was
        redirected to and its path."""
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": self._cookie("csrftoken"), **fields}
        ).encode()
        with self.opener.open(
            self.base_url + path, data=data, timeout=TIMEOUT
        ) as response:
            assert response.status == 200
            final_path = urllib.parse.urlsplit(response.url).path
            return final_path, response.read().decode()

    def _cookie(self, name: str) -> str:
        for cookie in self.cookies:
            if cookie.name == name:
                return cookie.value
        raise AssertionError(f"no {name} cookie")


def _log_in(browser: Browser, email: str) -> None:
    login = reverse("account_login")
    page = browser.get(login)  # sets the CSRF cookie
    assert 'name="csrfmiddlewaretoken"' in page
    final_path, _ = browser.post(login, {"login": email, "password": PASSWORD})
    assert final_path != login, "the login form was refused"
    assert any(cookie.name == "sessionid" for cookie in browser.cookies)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two processes share one database: PostgreSQL, as production has",
)
def test_comment_approved_through_one_server_shows_on_the_other_at_once(
    two_app_servers, shared_redis, article, comment_factory, moderator
):
    a, b = two_app_servers
    redis_client, prefix = shared_redis
    assert a.port != b.port
    for text in APPROVED_TEXTS:
        comment_factory(article=article, body=text)
    pending = comment_factory(
        article=article, body=PENDING_TEXT, status=CommentStatus.PENDING
    )
    # The factories hash with MD5 for speed; the servers, with production
    # settings, check passwords with Django's default hasher.
    moderator.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    moderator.save(update_fields=["password"])
    path = article.get_absolute_url()

    # An anonymous reader on both servers, three times each: whatever a
    # server caches for readers (in Redis, and in its workers' memory) is
    # cached by now.
    for server in (a, b) * 3:
        page = _read_article(server, path)
        assert all(text in page for text in APPROVED_TEXTS)
        assert PENDING_TEXT not in page

    moderator_on_a = Browser(a.url)
    _log_in(moderator_on_a, moderator.email)
    final_path, queue = moderator_on_a.post(
        reverse("comments:moderation-approve", kwargs={"pk": pending.pk}),
        {"seen": CommentStatus.PENDING},
    )
    assert final_path == reverse("comments:moderation-queue")
    assert f"Approved comment #{pending.pk}" in queue
    pending.refresh_from_db()
    assert pending.status == CommentStatus.APPROVED

    # The very next reader on B sees it, and so does the next on A.
    assert PENDING_TEXT in _read_article(b, path)
    assert PENDING_TEXT in _read_article(a, path)

    # B answered that request itself (four article pages in its own log).
    # And the servers' cache is this Redis under this run's prefix: the
    # login left allauth's rate-limit counters there, at the least.
    _wait_served(b, path, 4)
    _wait_served(a, path, 4)
    assert next(redis_client.scan_iter(match=f"{prefix}:*"), None) is not None
    assert Comment.objects.filter(article=article).approved().count() == 3
