"""gunicorn's settings for `make serve` (and production): several worker
processes, none keeping state another needs (sessions, cache and tasks live
in PostgreSQL and Redis). Environment variables override each default."""

import multiprocessing
import os

wsgi_app = "ldnforum.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# gunicorn's rule of thumb: two workers a core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then, so that a slow leak can't grow for ever.
max_requests = 2000
max_requests_jitter = 200
# The proxy in front (if any) on this host may say the request was https.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
