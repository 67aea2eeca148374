from django.views.generic import DetailView, ListView

from articles import selectors


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return selectors.article_list(user=self.request.user)


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return selectors.article_detail_queryset(user=self.request.user)
