"""Factories as fixtures (as allauth's tests do) and role fixtures."""

import itertools
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
import redis
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.utils import timezone

from articles.models import Article, ArticleStatus
from comments import moderation, services
from comments.models import Comment, CommentStatus
from comments.permissions import MODERATORS_GROUP

PASSWORD = "correct-horse-battery-9"
_seq = itertools.count(1)


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    return f"database engine: {engine}"


@pytest.fixture(autouse=True)
def test_settings(settings):
    # Real hashing costs ~0.3 s per account; tests create hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Factories post many comments a second; the burst rule's own tests set
    # the real limit back.
    settings.RULES_BURST_COUNT = 10_000
    # Likewise the outer rate limits (the XSS corpus posts hundreds of
    # comments as one member); tests/test_rate_limits.py sets its own.
    settings.RATE_LIMITS = {
        "comment": "10000/m/member,10000/m/ip",
        "report": "10000/m/member,10000/m/ip",
        "signup": "10000/m/ip",
    }


@pytest.fixture
def user_factory(db):
    def make(
        *,
        verified=True,
        moderator=False,
        staff=False,
        writer=False,
        display_name=None,
        **kw,
    ):
        n = next(_seq)
        email = kw.pop("email", f"member{n}@example.com")
        user = get_user_model().objects.create_user(
            email=email,
            password=PASSWORD,
            display_name=display_name or f"Member {n}",
            is_staff=staff,
            **kw,
        )
        EmailAddress.objects.create(
            user=user, email=email, verified=verified, primary=True
        )
        if moderator:
            # get_or_create: transactional tests flush the data migration's
            # group away, and post_migrate only brings the permission back.
            group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label="comments", codename="moderate_comment"
                )
            )
            user.groups.add(group)
        if writer:
            group, _ = Group.objects.get_or_create(name="Authors")
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="articles",
                    codename__in=[
                        "add_article",
                        "change_article",
                        "view_article",
                        "add_reference",
                        "change_reference",
                        "view_reference",
                    ],
                )
            )
            user.groups.add(group)
        return user

    return make


@pytest.fixture
def member(user_factory):
    return user_factory(display_name="Patient Pat")


@pytest.fixture
def other_member(user_factory):
    return user_factory(display_name="Another Ann")


@pytest.fixture
def unverified(user_factory):
    return user_factory(verified=False, display_name="Unverified Una")


@pytest.fixture
def author(user_factory):
    return user_factory(staff=True, writer=True, display_name="Dr Writer")


@pytest.fixture
def moderator(user_factory):
    return user_factory(moderator=True, display_name="Mod Mo")


@pytest.fixture
def article_factory(db, author):
    def make(**kw):
        n = next(_seq)
        defaults = {
            "title": f"Article {n}",
            "slug": f"article-{n}",
            "lede": "A short lede.",
            "body": "<p>Body.</p>",
            "author": author,
            "status": ArticleStatus.PUBLISHED,
            "published_at": timezone.now() - timedelta(days=1),
        }
        defaults.update(kw)
        return Article.objects.create(**defaults)

    return make


@pytest.fixture
def article(article_factory):
    return article_factory(title="LDN in MS", slug="ldn-in-ms")


class CommentFactory:
    def __init__(self, user_factory, moderator):
        self.user_factory = user_factory
        self.moderator = moderator

    def __call__(
        self,
        *,
        article,
        author=None,
        body=None,
        parent=None,
        status=CommentStatus.APPROVED,
    ) -> Comment:
        """A comment in the given status, reached through the real service
        and transitions, so counters and the audit log stay true."""
        author = author or self.user_factory()
        body = body or f"I have been on LDN for {next(_seq)} weeks."
        comment = services.comment_create(
            article=article, author=author, body=body, parent=parent
        )
        if comment.status == status:
            return comment
        if comment.status == CommentStatus.APPROVED:
            if status == CommentStatus.PENDING:
                return moderation.hide_for_reports(comment)
        elif status != CommentStatus.SPAM:
            comment = moderation.approve(comment, by=self.moderator)
        match status:
            case CommentStatus.APPROVED:
                return comment
            case CommentStatus.REJECTED:
                comment = moderation.hide_for_reports(comment)
                return moderation.reject(comment, by=self.moderator, reason="off_topic")
            case CommentStatus.SPAM:
                return moderation.mark_spam(comment, by=self.moderator)
            case CommentStatus.REMOVED:
                return moderation.remove(comment, by=self.moderator)
            case CommentStatus.DELETED:
                return moderation.delete_by_author(comment, by=comment.author)
        raise ValueError(f"Can't make a {status} comment.")

    def create_thread(self, *, article, size, depth=4):
        """size approved comments in chains of `depth`, by a few members."""
        authors = [self.user_factory() for _ in range(5)]
        made, parent = 0, None
        while made < size:
            parent = None if made % depth == 0 else parent
            parent = self(article=article, author=authors[made % 5], parent=parent)
            made += 1


