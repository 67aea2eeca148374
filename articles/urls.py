from django.urls import path
from django.views.generic import RedirectView

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    # A URL trimmed back to its folder, as readers do: the list is the home.
    path(
        "articles/", RedirectView.as_view(pattern_name="articles:list", permanent=True)
    ),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
]
