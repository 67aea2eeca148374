from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Awaiting moderation"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Spam"
    REMOVED = "removed", "Removed by a moderator"
    DELETED = "deleted", "Deleted by its author"


class RejectionReason(models.TextChoices):
    OFF_TOPIC = "off_topic", "Off topic for this article"
    HARMFUL_ADVICE = "harmful_advice", "Medical advice that could cause harm"
    PERSONAL_INFO = "personal_info", "Shares personal information"
    HARASSMENT = "harassment", "Harassment or disrespect"
    PROMOTION = "promotion", "Advertising or self-promotion"
    DUPLICATE = "duplicate", "Duplicate of another comment"
    MEMBER_BANNED = "member_banned", "Member banned"
    OTHER = "other", "Other (see note)"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=CommentStatus.APPROVED)

    def pending(self):
        return self.filter(status=CommentStatus.PENDING)

    def visible_to(self, user):
        """Approved comments, plus the member's own comments awaiting
        moderation (DESIGN invariant 2)."""
        if user.is_authenticated:
            return self.filter(
                Q(status=CommentStatus.APPROVED)
                | Q(status=CommentStatus.PENDING, author=user)
            )
        return self.approved()


class ShownAsComment:
    """What a comment's page shows of it, for models.Comment and for the
    thread's plain rows (selectors.ThreadComment) alike."""

    __slots__ = ()
    pk: int
    status: str

    @property
    def anchor(self) -> str:
        return f"c{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == CommentStatus.PENDING


class Comment(ShownAsComment, models.Model):
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="comments"
    )
    # Null only once the author's account has been deleted.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    # The top-level comment this one hangs under, None for a top-level one:
    # a page of the thread loads whole conversations (a top-level comment
    # and all its replies) in one query, without walking the tree.
    root = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    depth = models.PositiveSmallIntegerField(default=1)
    body = models.TextField(help_text="Exactly as the member typed it.")
    body_html = models.TextField(
        help_text="Made once from body by comments/sanitize.py."
    )
    status = models.CharField(
        max_length=10, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.CharField(
        max_length=20, choices=RejectionReason.choices, blank=True
    )
    moderation_note = models.TextField(blank=True)
    # Why the rules held or rejected it: [{"rule", "label", "matches"}].
    rule_reasons = models.JSONField(default=list, blank=True)
    # The rule that gave it its status ("new member: held until ..."), as
    # its latest event records it; blank when a person decided.
    status_rule = models.CharField(max_length=100, blank=True)
    # For moderators: body_html with what the rules matched marked, made by
    # comments/sanitize.py at write time. Empty when nothing matched.
    review_html = models.TextField(blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [("moderate_comment", "Can moderate comments")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommentStatus.values),
                name="comment_status_valid",
            ),
            models.CheckConstraint(
                condition=(Q(parent__isnull=True) & Q(depth=1))
                | (Q(parent__isnull=False) & Q(depth__gt=1)),
                name="comment_depth_matches_parent",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="comment_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, root__isnull=True)
                | Q(parent__isnull=False, root__isnull=False),
                name="comment_root_matches_parent",
            ),
            models.CheckConstraint(
                condition=~Q(body="") & ~Q(body_html=""), name="comment_body_set"
            ),
        ]
        indexes = [
            # The thread: one ordered read per article page.
            models.Index(
                fields=["article", "status", "created_at"], name="comment_thread_idx"
            ),
            # A page of the thread: its top-level comments in order...
            models.Index(
                fields=["article", "created_at", "id"],
                condition=Q(parent__isnull=True),
                name="comment_toplevel_idx",
            ),
            # ...then their replies, and whether a top-level comment has any
            # visible reply (which keeps it on the page as a placeholder).
            models.Index(fields=["root", "status"], name="comment_root_status_idx"),
            # The moderation queue: pending comments, oldest first.
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending"),
                name="comment_pending_idx",
            ),
            # The decided tabs (rejected, spam, removed, recently approved):
            # counted and ordered by when each comment got its status. The
            # two columns are included so that PostgreSQL counts a tab from
            # the index alone: its planner looks for the columns an
            # expression uses, not for the expression.
            models.Index(
                F("status"),
                Coalesce("moderated_at", "created_at"),
                F("id"),
                name="comment_decided_idx",
                include=["moderated_at", "created_at"],
            ),
            # A member's track record on the workbench: counts by status,
            # and their comments' ids for their last decisions, from the
            # index alone.
            models.Index(
                fields=["author", "status", "id"], name="comment_author_status_idx"
            ),
        ]

    def __str__(self) -> str:
        who = self.author.display_name if self.author else "former member"
        return f"Comment #{self.pk} by {who} on {self.article_id}"

    def get_absolute_url(self) -> str:
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def rule_labels(self) -> list[str]:
        return [reason["label"] for reason in self.rule_reasons]


