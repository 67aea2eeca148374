"""Anonymous readers get article pages from the cache; every change that
alters what they see shows on the very next request; and the headers let
browsers and proxies revalidate cheaply."""

import gzip
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils.http import http_date

from articles import page_cache
from comments import moderation, privacy, services
from comments.models import Comment, CommentStatus

pytestmark = pytest.mark.django_db


def test_second_anonymous_reader_gets_the_page_with_no_query(
    client, article, comment_factory, django_assert_num_queries
):
    comment_factory(article=article, body="A story worth caching.")
    first = client.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        second = client.get(article.get_absolute_url())
    assert second.status_code == 200
    assert second.content == first.content
    assert "A story worth caching." in second.content.decode()


def test_cached_page_carries_no_csrf_token_or_session(client, article):
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "sessionid" not in response.cookies
    assert "csrftoken" not in response.cookies


def test_anonymous_page_headers_let_any_cache_keep_it_but_revalidate(client, article):
    response = client.get(article.get_absolute_url())
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "no-cache"}
    assert "Cookie" in response["Vary"]
    assert "Accept-Encoding" in response["Vary"]
    assert response["ETag"].startswith('W/"')
    # The CSP still applies to the cached copy: middleware runs on a hit.
    again = client.get(article.get_absolute_url())
    assert "script-src 'self'" in again["Content-Security-Policy"]


def test_conditional_get_with_the_etag_is_a_304_with_no_query(
    client, article, django_assert_num_queries
):
    etag = client.get(article.get_absolute_url())["ETag"]
    with django_assert_num_queries(0):
        response = client.get(
            article.get_absolute_url(), headers={"if-none-match": etag}
        )
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_clients_without_gzip_get_each_page_as_it_is_now(
    client, article_factory, comment_factory
):
    """Their copies are decompressed once a process and kept by ETag; more
    pages than are kept, and a change to one of them, all read right."""
    articles = [article_factory() for _ in range(page_cache._PLAIN_KEPT + 2)]
    for n, each in enumerate(articles):
        comment_factory(article=each, body=f"Story {n} of many.")
    for _ in range(2):
        for n, each in enumerate(articles):
            html = client.get(each.get_absolute_url()).content.decode()
            assert f"Story {n} of many." in html
    assert len(page_cache._PLAIN) == page_cache._PLAIN_KEPT
    comment_factory(article=articles[-1], body="A later story.")
    html = client.get(articles[-1].get_absolute_url()).content.decode()
    assert "A later story." in html


def test_browser_that_takes_gzip_gets_the_stored_compressed_page(client, article):
    plain = client.get(article.get_absolute_url())
    assert "Content-Encoding" not in plain
    compressed = client.get(
        article.get_absolute_url(), headers={"accept-encoding": "gzip, deflate, br"}
    )
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 2
    # One page, two encodings: the same (weak) validator for both.
    assert compressed["ETag"] == plain["ETag"]


def test_stale_etag_gets_the_new_page(client, article, comment_factory):
    etag = client.get(article.get_absolute_url())["ETag"]
    comment_factory(article=article, body="Posted after the first visit.")
    response = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "Posted after the first visit." in response.content.decode()
    assert response["ETag"] != etag


