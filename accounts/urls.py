from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("my/account/", views.account_settings, name="settings"),
    path("my/profile/", views.profile_edit, name="profile-edit"),
]
