"""The cases of the security and reliability reference that no other module covers, and a check
that every case of the reference has a test marked @pytest.mark.case("S01") or a make target."""

from __future__ import annotations

import importlib
import logging
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsroom.content import render_markdown, sanitize_html
from tests.helpers import GOOD, PASSWORD, REDIS_URL, ROOT, csrf_token, free_port, sign_in

CASES = [f"S{n:02}" for n in range(1, 30)] + [f"R{n:02}" for n in range(1, 20)]
# Cases checked by a make target that .ci/run runs (or, for the soak, that an operator runs).
BY_MAKE_TARGET = {
    "S11": "fuzz",  # atheris for 60 s; hypothesis runs in the suite too (test_S11_...)
    "S28": "lint",  # bandit, semgrep with controls, gixy with a control
    "R01": "loadtest",  # mixed readers, fragments and contact writers through gunicorn
    "R02": "loadtest",  # every acknowledged message reconciled with the database
    "R03": "loadtest",  # SIGTERM of a worker mid-load
    "R04": "loadtest",  # SIGKILL of a busy worker
    "R05": "loadtest",  # two graceful HUP reloads
    "R19": "soak",  # 10 minutes without faults: memory and open files stay flat
}


def marked_cases(tests_dir: Path = ROOT / "tests") -> set[str]:
    """The case ids carried by @pytest.mark.case on the test functions of every test module."""
    cases = set()
    for path in sorted(tests_dir.rglob("test_*.py")):
        name = ".".join(path.relative_to(tests_dir.parent).with_suffix("").parts)
        for attr, function in vars(importlib.import_module(name)).items():
            if attr.startswith("test_") and callable(function):
                for mark in getattr(function, "pytestmark", []):
                    if mark.name == "case":
                        cases.update(mark.args)
    return cases


def test_every_case_of_the_reference_has_a_marked_test_or_a_make_target():
    marked = marked_cases()
    assert marked <= set(CASES), f"marks naming no case of the reference: {marked - set(CASES)}"
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.M))
    for case, target in BY_MAKE_TARGET.items():
        assert target in targets, f"{case}: make {target} is missing"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make lint" in ci and "make loadtest" in ci
    missing = [c for c in CASES if c not in marked and c not in BY_MAKE_TARGET]
    assert missing == [], f"cases without a test marked @pytest.mark.case(<ID>): {missing}"


# --- S01: the sanitizer holds for any text, not just the corpus ------------------------------


@pytest.mark.case("S01")
@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("<>/=\"' ascriptonerrorjavascript:&#;x1()svgimg")))
    | st.text()
)
@example(">#")
@example("<s>")
def test_S01_no_text_produces_a_script_and_sanitizing_is_stable(text):
    html = render_markdown(text)
    lowered = html.lower()
    assert "<script" not in lowered
    assert not re.search(r"<[^>]+\son\w+\s*=", lowered)
    # What the sanitizer lets through, it lets through again unchanged. (Markdown run a second
    # time over HTML may wrap it in paragraphs: that is Markdown, not the sanitizer.)
    assert sanitize_html(html) == html


# --- S02: escaped wherever a visitor's text comes back ---------------------------------------

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(1)>'


@pytest.mark.case("S02")
def test_S02_a_visitors_markup_comes_back_escaped_everywhere(client, htmx):
    answers = [
        client.get("/search", query_string={"q": PAYLOAD}),
        client.get("/search", query_string={"q": PAYLOAD}, headers=htmx),
        client.get("/search", query_string={"q": PAYLOAD, "start": "12"}, headers=htmx),
        client.get("/nowhere/" + PAYLOAD),
        client.get("/tag/" + PAYLOAD),
        client.post("/contact", data={**GOOD, "name": PAYLOAD, "subject": PAYLOAD, "email": "x"}),
        client.post("/contact", data={**GOOD, "name": PAYLOAD, "email": "x"}, headers=htmx),
        client.get("/latest", query_string={"after": PAYLOAD}, headers=htmx),
    ]
    for response in answers:
        assert response.status_code < 500, response.request.path
        assert "<script>alert(1)</script>" not in response.text
        assert "<img src=x onerror" not in response.text