def test_last_modified_is_the_last_change_once_its_second_is_over(
    client, article, monkeypatch
):
    changed = time.time_ns()
    page_cache.bump(article_ids=[article.pk])
    # Within the change's second there is no Last-Modified (a second change
    # in it would look the same); later there is, and it answers 304.
    monkeypatch.setattr(time, "time", lambda: changed / 1e9 + 2)
    response = client.get(article.get_absolute_url())
    assert response["Last-Modified"] == http_date(changed // 1_000_000_000)
    again = client.get(
        article.get_absolute_url(),
        headers={"if-modified-since": response["Last-Modified"]},
    )
    assert again.status_code == 304


def test_no_last_modified_within_the_second_of_the_change(client, article):
    page_cache.bump(article_ids=[article.pk])
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    if int(time.time()) == page_cache.version(article.pk) // 1_000_000_000:
        assert "Last-Modified" not in response


def test_tracking_parameters_share_the_copy_but_pages_do_not(
    client, article, settings, comment_factory, django_assert_num_queries
):
    settings.COMMENTS_THREADS_PER_PAGE = 1
    comment_factory(article=article, body="First story.")
    comment_factory(article=article, body="Second story.")
    client.get(article.get_absolute_url())
    with django_assert_num_queries(0):
        shared = client.get(article.get_absolute_url(), {"utm_source": "group"})
    assert "First story." in shared.content.decode()
    second = client.get(article.get_absolute_url(), {"page": 2}).content.decode()
    assert "Second story." in second
    assert "First story." not in second


def test_member_is_never_served_the_shared_copy(
    client, article, member, django_assert_max_num_queries
):
    client.get(article.get_absolute_url())  # an anonymous copy exists
    client.force_login(member)
    client.post(f"/articles/{article.slug}/comments/", {"body": "Mine, waiting."})
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert "Mine, waiting." in html
    assert "csrfmiddlewaretoken" in html
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= cache_control
    assert "public" not in cache_control
    client.logout()
    assert (
        "Mine, waiting." not in client.get(article.get_absolute_url()).content.decode()
    )


def test_page_cache_can_be_turned_off(
    client, article, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(article.get_absolute_url())
    # Rendered again: article, references, the page's conversations.
    with django_assert_num_queries(3):
        client.get(article.get_absolute_url())


def test_missing_article_is_404_and_not_cached(client):
    assert client.get("/articles/no-such-thing/").status_code == 404
    assert client.get("/articles/no-such-thing/").status_code == 404


# Invalidation: each change in the list, committed for real ------


def _see(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_comment_approved_shows_on_the_next_request(
    client, article, comment_factory, moderator
):
    waiting = comment_factory(
        article=article, body="Waiting for a moderator.", status=CommentStatus.PENDING
    )
    assert "Waiting for a moderator." not in _see(client, article)
    moderation.approve(waiting, by=moderator)
    assert "Waiting for a moderator." in _see(client, article)


@pytest.mark.django_db(transaction=True)
def test_comment_removed_and_restored_show_on_the_next_request(
    client, article, comment_factory, moderator
):
    comment = comment_factory(article=article, body="Soon removed.")
    assert "Soon removed." in _see(client, article)
    moderation.remove(comment, by=moderator)
    assert "Soon removed." not in _see(client, article)
    moderation.restore(comment, by=moderator)
    assert "Soon removed." in _see(client, article)


@pytest.mark.django_db(transaction=True)
def test_comment_edited_shows_on_the_next_request(client, article, member):
    comment = services.comment_create(
        article=article, author=member, body="Befor the typo was fixed."
    )
    moderation.approve(comment, by=article.author)
    assert "Befor the typo" in _see(client, article)
    services.comment_edit(comment=comment, editor=member, body="Before, fixed.")
    html = _see(client, article)
    assert "Before, fixed." in html
    assert "Befor the typo" not in html


def _edit_in_admin(client, article, admin, **changes):
    staff = client.__class__()
    staff.force_login(admin)
    fields = {
        "title": article.title,
        "slug": article.slug,
        "lede": article.lede,
        "body": article.body,
        "author": article.author.pk,
        "status": article.status,
        "published_at_0": article.published_at.strftime("%Y-%m-%d"),
        "published_at_1": article.published_at.strftime("%H:%M:%S"),
        "moderation_mode": article.moderation_mode,
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
    }
    response = staff.post(
        f"/admin/articles/article/{article.pk}/change/", {**fields, **changes}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.django_db(transaction=True)
def test_article_edited_in_the_admin_shows_on_the_next_request(
    client, article, user_factory
):
    assert article.title in _see(client, article)
    admin = user_factory(staff=True, is_superuser=True)
    _edit_in_admin(
        client, article, admin, title="A corrected title", body="<p>Corrected.</p>"
    )
    html = _see(client, article)
    assert "A corrected title" in html
    assert "Corrected." in html


@pytest.mark.django_db(transaction=True)
def test_article_moved_to_a_new_slug_leaves_no_copy_at_the_old_one(
    client, article, article_factory, user_factory
):
    old_url = article.get_absolute_url()
    assert client.get(old_url).status_code == 200
    admin = user_factory(staff=True, is_superuser=True)
    _edit_in_admin(client, article, admin, slug="ldn-and-ms")
    assert client.get(old_url).status_code == 404
    assert client.get("/articles/ldn-and-ms/").status_code == 200
    # Another article may take the old slug: it shows, not the first one.
    newcomer = article_factory(title="A newer article", slug="ldn-in-ms")
    _edit_in_admin(client, newcomer, admin, body="<p>Newer body.</p>")
    html = client.get(old_url).content.decode()
    assert "A newer article" in html
    assert "LDN in MS" not in html


@pytest.mark.django_db(transaction=True)
def test_member_renamed_shows_on_the_next_request(
    client, article, member, comment_factory
):
    comment_factory(article=article, author=member)
    assert "Patient Pat" in _see(client, article)
    member_client = client.__class__()
    member_client.force_login(member)
    response = member_client.post(
        "/my/profile/", {"display_name": "Pat Renamed", "bio": ""}
    )
    assert response.status_code == 302
    html = _see(client, article)
    assert "Pat Renamed" in html
    assert "Patient Pat" not in html


@pytest.mark.django_db(transaction=True)
def test_member_deleted_shows_on_the_next_request(
    client, article, member, comment_factory
):
    comment_factory(article=article, author=member, body="Kept after I leave.")
    assert "Patient Pat" in _see(client, article)
    privacy.delete_member(member=member, keep_comments=True)
    html = _see(client, article)
    assert "Patient Pat" not in html
    assert "Kept after I leave." in html
    assert "Former member" in html


def test_a_wrong_hint_about_the_slug_never_serves_a_stale_page(
    client, article, article_factory, comment_factory, moderator
):
    other = article_factory()
    waiting = comment_factory(
        article=article, body="Approved after the hint went wrong.", status="pending"
    )
    assert "Approved after the hint went wrong." not in _see(client, article)
    # This process's hint says the slug is the other article's.
    page_cache._ARTICLE_OF_SLUG[article.slug] = other.pk
    moderation.approve(waiting, by=moderator)
    assert "Approved after the hint went wrong." in _see(client, article)


# Copies a process keeps in memory -----------------------------------------


def test_a_page_kept_in_memory_is_served_while_its_version_holds(
    client, article, comment_factory, moderator, django_assert_num_queries
):
    """The copy this process keeps serves a hit even once the cache has
    lost its own (evicted), and stops at the article's next change."""
    waiting = comment_factory(
        article=article, body="Approved while kept.", status=CommentStatus.PENDING
    )
    first = client.get(article.get_absolute_url())
    cache.delete(page_cache.page_key(article.slug, {}))
    with django_assert_num_queries(0):
        second = client.get(article.get_absolute_url())
    assert second.content == first.content
    moderation.approve(waiting, by=moderator)
    assert "Approved while kept." in _see(client, article)


def test_a_page_kept_in_memory_expires_with_the_cached_copy(
    client, article, comment_factory, monkeypatch
):
    """A change no version covers (here, a row updated behind the forum's
    back) shows once PAGE_CACHE_SECONDS have passed, as it would if only
    the cache held the page."""
    comment = comment_factory(article=article, body="As first written.")
    assert "As first written." in _see(client, article)
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>Changed quietly.</p>")
    assert "As first written." in _see(client, article)
    later = time.time() + settings.PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    html = _see(client, article)
    assert "Changed quietly." in html
    assert "As first written." not in html


def test_a_page_cached_by_another_process_is_kept_until_it_expires(
    client, article, comment_factory, monkeypatch
):
    """Served from the cache, a copy another process rendered is kept here
    too, to the moment the cache lets it go, not PAGE_CACHE_SECONDS from
    when this process first read it."""
    comment = comment_factory(article=article, body="Rendered elsewhere.")
    assert "Rendered elsewhere." in _see(client, article)
    key = page_cache.page_key(article.slug, {})
    page_cache._LOCAL.discard(key, page_cache._LOCAL.get(key))  # another process
    Comment.objects.filter(pk=comment.pk).update(body_html="<p>Changed quietly.</p>")
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start + settings.PAGE_CACHE_SECONDS - 1)
    assert "Rendered elsewhere." in _see(client, article)
    monkeypatch.setattr(time, "time", lambda: start + settings.PAGE_CACHE_SECONDS + 1)
    assert "Changed quietly." in _see(client, article)


def test_pages_kept_in_memory_are_bounded_by_their_bytes():
    kept = page_cache._Recent(100, weigh=len)
    for n in range(10):
        kept.put(n, b"x" * 30)
        kept.get(0)  # the first stays in use
    assert len(kept) == 3
    assert kept.get(0) is not None
    assert kept.get(9) is not None
    assert kept.get(1) is None
