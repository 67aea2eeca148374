"""Who hears about what, by email, and when.

Decisions are made in comments/moderation.py and announced here once they
have committed (events_committed). From there everything runs as Django
tasks: plan_notifications decides who is told, and claims one Notification
row per email; send_notification renders and sends one of them, retrying a
failing send a bounded number of times. The claim is an INSERT under a
unique (recipient, key) constraint, so the same news never reaches the same
member twice: not when two moderators act at once, not when a task runs
again. Digests and the moderators' reminder about the queue are made by
management commands (send_digests, notify_stale_queue) meant for a
scheduler.
"""

import contextlib
import contextvars
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import (
    Comment,
    CommentStatus,
    Delivery,
    DigestItem,
    Follow,
    ModerationEvent,
    Notification,
    NotificationKind,
    NotificationSettings,
    NotificationStatus,
    RejectionReason,
)
from comments.permissions import holds_moderate_permission
from ldnforum.statements import ModelStatement

logger = logging.getLogger(__name__)

K = NotificationKind
SUBJECT_PREFIX = "[LDN Forum] "

# The switch on the settings page that turns each kind of email off.
PREFERENCE_OF = {
    K.APPROVED: "decisions",
    K.REJECTED: "decisions",
    K.REPLY: "replies",
    K.ARTICLE_COMMENT: "article_comments",
    K.ARTICLE_DIGEST: "article_comments",
    K.FOLLOWED_COMMENT: "follows",
    K.FOLLOW_DIGEST: "follows",
    K.STALE_QUEUE: "moderation_reminders",
}
SWITCHES = frozenset(PREFERENCE_OF.values())
# What an unsubscribe link turns off, in the words its page uses.
SWITCH_WORDS = {
    "decisions": "emails telling you a moderator published or declined your comment",
    "replies": "emails when someone replies to your comments",
    "article_comments": "emails about new comments on your articles",
    "follows": "emails about new comments in the discussions you follow",
    "moderation_reminders": "reminders about comments waiting for moderation",
}
DIGEST_OF = {K.ARTICLE_COMMENT: K.ARTICLE_DIGEST, K.FOLLOWED_COMMENT: K.FOLLOW_DIGEST}

_muted = contextvars.ContextVar("notifications_muted", default=False)


@contextlib.contextmanager
def muted() -> Iterator[None]:
    """Announce nothing committed inside this block, and follow nothing
    (demo data loading: its comments are history, not news)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


# Preferences and follows --------------------------------------------------


# Every posting asks (compiled once: ldnforum/statements.py).
_SETTINGS = ModelStatement(
    lambda member: NotificationSettings.objects.filter(member_id=member)
)


def settings_for(member) -> NotificationSettings:
    """The member's settings (a member or their pk), or the defaults
    (unsaved) when they never changed any."""
    member_id = getattr(member, "pk", member)
    found = _SETTINGS.rows(member=member_id)
    return found[0] if found else NotificationSettings(member_id=member_id)


def _settings_for_many(member_ids: Iterable[int]) -> dict[int, NotificationSettings]:
    member_ids = set(member_ids)
    found = {
        s.member_id: s
        for s in NotificationSettings.objects.filter(member_id__in=member_ids)
    }
    return {
        pk: found.get(pk) or NotificationSettings(member_id=pk) for pk in member_ids
    }


@transaction.atomic
def notification_settings_update(*, member, values: dict) -> NotificationSettings:
    prefs, _ = NotificationSettings.objects.select_for_update().get_or_create(
        member=member
    )
    for name, value in values.items():
        setattr(prefs, name, value)
    prefs.full_clean()
    prefs.save()
    return prefs


def follow_article(*, member, article: Article) -> Follow:
    follow, _ = Follow.objects.get_or_create(member=member, article=article)
    return follow


def unfollow_article(*, member, article_id: int) -> bool:
    deleted, _ = Follow.objects.filter(member=member, article_id=article_id).delete()
    return bool(deleted)


def is_following(*, member, article: Article) -> bool:
    return Follow.objects.filter(member=member, article=article).exists()


def followed_threads(*, member) -> QuerySet[Follow]:
    """The settings page's list: one query, whatever its length."""
    return Follow.objects.filter(member=member).select_related("article")


