"""Deployment checks (`manage.py check --deploy`) for settings that work on
one machine but not on a real site of several processes."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                "The cache is local to each process, so allauth's rate limits "
                "are counted per process.",
                hint="Set REDIS_URL.",
                id="ldnforum.W001",
            )
        ]
    return []


@register(deploy=True)
def check_task_worker(app_configs, **kwargs):
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.endswith("ImmediateBackend"):
        return [
            Warning(
                "Emails are sent by the immediate tasks backend: after the "
                "commit, but still inside the request that caused them.",
                hint="Set DJANGO_TASKS_BACKEND=database and run manage.py db_worker.",
                id="ldnforum.W002",
            )
        ]
    return []


@register(deploy=True)
def check_site_url(app_configs, **kwargs):
    if not settings.SITE_URL.startswith("https://"):
        return [
            Warning(
                f"Links in emails point at {settings.SITE_URL}.",
                hint="Set DJANGO_SITE_URL to the site's https:// address.",
                id="ldnforum.W003",
            )
        ]
    return []