@pytest.mark.case("S02")
def test_S02_newsroom_text_is_escaped_in_titles_tags_ticker_and_flash(editor, query):
    from tests.factories import story_form

    hostile = query(
        lambda: story_form(
            headline=f"Headline {PAYLOAD}",
            tags=f"Tag {PAYLOAD}",
            standfirst=PAYLOAD,
            action="publish",
        )
    )
    saved = editor.post("/admin/stories/new", data=hostile)
    assert saved.status_code == 303
    page = editor.get(saved.headers["Location"])  # the form, with the flash naming the story
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
    editor.post("/admin/ticker", data={"text": f"Ticker {PAYLOAD}", "minutes": "30"})
    for url in ("/", "/latest", "/live/ticker", "/admin/ticker", "/admin/stories"):
        text = editor.get(url).text
        assert "<script>alert(1)</script>" not in text, url
    import sqlalchemy as sa

    from extensions import db
    from newsroom.models import Story

    slug = query(lambda: db.session.scalar(sa.select(Story.slug).order_by(Story.id.desc())))
    assert re.fullmatch(r"[a-z0-9-]+", slug), "slugs never carry markup"
    article = editor.get(f"/article/{slug}").text
    i = article.find("<script>alert(1)")
    assert i == -1, article[i - 300 : i + 100]
    assert "<img src=x onerror" not in article


# --- S12: a fresh session and a fresh form token at sign-in ----------------------------------


@pytest.mark.case("S12")
def test_S12_signing_in_rotates_the_session_and_the_form_token(make_app, newsroom):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token(client.get("/admin/login").text)
    with client.session_transaction() as s:
        before = dict(s)
    signed = client.post(
        "/admin/login",
        data={"email": "editor@asian-news.test", "password": PASSWORD, "csrf_token": token},
    )
    assert signed.status_code == 302
    with client.session_transaction() as s:
        after = dict(s)
    assert after.get("csrf_token") != before.get("csrf_token")
    assert after["sid"] and "sid" not in before
    stale = client.post("/admin/ticker", data={"text": "x", "minutes": "5", "csrf_token": token})
    assert stale.status_code == 400, "the token from before sign-in is dead"


# --- S15: production cookies -----------------------------------------------------------------


@pytest.mark.case("S15")
def test_S15_the_production_session_cookie_is_host_only_and_public_pages_set_none(make_app):
    app = make_app(SITE_URL="https://asian-news.test", WTF_CSRF_ENABLED=True)
    client = app.test_client()
    for url in ("/", "/latest", "/about", "/search?q=rice", "/feeds/rss.xml"):
        response = client.get(url, base_url="https://asian-news.test")
        assert "Set-Cookie" not in response.headers, url
    cookie = client.get("/contact", base_url="https://asian-news.test").headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    assert "Path=/" in cookie and "Domain" not in cookie
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- S16: no enumeration by timing, with the production hash ----------------------------------


@pytest.mark.case("S16")
def test_S16_unknown_email_and_wrong_password_take_the_same_time(make_app, newsroom, query):
    from extensions import db
    from newsroom.models import User
    from web.auth import hash_password

    app = make_app(PASSWORD_HASH_METHOD="scrypt")

    def real_hash():
        user = User.by_email("editor@asian-news.test")
        user.password_hash = hash_password(PASSWORD)
        db.session.commit()

    with app.app_context():
        real_hash()
    client = app.test_client()

    def timed(email):
        start = time.perf_counter()
        response = client.post("/admin/login", data={"email": email, "password": "wrong one!"})
        assert response.status_code == 401
        return time.perf_counter() - start

    timed("editor@asian-news.test")  # warm both paths
    timed("nobody@asian-news.test")
    known, unknown = [], []
    for _ in range(21):  # interleaved, so a busy moment of the machine hits both alike
        known.append(timed("editor@asian-news.test"))
        unknown.append(timed("nobody@asian-news.test"))
    a, b = statistics.median(known), statistics.median(unknown)
    print(f"median wrong password {a * 1000:.0f} ms, unknown email {b * 1000:.0f} ms")
    assert abs(a - b) / max(a, b) < 0.10


# --- S17: the limit keys on the real client, and only behind the proxy we trust ---------------


