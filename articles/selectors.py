from django.db.models import QuerySet

from articles.models import Article


def article_list(*, user) -> QuerySet[Article]:
    return Article.objects.published().select_related("author")


def article_detail_queryset(*, user) -> QuerySet[Article]:
    return (
        Article.objects.visible_to(user)
        .select_related("author")
        .prefetch_related("references")
    )
