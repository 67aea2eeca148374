"""A database outage: 503 with Retry-After and our page, never a 500; and
the site recovers by itself when the database comes back.

The real test runs the site in gunicorn, in a subprocess, against the test
database through a TCP forwarder that the test stops and starts: stopped,
nothing listens on the database's address (a stopped server)."""

import contextlib
import socket
import threading

import pytest
from django.db import OperationalError, connection
from django.urls import path

from ldnforum.urls import handler500  # noqa: F401
from ldnforum.urls import urlpatterns as site_urlpatterns
from tests.gunicorn_site import database_url, free_port, get, gunicorn, site_environment


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
        self.port = free_port()
        self._server: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

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


@pytest.fixture
def site_through_forwarder():
    """gunicorn serving the site, its database reached only through a
    Forwarder that starts stopped."""
    db = connection.settings_dict
    forwarder = Forwarder((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    env = site_environment(DATABASE_URL=database_url(port=forwarder.port))
    try:
        with gunicorn(env) as server:
            yield server.url, forwarder
    finally:
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
    _assert_unavailable_page(*get(url + "/"))
    _assert_unavailable_page(*get(url + article.get_absolute_url()))
    css_status, _, _ = get(url + "/static/css/forum.css")
    assert css_status == 200

    database.start()
    status, _, page = get(url + article.get_absolute_url())
    assert status == 200
    assert article.title in page

    # Down again while the server holds a connection, then back: the
    # server is never restarted.
    database.stop()
    _assert_unavailable_page(*get(url + "/"))
    database.start()
    status, _, page = get(url + "/")
    assert status == 200
    assert article.title in page
