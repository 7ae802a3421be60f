"""Security headers on every kind of response, and the host and cookie rules."""

from __future__ import annotations

import logging
import re

import pytest

from tests.factories import make_story

CSP_PARTS = ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]


def assert_secure_headers(response):
    csp = response.headers["Content-Security-Policy"]
    for part in CSP_PARTS:
        assert part in csp, part
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.case("S24")
@pytest.mark.parametrize(
    ("method", "url", "headers", "status"),
    [
        ("GET", "/", {}, 200),
        ("GET", "/latest", {"HX-Request": "true"}, 200),
        ("GET", "/n/{story}", {}, 301),
        ("GET", "/no-such-page", {}, 404),
        ("POST", "/latest", {}, 405),
        ("GET", "/latest?before=bad", {}, 400),
        ("GET", "/admin/", {}, 302),
    ],
)
def test_S24_every_response_type_carries_the_security_headers(
    client, query, method, url, headers, status
):
    story = query(lambda: make_story(headline="Floods close schools across Java").id)
    response = client.open(url.format(story=story), method=method, headers=headers)
    assert response.status_code == status
    assert_secure_headers(response)


@pytest.mark.case("S24")
def test_S24_errors_and_static_files_carry_them_too(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    assert_secure_headers(client.get("/boom"))
    css = re.search(r'href="(/static/css/site\.css\?v=\w+)"', client.get("/about").text).group(1)
    with client.get(css) as response:
        assert_secure_headers(response)


@pytest.mark.case("S24")
def test_S24_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://asian-news.test")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.case("S21")
def test_S21_a_foreign_host_is_refused_when_trusted_hosts_are_set(make_app):
    client = make_app(TRUSTED_HOSTS=["asian-news.test"]).test_client()
    assert client.get("/", headers={"Host": "asian-news.test"}).status_code == 200
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.case("S15")
def test_S15_session_cookie_is_secure_httponly_and_lax_in_production(make_app):
    app = make_app(SITE_URL="https://asian-news.test", WTF_CSRF_ENABLED=True)
    response = app.test_client().get("/contact", base_url="https://asian-news.test")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.case("S27")
def test_S27_csrf_failures_and_rate_limits_are_logged_as_security_events(make_app, caplog):
    guarded = make_app(WTF_CSRF_ENABLED=True).test_client()
    limited = make_app(RATELIMIT_ENABLED=True, CONTACT_RATE_LIMIT="1 per minute").test_client()
    form = {"name": "x", "email": "a@example.org", "subject": "s", "message": "a long enough text"}
    with caplog.at_level(logging.INFO, logger="security"):
        guarded.post("/contact", data={"name": "x\r\nevent=forged"})
        limited.post("/contact", data=form)
        assert limited.post("/contact", data=form).status_code == 429
    lines = [r.getMessage() for r in caplog.records if r.name == "security"]
    assert any('event="csrf" outcome="refused"' in line for line in lines)
    assert any('event="rate-limit" outcome="refused"' in line for line in lines)
    assert all("\n" not in line and "\r" not in line for line in lines)