class CommentCount(models.Model):
    """How many of an article's comments are in each status. Kept by
    comments/moderation.py with every change, as Coral Talk keeps its queue
    counts, so the workbench's tabs read a few hundred small rows instead
    of counting a queue of any size."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=CommentStatus.choices)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["status", "article"], name="commentcount_once_per_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.status}: {self.n}"


def decision_summary(
    *,
    comment_id: int,
    from_status: str,
    to_status: str,
    actor: str | None,
    rule: str,
    reason: str,
) -> str:
    """One line for a member's history: "#12 rejected by Ana: Off topic for
    this article". (The enums' labels directly: the workbench writes 250 of
    these a page, and get_FOO_display() flattens the choices at each call.)"""
    done = (
        "kept" if from_status == to_status else CommentStatus(to_status).label.lower()
    )
    text = f"#{comment_id} {done}"
    if actor is not None:
        text += f" by {actor}"
    elif rule:
        text += f" ({rule})"
    if reason:
        text += f": {RejectionReason(reason).label}"
    return text


class ModerationEvent(models.Model):
    """Append-only audit log: one row for every status a comment takes, and
    for every decision to keep a reported comment as it is."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="events"
    )
    # The comment's author, for a member's history without a join through
    # their comments (null once the account is deleted, as on the comment).
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # When no person decided, the rule that did ("author reply", ...).
    rule = models.CharField(max_length=100, blank=True)
    from_status = models.CharField(
        max_length=10, choices=CommentStatus.choices, blank=True
    )
    to_status = models.CharField(max_length=10, choices=CommentStatus.choices)
    reason = models.CharField(
        max_length=20, choices=RejectionReason.choices, blank=True
    )
    note = models.TextField(blank=True)
    # What the rules found, when a rule decided: [{"rule", "label", "matches"}].
    details = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # A status change, or a moderator keeping a reported comment
            # published (which closes its reports and changes nothing else).
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status"))
                | Q(from_status="approved", to_status="approved"),
                name="moderationevent_changes_status_or_keeps",
            ),
        ]
        indexes = [
            # Members' last decisions on the workbench: every event but a
            # comment entering the queue.
            models.Index(
                fields=["member", "-created_at"],
                condition=~Q(from_status="", to_status="pending"),
                name="moderationevent_decision_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.comment_id}: {self.from_status or 'new'} -> {self.to_status}"

    @property
    def is_kept(self) -> bool:
        """A moderator kept a reported comment published."""
        return self.from_status == self.to_status

    def transition_label(self) -> str:
        if self.is_kept:
            return "kept published"
        before = CommentStatus(self.from_status).label if self.from_status else "new"
        return f"{before} → {CommentStatus(self.to_status).label}"

    def summary(self) -> str:
        return decision_summary(
            comment_id=self.comment_id,
            from_status=self.from_status,
            to_status=self.to_status,
            actor=self.actor.display_name if self.actor_id is not None else None,
            rule=self.rule,
            reason=self.reason,
        )


class CommentRevision(models.Model):
    """The text a comment had before its author edited it (for moderators)."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="revisions"
    )
    body = models.TextField()
    body_html = models.TextField()
    created_at = models.DateTimeField(help_text="When this text was written.")
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["replaced_at", "pk"]

    def __str__(self) -> str:
        return f"Earlier text of comment #{self.comment_id}"


class FlagReason(models.TextChoices):
    SPAM = "spam", "Spam or advertising"
    HARASSMENT = "harassment", "Harassment"
    MISINFORMATION = (
        "misinformation",
        "Medical misinformation that could cause harm",
    )
    PERSONAL_INFO = "personal_info", "Personal information"
    OTHER = "other", "Something else (please explain)"


class Flag(models.Model):
    """A member's report of an approved comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="flags",
    )
    reason = models.CharField(max_length=20, choices=FlagReason.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="flag_once_per_member"
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(note=""),
                name="flag_other_has_note",
            ),
        ]
        indexes = [
            models.Index(
                fields=["comment"],
                condition=Q(resolved_at__isnull=True),
                name="flag_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Report on #{self.comment_id}: {self.get_reason_display()}"


class Standing(models.TextChoices):
    AUTO = "auto", "Earns trust (default)"
    TRUSTED = "trusted", "Trusted"
    UNTRUSTED = "untrusted", "Untrusted: always held"
    SUSPENDED = "suspended", "Suspended"
    BANNED = "banned", "Banned"


class MemberStanding(models.Model):
    """What moderators decided about a member. No row means AUTO."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="standing",
    )
    level = models.CharField(
        max_length=10, choices=Standing.choices, default=Standing.AUTO
    )
    suspended_until = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(level="suspended") | Q(suspended_until__isnull=False),
                name="memberstanding_suspension_has_end",
            ),
            models.CheckConstraint(
                condition=Q(level__in=Standing.values),
                name="memberstanding_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_level_display()}"


class MemberNote(models.Model):
    """A moderator's note on a member; moderators only."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Note on {self.member} ({self.created_at:%Y-%m-%d})"


class WatchKind(models.TextChoices):
    BANNED = "banned", "Banned: rejects the comment as spam"
    SUSPECT = "suspect", "Suspect: holds the comment for review"


class WatchWord(models.Model):
    """A word or phrase the rules look for, whole-word and case-insensitive,
    with accents and full-width letters folded."""

    phrase = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=WatchKind.choices)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "phrase"]
        constraints = [
            models.UniqueConstraint(
                Lower("phrase"), "kind", name="watchword_unique_per_kind"
            ),
            models.CheckConstraint(
                condition=~Q(phrase=""), name="watchword_phrase_set"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phrase} ({self.kind})"


class WatchedDomain(models.Model):
    """A link to this domain (or a subdomain) holds the comment."""

    domain = models.CharField(max_length=253, help_text="For example: pharma.example")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.UniqueConstraint(Lower("domain"), name="watcheddomain_unique"),
        ]

    def __str__(self) -> str:
        return self.domain


