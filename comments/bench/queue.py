"""The moderation workbench under a busy queue (issue 3's scenario):
100,000 pending comments across 500 articles from about 2,000 members,
with a tenth as many decided ones so that members have a history. Signed
in as a moderator (password and two-factor code), it times the first queue
page, filtered pages and a bulk action on 50 items."""

import html
import random
from dataclasses import asdict

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from comments import moderation
from comments.bench import data
from comments.bench.harness import get, moderator_client, time_request
from comments.bench.pages import analyze
from comments.models import Comment, CommentStatus, ModerationEvent

SIZES = {"pending": 100_000, "articles": 500, "members": 2_000}
QUICK = {"pending": 5_000, "articles": 50, "members": 200}
BATCH = 5_000
SUSPECT = "cure"
LINK = "https://shop.pharma.example.com/ldn"
HELD_NEW = moderation.RULE_NEW_MEMBER.format(n=settings.TRUST_AFTER_APPROVED)


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


def fill(*, pending: int, articles: int, members: int) -> dict:
    rng = random.Random(3)
    now = timezone.now()
    writer = data.make_writer()
    moderator = data.make_moderator()
    people = data.make_members(members)
    pages = data.make_articles(articles, author=writer)
    made = 0
    # Pending comments, a quarter of them held by a rule; a tenth as many
    # decided ones, so members have a history to show.
    total = pending + pending // 10
    while made < total:
        size = min(BATCH, total - made)
        comments, rules = [], []
        for i in range(made, made + size):
            body = data.body(rng, low=200, high=400).replace("\n\n", " ")
            reasons, review, rule = [], "", HELD_NEW
            if i < pending:
                status = CommentStatus.PENDING
                if rng.random() < 0.25:
                    body, reasons, review, rule = _with_reasons(rng, body)
            else:
                status = rng.choice(
                    [CommentStatus.APPROVED] * 9 + [CommentStatus.REJECTED]
                )
            decided = status != CommentStatus.PENDING
            comments.append(
                Comment(
                    article=rng.choice(pages),
                    author=rng.choice(people),
                    depth=1,
                    body=body,
                    body_html=_plain_html(body) if not reasons else review,
                    review_html=review,
                    rule_reasons=reasons,
                    status_rule="" if decided else rule,
                    status=status,
                    moderated_by=moderator if decided else None,
                    moderated_at=now if decided else None,
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
    moderation.recount()
    analyze()
    return {
        "moderator": moderator,
        "article_id": pages[0].pk,
        "pending": Comment.objects.pending().count(),
    }


def measure(scene: dict, *, repeat: int) -> list[dict]:
    client = moderator_client(scene["moderator"])
    queue = reverse("comments:moderation-queue")
    bulk = reverse("comments:moderation-bulk")
    pages = [
        ("First queue page", queue),
        (
            "Filtered page (one article, older than 24 h)",
            f"{queue}?article={scene['article_id']}&age=24h",
        ),
        ("Filtered page (held by a suspect word)", f"{queue}?rule=suspect_word"),
        ("Filtered page (held as a new member)", f"{queue}?rule=new_member"),
    ]
    rows = [
        time_request(label, url, get(client, url), repeat=repeat)
        for label, url in pages
    ]

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

    bulk_row = time_request(
        "Bulk approve of 50 selected",
        f"POST {bulk}",
        approve_50,
        repeat=repeat,
        expect=302,
    )
    # A bulk action that skipped its items would time nothing useful.
    approved = scene["pending"] - Comment.objects.pending().count()
    if approved != 50 * (bulk_row.runs + 2):
        raise CommandError(
            f"The bulk approvals approved {approved} comments, not "
            f"{50 * (bulk_row.runs + 2)}: the figures would mean nothing."
        )
    return [asdict(row) for row in [*rows, bulk_row]]
