from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "LDN Forum administration"
admin.site.site_title = "LDN Forum admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
]
