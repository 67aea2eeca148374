from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User
from articles import page_cache


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "display_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Public profile", {"fields": ("display_name",)}),
        (
            "Permissions",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "password1", "password2"),
            },
        ),
    )

    # Their name and their Moderator badge show on the pages they wrote
    # or commented on.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            page_cache.bump_for_member(form.instance.pk)

    def delete_model(self, request, obj):
        page_cache.bump_for_member(obj.pk)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            page_cache.bump_for_member(pk)
        super().delete_queryset(request, queryset)
