from django.contrib import admin
from django.utils import timezone

from articles import page_cache
from articles.forms import ArticleAdminForm, ReferenceForm
from articles.models import Article, ArticleStatus, Reference


class ReferenceInline(admin.StackedInline):
    model = Reference
    form = ReferenceForm
    extra = 1
    fields = (
        "position",
        "authors",
        "title",
        ("journal", "year"),
        ("volume", "issue", "pages"),
        ("doi", "pmid"),
    )


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = (
        "title",
        "author",
        "status",
        "published_at",
        "moderation_mode",
        "approved_comment_count",
    )
    list_filter = ("status", "moderation_mode", "author")
    search_fields = ("title", "lede", "body")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    autocomplete_fields = ("author",)
    readonly_fields = ("approved_comment_count", "created_at", "updated_at")
    inlines = [ReferenceInline]
    actions = ["publish_now"]

    def get_readonly_fields(self, request, obj=None):
        # Only an admin may credit an article to someone else: the credited
        # user's replies publish at once with the "Author" badge.
        fields = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            fields = (*fields, "author")
        return fields

    def get_queryset(self, request):
        articles = super().get_queryset(request).select_related("author")
        if request.user.is_superuser:
            return articles
        return articles.filter(author=request.user)

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            obj.author = request.user
        super().save_model(request, obj, form, change)
        if "slug" in form.changed_data:
            page_cache.forget_slug(form.initial.get("slug", obj.slug))
            page_cache.forget_slug(obj.slug)

    def save_related(self, request, form, formsets, change):
        # After the references: the page shows them too.
        super().save_related(request, form, formsets, change)
        page_cache.bump(article_ids=[form.instance.pk])

    def delete_model(self, request, obj):
        page_cache.bump(article_ids=[obj.pk])
        page_cache.forget_slug(obj.slug)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for pk, slug in queryset.values_list("pk", "slug"):
            page_cache.bump(article_ids=[pk])
            page_cache.forget_slug(slug)
        super().delete_queryset(request, queryset)

    @admin.action(description="Publish selected articles now")
    def publish_now(self, request, queryset):
        drafts = queryset.filter(status=ArticleStatus.DRAFT)
        page_cache.bump(article_ids=list(drafts.values_list("pk", flat=True)))
        updated = drafts.update(
            status=ArticleStatus.PUBLISHED, published_at=timezone.now()
        )
        self.message_user(request, f"Published {updated} article(s).")
