"""The 400/403/404/429/500 pages: ours, and with nothing of the machinery
behind them (DEBUG is off in tests, as in production)."""

import pytest

LEAKS = ("Traceback", "SECRET-DETAIL", "SECRET_KEY", "DATABASES", "settings.py")


@pytest.fixture
def failing_client(client, settings):
    settings.ROOT_URLCONF = "tests.error_urls"
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    ("status", "heading"),
    [
        (400, "We couldn't understand that request"),
        (403, "You can't do that here"),
        (404, "We couldn't find that page"),
        (500, "Something went wrong on our side"),
    ],
)
def test_error_page_is_ours_without_details_when_debug_is_off(
    failing_client, settings, db, status, heading
):
    assert settings.DEBUG is False

    response = failing_client.get(f"/test-errors/{status}/")

    page = response.content.decode()
    assert response.status_code == status
    assert heading in page
    assert "LDN Forum" in page
    assert 'href="/static/css/forum.css"' in page
    for leak in LEAKS:
        assert leak not in page


def test_server_error_page_renders_without_the_database(
    failing_client, django_assert_num_queries, db
):
    with django_assert_num_queries(0):
        response = failing_client.get("/test-errors/500/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
