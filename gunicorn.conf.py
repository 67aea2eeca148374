"""gunicorn's settings for `make serve` (and production): several worker
processes, none keeping state another needs (sessions, cache and tasks live
in PostgreSQL and Redis). Environment variables override each default."""

import multiprocessing
import os

wsgi_app = "ldnforum.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threaded workers: a process a core plus one, four threads each. Threads
# keep connections alive between requests (sync workers close each one),
# and cached pages spend their time outside the interpreter's lock (sockets
# to Redis and to the client). `make bench` measured about 40% more
# requests a second than five sync workers on a 2-core machine.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
keepalive = 5
# Load Django once in the master: a recycled worker is a fork, not a second
# start-up (which showed as seconds-long stalls in the bench's p99).
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then, so that a slow leak can't grow for ever; not
# too often. A new worker compiles its templates again, and it gets none of
# the connections the old one kept alive: clients reconnect at once, to the
# workers still running. At 20,000, under `make bench`'s load (64 kept-alive
# connections) every worker recycled within 20 s. The connections then
# stood at 49, 12 and 3 on the three workers, and in 4 of 8 runs a quarter
# to over half of a run's throughput was gone. At 100,000 a worker recycles
# every few minutes at full load, and every day or so at a quiet site's.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
# The proxy in front (if any) on this host may say the request was https.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No access log unless asked for (GUNICORN_ACCESS_LOG=- for stdout): served
# without a proxy it would record every reader's address, which the forum
# otherwise never keeps (README: Privacy).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
