"""What a visitor gets while the database is unreachable: a 503 page with
Retry-After, rendered without a request, context processors or a query,
instead of a 500. Nothing here keeps state: each request tries the
database again (Django opens, or health-checks, its connection per
request), so the site recovers by itself when the database is back.

Django turns an exception into a response at every middleware layer, so
two hooks are needed: the middleware's process_exception for what a view
or its template raises, and the 500 handler (ldnforum.urls.handler500)
for what a middleware raises (loading a session, checking MFA).
"""

import logging
import sys

from django import db
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = (db.OperationalError, db.InterfaceError)


def unavailable_response(exception: BaseException) -> HttpResponse:
    logger.warning("Database unavailable, answering 503: %r", exception)
    # No request: no context processors, so no query, no session.
    body = loader.get_template("503.html").render()
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except UNAVAILABLE as exc:
            # Only reached when exceptions propagate
            # (DEBUG_PROPAGATE_EXCEPTIONS); otherwise see server_error.
            return unavailable_response(exc)

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE):
            return unavailable_response(exception)
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """Django's 500 view, except for a database outage raised outside a
    view (it is called inside the except block, so the error is at hand)."""
    exception = sys.exc_info()[1]
    if isinstance(exception, UNAVAILABLE):
        return unavailable_response(exception)
    return defaults.server_error(request, template_name)
