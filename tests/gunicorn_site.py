"""The site served by gunicorn (gunicorn.conf.py, as `make serve` runs it) in a
subprocess, against the test database: for the tests that need real
processes (a database outage, several app servers). 127.0.0.1 only."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

START_SECONDS = 30
STOP_SECONDS = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(*, port: int | None = None) -> str:
    """The database pytest-django made, at `port` on 127.0.0.1 when given
    (a forwarder in front of it), else where it is."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    host = "127.0.0.1" if port else db["HOST"] or "127.0.0.1"
    port = port or int(db["PORT"] or 5432)
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def site_environment(**overrides: str) -> dict[str, str]:
    """Production settings (DEBUG off) with what a test machine lacks filled
    in; nothing else is inherited from the test run's environment."""
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return {
        **base,
        "DJANGO_SECRET_KEY": "gunicorn-test-only-not-a-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "DJANGO_EMAIL_BACKEND": "locmem",
        "DJANGO_LOG_LEVEL": "ERROR",
        "WEB_CONCURRENCY": "1",
        # The tests read which server answered from its access log.
        "GUNICORN_ACCESS_LOG": "-",
        **overrides,
    }


class Server:
    """One gunicorn master and its workers. Their output goes to files,
    opened for appending: a chatty server never blocks on a full pipe, and
    reading the log never moves where the workers write."""

    def __init__(self, process: subprocess.Popen, port: int, logs: Path):
        self.process = process
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._logs = logs

    def access_log(self) -> str:
        """The requests it served (gunicorn.conf.py logs them to stdout)."""
        return (self._logs / "stdout.log").read_text()

    def errors(self) -> str:
        return (self._logs / "stderr.log").read_text()[-4000:]

    def wait_listening(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not start:\n{self.errors()}")
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_SECONDS)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], *, port: int | None = None) -> Iterator[Server]:
    """A running gunicorn on 127.0.0.1, stopped on the way out whatever
    happened."""
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="gunicorn-") as directory:
        logs = Path(directory)
        with (
            open(logs / "stdout.log", "a") as stdout,
            open(logs / "stderr.log", "a") as stderr,
        ):
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                cwd=Path(settings.BASE_DIR),
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                stdout=stdout,
                stderr=stderr,
            )
        server = Server(process, port, logs)
        try:
            server.wait_listening()
            yield server
        finally:
            server.stop()


def get(url: str, *, timeout: float = 20) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()