@pytest.mark.case("S17")
def test_S17_per_ip_limit_uses_the_real_client_behind_one_proxy_and_resets(make_app, newsroom):
    app = make_app(
        RATELIMIT_ENABLED=True,
        PROXY_FIX=1,
        LOGIN_RATE_LIMIT_IP="3 per minute",
        LOGIN_RATE_LIMIT_ACCOUNT="100 per minute",
    )
    client = app.test_client()

    def attempt(ip, email="nobody@asian-news.test", password="wrong"):
        return client.post(
            "/admin/login",
            data={"email": email, "password": password},
            headers={"X-Forwarded-For": ip},
        )

    for _ in range(3):
        assert attempt("203.0.113.7").status_code == 401
    limited = attempt("203.0.113.7")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert attempt("198.51.100.2").status_code == 401, "another reader is not locked out"
    # A client cannot pick a fresh address by prepending its own X-Forwarded-For entry:
    # nginx appends the real one and ProxyFix trusts only that last hop.
    assert attempt("192.0.2.1, 203.0.113.7").status_code == 429

    direct = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT_IP="2 per minute").test_client()
    for ip in ("192.0.2.10", "192.0.2.11"):
        direct.post(
            "/admin/login",
            data={"email": "x@y.z", "password": "p"},
            headers={"X-Forwarded-For": ip},
        )
    spoofed = direct.post(
        "/admin/login",
        data={"email": "x@y.z", "password": "p"},
        headers={"X-Forwarded-For": "192.0.2.12"},
    )
    assert spoofed.status_code == 429, "without a proxy, X-Forwarded-For is not believed"


@pytest.mark.case("S17")
@pytest.mark.skipif(not REDIS_URL, reason="needs the PostgreSQL and Redis leg (shared limits)")
def test_S17_the_login_limit_is_shared_by_every_gunicorn_worker(live_server):
    """Two workers, one Redis: the eleventh failure from one address is refused by either."""
    import http.cookiejar
    import urllib.error
    import urllib.parse
    import urllib.request

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(live_server.url + "/admin/login", timeout=10).read().decode()
    token = csrf_token(page)
    codes = []
    for n in range(12):  # a different account each time: only the per-address limit applies
        data = urllib.parse.urlencode(
            {"email": f"nobody{n}@example.org", "password": "x", "csrf_token": token}
        ).encode()
        try:
            opener.open(
                urllib.request.Request(live_server.url + "/admin/login", data=data), timeout=10
            )
        except urllib.error.HTTPError as error:
            codes.append(error.code)
    assert codes == [401] * 10 + [429, 429], codes


# --- S18: contact abuse ----------------------------------------------------------------------


@pytest.mark.case("S18")
def test_S18_an_overlong_message_is_refused_and_not_stored(client, query):
    import sqlalchemy as sa

    from extensions import db
    from newsroom.models import ContactMessage

    response = client.post("/contact", data={**GOOD, "message": "x" * 5_001})
    assert response.status_code == 422 and "5,000 characters" in response.text
    huge = client.post("/contact", data={**GOOD, "message": "x" * 3_000_000})
    assert huge.status_code == 413
    count = query(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(ContactMessage)))
    assert count == 0


# --- S22: nothing a request carries can poison a cached page ---------------------------------


@pytest.mark.case("S22")
def test_S22_hosts_protocols_and_query_payloads_never_reach_a_cached_page(client):
    poison = [
        {"headers": {"X-Forwarded-Host": "evil.example"}},
        {"headers": {"X-Forwarded-Proto": "http", "X-Forwarded-Host": "evil.example"}},
        {"headers": {"Forwarded": "host=evil.example;proto=http"}},
        {"query_string": {"utm_source": "<script>alert(1)</script>"}},
    ]
    for url in ("/", "/section/politics", "/about"):
        for request in poison:
            client.get(url, **request)
        clean = client.get(url).text
        assert "evil.example" not in clean and "<script>alert(1)" not in clean
        assert "http://asian-news.test/" in clean


# --- S23: what an editor sees is never what a reader gets ------------------------------------


@pytest.mark.case("S23")
def test_S23_pages_seen_signed_in_never_reach_anonymous_readers(app, editor):
    for url in ("/", "/latest", "/about"):
        seen = editor.get(url)
        assert seen.status_code == 200
    reader = app.test_client()
    for url in ("/", "/latest", "/about"):
        page = reader.get(url).text
        assert "Test Editor" not in page and "/admin/logout" not in page
    editor.post("/admin/logout")
    after = editor.get("/admin/stories")
    assert after.status_code == 302, "after sign-out the admin is gone, back button or not"


