"""A test-only URLconf: the site's own patterns, plus views that fail in
each way the error pages cover."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import path

from ldnforum.urls import handler500  # noqa: F401
from ldnforum.urls import urlpatterns as site_urlpatterns


def bad_request(request):
    raise SuspiciousOperation("SECRET-DETAIL: forged header")


def forbidden(request):
    raise PermissionDenied


def not_found(request):
    raise Http404("SECRET-DETAIL: row 42 missing")


def crash(request):
    raise RuntimeError("SECRET-DETAIL: something broke")


urlpatterns = [
    path("test-errors/400/", bad_request),
    path("test-errors/403/", forbidden),
    path("test-errors/404/", not_found),
    path("test-errors/500/", crash),
    *site_urlpatterns,
]
