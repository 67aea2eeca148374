"""The permission matrix: every URL pattern the project serves, for each
kind of visitor, with the status GET and POST answer.

Scope: every pattern reachable from ldnforum/urls.py, found by walking the
resolver, which is our apps' patterns and allauth's (account and mfa, which
we link to and restyle). Django's admin is covered by its index and login
pages only: its other pages come from ModelAdmin registrations, and the
admin checks is_staff for all of them the same way (and, with MFA required,
accounts.middleware guards /admin/ as a whole).

A pattern without a row here fails test_every_url_pattern_has_a_row, so a
new URL cannot go untested. Each POST is sent with no data (what a forged
or stray request carries) inside a transaction that is rolled back, so the
roles don't change each other's world.
"""

import copy
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from comments import moderation
from comments.models import CommentStatus
from comments.notifications import unsubscribe_token

ROLES = ("anonymous", "unverified", "member", "author", "moderator", "banned")
# The admin's own pages beyond these two are the admin's business.
ADMIN_ROUTES = {"admin/", "admin/login/"}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route == "admin/":
                yield from (r for r in ADMIN_ROUTES)
                continue
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def project_routes() -> list[str]:
    return sorted(set(_walk(get_resolver().url_patterns)))


@dataclass(frozen=True)
class Row:
    """Expected statuses, one per role in ROLES order."""

    get: str
    post: str

    def expected(self, method: str) -> list[int]:
        return [int(code) for code in getattr(self, method.lower()).split()]


