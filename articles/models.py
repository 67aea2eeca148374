from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class ModerationMode(models.TextChoices):
    PRE = "pre", "Pre-moderated: new members' comments wait for a moderator"
    POST = "post", "Post-moderated: comments publish at once unless a rule holds them"
    CLOSED = "closed", "Closed: no new comments"


def default_moderation_mode() -> str:
    return settings.COMMENTS_DEFAULT_MODERATION_MODE


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(
            status=ArticleStatus.PUBLISHED, published_at__lte=timezone.now()
        )

    def visible_to(self, user):
        # Staff preview drafts; everyone else sees what is published.
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()


class Article(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    lede = models.TextField(help_text="One or two sentences shown in lists.")
    body = models.TextField(
        help_text="Trusted HTML written by staff. Never paste member text here."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="articles"
    )
    status = models.CharField(
        max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    moderation_mode = models.CharField(
        max_length=10,
        choices=ModerationMode.choices,
        default=default_moderation_mode,
    )
    # Kept by comments/moderation.py, the only code that changes a comment's
    # status, so list pages need no count over the comments table.
    approved_comment_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ArticleStatus.DRAFT) | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values),
                name="article_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(moderation_mode__in=ModerationMode.values),
                name="article_moderation_mode_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-published_at"],
                condition=Q(status="published"),
                name="article_published_idx",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def accepts_comments(self) -> bool:
        return self.is_published and self.moderation_mode != ModerationMode.CLOSED

    @property
    def comments_open(self) -> bool:
        return self.moderation_mode != ModerationMode.CLOSED


class Reference(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="references"
    )
    position = models.PositiveSmallIntegerField(default=0)
    authors = models.CharField(max_length=500, help_text="For example: Cree BA et al.")
    title = models.CharField(max_length=500)
    journal = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField()
    volume = models.CharField(max_length=20, blank=True)
    issue = models.CharField(max_length=20, blank=True)
    pages = models.CharField(max_length=40, blank=True)
    doi = models.CharField(
        "DOI", max_length=200, blank=True, help_text="For example: 10.1002/ana.22006"
    )
    pmid = models.CharField(
        "PubMed ID",
        max_length=12,
        blank=True,
        help_text="Digits only, for example: 20695007",
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pmid="") | Q(pmid__regex=r"^[0-9]+$"),
                name="reference_pmid_digits",
            ),
            models.CheckConstraint(
                condition=Q(doi="") | Q(doi__startswith="10."),
                name="reference_doi_prefix",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authors} ({self.year}). {self.title}"

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def citation_tail(self) -> str:
        """ "2010;68(2):145-50" in the Vancouver style journals use."""
        tail = str(self.year)
        if self.volume:
            tail += f";{self.volume}"
            if self.issue:
                tail += f"({self.issue})"
        if self.pages:
            tail += f":{self.pages}"
        return tail
