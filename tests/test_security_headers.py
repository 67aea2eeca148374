"""The security headers every response carries, as a browser receives them."""

import pytest

EXPECTED_CSP = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "base-uri": {"'self'"},
    "object-src": {"'none'"},
}


def _directives(header: str) -> dict[str, set[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


@pytest.mark.parametrize(
    "url", ["/", "/accounts/login/", "/accounts/signup/", "/no-such-page/"]
)
@pytest.mark.django_db
def test_every_response_carries_the_strict_content_security_policy(client, url):
    response = client.get(url)

    directives = _directives(response["Content-Security-Policy"])
    for name, values in EXPECTED_CSP.items():
        assert directives[name] == values, name
    script_sources = directives["script-src"] | directives["default-src"]
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & script_sources


@pytest.mark.django_db
def test_responses_carry_the_browser_hardening_headers(client, article):
    response = client.get(article.get_absolute_url())

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(client, member):
    from tests.conftest import PASSWORD

    client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/", {"login": member.email, "password": PASSWORD}
    )

    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"]
    assert csrf["samesite"] == "Lax"


def test_https_requests_get_a_year_of_strict_transport_security(client, db):
    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