# route: Row(GET statuses, POST statuses), for
#        anonymous unverified member author moderator banned
# The objects: "member" wrote the approved comment <pk> in comments/ URLs;
# moderation/<pk>/ URLs act on another member's pending comment; members/
# URLs show "member". Worth knowing when reading the rows:
# - 302 for anonymous is "log in first"; 302 for every role on allauth's
#   2fa/reauthenticate pages is allauth asking to reauthenticate (tests log
#   in without a password) or to log in first;
# - empty POSTs to forms are 400 (nothing stored) once access is granted;
# - "author" is staff (the admin opens) and may not delete their account
#   here (403: an article keeps its author, so an administrator first hands
#   their articles on);
# - a banned member still reads, exports, deletes and reports, but may not
#   post or reply (403).
MATRIX: dict[str, Row] = {
    "": Row("200 200 200 200 200 200", "405 405 405 405 405 405"),
    "healthz": Row("200 200 200 200 200 200", "405 405 405 405 405 405"),
    "accounts/2fa/": Row("302 200 200 200 200 200", "302 405 405 405 405 405"),
    "accounts/2fa/authenticate/": Row(
        "302 302 302 302 302 302", "302 302 302 302 302 302"
    ),
    "accounts/2fa/reauthenticate/": Row(
        "302 302 302 302 302 302", "302 302 302 302 302 302"
    ),
    "accounts/2fa/recovery-codes/": Row(
        "302 404 404 404 404 404", "302 405 405 405 405 405"
    ),
    "accounts/2fa/recovery-codes/download/": Row(
        "302 404 404 404 404 404", "302 404 404 404 404 404"
    ),
    "accounts/2fa/recovery-codes/generate/": Row(
        "302 302 302 302 302 302", "302 302 302 302 302 302"
    ),
    "accounts/2fa/totp/activate/": Row(
        "302 302 302 302 302 302", "302 302 302 302 302 302"
    ),
    "accounts/2fa/totp/deactivate/": Row(
        "302 404 404 404 404 404", "302 404 404 404 404 404"
    ),
    r"accounts/^confirm-email/(?P<key>[-:\w]+)/$": Row(
        "200 200 200 200 200 200", "404 404 404 404 404 404"
    ),
    r"accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": Row(
        "200 200 200 200 200 200", "200 200 200 200 200 200"
    ),
    "accounts/confirm-email/": Row(
        "200 200 200 200 200 200", "405 405 405 405 405 405"
    ),
    "accounts/email/": Row("302 200 200 200 200 200", "302 302 302 302 302 302"),
    "accounts/inactive/": Row("200 200 200 200 200 200", "405 405 405 405 405 405"),
    "accounts/login/": Row("200 302 302 302 302 302", "200 302 302 302 302 302"),
    "accounts/login/code/confirm/": Row(
        "302 302 302 302 302 302", "302 302 302 302 302 302"
    ),
    "accounts/logout/": Row("302 200 200 200 200 200", "302 302 302 302 302 302"),
    "accounts/password/change/": Row(
        "302 200 200 200 200 200", "302 200 200 200 200 200"
    ),
    "accounts/password/reset/": Row(
        "200 200 200 200 200 200", "200 200 200 200 200 200"
    ),
    "accounts/password/reset/done/": Row(
        "200 200 200 200 200 200", "405 405 405 405 405 405"
    ),
    "accounts/password/reset/key/done/": Row(
        "200 200 200 200 200 200", "405 405 405 405 405 405"
    ),
    "accounts/password/set/": Row("302 302 302 302 302 302", "302 302 302 302 302 302"),
    "accounts/reauthenticate/": Row(
        "302 200 200 200 200 200", "302 200 200 200 200 200"
    ),
    "accounts/signup/": Row("200 302 302 302 302 302", "200 302 302 302 302 302"),
    "admin/": Row("302 302 302 200 302 302", "302 302 302 200 302 302"),
    "admin/login/": Row("302 200 200 302 200 200", "302 200 200 200 200 200"),
    "articles/": Row("301 301 301 301 301 301", "301 301 301 301 301 301"),
    "articles/<slug:slug>/": Row("200 200 200 200 200 200", "405 405 405 405 405 405"),
    "articles/<slug:slug>/comments/": Row(
        "405 405 405 405 405 405", "302 403 400 400 400 403"
    ),
    "articles/<slug:slug>/follow/": Row(
        "302 405 405 405 405 405", "302 403 302 302 302 302"
    ),
    "articles/<slug:slug>/unfollow/": Row(
        "302 405 405 405 405 405", "302 302 302 302 302 302"
    ),
    "comments/<int:pk>/": Row("302 302 302 302 302 302", "405 405 405 405 405 405"),
    "comments/<int:pk>/delete/": Row(
        "302 403 200 403 403 403", "302 403 302 403 403 403"
    ),
    "comments/<int:pk>/edit/": Row(
        "302 403 200 403 403 403", "302 403 400 403 403 403"
    ),
    "comments/<int:pk>/reply/": Row(
        "302 403 200 200 200 403", "405 405 405 405 405 405"
    ),
    "comments/<int:pk>/report/": Row(
        "302 403 403 200 200 200", "302 403 403 400 400 400"
    ),
    "guidelines/": Row("200 200 200 200 200 200", "405 405 405 405 405 405"),
    "members/<int:pk>/": Row("200 200 200 200 200 200", "405 405 405 405 405 405"),
    "moderation/": Row("302 403 403 403 200 403", "302 403 403 403 200 403"),
    "moderation/<int:pk>/approve/": Row(
        "302 405 405 405 405 405", "302 403 403 403 302 403"
    ),
    "moderation/<int:pk>/keep/": Row(
        "302 405 405 405 405 405", "302 403 403 403 302 403"
    ),
    "moderation/<int:pk>/reject/": Row(
        "302 403 403 403 200 403", "302 403 403 403 400 403"
    ),
    "moderation/<int:pk>/remove/": Row(
        "302 405 405 405 405 405", "302 403 403 403 302 403"
    ),
    "moderation/<int:pk>/restore/": Row(
        "302 405 405 405 405 405", "302 403 403 403 302 403"
    ),
    "moderation/<int:pk>/spam/": Row(
        "302 405 405 405 405 405", "302 403 403 403 302 403"
    ),
    "moderation/bulk/": Row("302 405 405 405 405 405", "302 403 403 403 400 403"),
    "moderation/log.csv": Row("302 403 403 403 200 403", "302 405 405 405 405 405"),
    "moderation/log/": Row("302 403 403 403 200 403", "302 405 405 405 405 405"),
    "moderation/members/<int:pk>/": Row(
        "302 403 403 403 200 403", "302 405 405 405 405 405"
    ),
    "moderation/members/<int:pk>/notes/": Row(
        "302 405 405 405 405 405", "302 403 403 403 400 403"
    ),
    "moderation/members/<int:pk>/standing/": Row(
        "302 405 405 405 405 405", "302 403 403 403 400 403"
    ),
    "my/account/": Row("302 200 200 200 200 200", "302 405 405 405 405 405"),
    "my/comments/": Row("302 200 200 200 200 200", "302 405 405 405 405 405"),
    "my/data/": Row("302 200 200 200 200 200", "302 405 405 405 405 405"),
    "my/data/download/": Row("302 200 200 200 200 200", "302 405 405 405 405 405"),
    "my/delete/": Row("302 200 200 403 200 200", "302 400 400 403 400 400"),
    "my/notifications/": Row("302 200 200 200 200 200", "302 400 400 400 400 400"),
    "my/profile/": Row("302 200 200 200 200 200", "302 400 400 400 400 400"),
    "notifications/unsubscribe/<str:token>/": Row(
        "200 200 200 200 200 200", "200 200 200 200 200 200"
    ),
    "notifications/unsubscribe/<str:token>/one-click/": Row(
        "302 302 302 302 302 302", "200 200 200 200 200 200"
    ),
    "privacy/": Row("200 200 200 200 200 200", "405 405 405 405 405 405"),
}


