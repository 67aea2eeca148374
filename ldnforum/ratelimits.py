"""Outer limits against abuse: how often one member, or one client
address, may comment, report or sign up. Counted in Django's cache (Redis
in production, so every app server shares the counts), refused with a 429
page before anything is read or stored.

They sit above the forum's own rules (comments/rules.py refuses a burst of
comments with a message in the thread's terms); these catch scripts, and
sign-ups, where no member exists yet, by address. Addresses are never
kept: the key holds the keyed hash allauth's rate limits use too
(accounts.adapter.hashed_ip, through the account adapter).

RATE_LIMITS maps an action to rules in allauth's notation:
"10/10m/member,30/10m/ip" is at most 10 per member and 30 per address in
any fixed 10-minute window (units s, m, h, d; "/m" alone means 1 minute).
"""

import math
import re
import time
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

SCOPES = ("member", "ip")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RULE = re.compile(r"^(?P<amount>\d+)/(?P<count>\d*)(?P<unit>[smhd])/(?P<scope>\w+)$")

MESSAGES = {
    "comment": (
        "You have posted a lot of comments in a short time, so we are not "
        "accepting more from you for now."
    ),
    "report": (
        "You have sent a lot of reports in a short time, so we are not "
        "accepting more from you for now."
    ),
    "signup": (
        "Many accounts have been created from your network in a short time, "
        "so we are not accepting more sign-ups from it for now."
    ),
}


@dataclass(frozen=True)
class Rule:
    amount: int
    seconds: int
    scope: str


def parse(spec: str) -> list[Rule]:
    rules = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        match = RULE.match(part)
        if not match or match["scope"] not in SCOPES:
            raise ImproperlyConfigured(f"Rate limit rule not understood: {part!r}")
        seconds = int(match["count"] or 1) * UNITS[match["unit"]]
        rules.append(Rule(int(match["amount"]), seconds, match["scope"]))
    return rules


def _identity(request: HttpRequest, scope: str) -> str | None:
    if scope == "member":
        user = request.user
        return f"m{user.pk}" if user.is_authenticated else None
    # Already a keyed hash (accounts.adapter.AccountAdapter.get_client_ip).
    return get_adapter(request).get_client_ip(request)


def cache_key(action: str, rule: Rule, identity: str, now: float) -> str:
    window = int(now // rule.seconds)
    return f"ratelimit:{action}:{rule.scope}:{rule.seconds}:{identity}:{window}"


def exceeded(request: HttpRequest, action: str) -> tuple[Rule, float] | None:
    """Count one attempt at `action`. None when it may go on; else the rule
    it broke and the seconds until that rule's window ends. Rules are
    counted in order and counting stops at the first broken, so a member
    who is refused doesn't use up their address's allowance."""
    now = time.time()
    for rule in parse(settings.RATE_LIMITS.get(action, "")):
        identity = _identity(request, rule.scope)
        if identity is None:
            continue
        key = cache_key(action, rule, identity, now)
        # add() then incr(): atomic in Redis, so app servers can't both
        # take the last place.
        cache.add(key, 0, timeout=rule.seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=rule.seconds + 1)
            count = 1
        if count > rule.amount:
            return rule, rule.seconds - now % rule.seconds
    return None


def limit_or_429(request: HttpRequest, action: str) -> HttpResponse | None:
    """None when the request may go on; the 429 page when it may not."""
    broken = exceeded(request, action)
    if broken is None:
        return None
    _, wait = broken
    response = render(
        request, "429.html", {"message": MESSAGES.get(action)}, status=429
    )
    response["Retry-After"] = str(max(1, math.ceil(wait)))
    return response