@pytest.fixture
def comment_factory(user_factory, moderator):
    return CommentFactory(user_factory, moderator)


@pytest.fixture
def is_postgresql():
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def mfa_not_required(settings):
    # Tests sign moderators in with force_login, which enters no TOTP code.
    # tests/accounts/test_mfa.py turns the requirement on, as production
    # has it, and tests it there.
    settings.MFA_REQUIRED_FOR_MODERATORS = False


@pytest.fixture
def totp_code():
    """The code an authenticator app shows for secret now, or `steps`
    periods away."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    def code(secret: str, steps: int = 0) -> str:
        counter = int(time.time()) // app_settings.TOTP_PERIOD + steps
        return format_hotp_value(hotp_value(secret, counter))

    return code


@pytest.fixture
def totp_factory(db):
    """Give a user an authenticator app, as allauth's activation does;
    returns its secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    def make(user) -> str:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return secret

    return make


# Email notifications ------------------------------------------------------


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the block enqueued on commit, as a real
    commit would (emails, and the tasks they start)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def member_history(article, member, other_member, moderator, comment_factory):
    """Pat with a bit of everything we hold about a member: comments in
    several statuses, a reply under theirs and one of theirs under Ann's, an
    edit, a report on Ann's comment, a standing and a moderator's note."""
    from comments import audit

    anns = comment_factory(article=article, author=other_member, body="Ann's story.")
    commented = comment_factory(article=article, author=member, body="Pat on LDN.")
    reply_to_pat = comment_factory(
        article=article, author=other_member, parent=commented, body="Ann replies."
    )
    edited = comment_factory(article=article, author=member, body="Pat's typo here.")
    edited = services.comment_edit(
        comment=edited, editor=member, body="Pat's typo fixed."
    )
    reply_by_pat = comment_factory(
        article=article, author=member, parent=anns, body="Pat answers Ann."
    )
    waiting = comment_factory(
        article=article, author=member, body="Pat waits.", status="pending"
    )
    rejected = comment_factory(
        article=article, author=member, body="Pat off topic.", status="rejected"
    )
    report = services.comment_report(
        comment=anns, reporter=member, reason="other", note="Pat reports this."
    )
    moderation.set_standing(
        member, level="untrusted", by=moderator, reason="Links to shops."
    )
    note = audit.note_add(member=member, author=moderator, text="Pat: keep an eye.")
    return {
        "anns": anns,
        "commented": commented,
        "reply_to_pat": reply_to_pat,
        "edited": edited,
        "reply_by_pat": reply_by_pat,
        "waiting": waiting,
        "rejected": rejected,
        "mine": [commented, edited, reply_by_pat, waiting, rejected],
        "report": report,
        "note": note,
    }


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: allauth keeps its rate limits
    there, and a suite's worth of sign-ups from one address would hit them.
    The pages a process keeps in memory go with it."""
    from django.core.cache import cache

    from articles import page_cache

    cache.clear()
    page_cache._LOCAL.clear()


@pytest.fixture
def flaky_mail(monkeypatch):
    """The mail server refuses the next `failures` messages; `tries` counts
    every attempt."""
    from django.core.mail.backends.locmem import EmailBackend

    state = {"failures": 0, "tries": 0}
    original = EmailBackend.send_messages

    def send_messages(self, messages):
        state["tries"] += 1
        if state["failures"]:
            state["failures"] -= 1
            raise ConnectionRefusedError("SMTP server unavailable")
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return state


@contextmanager
def redis_under_a_prefix(url: str, needed_by: str):
    """This machine's Redis at url, and a key prefix of the caller's own,
    whose keys are deleted afterwards. Unreachable, the test fails rather
    than skips: CI must never pass it without Redis."""
    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(f"{needed_by} needs Redis at {url}: {error}")
    prefix = f"test-{uuid.uuid4().hex}"
    try:
        yield client, prefix
    finally:
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)
        client.close()