@pytest.fixture
def world(
    db, article, member, unverified, author, moderator, user_factory, comment_factory
):
    """One of everything the URLs need, and a logged-in client per role."""
    banned = user_factory(display_name="Banned Bo")
    moderation.set_standing(banned, level="banned", by=moderator, reason="Spam.")
    other = user_factory(display_name="Other Olive")
    approved = comment_factory(article=article, author=member, body="Pat's story.")
    pending = comment_factory(
        article=article, author=other, body="Olive waits.", status="pending"
    )
    users = {
        "unverified": unverified,
        "member": member,
        "author": author,
        "moderator": moderator,
        "banned": banned,
    }
    clients = {"anonymous": Client()}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    token = unsubscribe_token(member_id=member.pk, scope="replies")
    values = {
        "slug": article.slug,
        "comment": approved.pk,
        "pending": pending.pk,
        "member": member.pk,
        "token": token,
        "key": "MQ:1uNoSuchKey",
        "uidb36": "1",
    }
    assert approved.status == CommentStatus.APPROVED
    return clients, values


def _url(route: str, values: dict) -> str:
    """A concrete address for a route, with real objects in it."""
    url = route
    if url.startswith("^") or "(?P<" in url:
        url = (
            url.replace("^", "")
            .replace("$", "")
            .replace("(?P<key>[-:\\w]+)", values["key"])
            .replace("(?P<uidb36>[0-9A-Za-z]+)", values["uidb36"])
            .replace("(?P<key>.+)", "set-password")
        )
    if url.startswith("moderation/") and "<int:pk>" in url:
        pk = values["member"] if "members/" in url else values["pending"]
        url = url.replace("<int:pk>", str(pk))
    elif url.startswith("members/"):
        url = url.replace("<int:pk>", str(values["member"]))
    url = url.replace("<int:pk>", str(values["comment"]))
    url = url.replace("<slug:slug>", values["slug"])
    url = url.replace("<str:token>", values["token"])
    assert "<" not in url and "(" not in url, url
    return "/" + url


def _status(client: Client, method: str, url: str) -> int:
    # Rolled back, and the client's cookies put back: a POST to log out
    # must not log this role out for the next request.
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = getattr(client, method.lower())(url)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response.status_code


def observe(world, route: str, method: str) -> list[int]:
    clients, values = world
    url = _url(route, values)
    return [_status(clients[role], method, url) for role in ROLES]


def test_every_url_pattern_has_a_row():
    missing = [route for route in project_routes() if route not in MATRIX]
    stale = [route for route in MATRIX if route not in project_routes()]

    assert missing == [], "Add these URLs to the permission matrix."
    assert stale == [], "These rows name URLs that no longer exist."


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_url_answers_each_role_as_the_matrix_says(world, route):
    row = MATRIX[route]
    got = {method: observe(world, route, method) for method in ("GET", "POST")}

    assert got == {"GET": row.expected("GET"), "POST": row.expected("POST")}
