"""Page-shaped reads of comments."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from articles.models import Article
from comments.models import Comment, CommentStatus
from comments.permissions import MODERATE_PERMISSION, MODERATORS_GROUP
from comments.tree import Node, build_tree


def _moderator_users():
    app_label, codename = MODERATE_PERMISSION.split(".")
    perm = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    ) | Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )
    return get_user_model().objects.filter(
        perm | Q(groups__name=MODERATORS_GROUP) | Q(is_superuser=True)
    )


def with_author_badges(queryset: QuerySet[Comment]) -> QuerySet[Comment]:
    """Annotate author_is_moderator in the same query, so badges cost no
    query per comment."""
    return queryset.annotate(
        author_is_moderator=Exists(_moderator_users().filter(pk=OuterRef("author_id")))
    )


@dataclass
class Thread:
    nodes: list[Node]
    own_pending: int


def comment_thread(*, article: Article, user) -> Thread:
    """The article's thread as the user may see it, in one query
    (DESIGN invariant 4). Others' pending comments are never loaded; hidden
    comments with visible replies come back as placeholders."""
    others_pending = Q(status=CommentStatus.PENDING)
    if user.is_authenticated:
        others_pending &= ~Q(author=user)
    rows = list(
        with_author_badges(
            Comment.objects.filter(article=article)
            .exclude(others_pending)
            .select_related("author")
        ).order_by("created_at", "pk")
    )

    def is_visible(comment: Comment) -> bool:
        return comment.status in (CommentStatus.APPROVED, CommentStatus.PENDING)

    nodes = build_tree(rows, is_visible)
    own_pending = sum(1 for c in rows if c.status == CommentStatus.PENDING)
    return Thread(nodes=nodes, own_pending=own_pending)


def moderation_queue() -> QuerySet[Comment]:
    """Pending comments, oldest first, with what a moderator needs to
    decide: article, parent, and the member's track record."""
    author_comments = Comment.objects.filter(author=OuterRef("author"))

    def count_of(status: str):
        return Subquery(
            author_comments.filter(status=status)
            .order_by()
            .values("author")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )

    return (
        with_author_badges(Comment.objects.pending())
        .select_related("article", "author", "parent", "parent__author")
        .annotate(
            author_approved_count=count_of(CommentStatus.APPROVED),
            author_rejected_count=count_of(CommentStatus.REJECTED),
        )
        .order_by("created_at", "pk")
    )


def pending_count() -> int:
    return Comment.objects.pending().count()
