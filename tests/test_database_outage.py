"""A database outage: 503 with Retry-After and our page, never a 500; and
the site recovers by itself when the database comes back.

The real test runs the site in gunicorn, in a subprocess, against the test
database through a TCP forwarder that the test stops and starts: stopped,
nothing listens on the database's address (a stopped server)."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.urls import path

from ldnforum.urls import handler500  # noqa: F401
from ldnforum.urls import urlpatterns as site_urlpatterns


def _view_loses_the_database(request):
    raise OperationalError("connection refused (raised in a view)")


urlpatterns = [path("test-outage/", _view_loses_the_database), *site_urlpatterns]


class LosingMiddleware:
    """Stands for a middleware that queries (sessions, MFA) during an
    outage."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("connection refused (raised in a middleware)")


def _assert_unavailable_page(status, headers, page):
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "The forum is unavailable for a moment" in page
    assert "Traceback" not in page
    assert "connection refused" not in page


def test_view_that_loses_the_database_answers_503_page(client, settings, db):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False

    response = client.get("/test-outage/")

    _assert_unavailable_page(
        response.status_code, response.headers, response.content.decode()
    )


def test_middleware_that_loses_the_database_answers_503_page(client, settings, db):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.LosingMiddleware"]
    client.raise_request_exception = False

    response = client.get("/")

    _assert_unavailable_page(
        response.status_code, response.headers, response.content.decode()
    )


class Forwarder:
    """A TCP forwarder to the database that can be stopped (every
    connection cut, nothing listening) and started again on its port."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = self._free_port()
        self._server: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    @staticmethod
    def _free_port() -> int:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def start(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen()
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone
            # would leave the socket listening until accept() returns.
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)
            server.close()
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return  # stopped
            upstream = socket.create_connection(self.upstream)
            with self._lock:
                self._open.update((client, upstream))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(source, target), daemon=True
                ).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def _get(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def site_through_forwarder():
    """gunicorn serving the site, its database reached only through a
    Forwarder that starts stopped."""
    db = connection.settings_dict
    forwarder = Forwarder((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        web_port = probe.getsockname()[1]
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env = {
        **base,
        "DATABASE_URL": (
            f"postgres://{credentials}@127.0.0.1:{forwarder.port}/{db['NAME']}"
        ),
        "DJANGO_SECRET_KEY": "outage-test-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "DJANGO_EMAIL_BACKEND": "locmem",
        "DJANGO_LOG_LEVEL": "ERROR",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ldnforum.wsgi:application",
            "--bind",
            f"127.0.0.1:{web_port}",
            "--workers",
            "1",
            "--timeout",
            "30",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", web_port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"gunicorn did not start: {server.communicate()[1]}")
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{web_port}", forwarder
    finally:
        server.terminate()
        server.wait(timeout=10)
        forwarder.stop()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the forwarder speaks to PostgreSQL; .ci/run and make test use it",
)
def test_site_answers_503_while_database_is_down_and_recovers_by_itself(
    site_through_forwarder, article
):
    url, database = site_through_forwarder

    # Nothing listens where the database should be.
    _assert_unavailable_page(*_get(url + "/"))
    _assert_unavailable_page(*_get(url + article.get_absolute_url()))
    css_status, _, _ = _get(url + "/static/css/forum.css")
    assert css_status == 200

    database.start()
    status, _, page = _get(url + article.get_absolute_url())
    assert status == 200
    assert article.title in page

    # Down again while the server holds a connection, then back: the
    # server is never restarted.
    database.stop()
    _assert_unavailable_page(*_get(url + "/"))
    database.start()
    status, _, page = _get(url + "/")
    assert status == 200
    assert article.title in page