# Email notifications (comments/notifications.py) -------------------------


class NotificationKind(models.TextChoices):
    APPROVED = "approved", "Your comment was published"
    REJECTED = "rejected", "Your comment was not published"
    REPLY = "reply", "A reply to your comment"
    ARTICLE_COMMENT = "article_comment", "A new comment on your article"
    FOLLOWED_COMMENT = "followed_comment", "A new comment in a discussion you follow"
    ARTICLE_DIGEST = "article_digest", "Daily digest: comments on your articles"
    FOLLOW_DIGEST = "follow_digest", "Daily digest: discussions you follow"
    STALE_QUEUE = "stale_queue", "Comments waiting too long for moderation"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "Straight away, one email per comment"
    DAILY = "daily", "In one daily digest"


class NotificationSettings(models.Model):
    """What a member wants to hear about by email. No row means the
    defaults: everything on, straight away."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    decisions = models.BooleanField(
        "When a moderator publishes or declines my comment", default=True
    )
    replies = models.BooleanField("When someone replies to my comment", default=True)
    article_comments = models.BooleanField(
        "New comments on articles I wrote", default=True
    )
    article_comments_delivery = models.CharField(
        "How to send new comments on my articles",
        max_length=10,
        choices=Delivery.choices,
        default=Delivery.IMMEDIATE,
    )
    follows = models.BooleanField("New comments in discussions I follow", default=True)
    follows_delivery = models.CharField(
        "How to send new comments in discussions I follow",
        max_length=10,
        choices=Delivery.choices,
        default=Delivery.IMMEDIATE,
    )
    follow_on_post = models.BooleanField(
        "Follow a discussion when I comment in it", default=True
    )
    moderation_reminders = models.BooleanField(
        "Remind me of comments waiting too long for moderation", default=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    # The member's choices, in the order the settings page and the data
    # export show them.
    CHOICES = (
        "decisions",
        "replies",
        "article_comments",
        "article_comments_delivery",
        "follows",
        "follows_delivery",
        "follow_on_post",
        "moderation_reminders",
    )

    class Meta:
        verbose_name_plural = "notification settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(article_comments_delivery__in=Delivery.values)
                & Q(follows_delivery__in=Delivery.values),
                name="notificationsettings_delivery_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Notification settings of {self.member}"


class Follow(models.Model):
    """A member following an article's discussion."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "article"], name="follow_once_per_article"
            ),
        ]
        indexes = [
            # Who follows the article of a newly published comment.
            models.Index(fields=["article"], name="follow_article_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} follows {self.article_id}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#comments"


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed after every attempt"
    SKIPPED = "skipped", "Not sent: no longer wanted"


class Notification(models.Model):
    """One email to one member. The row is claimed (inserted) before the
    email is sent, and the unique (recipient, key) means the same news
    never reaches the same member twice, however often it is announced or
    a task is retried. key names what the email is about: "approved:<comment>",
    "rejected:<comment>", "published:<comment>" (a reply, a comment on your
    article, or one in a thread you follow: one email whichever applies), or
    "<digest kind>:<first item>"."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    key = models.CharField(max_length=100)
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="notification_once_per_recipient"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values),
                name="notification_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=NotificationStatus.values),
                name="notification_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} ({self.status})"


class DigestItem(models.Model):
    """A comment for a member's next digest, or for a moderator's reminder
    about the queue. notification is empty until the digest is made; the
    unique constraint keeps a comment out of a second digest."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="items",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "comment"], name="digestitem_once"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values),
                name="digestitem_kind_valid",
            ),
        ]
        indexes = [
            # What send_digests picks up.
            models.Index(
                fields=["recipient", "kind"],
                condition=Q(notification__isnull=True),
                name="digestitem_waiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.comment_id} for {self.recipient} ({self.kind})"
