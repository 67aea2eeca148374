"""Article pages from the cache, invalidated exactly.

Every article has a version in the cache (Redis when REDIS_URL is set),
part of the key of every cached copy of its page and of its thread. Any
change that alters what a reader sees bumps it: a comment's status or text
changing (comments/moderation.py, comments/services.py), the article itself
edited (articles/admin.py), a member renamed or deleted (accounts, comments
privacy). The bump runs again after the change commits, so a page rendered
from the old rows can only be stored under a version that nobody reads any
more: the very next request renders afresh.

A version is the time of the change in nanoseconds: distinct for every
change, and the page's Last-Modified.

Each process also keeps the pages it served last in memory. It serves one
of them only after reading its article's version from the cache, on every
hit, so a copy in memory is exactly as fresh as the cache's: what it saves
is reading and unpickling the page itself.
"""

import functools
import gzip
import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from articles.models import Article

logger = logging.getLogger(__name__)

PREFIX = "article-page"


def _version_key(article_id: int) -> str:
    return f"{PREFIX}:version:{article_id}"


def _slug_key(slug: str) -> str:
    return f"{PREFIX}:slug:{slug}"


def version(article_id: int) -> int:
    """The article's current version; a new one if the cache has none
    (first use, or evicted), which simply starts its copies afresh."""
    key = _version_key(article_id)
    current = cache.get(key)
    if current is None:
        cache.add(key, time.time_ns(), timeout=None)
        current = cache.get(key)
    return current


def article_id_for(slug: str) -> int | None:
    """The article a URL's slug names, remembered in the cache so that a
    cached page costs no query at all. None: no such article."""
    key = _slug_key(slug)
    article_id = cache.get(key)
    if article_id is None:
        article_id = Article.objects.filter(slug=slug).values_list("pk", flat=True)
        article_id = article_id.first()
        if article_id is None:
            return None
        cache.set(key, article_id, timeout=None)
    return article_id


def _bump_now(article_ids: set[int]) -> None:
    now = time.time_ns()
    try:
        cache.set_many({_version_key(pk): now for pk in article_ids}, timeout=None)
    except Exception:
        # Copies then expire by themselves, within PAGE_CACHE_SECONDS.
        logger.exception("Could not bump the page versions of %s", sorted(article_ids))


def bump(*, article_ids: Iterable[int]) -> None:
    """Invalidate the articles' cached pages, now and again once the
    current transaction commits. The second bump is what makes it exact: a
    reader who rendered the old rows between the first bump and the commit
    stored that copy under a version that no longer counts. The first lets
    the writer's own connection (and a test's) see the change at once."""
    ids = set(article_ids)
    if not ids:
        return
    _bump_now(ids)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump_now(ids))