# --- S26: no debugger, no detail, and the failure is findable in the log ----------------------


@pytest.mark.case("S26")
def test_S26_no_debugger_and_errors_are_logged_with_their_request_id(app, client, caplog):
    @app.get("/boom-logged")
    def boom():
        raise RuntimeError("database password is hunter2")

    assert not app.debug
    assert client.get("/console").status_code == 404

    with caplog.at_level(logging.ERROR):
        response = client.get("/boom-logged", headers={"X-Request-ID": "abc123def456"})
    assert response.status_code == 500
    assert "hunter2" not in response.text and "Traceback" not in response.text
    assert "RuntimeError" not in response.text and str(ROOT) not in response.text
    [record] = [r for r in caplog.records if r.getMessage() == "unhandled error"]
    assert record.request_id == "abc123def456"


# --- S27: sign-in events -----------------------------------------------------------------------


@pytest.mark.case("S27")
def test_S27_sign_in_sign_out_and_refusals_each_write_one_line_without_secrets(
    app, client, newsroom, caplog
):
    with caplog.at_level(logging.INFO, logger="security"):
        sign_in(client, "editor", "a wrong password")
        sign_in(client, "writer")
        client.get("/admin/users")  # a writer is refused: 403
        client.post("/admin/logout")
        app.test_client().post(
            "/admin/login", data={"email": "x\r\nevent=forged@example.org", "password": "p"}
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "security"]
    assert any('event="login" outcome="failure"' in line for line in lines)
    assert any('event="login" outcome="success"' in line and 'user="' in line for line in lines)
    assert any('event="authorization" outcome="denied"' in line for line in lines)
    assert any('event="logout" outcome="success"' in line for line in lines)
    text = "\n".join(lines)
    assert PASSWORD not in text and "a wrong password" not in text
    assert "csrf" not in text.lower() or "csrf_token" not in text
    assert all("\n" not in line and "\r" not in line for line in lines)
    assert not any(line.startswith("event=forged") for line in lines)


# --- S29: fragments asked for directly get the same protection as pages ------------------------


@pytest.mark.case("S29")
def test_S29_admin_fragments_requested_directly_are_guarded_like_pages(app, client, newsroom):
    variants = [
        {},
        {"HX-Request": "true"},
        {"Accept": "application/json"},
        {"Sec-Fetch-Site": "cross-site", "HX-Request": "true"},
    ]
    for headers in variants:
        for method, url in (
            ("GET", "/admin/stories?status=draft"),
            ("GET", "/admin/messages"),
            ("POST", "/admin/preview"),
        ):
            response = client.open(url, method=method, headers=headers, data={"body": "x"})
            if headers.get("HX-Request"):  # htmx is told to sign in, and the page stays
                assert response.status_code == 401, (url, headers)
                assert 'href="/admin/login" target="_blank"' in response.text
            else:
                assert response.status_code == 302, (url, headers)
                assert response.headers["Location"].startswith("/admin/login")
            assert "Test Editor" not in response.text and "<table" not in response.text
            assert "Content-Security-Policy" in response.headers


@pytest.mark.case("S29")
def test_S29_reader_fragments_carry_the_page_headers(client):
    fragment = client.get("/latest", headers={"HX-Request": "true"})
    page = client.get("/latest")
    for name in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
    ):
        assert fragment.headers[name] == page.headers[name]
    assert "HX-Request" in fragment.headers["Vary"]


# --- R13: several workers boot on an empty database -----------------------------------------


@pytest.mark.case("R13")
def test_R13_three_gunicorn_workers_boot_on_an_empty_database(tmp_path):
    import os

    instance = tmp_path / "instance"
    instance.mkdir()
    env = {
        **os.environ,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "r13",
        "SITE_URL": "http://127.0.0.1",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "3",
                "--bind",
                f"127.0.0.1:{port}",
                "app:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        import urllib.error
        import urllib.request

        deadline = time.monotonic() + 20
        status = None
        while status is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                    status = r.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                time.sleep(0.2)
        assert status == 200, log.read_text()  # the database answers, even with no tables yet
        assert server.poll() is None, "the master is still running"
        text = log.read_text()
        assert text.count("Booting worker") == 3 and "Worker failed to boot" not in text
        migrated = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert migrated.returncode == 0, migrated.stderr
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/about", timeout=5) as r:  # noqa: S310
            assert r.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
