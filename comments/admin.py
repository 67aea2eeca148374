from django.contrib import admin

from comments.models import (
    Comment,
    CommentRevision,
    Flag,
    MemberNote,
    MemberStanding,
    ModerationEvent,
    WatchedDomain,
    WatchWord,
)


class ModerationEventInline(admin.TabularInline):
    model = ModerationEvent
    extra = 0
    can_delete = False
    fields = (
        "created_at",
        "actor",
        "rule",
        "from_status",
        "to_status",
        "reason",
        "note",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Read-mostly: status changes go through the moderation queue, so that
    every decision is conditional and logged (comments/moderation.py)."""

    list_display = ("pk", "article", "author", "status", "depth", "created_at")
    list_filter = ("status", "article", "created_at", "moderation_reason")
    search_fields = ("body", "author__display_name", "author__email")
    list_select_related = ("article", "author")
    date_hierarchy = "created_at"
    readonly_fields = (
        "article",
        "author",
        "parent",
        "depth",
        "body",
        "body_html",
        "status",
        "created_at",
        "updated_at",
        "moderated_by",
        "moderated_at",
        "moderation_reason",
        "moderation_note",
    )
    inlines = [ModerationEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationEvent)
class ModerationEventAdmin(admin.ModelAdmin):
    """The audit log is append-only: nobody edits or deletes it here."""

    list_display = (
        "created_at",
        "comment",
        "actor",
        "rule",
        "from_status",
        "to_status",
        "reason",
    )
    list_filter = ("to_status", "from_status", "reason", "created_at")
    search_fields = ("note", "rule", "actor__display_name")
    list_select_related = ("comment", "actor", "comment__article")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WatchWord)
class WatchWordAdmin(admin.ModelAdmin):
    """The rules' word lists: matched whole-word, ignoring case, accents and
    full-width forms."""

    list_display = ("phrase", "kind", "note", "created_at")
    list_filter = ("kind",)
    search_fields = ("phrase", "note")


@admin.register(WatchedDomain)
class WatchedDomainAdmin(admin.ModelAdmin):
    list_display = ("domain", "note", "created_at")
    search_fields = ("domain", "note")


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("comment", "reporter", "reason", "created_at", "resolved_at")
    list_filter = ("reason", ("resolved_at", admin.EmptyFieldListFilter))
    list_select_related = ("comment", "reporter")
    readonly_fields = [f.name for f in Flag._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(MemberStanding)
class MemberStandingAdmin(admin.ModelAdmin):
    """Read-only here: standing changes go through the workbench, so a ban
    also rejects the member's waiting comments."""

    list_display = ("member", "level", "suspended_until", "set_by", "updated_at")
    list_filter = ("level",)
    search_fields = ("member__display_name", "member__email")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MemberNote)
class MemberNoteAdmin(admin.ModelAdmin):
    list_display = ("member", "author", "created_at")
    search_fields = ("text", "member__display_name")
    list_select_related = ("member", "author")


@admin.register(CommentRevision)
class CommentRevisionAdmin(admin.ModelAdmin):
    list_display = ("comment", "created_at", "replaced_at")
    readonly_fields = ("comment", "body", "body_html", "created_at", "replaced_at")

    def has_add_permission(self, request):
        return False


# Email notifications: read-only, to see what went out and what failed.

from comments.models import Notification  # noqa: E402


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "status", "attempts", "sent_at")
    list_filter = ("status", "kind", "created_at")
    search_fields = ("recipient__display_name", "key", "last_error")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
