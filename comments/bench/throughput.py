"""Throughput: wrk (Debian's package) against gunicorn as `make serve` runs
it (gunicorn.conf.py), on the bench's PostgreSQL database and Redis, as
anonymous readers of one article. Bounded runs, on 127.0.0.1 only, and the
server is always stopped afterwards."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

CONNECTIONS = (16, 64)
DURATION_S, QUICK_DURATION_S = 20, 3
WRK_THREADS = 2
WARM_UP_S = 3
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def database_url() -> str:
    """The URL of the database this process is on (the bench's own)."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise CommandError("The throughput bench serves from PostgreSQL.")
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 5.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown
    try:
        server.wait(timeout=35)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # its own session: it and its workers
        server.wait(timeout=10)


def parse_wrk(output: str) -> dict:
    def ms(text: str) -> float:
        value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
        return float(value) * _UNITS_MS[unit]

    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rps is None or len(latency) != 2:
        raise CommandError(f"wrk's output was not understood:\n{output}")
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
        output,
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    return {
        "rps": float(rps[1]),
        "p50_ms": ms(latency["50"]),
        "p99_ms": ms(latency["99"]),
        "requests": int(requests[1]) if requests else 0,
        "errors": (int(non_2xx[1]) if non_2xx else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    }


def _wrk(wrk: str, url: str, *, connections: int, duration: int) -> str:
    return subprocess.run(
        [
            wrk,
            f"-t{WRK_THREADS}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            # As a browser asks: the cached page goes out as it is stored.
            "-H",
            "Accept-Encoding: gzip, deflate, br",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    ).stdout


def measure(path: str, *, redis_url: str, duration: int) -> list[dict]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise CommandError("wrk is missing: `make bench` installs Debian's wrk.")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get(
            "DJANGO_SECRET_KEY", "bench-only-not-a-secret"
        ),
    }
    log_path = Path(settings.VAR_DIR) / "bench-gunicorn.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    rows = []
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn.conf.py"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while _get(f"{base}/healthz", timeout=2) != 200:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise CommandError(f"gunicorn did not come up; see {log_path}.")
                time.sleep(0.5)
            # The first request fills the page cache; wrk measures hits.
            if (status := _get(base + path, timeout=30)) != 200:
                raise CommandError(f"gunicorn answered {status} for {path}.")
            # Unreported: every worker's first requests (imports, connections).
            _wrk(wrk, base + path, connections=CONNECTIONS[0], duration=WARM_UP_S)
            for connections in CONNECTIONS:
                output = _wrk(
                    wrk, base + path, connections=connections, duration=duration
                )
                rows.append(
                    {
                        "connections": connections,
                        "duration_s": duration,
                        "url": path,
                        **parse_wrk(output),
                    }
                )
        finally:
            _stop(server)
    return rows