def bump_for_member(member_id: int) -> None:
    """Pages that show the member's name: articles they wrote or commented
    on. Read now, before a deletion takes the links away."""
    ids = (
        Article.objects.filter(
            Q(author_id=member_id) | Q(comments__author_id=member_id)
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    bump(article_ids=list(ids))


def forget_slug(slug: str) -> None:
    """The slug now names another article, or none."""
    cache.delete(_slug_key(slug))


def fragment_key(article_id: int, *parts) -> str:
    """A key for something cached with the article's page (the thread
    fragment members share), valid until its next change."""
    joined = ":".join(str(part) for part in parts)
    return f"{PREFIX}:fragment:{article_id}:{version(article_id)}:{joined}"


# The anonymous reader's page --------------------------------------------


def serves(request) -> bool:
    """Whether the request may get the shared copy: an anonymous reader,
    known without a query (no session cookie), with no message waiting."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and settings.PAGE_CACHE_SECONDS > 0
    )


@dataclass(frozen=True)
class CachedPage:
    # Stored compressed: a tenth of the bytes to read from Redis, and sent
    # as they are to the browsers that take gzip (all do). These pages hold
    # no secret (no CSRF token, nobody's session), so compressing them
    # gives BREACH nothing to find.
    gzipped: bytes
    content_type: str
    etag: str  # weak: the same page, gzipped or not
    article_id: int
    version: int  # the article's version it was rendered at
    # When it was rendered (time.time()): a copy kept in a process's memory
    # expires with the one in the cache. A copy stored before this field
    # existed reads 0.0, long expired.
    stored_at: float = 0.0

    @property
    def content(self) -> bytes:
        """The page as sent to a client that doesn't take gzip."""
        content = _PLAIN.get(self.etag)
        if content is None:
            content = gzip.decompress(self.gzipped)
            _PLAIN.put(self.etag, content)
        return content

    @property
    def last_modified(self) -> int | None:
        """Last-Modified has whole seconds, so it is only given once the
        version's second is over: a second change in the same second would
        otherwise look unchanged to If-Modified-Since."""
        seconds = self.version // 1_000_000_000
        return seconds if seconds < int(time.time()) else None

    def fresh(self, now: float) -> bool:
        return now < self.stored_at + settings.PAGE_CACHE_SECONDS


class _Recent:
    """The values used most recently, by key, up to `limit` in all as
    `weigh` counts them; safe to share between a process's threads."""

    def __init__(self, limit: int, weigh: Callable[[object], int] = lambda _: 1):
        self.limit, self.weigh = limit, weigh
        self._values: OrderedDict = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key):
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._drop(key)
            self._values[key] = value
            self._weight += self.weigh(value)
            while self._weight > self.limit and len(self._values) > 1:
                self._drop(next(iter(self._values)))

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._weight = 0

    def discard(self, key, value) -> None:
        """Drop the value kept at key, unless another thread has since put
        a new one there."""
        with self._lock:
            if self._values.get(key) is value:
                self._drop(key)

    def _drop(self, key) -> None:
        value = self._values.pop(key, None)
        if value is not None:
            self._weight -= self.weigh(value)


# Decompressed pages, by ETag (a digest of the very bytes, so never stale):
# a client without gzip costs one decompression per page and process, not
# one per request. A few pages, each at most a few hundred KB.
_PLAIN_KEPT = 16
_PLAIN = _Recent(_PLAIN_KEPT)

# The pages this process served last, by key. A hit on one of them reads
# only its article's version from the cache (8 bytes, not the page's 8-18
# KB, and nothing to unpickle), and takes it on the same condition as a
# copy read from the cache: rendered at that very version, and not expired.
# A lost copy here costs one read more, never a stale page.
_LOCAL_BYTES_KEPT = 8 * 1024 * 1024
_LOCAL = _Recent(_LOCAL_BYTES_KEPT, weigh=lambda page: len(page.gzipped))


def page_key(slug: str, query) -> str:
    # Only what changes an anonymous reader's page is in the key: other
    # parameters (a shared link's tracking tags) share the copy.
    page, sort = query.get("page", "1"), query.get("sort", "")
    digest = hashlib.blake2b(f"{page}\0{sort}".encode(), digest_size=8).hexdigest()
    return f"{PREFIX}:page:{slug}:{digest}"


@dataclass(frozen=True)
class Lookup:
    key: str
    article_id: int
    version: int
    page: CachedPage | None  # None: render it, and store it under key


# Which article each slug named when this process last looked: a hint that
# lets a hit read the page and its article's version in one round trip.
# Only a hint: a hit is taken only when the page names that very article
# (and then its version is the one just read), so a slug that moved to
# another article costs a second read, never a stale page.
_ARTICLE_OF_SLUG: dict[str, int] = {}
_HINTS_KEPT = 10_000


def _hint(slug: str, article_id: int) -> None:
    if len(_ARTICLE_OF_SLUG) >= _HINTS_KEPT:
        _ARTICLE_OF_SLUG.clear()
    _ARTICLE_OF_SLUG[slug] = article_id


def get(slug: str, query) -> Lookup | None:
    """The cached page for this URL, if it was rendered at its article's
    current version. A hit costs one cache read: the version alone when
    this process has the page in memory; else the page and the version of
    the article this process last saw at the slug (a second read when the
    slug is new to it). None when no article has the slug: nothing to
    cache."""
    key = page_key(slug, query)
    now = time.time()
    kept = _LOCAL.get(key)
    if kept is not None:
        # Its version was asked for as the request came in (read_ahead()),
        # if the cache can do that; else this asks now.
        read = getattr(cache, "get_sent", cache.get)
        if kept.fresh(now) and read(_version_key(kept.article_id)) == kept.version:
            return Lookup(key, kept.article_id, kept.version, kept)
        _LOCAL.discard(key, kept)
    hinted = _ARTICLE_OF_SLUG.get(slug)
    if hinted is not None:
        found = cache.get_many([key, _version_key(hinted)])
        page, current = found.get(key), found.get(_version_key(hinted))
        if page is not None and page.article_id != hinted:
            current = cache.get(_version_key(page.article_id))
    else:
        page = cache.get(key)
        current = cache.get(_version_key(page.article_id)) if page else None
    if page is not None:
        _hint(slug, page.article_id)
        if current == page.version:
            if page.fresh(now):
                _LOCAL.put(key, page)
            return Lookup(key, page.article_id, current, page)
    article_id = article_id_for(slug)
    if article_id is None:
        _ARTICLE_OF_SLUG.pop(slug, None)
        return None
    _hint(slug, article_id)
    return Lookup(key, article_id, version(article_id), None)


_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@functools.cache
def _article_path_prefix() -> str:
    return reverse("articles:detail", kwargs={"slug": "-"}).removesuffix("-/")


def read_ahead(request) -> bool:
    """If this request is for a page this process keeps in memory, send the
    read of its article's version now, for get() to take when the view
    asks: the answer arrives while the middleware works. False if nothing
    was sent; else end_read_ahead() must follow the response."""
    send = getattr(cache, "send_get", None)
    if send is None or not serves(request):
        return False
    prefix = _article_path_prefix()
    if not (request.path.startswith(prefix) and request.path.endswith("/")):
        return False
    slug = request.path[len(prefix) : -1]
    if not _SLUG.fullmatch(slug):
        return False
    kept = _LOCAL.get(page_key(slug, request.GET))
    return kept is not None and send(_version_key(kept.article_id))


def end_read_ahead() -> None:
    """Drop the answer of a read the view never took (it answered before
    reaching the page cache, or found the page gone from memory)."""
    forget = getattr(cache, "forget_sent", None)
    if forget is not None:
        forget()


def store(found: Lookup, content: bytes, content_type: str) -> CachedPage:
    digest = hashlib.blake2b(content, digest_size=16).hexdigest()
    page = CachedPage(
        gzipped=gzip.compress(content, compresslevel=6, mtime=0),
        content_type=content_type,
        etag=f'W/"{digest}"',
        article_id=found.article_id,
        version=found.version,
        stored_at=time.time(),
    )
    cache.set(found.key, page, settings.PAGE_CACHE_SECONDS)
    _LOCAL.put(found.key, page)
    return page
