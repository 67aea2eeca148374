from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class CommentStatus(models.TextChoices):
    PENDING = "pending", "Awaiting moderation"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Spam"
    REMOVED = "removed", "Removed"


class RejectionReason(models.TextChoices):
    OFF_TOPIC = "off_topic", "Off topic for this article"
    HARMFUL_ADVICE = "harmful_advice", "Medical advice that could cause harm"
    PERSONAL_INFO = "personal_info", "Shares personal information"
    HARASSMENT = "harassment", "Harassment or disrespect"
    PROMOTION = "promotion", "Advertising or self-promotion"
    DUPLICATE = "duplicate", "Duplicate of another comment"
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


class Comment(models.Model):
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
                condition=~Q(body="") & ~Q(body_html=""), name="comment_body_set"
            ),
        ]
        indexes = [
            # The thread: one ordered read per article page.
            models.Index(
                fields=["article", "status", "created_at"], name="comment_thread_idx"
            ),
            # The moderation queue: pending comments, oldest first.
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending"),
                name="comment_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        who = self.author.display_name if self.author else "former member"
        return f"Comment #{self.pk} by {who} on {self.article_id}"

    def get_absolute_url(self) -> str:
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def anchor(self) -> str:
        return f"c{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == CommentStatus.PENDING


class ModerationEvent(models.Model):
    """Append-only audit log: one row for every status a comment takes."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="events"
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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")),
                name="moderationevent_changes_status",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.comment_id}: {self.from_status or 'new'} -> {self.to_status}"
