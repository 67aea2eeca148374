import logging
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def csrf_failure(request, reason=""):
    """Our look for a refused form; the reason stays in the logs."""
    return render(request, "403_csrf.html", status=403)


@never_cache
@require_GET
def healthz(request):
    """For a load balancer or an orchestrator: can this process reach the
    database and the cache? 200 when both answer, 503 naming what failed.
    No session, no template, one query."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError:
        logger.exception("healthz: the database does not answer")
        checks["database"] = "unavailable"
    try:
        key = f"healthz:{uuid.uuid4().hex}"
        cache.set(key, "1", timeout=5)
        ok = cache.get(key) == "1"
        cache.delete(key)
        checks["cache"] = "ok" if ok else "unavailable"
    except Exception:
        logger.exception("healthz: the cache does not answer")
        checks["cache"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
    )
