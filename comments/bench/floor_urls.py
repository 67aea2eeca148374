"""The bench's URLconf (override_settings(ROOT_URLCONF=...)): the site's
own URLs, so every middleware finds what it reverses, plus the floor: a view
that returns bytes it was given, through the same middleware stack. No
Django page of that size can be served faster."""

from django.http import HttpResponse
from django.urls import path

from ldnforum.urls import urlpatterns as site_urlpatterns

FLOOR_PATH = "/__bench__/floor/"
# The bytes the floor returns; the bench sets them before each measurement.
FLOOR_CONTENT = [b""]


def floor(request):
    return HttpResponse(FLOOR_CONTENT[0], content_type="text/html; charset=utf-8")


urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor), *site_urlpatterns]
handler500 = "ldnforum.availability.server_error"
