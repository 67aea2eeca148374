import re
from functools import lru_cache

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.generic import DetailView, ListView

from articles import page_cache, selectors

# As Django's GZipMiddleware reads the header.
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# The shared copy: any cache may keep it, but must ask (If-None-Match)
# before using it, so a change shows on the very next request. It differs
# by the session cookie (members get their own page) and by compression.
_SHARED_CACHE_CONTROL = "public, no-cache"
_SHARED_VARY = "Cookie, Accept-Encoding"


@lru_cache(maxsize=64)
def _http_date(seconds: int) -> str:
    # A page's Last-Modified, formatted once rather than on every hit.
    return http_date(seconds)


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return selectors.article_list(user=self.request.user)


class ArticleDetailView(DetailView):
    """The article and its discussion. Anonymous readers share one cached
    copy of each page (articles/page_cache.py); members get theirs
    rendered, with their own waiting comments and forms."""

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return selectors.article_detail_queryset(user=self.request.user)

    def get(self, request, *args, **kwargs):
        found = page_cache.serves(request) and page_cache.get(
            kwargs["slug"], request.GET
        )
        if not found:
            response = super().get(request, *args, **kwargs)
            # Personal: their name, forms with their CSRF token, their
            # waiting comments. Browsers keep it, but ask again each time.
            patch_cache_control(response, private=True, no_cache=True)
            return response
        page = found.page
        if page is None:
            response = super().get(request, *args, **kwargs)
            response.render()
            if response.status_code != 200 or request.user.is_authenticated:
                return response
            page = page_cache.store(found, response.content, response["Content-Type"])
        # META, not request.headers: that would build a dict of every
        # header for the one it reads.
        if _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response = HttpResponse(page.gzipped, content_type=page.content_type)
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(page.content, content_type=page.content_type)
        response["ETag"] = page.etag
        if page.last_modified is not None:
            response["Last-Modified"] = _http_date(page.last_modified)
        # Set whole, as the response is new: nothing to merge them with.
        response["Cache-Control"] = _SHARED_CACHE_CONTROL
        response["Vary"] = _SHARED_VARY
        return get_conditional_response(
            request,
            etag=page.etag,
            last_modified=page.last_modified,
            response=response,
        )
