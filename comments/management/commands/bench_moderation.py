"""`make bench`: how the moderation workbench holds up under a busy queue.

Issue 3's scenario: 100,000 pending comments across 500 articles from about
2,000 members, on PostgreSQL. With Django's test client logged in as a
moderator it measures, over warm repetitions, the median server time and the
query count of the first queue page, a filtered page and a bulk action on 50
items, prints them beside the targets and writes them to var/bench.md.

It never touches the configured database: it creates its own throwaway
database on the same server (ldnforum_bench), migrates it, fills it, and
drops it at the end. It prints figures; it fails only on errors, never on
time.
"""

import html
import os
import random
import statistics
import time
import warnings
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    override_settings,
    setup_databases,
    teardown_databases,
)
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleStatus
from comments import moderation
from comments.models import Comment, CommentStatus, ModerationEvent
from comments.permissions import MODERATE_PERMISSION, MODERATORS_GROUP

BENCH_DATABASE = "ldnforum_bench"
TARGET_MS = 50
TARGET_QUERIES = 10
BATCH = 5_000
BENCH_PASSWORD = "bench-password-not-a-secret"

SENTENCES = [
    "I started low-dose naltrexone at 1.5 mg and went up to 4.5 mg over six weeks.",
    "The first fortnight brought vivid dreams, which faded after a month.",
    "My neurologist was cautious but agreed to a trial with regular blood tests.",
    "Fatigue in the afternoons is what improved first for me.",
    "I take it at bedtime; taking it in the morning made no difference I could see.",
    "The compounding pharmacy took ten days to fill the first prescription.",
    "Has anyone noticed a change in heat sensitivity over the summer?",
    "The 2010 pilot trial in Annals of Neurology looked at quality of life.",
    "Walking distance is about the same, but my sleep is better.",
    "I keep a diary of symptoms so I can tell my doctor what changed and when.",
    "Please talk to your own doctor before changing any medication.",
    "My MRI last spring was stable, though I can't say that is down to LDN.",
    "I stopped for two weeks while travelling and felt the fatigue come back.",
    "It is cheap here, but my insurance would not cover it at first.",
    "Thank you for writing this up; the reference list was really useful.",
    "Tingling in my hands is unchanged after eight months.",
    "Some evenings I still need a rest, but fewer than before.",
    "I would like to see a larger trial with a longer follow-up.",
]
SUSPECT = "cure"
LINK = "https://shop.pharma.example.com/ldn"
HELD_NEW = moderation.RULE_NEW_MEMBER.format(n=settings.TRUST_AFTER_APPROVED)


def _body(rng: random.Random) -> str:
    sentences, length = [], 0
    target = rng.randint(200, 400)
    while length < target:
        sentence = rng.choice(SENTENCES)
        sentences.append(sentence)
        length += len(sentence) + 1
    text = " ".join(sentences)
    return text[:400].rsplit(" ", 1)[0] if len(text) > 400 else text


def _with_reasons(rng: random.Random, body: str) -> tuple[str, list, str, str]:
    """(body, rule_reasons, review_html, event rule) for a held comment: a
    suspect word or a watched link, as the rules engine records them."""
    if rng.random() < 0.5:
        body = f"{body} Is this a {SUSPECT}?"
        start = body.rindex(SUSPECT)
        label = f"held: suspect word '{SUSPECT}'"
        reason = {"rule": "suspect_word", "label": label}
        marked = (
            html.escape(body[:start])
            + f"<mark>{SUSPECT}</mark>"
            + html.escape(body[start + len(SUSPECT) :])
        )
        end = start + len(SUSPECT)
    else:
        body = f"{body} Mine came from {LINK}"
        start = body.rindex(LINK)
        label = "held: link to watched domain 'pharma.example.com'"
        reason = {"rule": "watched_domain", "label": label}
        marked = (
            html.escape(body[:start])
            + f'<mark><a href="{LINK}" rel="nofollow ugc noopener">{LINK}</a></mark>'
        )
        end = start + len(LINK)
    reason["matches"] = [[start, end]]
    return body, [reason], f"<p>{marked}</p>", label


