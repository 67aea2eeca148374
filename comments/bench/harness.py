"""What every bench part shares: its throwaway database, the settings it
runs under, signing in, and timing requests through Django's test client."""

import statistics
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, reset_queries
from django.http import HttpResponse
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    override_settings,
    setup_databases,
    teardown_databases,
)
from django.urls import reverse

from comments.bench.data import PASSWORD

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "ldnforum.cache.RedisCache",  # as production
            "LOCATION": url,
        }
    }


@contextmanager
def throwaway_database(name: str) -> Iterator[None]:
    """Create database `name` on the configured server (for SQLite: the file
    `name`), migrate it, point the default connection at it, and drop it
    afterwards. setup_databases() does this for the test database named in
    TEST.NAME, which is all a throwaway database is."""
    if connection.settings_dict["NAME"] == name:
        raise CommandError(
            f"DATABASE_URL names {name}, a database the bench creates and drops. "
            "Point it at another database on the server."
        )
    connection.settings_dict.setdefault("TEST", {})["NAME"] = name
    old_config = setup_databases(
        verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=set()
    )
    try:
        if connection.settings_dict["NAME"] != name:
            raise CommandError("The bench database was not set up; stopping.")
        yield
    finally:
        connection.close()
        teardown_databases(old_config, verbosity=0)


def bench_settings(*, caches: dict) -> override_settings:
    """Production settings (DEBUG off), with what the test client needs and
    without the limits a bench would trip over. Not setup_test_environment():
    its instrumented template rendering would be counted as server time."""
    return override_settings(
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        CACHES=caches,
        MAILERS={
            alias: {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
            for alias in settings.MAILERS
        },
        # Emails are enqueued after the commit and a worker sends them,
        # outside the request, so sending is no part of a request's time.
        TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}},
        # The bench posts many comments a second as one member.
        RULES_BURST_COUNT=1_000_000,
        RATE_LIMITS=dict.fromkeys(
            settings.RATE_LIMITS, "1000000/m/member,1000000/m/ip"
        ),
    )


def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def moderator_client(moderator) -> Client:
    """As a moderator signs in in production: password, then a code from
    their authenticator app (settings may require two-factor of them, and
    its check is part of every workbench request)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
    )

    EmailAddress.objects.update_or_create(
        user=moderator,
        email=moderator.email,
        defaults={"verified": True, "primary": True},
    )
    secret = generate_totp_secret()
    TOTP.activate(moderator, secret)
    client = Client()
    client.post(
        reverse("account_login"), {"login": moderator.email, "password": PASSWORD}
    )
    # A code is good for its period only: near the end of one, wait for the
    # next, or the code may expire on its way to the check.
    period = mfa_settings.TOTP_PERIOD
    if (left := period - time.time() % period) < 3:
        time.sleep(left + 0.1)
    counter = int(time.time()) // period
    client.post(
        reverse("mfa_authenticate"),
        {"code": format_hotp_value(hotp_value(secret, counter))},
    )
    if client.get(reverse("comments:moderation-queue")).status_code != 200:
        raise CommandError("The bench moderator could not sign in.")
    return client


@dataclass
class Timing:
    label: str
    url: str
    median_ms: float
    sql_ms: float
    min_ms: float
    max_ms: float
    runs: int
    queries: int
    bytes: int


def time_request(
    label: str,
    url: str,
    prepare: Callable[[], Callable[[], HttpResponse]],
    *,
    repeat: int,
    expect: int = 200,
    warmup: int = 2,
    budget_s: float = 20.0,
) -> Timing:
    """Median server time of the request prepare() returns, over `repeat`
    warm runs (fewer if they would take longer than budget_s). prepare()
    runs outside the timing: choosing what to send, or emptying a cache,
    is not part of the figure."""
    times, sql_times, queries, sizes = [], [], [], []
    spent, i = 0.0, 0
    while i < warmup + repeat and not (i >= warmup + 3 and spent > budget_s):
        request = prepare()
        reset_queries()  # the log keeps 9,000 queries; a bulk run adds 500+
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = request()
            elapsed = time.perf_counter() - start
        if response.status_code != expect:
            raise CommandError(
                f"{label}: {url} answered {response.status_code}, not {expect}: "
                "the figures would mean nothing."
            )
        if i >= warmup:
            spent += elapsed
            times.append(elapsed * 1000)
            sql_times.append(
                sum(float(q["time"]) for q in captured.captured_queries) * 1000
            )
            queries.append(len(captured))
            sizes.append(len(response.content))
        i += 1
    return Timing(
        label=label,
        url=url,
        median_ms=statistics.median(times),
        sql_ms=statistics.median(sql_times),
        min_ms=min(times),
        max_ms=max(times),
        runs=len(times),
        queries=max(queries),
        bytes=max(sizes),
    )


def get(client: Client, url: str, before: Callable[[], object] | None = None):
    """A prepare() for time_request: GET url, after `before` (untimed)."""

    def prepare():
        if before is not None:
            before()
        return lambda: client.get(url)

    return prepare


def quiet_whitenoise() -> None:
    """whitenoise warns that collectstatic's output is missing, which the
    bench doesn't need."""
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
