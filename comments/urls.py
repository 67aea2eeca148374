from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("articles/<slug:slug>/comments/", views.comment_post, name="post"),
    path("comments/<int:pk>/", views.comment_permalink, name="permalink"),
    path("comments/<int:pk>/reply/", views.comment_reply, name="reply"),
    path("moderation/", views.moderation_queue, name="moderation-queue"),
    path(
        "moderation/<int:pk>/approve/",
        views.moderation_approve,
        name="moderation-approve",
    ),
    path(
        "moderation/<int:pk>/reject/",
        views.moderation_reject,
        name="moderation-reject",
    ),
]
