"""Bench data that looks like the forum's: members, articles, and threads of
patients' stories with replies and the article's author answering in them.

Made with bulk_create (the services would take minutes at these sizes), so
whoever calls these runs moderation.recount() afterwards for the counters
the services would have kept.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from articles.models import Article, ArticleStatus
from comments.models import Comment, CommentStatus, RejectionReason
from comments.permissions import MODERATE_PERMISSION, MODERATORS_GROUP
from comments.sanitize import clean_comment

PASSWORD = "bench-password-not-a-secret"
BATCH = 1_000

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
    "I was diagnosed with relapsing-remitting MS in 2014 and tried three drugs.",
    "Does anyone take it alongside a disease-modifying therapy?",
    "My GP had never heard of it and asked me to bring the papers.",
    "The liquid form made it easier to go up slowly, 0.5 mg at a time.",
    "Headaches in the first week, then nothing at all.",
    "My wife says I am less irritable, which I had not noticed myself.",
    "Cold feet and numbness are still there, especially in winter.",
    "I read the Cree study twice and still find the results hard to judge.",
    "We drove two hours to a specialist who was happy to prescribe it.",
    "Brain fog lifted a little around the third month.",
    "I had trouble sleeping until I moved the dose to the early evening.",
    "Six years on it, no relapses, but I also changed my diet in that time.",
]
LINK = "https://www.example.org/ldn-trial-summary"


def body(rng: random.Random, *, low: int = 350, high: int = 450) -> str:
    """A patient's comment of low to high characters: varied sentences, now
    and then a second paragraph or a link (which the sanitiser links)."""
    target = rng.randint(low, high)
    sentences, length = [], 0
    while length < target:
        sentence = rng.choice(SENTENCES)
        sentences.append(sentence)
        length += len(sentence) + 1
    if len(sentences) > 3 and rng.random() < 0.15:
        sentences.insert(rng.randrange(1, len(sentences)), "\n\n")
    if rng.random() < 0.05:
        sentences.append(f"There is a summary at {LINK}")
    text = " ".join(sentences).replace(" \n\n ", "\n\n")
    return text[:high].rsplit(" ", 1)[0] if len(text) > high else text


def make_members(count: int, *, prefix: str = "member") -> list:
    """Verified members who may post (allauth's verified EmailAddress)."""
    User = get_user_model()
    password = make_password(PASSWORD)
    members = User.objects.bulk_create(
        (
            User(
                email=f"{prefix}{n}@bench.example",
                display_name=f"Bench {prefix} {n}",
                password=password,
            )
            for n in range(count)
        ),
        batch_size=BATCH,
    )
    EmailAddress.objects.bulk_create(
        (
            EmailAddress(user=m, email=m.email, verified=True, primary=True)
            for m in members
        ),
        batch_size=BATCH,
    )
    return members


def make_writer():
    (writer,) = make_members(1, prefix="writer")
    writer.is_staff = True
    writer.save(update_fields=["is_staff"])
    return writer


def make_moderator():
    (moderator,) = make_members(1, prefix="moderator")
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    app_label, codename = MODERATE_PERMISSION.split(".")
    group.permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    moderator.groups.add(group)
    return moderator


def make_articles(count: int, *, author, prefix: str = "bench-article") -> list:
    now = timezone.now()
    return Article.objects.bulk_create(
        Article(
            title=f"Bench article {n}: low-dose naltrexone and fatigue",
            slug=f"{prefix}-{n}",
            lede="What patients report after a year on low-dose naltrexone.",
            body="<p>" + " ".join(SENTENCES[:8]) + "</p>",
            author=author,
            status=ArticleStatus.PUBLISHED,
            published_at=now - timedelta(days=60),
        )
        for n in range(count)
    )


@dataclass
class Planned:
    """One comment of a planned thread; parent is an index into the plan."""

    parent: int | None
    depth: int
    author: object
    status: str
    created_at: datetime


# A thread's comments: nearly all approved; a few waiting, declined, or
# removed after others had replied (which leaves a placeholder).
STATUSES = [CommentStatus.APPROVED] * 93 + [
    *[CommentStatus.PENDING] * 4,
    *[CommentStatus.REJECTED] * 2,
    CommentStatus.SPAM,
]
TOP_LEVEL_SHARE = 0.6
AUTHOR_REPLY_SHARE = 0.1
REMOVED_SHARE = 0.01


def plan_thread(
    rng: random.Random,
    size: int,
    *,
    members: list,
    article_author,
    start: datetime,
    span: timedelta,
) -> list[Planned]:
    """size comments in the order they were posted. Mostly top-level
    stories; replies go under an approved comment, often one of the latest
    (conversations are where people are), 1 to 4 levels deep and attached
    beside the parent at the depth cap, as services.attach_point does."""
    cap = min(settings.COMMENTS_MAX_DEPTH, 5)
    step = span / max(size, 1)
    plan: list[Planned] = []
    approved: list[int] = []
    for i in range(size):
        created_at = start + step * i
        parent = None
        if approved and rng.random() >= TOP_LEVEL_SHARE:
            recent = approved[-50:]
            parent = rng.choice(recent if rng.random() < 0.6 else approved)
            while plan[parent].depth >= cap:
                parent = plan[parent].parent
        if parent is not None and rng.random() < AUTHOR_REPLY_SHARE:
            author, status = article_author, CommentStatus.APPROVED
        else:
            # A few members write most of the comments.
            author = members[int(len(members) * rng.random() ** 2)]
            status = rng.choice(STATUSES)
        depth = 1 if parent is None else plan[parent].depth + 1
        plan.append(Planned(parent, depth, author, status, created_at))
        if status == CommentStatus.APPROVED:
            approved.append(i)
    for i in rng.sample(approved, int(len(approved) * REMOVED_SHARE)):
        plan[i].status = CommentStatus.REMOVED
    return plan


def create_thread(
    article: Article,
    size: int,
    *,
    members: list,
    rng: random.Random,
    moderator=None,
    span: timedelta = timedelta(days=30),
) -> list[Comment]:
    """Store a planned thread under article. Ids are given in posting order
    so that a reply's parent and root are known before the insert, and
    every row's root, parent and depth agree (comment_root_matches_parent)."""
    plan = plan_thread(
        rng,
        size,
        members=members,
        article_author=article.author,
        start=(article.published_at or timezone.now()) + timedelta(hours=1),
        span=span,
    )
    first_id = (Comment.objects.aggregate(n=Max("pk"))["n"] or 0) + 1
    comments: list[Comment] = []
    for i, item in enumerate(plan):
        text = body(rng)
        parent = comments[item.parent] if item.parent is not None else None
        decided = item.status not in (CommentStatus.APPROVED, CommentStatus.PENDING)
        comments.append(
            Comment(
                pk=first_id + i,
                article=article,
                author=item.author,
                parent=parent,
                root_id=None if parent is None else (parent.root_id or parent.pk),
                depth=item.depth,
                body=text,
                body_html=clean_comment(text),
                status=item.status,
                created_at=item.created_at,
                moderated_by=moderator if decided else None,
                moderated_at=item.created_at + timedelta(hours=2) if decided else None,
                moderation_reason=(
                    RejectionReason.OFF_TOPIC
                    if item.status == CommentStatus.REJECTED
                    else ""
                ),
            )
        )
    Comment.objects.bulk_create(comments, batch_size=BATCH)
    # auto_now_add stamped every row "now"; give them their posting times.
    Comment.objects.bulk_update(comments, ["created_at"], batch_size=BATCH)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Comment]):
            cursor.execute(sql)
    return comments
