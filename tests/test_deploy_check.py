"""`manage.py check --deploy` with production's environment reports nothing:
Django's security checks (HSTS, secure and HttpOnly cookies, SameSite,
nosniff, Referrer-Policy, COOP, ...) and our own (shared cache, task
worker, https links in emails). Run in a subprocess, because settings are
read from the environment once, at startup."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "forum.example.org",
    "DJANGO_SITE_URL": "https://forum.example.org",
    "DJANGO_TASKS_BACKEND": "database",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DATABASE_URL": "postgres://forum@db.example.org:5432/ldnforum",
}


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    # Only what the system gives every process, then production's settings:
    # nothing of the test run's own environment (pytest-env's) leaks in.
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_deploy_check_reports_nothing_with_production_settings():
    result = _check_deploy(PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_warns_when_production_lacks_redis_worker_and_https():
    env = dict(PRODUCTION, DJANGO_SITE_URL="http://forum.example.org")
    del env["REDIS_URL"], env["DJANGO_TASKS_BACKEND"]

    result = _check_deploy(env)

    assert result.returncode == 1
    for check in ("ldnforum.W001", "ldnforum.W002", "ldnforum.W003"):
        assert check in result.stderr