def follow_on_post(*, comment: Comment) -> None:
    """Posting a comment follows its discussion, unless the member turned
    that off. The article's author hears of its comments by their own
    setting, so they don't follow their own articles; and loading the demo
    (muted) follows nothing, since no member chose it."""
    author = comment.author
    if (
        _muted.get()
        or author is None
        or comment.status
        not in (
            CommentStatus.PENDING,
            CommentStatus.APPROVED,
        )
    ):
        return
    if (
        author.pk == comment.article.author_id
        or not settings_for(author).follow_on_post
    ):
        return
    follow_article(member=author, article=comment.article)


def notification_data_for(user) -> dict:
    """Everything notifications keep about a member, for their data export."""
    prefs = settings_for(user)
    return {
        "notification_settings": {
            field: getattr(prefs, field) for field in NotificationSettings.CHOICES
        },
        "follows": [
            {
                "article": follow.article.title,
                "url": absolute(follow.article.get_absolute_url()),
                "since": follow.created_at.isoformat(),
            }
            for follow in followed_threads(member=user)
        ],
    }


# Unsubscribe links ------------------------------------------------------

UNSUBSCRIBE_SALT = "comments.notifications.unsubscribe"


def unsubscribe_token(*, member_id: int, scope: str) -> str:
    """A signed token naming one member and what to turn off: a switch
    (SWITCHES) or one followed discussion ("article:<id>"). It works without
    logging in; its signature is the authorisation."""
    return signing.dumps({"m": member_id, "s": scope}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(member id, scope), or ValidationError for anything we didn't sign."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        member_id, scope = int(data["m"]), str(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ValidationError("This unsubscribe link is not valid.") from exc
    if scope not in SWITCHES and not _article_scope(scope):
        raise ValidationError("This unsubscribe link is not valid.")
    return member_id, scope


def _article_scope(scope: str) -> int | None:
    prefix, _, rest = scope.partition(":")
    return int(rest) if prefix == "article" and rest.isdigit() else None


def scope_words(scope: str) -> str:
    article_id = _article_scope(scope)
    if article_id is None:
        return SWITCH_WORDS[scope]
    title = Article.objects.filter(pk=article_id).values_list("title", flat=True)
    return f"emails about new comments on “{title.first() or 'an article'}”"


def is_unsubscribed(*, member, scope: str) -> bool:
    article_id = _article_scope(scope)
    if article_id is not None:
        return not Follow.objects.filter(member=member, article_id=article_id).exists()
    return not getattr(settings_for(member), scope)


def unsubscribe(*, member, scope: str) -> bool:
    """Turn off what the token names. True when something changed; doing
    it again changes nothing."""
    article_id = _article_scope(scope)
    if article_id is not None:
        return unfollow_article(member=member, article_id=article_id)
    if scope not in SWITCHES:
        raise ValueError(f"Unknown unsubscribe scope {scope!r}.")
    if not getattr(settings_for(member), scope):
        return False
    notification_settings_update(member=member, values={scope: False})
    return True


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _unsubscribe_scope(kind: str, comment: Comment | None) -> str:
    if kind == K.FOLLOWED_COMMENT and comment is not None:
        return f"article:{comment.article_id}"
    return PREFERENCE_OF[kind]


# Deciding who hears what --------------------------------------------------


def events_committed(event_ids: list[int]) -> None:
    """Called once per committed transaction with the ModerationEvents it
    wrote, in order. The deciding runs as a task, so the moderator's
    request only enqueues it."""
    if _muted.get() or not event_ids:
        return
    ids = [int(pk) for pk in event_ids]
    # A bulk decision can cover thousands of comments: plan them in chunks,
    # so that no one task is huge and workers can share them.
    for start in range(0, len(ids), PLAN_CHUNK):
        chunk = ids[start : start + PLAN_CHUNK]
        try:
            plan_notifications.enqueue(event_ids=chunk)
        except Exception:
            # The decision has committed; it stands whatever becomes of its
            # emails.
            logger.exception("Could not enqueue notifications for events %s", chunk)


PLAN_CHUNK = 200


@task
def plan_notifications(event_ids: list[int]) -> int:
    """Claim an email for everyone who should hear of these events, queue
    digest items, and enqueue the sends. Safe to run twice: claims that
    exist already are skipped."""
    events = list(
        ModerationEvent.objects.filter(pk__in=event_ids)
        .select_related(
            "comment__author",
            "comment__article__author",
            "comment__parent__author",
        )
        .order_by("pk")
    )
    plan = _Plan()
    published = []
    for event in events:
        comment = event.comment
        if not comment.article.is_published or event.from_status == event.to_status:
            # A moderator keeping a reported comment as it is tells nobody.
            continue
        if event.to_status == comment.status == CommentStatus.APPROVED:
            if event.actor_id and event.actor_id != comment.author_id:
                plan.tell(
                    comment.author_id, K.APPROVED, f"approved:{comment.pk}", comment
                )
            published.append(comment)
        elif (
            event.to_status == comment.status == CommentStatus.REJECTED
            and event.actor_id
            and event.from_status
            and event.reason != RejectionReason.MEMBER_BANNED
        ):
            # A moderator's judgement, explained. Rules' rejections (a double
            # post) were explained on the spot, a banned member is not
            # written to, and spam is never answered.
            plan.tell(comment.author_id, K.REJECTED, f"rejected:{comment.pk}", comment)
    _plan_published(plan, published)
    return plan.commit()


class _Plan:
    def __init__(self) -> None:
        self.emails: list[tuple[int, str, str, Comment]] = []
        self.digest_items: list[DigestItem] = []

    def tell(self, recipient_id, kind, key, comment) -> None:
        if recipient_id is not None:
            self.emails.append((recipient_id, kind, key, comment))

    def commit(self) -> int:
        recipients = _reachable(r for r, *_ in self.emails)
        prefs = _settings_for_many(recipients)
        claimed = []
        for recipient_id, kind, key, comment in self.emails:
            if recipient_id not in recipients:
                continue
            if not getattr(prefs[recipient_id], PREFERENCE_OF[kind]):
                continue
            try:
                with transaction.atomic():
                    notification = Notification.objects.create(
                        recipient_id=recipient_id, kind=kind, key=key, comment=comment
                    )
            except IntegrityError:
                continue  # already claimed: this news has gone (or is going) out
            claimed.append(notification.pk)
        DigestItem.objects.bulk_create(self.digest_items, ignore_conflicts=True)
        for pk in claimed:
            send_notification.enqueue(notification_id=pk)
        return len(claimed)


def _reachable(member_ids: Iterable[int]) -> set[int]:
    """Members we may write to: active accounts that still have an address
    (a deleted account has neither)."""
    return set(
        get_user_model()
        .objects.filter(pk__in=set(member_ids), is_active=True)
        .exclude(email="")
        .values_list("pk", flat=True)
    )


def _plan_published(plan: _Plan, comments: list[Comment]) -> None:
    """A newly visible comment: its parent's author hears of a reply, the
    article's author of a comment, followers of a new comment in the thread.
    Each member hears once, by the first of these that applies and that they
    want; nobody hears of their own comment."""
    if not comments:
        return
    followers = defaultdict(list)
    for article_id, member_id in (
        Follow.objects.filter(article_id__in={c.article_id for c in comments})
        .order_by("pk")
        .values_list("article_id", "member_id")
    ):
        followers[article_id].append(member_id)
    candidates = {c.article.author_id for c in comments}
    candidates |= {m for members in followers.values() for m in members}
    candidates |= {c.parent.author_id for c in comments if c.parent_id}
    reachable = _reachable(candidates)
    prefs = _settings_for_many(reachable)
    keys = [f"published:{c.pk}" for c in comments]
    told = set(
        Notification.objects.filter(key__in=keys).values_list("recipient_id", "key")
    )
    told |= {
        (recipient_id, f"published:{comment_id}")
        for recipient_id, comment_id in DigestItem.objects.filter(
            comment__in=comments, kind__in=DIGEST_OF.values()
        ).values_list("recipient_id", "comment_id")
    }
    for comment in comments:
        key = f"published:{comment.pk}"
        order = []
        parent = comment.parent
        if parent is not None and parent.status == CommentStatus.APPROVED:
            order.append((parent.author_id, K.REPLY))
        order.append((comment.article.author_id, K.ARTICLE_COMMENT))
        order += [(m, K.FOLLOWED_COMMENT) for m in followers[comment.article_id]]
        done = {comment.author_id}
        for member_id, kind in order:
            if member_id in done or member_id not in reachable:
                continue
            member_prefs = prefs[member_id]
            if not getattr(member_prefs, PREFERENCE_OF[kind]):
                continue
            done.add(member_id)
            if (member_id, key) in told:
                continue
            delivery = (
                member_prefs.article_comments_delivery
                if kind == K.ARTICLE_COMMENT
                else member_prefs.follows_delivery
            )
            if kind in DIGEST_OF and delivery == Delivery.DAILY:
                plan.digest_items.append(
                    DigestItem(
                        recipient_id=member_id, kind=DIGEST_OF[kind], comment=comment
                    )
                )
            else:
                plan.tell(member_id, kind, key, comment)


# Sending --------------------------------------------------------------------


@task
def send_notification(notification_id: int, attempt: int = 1) -> str:
    """Render and send one claimed email, once. A failing send is logged and
    tried again later, up to NOTIFY_MAX_ATTEMPTS times; the row records how
    it went, so running this again for a sent email does nothing."""
    retry = False
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient", "comment__article", "comment__author")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return "missing"
        if notification.status != NotificationStatus.QUEUED:
            return notification.status
        if not _still_wanted(notification):
            notification.status = NotificationStatus.SKIPPED
            notification.save(update_fields=["status"])
            return notification.status
        notification.attempts = attempt
        try:
            build_message(notification).send()
        except Exception as exc:
            notification.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if attempt >= settings.NOTIFY_MAX_ATTEMPTS:
                notification.status = NotificationStatus.FAILED
                logger.error(
                    "Gave up on notification %s (%s) after %s attempts: %s",
                    notification.pk,
                    notification.kind,
                    attempt,
                    notification.last_error,
                )
            else:
                retry = True
                logger.warning(
                    "Sending notification %s (%s) failed, attempt %s of %s: %s",
                    notification.pk,
                    notification.kind,
                    attempt,
                    settings.NOTIFY_MAX_ATTEMPTS,
                    notification.last_error,
                )
        else:
            notification.status = NotificationStatus.SENT
            notification.sent_at = timezone.now()
            logger.info("Sent notification %s (%s)", notification.pk, notification.kind)
        notification.save(update_fields=["status", "attempts", "last_error", "sent_at"])
    if retry:
        _retry(notification_id, attempt + 1)
    return notification.status


def _retry(notification_id: int, attempt: int) -> None:
    # Django's tasks have no retries of their own. A backend with a worker
    # runs the next attempt later, waiting longer each time; the immediate
    # backend (make run, tests) has no later, so it tries again at once.
    retry_task = send_notification
    if retry_task.get_backend().supports_defer:
        wait = settings.NOTIFY_RETRY_SECONDS * 2 ** (attempt - 2)
        retry_task = retry_task.using(
            run_after=timezone.now() + timedelta(seconds=wait)
        )
    retry_task.enqueue(notification_id=notification_id, attempt=attempt)


def _still_wanted(notification: Notification) -> bool:
    """Checked again just before sending: the member may have turned it off,
    left, or the comment changed since the email was planned."""
    recipient = notification.recipient
    if not recipient.is_active or not recipient.email:
        return False
    if not getattr(settings_for(recipient), PREFERENCE_OF[notification.kind]):
        return False
    comment = notification.comment
    if notification.kind == K.REJECTED:
        return comment is not None and comment.status == CommentStatus.REJECTED
    if notification.kind in (K.APPROVED, K.REPLY, K.ARTICLE_COMMENT):
        return comment is not None and comment.status == CommentStatus.APPROVED
    if notification.kind == K.FOLLOWED_COMMENT:
        return (
            comment is not None
            and comment.status == CommentStatus.APPROVED
            and Follow.objects.filter(
                member=recipient, article_id=comment.article_id
            ).exists()
        )
    return True  # digests and reminders were checked when they were made


class OneLineHeader(str):
    """A header value written out as it is, on one line. Python's email
    package turns any word too long to fold (as an unsubscribe URL with its
    token is) into RFC 2047 encoded words, which List-Unsubscribe readers
    don't decode; RFC 5322 allows lines up to 998 characters."""

    def __new__(cls, name: str, value: str):
        if "\r" in value or "\n" in value or len(name) + len(value) > 990:
            raise ValueError("A header value must be one line of at most 990.")
        header = super().__new__(cls, value)
        header.name = name  # the email package stores such values as they are
        return header

    def __getnewargs__(self):  # copies and pickles of messages
        return (self.name, str(self))

    def fold(self, *, policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


def build_message(notification: Notification) -> EmailMultiAlternatives:
    """The email for a claimed notification: text and HTML from
    templates/emails/, and one-click unsubscribe headers (RFC 8058)."""
    recipient = notification.recipient
    comment = notification.comment
    scope = _unsubscribe_scope(notification.kind, comment)
    token = unsubscribe_token(member_id=recipient.pk, scope=scope)
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "recipient": recipient,
        "kind": notification.kind,
        "comment": comment,
        "article": comment.article if comment else None,
        "comment_url": absolute(comment.get_absolute_url()) if comment else "",
        "unsubscribe_url": absolute(reverse("comments:unsubscribe", args=[token])),
        "unsubscribe_words": SWITCH_WORDS.get(scope, "emails about this discussion"),
        "settings_url": absolute(reverse("comments:notification-settings")),
        "guidelines_url": absolute(reverse("comments:guidelines")),
        "my_comments_url": absolute(reverse("comments:my-comments")),
        "queue_url": absolute(reverse("comments:moderation-queue")),
    }
    if notification.kind in (K.ARTICLE_DIGEST, K.FOLLOW_DIGEST, K.STALE_QUEUE):
        items = list(
            notification.items.select_related(
                "comment__article", "comment__author"
            ).order_by("comment__article_id", "comment__created_at")
        )
        context["items"] = [
            {
                "comment": item.comment,
                "url": absolute(item.comment.get_absolute_url()),
                "waiting_hours": int(
                    (notification.created_at - item.comment.created_at).total_seconds()
                    // 3600
                ),
            }
            for item in items
        ]
        if notification.kind == K.STALE_QUEUE:
            context["still_waiting"] = _stale_comments(
                notification.created_at
                - timedelta(hours=settings.NOTIFY_STALE_QUEUE_HOURS)
            ).count()
            context["hours"] = settings.NOTIFY_STALE_QUEUE_HOURS
    subject = SUBJECT_PREFIX + _subject(notification, context)
    template = f"emails/{notification.kind}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[recipient.email],
        headers={
            "List-Unsubscribe": OneLineHeader(
                "List-Unsubscribe",
                "<{}>".format(
                    absolute(reverse("comments:unsubscribe-one-click", args=[token]))
                ),
            ),
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string(f"{template}.html", context), "text/html"
    )
    return message


def _subject(notification: Notification, context: dict) -> str:
    article = context["article"]
    comment = context["comment"]
    kind = notification.kind
    if kind == K.APPROVED:
        return f"Your comment on “{article.title}” is published"
    if kind == K.REJECTED:
        return f"Your comment on “{article.title}” was not published"
    if kind == K.REPLY:
        who = comment.author.display_name if comment.author else "Someone"
        return f"{who} replied to your comment on “{article.title}”"
    if kind in (K.ARTICLE_COMMENT, K.FOLLOWED_COMMENT):
        return f"New comment on “{article.title}”"
    count = len(context["items"])
    plural = "s" if count != 1 else ""
    if kind == K.ARTICLE_DIGEST:
        return f"{count} new comment{plural} on your articles today"
    if kind == K.FOLLOW_DIGEST:
        return f"{count} new comment{plural} in discussions you follow"
    hours = settings.NOTIFY_STALE_QUEUE_HOURS
    hours_words = f"{hours:g} hour{'s' if hours != 1 else ''}"
    return f"{count} comment{plural} waiting more than {hours_words} for moderation"


# Digests and reminders (management commands) ----------------------------


def send_digests() -> int:
    """One digest per member and kind with the comments gathered since the
    last one. Returns how many digests were enqueued."""
    waiting = (
        DigestItem.objects.filter(
            notification__isnull=True,
            kind__in=[K.ARTICLE_DIGEST, K.FOLLOW_DIGEST],
        )
        .values_list("recipient_id", "kind")
        .distinct()
    )
    made = []
    for recipient_id, kind in sorted(set(waiting)):
        pk = _make_digest(recipient_id, kind)
        if pk is not None:
            made.append(pk)
    for pk in made:
        send_notification.enqueue(notification_id=pk)
    return len(made)


@transaction.atomic
def _make_digest(recipient_id: int, kind: str) -> int | None:
    items = list(
        DigestItem.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(recipient_id=recipient_id, kind=kind, notification__isnull=True)
        .select_related("comment")
        .order_by("pk")
    )
    if not items:
        return None  # another run took them
    prefs = settings_for(recipient_id)
    followed = set(
        Follow.objects.filter(member_id=recipient_id).values_list(
            "article_id", flat=True
        )
    )
    wanted = getattr(prefs, PREFERENCE_OF[kind]) and recipient_id in _reachable(
        [recipient_id]
    )

    def keep(item: DigestItem) -> bool:
        if item.comment.status != CommentStatus.APPROVED:
            return False
        return kind != K.FOLLOW_DIGEST or item.comment.article_id in followed

    kept = [item for item in items if wanted and keep(item)]
    # What is no longer wanted never goes; if it is published again later,
    # it is news again.
    DigestItem.objects.filter(
        pk__in=[item.pk for item in items if item not in kept]
    ).delete()
    if not kept:
        return None
    notification = Notification.objects.create(
        recipient_id=recipient_id, kind=kind, key=f"{kind}:{kept[0].pk}"
    )
    DigestItem.objects.filter(pk__in=[item.pk for item in kept]).update(
        notification=notification
    )
    return notification.pk


def _stale_comments(older_than) -> QuerySet[Comment]:
    return Comment.objects.pending().filter(created_at__lt=older_than)


def notify_stale_queue(*, now=None) -> int:
    """Tell each moderator, in at most one email, of the comments that have
    waited longer than NOTIFY_STALE_QUEUE_HOURS and that we have not told
    them of before. Returns how many moderators were written to."""
    hours = settings.NOTIFY_STALE_QUEUE_HOURS
    now = now or timezone.now()
    stale = list(
        _stale_comments(now - timedelta(hours=hours)).values_list("pk", flat=True)
    )
    if not stale:
        return 0
    prefs = _settings_for_many(_moderator_ids())
    made = []
    for moderator_id in sorted(prefs):
        if not prefs[moderator_id].moderation_reminders:
            continue
        pk = _make_reminder(moderator_id, stale)
        if pk is not None:
            made.append(pk)
    for pk in made:
        send_notification.enqueue(notification_id=pk)
    return len(made)


def _moderator_ids() -> set[int]:
    """Active members who may moderate (is_moderator's rule, as a query)."""
    return set(
        get_user_model()
        .objects.filter(holds_moderate_permission("pk"), is_active=True)
        .exclude(email="")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def _make_reminder(moderator_id: int, stale: list[int]) -> int | None:
    told = set(
        DigestItem.objects.filter(
            recipient_id=moderator_id, kind=K.STALE_QUEUE, comment_id__in=stale
        ).values_list("comment_id", flat=True)
    )
    new = [pk for pk in stale if pk not in told]
    if not new:
        return None
    DigestItem.objects.bulk_create(
        [
            DigestItem(recipient_id=moderator_id, kind=K.STALE_QUEUE, comment_id=pk)
            for pk in new
        ],
        ignore_conflicts=True,
    )
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient_id=moderator_id,
                kind=K.STALE_QUEUE,
                # Each run's first new comment is told of once, so this
                # names the run; two runs at once make one reminder.
                key=f"stale_queue:{min(new)}",
            )
    except IntegrityError:
        return None  # a run at the same moment made this one
    DigestItem.objects.filter(
        recipient_id=moderator_id,
        kind=K.STALE_QUEUE,
        comment_id__in=new,
        notification__isnull=True,
    ).update(notification=notification)
    return notification.pk