def _plain_html(body: str) -> str:
    # What sanitize.clean_comment makes of one paragraph without links, made
    # directly: running bleach 110,000 times would dominate the setup.
    return f"<p>{html.escape(body)}</p>"


class Command(BaseCommand):
    help = (
        "Benchmark the moderation workbench on a throwaway PostgreSQL database "
        f"({BENCH_DATABASE}) with 100,000 pending comments. Prints figures and "
        "writes var/bench.md; fails only on errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("--comments", type=int, default=100_000)
        parser.add_argument("--articles", type=int, default=500)
        parser.add_argument("--members", type=int, default=2_000)
        parser.add_argument("--repeat", type=int, default=15)
        parser.add_argument(
            "--output", default=str(Path(settings.VAR_DIR) / "bench.md")
        )

    def handle(self, *args, **options):
        self._refuse_unless_throwaway()
        # whitenoise looks for collectstatic's output, which the bench doesn't need.
        warnings.filterwarnings("ignore", "No directory at", UserWarning)
        started = time.perf_counter()
        # setup_databases() creates the test database named in TEST.NAME,
        # switches the connection to it and migrates; teardown drops it.
        connection.settings_dict.setdefault("TEST", {})["NAME"] = BENCH_DATABASE
        old_config = setup_databases(
            verbosity=1,
            interactive=False,
            aliases={"default"},
            serialized_aliases=set(),
        )
        # Not setup_test_environment(): its instrumented template rendering
        # would be counted as server time. Only what the test client and
        # the decisions' emails need.
        bench_settings = override_settings(
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
            MAILERS={
                alias: {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
                for alias in settings.MAILERS
            },
            # Decisions enqueue their emails; a worker sends them, outside
            # the request, so sending is no part of a request's time.
            TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}},
        )
        try:
            if connection.settings_dict["NAME"] != BENCH_DATABASE:
                raise CommandError("The bench database was not set up; stopping.")
            self.pg_major = connection.pg_version // 10000
            data = self._fill(options)
            with bench_settings:
                rows = self._measure(data, options["repeat"])
        finally:
            connection.close()
            teardown_databases(old_config, verbosity=1)
        report = self._report(rows, options, time.perf_counter() - started)
        self.stdout.write(report)
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report)
        self.stdout.write(f"Written to {output}")

    def _refuse_unless_throwaway(self) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "The moderation bench runs on PostgreSQL only: set DATABASE_URL "
                "to a PostgreSQL server (make bench does)."
            )
        if connection.settings_dict["NAME"] == BENCH_DATABASE:
            raise CommandError(
                f"DATABASE_URL names {BENCH_DATABASE}, the database this bench "
                "creates and drops. Point it at another database on the server."
            )

    # Data -------------------------------------------------------------------

    def _fill(self, options) -> dict:
        t0 = time.perf_counter()
        rng = random.Random(3)
        now = timezone.now()
        User = get_user_model()
        password = make_password(BENCH_PASSWORD)
        writer = User.objects.create(
            email="writer@bench.example",
            display_name="Bench writer",
            is_staff=True,
            password=password,
        )
        moderator = User.objects.create(
            email="moderator@bench.example",
            display_name="Bench moderator",
            password=password,
        )
        group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
        app_label, codename = MODERATE_PERMISSION.split(".")
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
        moderator.groups.add(group)
        members = User.objects.bulk_create(
            User(
                email=f"member{n}@bench.example",
                display_name=f"Bench member {n}",
                password=password,
            )
            for n in range(options["members"])
        )
        articles = Article.objects.bulk_create(
            Article(
                title=f"Bench article {n}",
                slug=f"bench-article-{n}",
                lede="A lede.",
                body="<p>Body.</p>",
                author=writer,
                status=ArticleStatus.PUBLISHED,
                published_at=now,
            )
            for n in range(options["articles"])
        )
        self.stdout.write(
            f"{len(members):,} members and {len(articles):,} articles made; "
            f"adding {options['comments']:,} pending comments..."
        )
        made = 0
        # Pending comments, a quarter of them held by a rule; a tenth as many
        # decided ones, so members have a history to show.
        decided = options["comments"] // 10
        total = options["comments"] + decided
        while made < total:
            size = min(BATCH, total - made)
            comments, rules = [], []
            for i in range(made, made + size):
                body = _body(rng)
                reasons, review, rule = [], "", HELD_NEW
                if i < options["comments"]:
                    status = CommentStatus.PENDING
                    if rng.random() < 0.25:
                        body, reasons, review, rule = _with_reasons(rng, body)
                else:
                    status = rng.choice(
                        [CommentStatus.APPROVED] * 9 + [CommentStatus.REJECTED]
                    )
                comments.append(
                    Comment(
                        article=rng.choice(articles),
                        author=rng.choice(members),
                        depth=1,
                        body=body,
                        body_html=_plain_html(body) if not reasons else review,
                        review_html=review,
                        rule_reasons=reasons,
                        status_rule=rule if status == CommentStatus.PENDING else "",
                        status=status,
                        moderated_by=(
                            None if status == CommentStatus.PENDING else moderator
                        ),
                        moderated_at=None if status == CommentStatus.PENDING else now,
                    )
                )
                rules.append(rule)
            Comment.objects.bulk_create(comments)
            events = []
            for comment, rule in zip(comments, rules, strict=True):
                events.append(
                    ModerationEvent(
                        comment=comment,
                        member=comment.author,
                        rule=rule,
                        from_status="",
                        to_status=CommentStatus.PENDING,
                        details=comment.rule_reasons,
                    )
                )
                if comment.status != CommentStatus.PENDING:
                    events.append(
                        ModerationEvent(
                            comment=comment,
                            member=comment.author,
                            actor=moderator,
                            from_status=CommentStatus.PENDING,
                            to_status=comment.status,
                            reason=(
                                "off_topic"
                                if comment.status == CommentStatus.REJECTED
                                else ""
                            ),
                        )
                    )
            ModerationEvent.objects.bulk_create(events)
            made += size
        with connection.cursor() as cursor:
            # Spread the comments over the last 14 days (the age filter needs
            # a spread; bulk_create stamps them all "now"), events with them.
            cursor.execute(
                "UPDATE comments_comment SET created_at = now() - "
                "((id * 7919) % 1209600) * interval '1 second'"
            )
            cursor.execute(
                "UPDATE comments_moderationevent e SET created_at = c.created_at "
                "FROM comments_comment c WHERE c.id = e.comment_id"
            )
        # bulk_create bypassed moderation.py, which keeps the counters.
        moderation.recount()
        with connection.cursor() as cursor:
            # As autovacuum would leave a real table: statistics for the
            # planner, and a visibility map so that counts can use the
            # partial indexes alone.
            cursor.execute("VACUUM ANALYZE")
        pending = Comment.objects.filter(status=CommentStatus.PENDING).count()
        self.stdout.write(
            f"{pending:,} pending of {Comment.objects.count():,} comments ready in "
            f"{time.perf_counter() - t0:.0f} s."
        )
        return {
            "moderator": moderator,
            "article_id": articles[0].pk,
            "pending": pending,
        }

    # Measurements -----------------------------------------------------------

    def _measure(self, data: dict, repeat: int) -> list[dict]:
        client = Client()
        self._sign_in(client, data["moderator"])
        queue = reverse("comments:moderation-queue")
        filtered = f"{queue}?article={data['article_id']}&age=24h"
        by_rule = f"{queue}?rule=suspect_word"
        by_trust = f"{queue}?rule=new_member"
        bulk = reverse("comments:moderation-bulk")

        def approve_50():
            # The 50 a moderator sees first, chosen outside the timing.
            ids = list(
                Comment.objects.filter(status=CommentStatus.PENDING)
                .order_by("created_at", "pk")
                .values_list("pk", flat=True)[:50]
            )
            return lambda: client.post(
                bulk, {"ids": ids, "action": "approve", "tab": "pending"}
            )

        rows = [
            self._time(
                "First queue page", queue, lambda: lambda: client.get(queue), repeat
            ),
            self._time(
                "Filtered page (one article, older than 24 h)",
                filtered,
                lambda: lambda: client.get(filtered),
                repeat,
            ),
            self._time(
                "Filtered page (held by a suspect word)",
                by_rule,
                lambda: lambda: client.get(by_rule),
                repeat,
            ),
            self._time(
                "Filtered page (held as a new member)",
                by_trust,
                lambda: lambda: client.get(by_trust),
                repeat,
            ),
            self._time(
                "Bulk approve of 50 selected", f"POST {bulk}", approve_50, repeat
            ),
        ]
        # A bulk action that skipped its items would time nothing useful.
        approved = data["pending"] - Comment.objects.pending().count()
        if approved != 50 * (repeat + 2):
            raise CommandError(
                f"The bulk approvals approved {approved} comments, not "
                f"{50 * (repeat + 2)}: the figures would mean nothing."
            )
        return rows

    def _sign_in(self, client: Client, moderator) -> None:
        """As a moderator does in production: password, then a code from
        their authenticator app (settings may require two-factor of them,
        and its check is part of every queue request)."""
        from allauth.account.models import EmailAddress
        from allauth.mfa import app_settings as mfa_settings
        from allauth.mfa.totp.internal.auth import (
            TOTP,
            format_hotp_value,
            generate_totp_secret,
            hotp_value,
        )

        EmailAddress.objects.create(
            user=moderator, email=moderator.email, verified=True, primary=True
        )
        secret = generate_totp_secret()
        TOTP.activate(moderator, secret)
        client.post(
            reverse("account_login"),
            {"login": moderator.email, "password": BENCH_PASSWORD},
        )
        counter = int(time.time()) // mfa_settings.TOTP_PERIOD
        client.post(
            reverse("mfa_authenticate"),
            {"code": format_hotp_value(hotp_value(secret, counter))},
        )
        if client.get(reverse("comments:moderation-queue")).status_code != 200:
            raise CommandError("The bench moderator could not sign in.")

    def _time(self, label, url, prepare, repeat, *, warmup=2) -> dict:
        """prepare() returns the request to time, so that choosing what to
        send is not part of the figure."""
        times, sql_times, queries = [], [], []
        for i in range(warmup + repeat):
            request = prepare()
            reset_queries()  # the log keeps 9,000 queries; a bulk run adds 500+
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = request()
                elapsed = time.perf_counter() - start
            expected = 302 if url.startswith("POST") else 200
            if response.status_code != expected:
                raise CommandError(
                    f"{label}: {url} answered {response.status_code}, "
                    f"not {expected}: the figures would mean nothing."
                )
            if i >= warmup:
                times.append(elapsed * 1000)
                sql_times.append(
                    sum(float(q["time"]) for q in captured.captured_queries) * 1000
                )
                queries.append(len(captured))
        return {
            "label": label,
            "url": url,
            "median_ms": statistics.median(times),
            "sql_ms": statistics.median(sql_times),
            "min_ms": min(times),
            "max_ms": max(times),
            "queries": max(queries),
        }

    # Report -----------------------------------------------------------------

    def _report(self, rows, options, seconds) -> str:
        def verdict(row):
            ok = row["median_ms"] < TARGET_MS and row["queries"] <= TARGET_QUERIES
            return "meets target" if ok else "over target"

        lines = [
            "# Moderation bench",
            "",
            f"{datetime.now():%Y-%m-%d %H:%M}, PostgreSQL {self.pg_major}, "
            f"{options['comments']:,} pending comments, {options['articles']:,} "
            f"articles, {options['members']:,} members; median of "
            f"{options['repeat']} warm runs (Django test client, server side).",
            "",
            "| measured | median ms (target) | of which SQL | min-max ms "
            "| queries (target) |  |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for row in rows:
            lines.append(
                f"| {row['label']} | {row['median_ms']:.1f} (< {TARGET_MS}) | "
                f"{row['sql_ms']:.1f} | "
                f"{row['min_ms']:.1f}-{row['max_ms']:.1f} | "
                f"{row['queries']} (<= {TARGET_QUERIES}) | {verdict(row)} |"
            )
        load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
        lines += [
            "",
            f"Total run time {seconds:.0f} s. Load average at the end {load} on "
            f"{os.cpu_count()} CPUs: other work on the machine shows in the times.",
            "",
        ]
        return "\n".join(lines)
