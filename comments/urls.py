from django.urls import path

from comments.views import (
    audit,
    members,
    notifications,
    posting,
    privacy,
    profiles,
    workbench,
)

app_name = "comments"

urlpatterns = [
    # Posting and reading
    path("articles/<slug:slug>/comments/", posting.comment_post, name="post"),
    path("comments/<int:pk>/", posting.comment_permalink, name="permalink"),
    path("comments/<int:pk>/reply/", posting.comment_reply, name="reply"),
    # Members and their own comments
    path("comments/<int:pk>/edit/", members.comment_edit, name="edit"),
    path("comments/<int:pk>/delete/", members.comment_delete, name="delete"),
    path("comments/<int:pk>/report/", members.comment_report, name="report"),
    path("my/comments/", members.my_comments, name="my-comments"),
    path("guidelines/", members.guidelines, name="guidelines"),
    # Email notifications
    path(
        "my/notifications/",
        notifications.notification_settings,
        name="notification-settings",
    ),
    path("articles/<slug:slug>/follow/", notifications.follow, name="follow"),
    path("articles/<slug:slug>/unfollow/", notifications.unfollow, name="unfollow"),
    path(
        "notifications/unsubscribe/<str:token>/",
        notifications.unsubscribe,
        name="unsubscribe",
    ),
    path(
        "notifications/unsubscribe/<str:token>/one-click/",
        notifications.unsubscribe_one_click,
        name="unsubscribe-one-click",
    ),
    # The moderators' workbench
    path("moderation/", workbench.moderation_queue, name="moderation-queue"),
    path(
        "moderation/<int:pk>/approve/",
        workbench.moderation_approve,
        name="moderation-approve",
    ),
    path(
        "moderation/<int:pk>/reject/",
        workbench.moderation_reject,
        name="moderation-reject",
    ),
    path(
        "moderation/<int:pk>/spam/", workbench.moderation_spam, name="moderation-spam"
    ),
    path(
        "moderation/<int:pk>/remove/",
        workbench.moderation_remove,
        name="moderation-remove",
    ),
    path(
        "moderation/<int:pk>/restore/",
        workbench.moderation_restore,
        name="moderation-restore",
    ),
    path(
        "moderation/<int:pk>/keep/", workbench.moderation_keep, name="moderation-keep"
    ),
    path("moderation/bulk/", workbench.moderation_bulk, name="moderation-bulk"),
    # Members as moderators see them, and the audit log
    path("moderation/members/<int:pk>/", audit.member_detail, name="member-detail"),
    path(
        "moderation/members/<int:pk>/notes/",
        audit.member_note_add,
        name="member-note-add",
    ),
    path(
        "moderation/members/<int:pk>/standing/",
        audit.member_standing,
        name="member-standing",
    ),
    path("moderation/log/", audit.audit_log, name="audit-log"),
    path("moderation/log.csv", audit.audit_log_csv, name="audit-log-csv"),
]

# The member's public page, their own data, and the privacy notice
# (views/profiles.py, views/privacy.py).
urlpatterns += [
    path("members/<int:pk>/", profiles.member_profile, name="member-profile"),
    path("my/data/", privacy.data_export, name="data-export"),
    path(
        "my/data/download/",
        privacy.data_export_download,
        name="data-export-download",
    ),
    path("my/delete/", privacy.account_delete, name="account-delete"),
    path("privacy/", privacy.privacy_notice, name="privacy"),
]
