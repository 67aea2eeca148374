from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views
from ldnforum import views

admin.site.site_header = "LDN Forum administration"
admin.site.site_title = "LDN Forum admin"

# A database outage is a 503, wherever it surfaces (ldnforum.availability).
handler500 = "ldnforum.availability.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # First: the article page is most requests, and Django tries patterns in
    # order (the includes without a prefix below have some 60). No other
    # pattern is "", articles/ or articles/<slug>/, so the order changes no
    # answer.
    path("", include("articles.urls")),
    path("admin/", admin.site.urls),
    # allauth's sign-up with our handling of a display name taken meanwhile;
    # before allauth's URLs so that it answers this path.
    path("accounts/signup/", accounts_views.signup, name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("comments.urls")),
]
