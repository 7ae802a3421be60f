"""The shipped nginx config, started on loopback in front of a real gunicorn."""

from __future__ import annotations

import contextlib
import grp
import gzip
import http.client
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from bench.nginx_site import loopback_site
from tests.helpers import ROOT, free_port
from tests.servers import start_gunicorn

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BROTLI = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
HOST = "asian-news.net"


@pytest.fixture
def live_server_env() -> dict:
    return {"HTTP_MAX_AGE": "10", "TICKER_POLL_SECONDS": "5"}  # the ticker is kept 4 s


def worker_user() -> str:
    """As root, nginx's workers run as an unprivileged user, as in production (www-data), so
    files it could not read there cannot be served here either."""
    if os.geteuid() != 0:
        return ""  # the workers run as this user, and nginx ignores `user`
    for name in ("www-data", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return f"user {name} {grp.getgrgid(entry.pw_gid).gr_name};"
    pytest.fail("no unprivileged user (www-data or nobody) to run nginx's workers as")


@pytest.fixture
def nginx_dir():
    """A folder for nginx's files and the media it serves, that its workers can reach (pytest's
    own folders are private to root): a new /tmp/asian-news-nginx-* folder, mode 0755."""
    folder = Path(tempfile.mkdtemp(prefix="asian-news-nginx-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def served_media(demo_database, nginx_dir) -> Path:
    """The demo photos as the app wrote them (modes kept), where nginx's workers can reach."""
    media = nginx_dir / "media"
    shutil.copytree(demo_database.base / "media", media)
    return media


def start_nginx(app_port, folder: Path, media: Path):
    """nginx with the shipped site on a free loopback port, in front of 127.0.0.1:app_port."""
    if not Path(NGINX).exists():
        if os.environ.get("REQUIRE_NGINX") == "1":
            pytest.fail("nginx is not installed but REQUIRE_NGINX=1")
        pytest.skip("nginx is not installed (apt-get install nginx)")
    port = free_port()
    site = loopback_site(port, app_port, media, folder / "cache", folder / "snippets")
    # The checkout may sit in a folder private to root (a mktemp clone): nginx's workers serve
    # a copy of static/ from this reachable folder, as they would /srv/asian-news/app/ in production.
    app_copy = folder / "app"
    if not app_copy.exists():
        shutil.copytree(ROOT / "static", app_copy / "static")
        for path in [app_copy, *app_copy.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    site = site.replace(f"{ROOT}/", f"{app_copy}/")
    (folder / "snippets").mkdir()
    modules = ""
    if BROTLI.exists():
        modules = f"load_module {BROTLI};"
        shutil.copy(ROOT / "deploy" / "nginx" / "asian-news-brotli.conf", folder / "snippets")
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{modules}
{worker_user()}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    {site}
}}
"""
    )
    check = subprocess.run([NGINX, "-t", "-c", str(conf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"])
    for _ in range(50):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    return process, port


@pytest.fixture
def nginx(live_server, nginx_dir, served_media):
    app_port = live_server.url.rsplit(":", 1)[1]
    process, port = start_nginx(app_port, nginx_dir, served_media)
    yield port
    process.terminate()
    process.wait(timeout=10)


def fetch(port, path, host=HOST, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": host, **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_pages_pass_through_with_the_apps_headers_and_compression(nginx):
    response, body = fetch(nginx, "/", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert b"Asian-News" in gzip.decompress(body)
    assert "default-src 'self'" in response.getheader("Content-Security-Policy")
    assert response.getheader("Server") == "nginx", "no version number"
    if BROTLI.exists():
        br, _ = fetch(nginx, "/about", headers={"Accept-Encoding": "br"})
        assert br.getheader("Content-Encoding") == "br"


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip, deflate", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("identity", None),
        (None, None),
    ],
)
def test_each_encoding_is_cached_apart_and_compressed_once_by_the_app(nginx, accept, encoding):
    """The micro-cache keeps one copy per encoding; whoever asks first, nobody gets an encoding
    they did not accept, and the copy is the app's stored one (nginx does not compress again)."""
    import brotli

    plain = None
    for first in ("gzip, deflate, br", None, accept):  # fill the cache with other encodings first
        response, body = fetch(nginx, "/about", headers={"Accept-Encoding": first} if first else {})
        if first is None:
            plain = body
    headers = {"Accept-Encoding": accept} if accept else {}
    response, body = fetch(nginx, "/about", headers=headers)
    assert response.getheader("X-Micro-Cache") == "HIT"
    assert response.getheader("Content-Encoding") == encoding
    decoded = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[encoding](body)
    assert decoded == plain and b"Asian-News" in plain


def test_the_micro_cache_serves_anonymous_pages_and_honours_the_app(nginx):
    first, _ = fetch(nginx, "/latest")
    second, _ = fetch(nginx, "/latest")
    assert first.getheader("X-Micro-Cache") in ("MISS", "EXPIRED")
    assert second.getheader("X-Micro-Cache") == "HIT"
    fragment, body = fetch(nginx, "/latest", headers={"HX-Request": "true"})
    assert b"<html" not in body, "pages and fragments are cached apart"
    admin1, _ = fetch(nginx, "/admin/login")
    admin2, _ = fetch(nginx, "/admin/login")
    assert admin2.getheader("X-Micro-Cache") != "HIT" and "no-store" in admin2.getheader(
        "Cache-Control"
    )
    for cookie in ("session=abc", "theme=dark; __Host-session=abc"):
        signed_in, _ = fetch(nginx, "/latest", headers={"Cookie": cookie})
        assert signed_in.getheader("X-Micro-Cache") == "BYPASS", cookie
    other, _ = fetch(nginx, "/latest", headers={"Cookie": "notasession=1"})
    assert other.getheader("X-Micro-Cache") != "BYPASS"  # (a MISS: the app varies on Cookie)


@pytest.mark.case("S07")
def test_S07_static_and_media_are_served_by_nginx_with_safe_headers(nginx, served_media):
    _, html = fetch(nginx, "/about")
    css = re.search(rb'href="(/static/css/site\.css\?v=[0-9a-f]+)"', html).group(1).decode()
    response, _ = fetch(nginx, css)
    assert response.status == 200 and "immutable" in response.getheader("Cache-Control")
    assert "default-src 'none'" in response.getheader("Content-Security-Policy")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    media = next(served_media.glob("*-320.webp")).name
    response, _ = fetch(nginx, f"/media/{media}")
    assert response.status == 200 and response.getheader("Content-Type") == "image/webp"
    assert response.getheader("Content-Security-Policy") == "default-src 'none'; sandbox"
    assert response.getheader("X-Content-Type-Options") == "nosniff"


@pytest.mark.case("S21")
def test_S21_unknown_hosts_are_dropped(nginx):
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        fetch(nginx, "/", host="evil.example")


def _timed_fetch(port, path):
    start = time.monotonic()
    response, body = fetch(port, path)
    return response.status, time.monotonic() - start, body


@pytest.mark.case("R17")
def test_R17_slow_clients_are_held_by_nginx_and_never_reach_the_workers(nginx):
    """200 connections dribbling their headers a byte a second; normal readers are unaffected."""
    slow = []
    for _ in range(200):
        sock = socket.create_connection(("127.0.0.1", nginx), timeout=5)
        sock.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\n".encode())
        slow.append(sock)
    stop = threading.Event()

    def dribble():
        while not stop.wait(1.0):
            for sock in slow:
                with contextlib.suppress(OSError):
                    sock.send(b"X")

    dribbler = threading.Thread(target=dribble)
    dribbler.start()
    try:
        timings = []
        deadline = time.monotonic() + 6
        paths = ["/", "/about", "/latest", "/search?q=rice"]
        while time.monotonic() < deadline:
            status, seconds, _ = _timed_fetch(nginx, paths[len(timings) % len(paths)])
            assert status == 200
            timings.append(seconds)
    finally:
        stop.set()
        dribbler.join()
        for sock in slow:
            sock.close()
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"{len(timings)} normal requests beside 200 slow clients, p95 {p95 * 1000:.0f} ms")
    assert len(timings) >= 20
    assert p95 < 0.3


@pytest.fixture
def hanging_stack(live_server, nginx_dir, served_media, tmp_path):
    """gunicorn (--timeout 2) serving the site plus a hanging route, with nginx in front."""
    port = free_port()
    log = tmp_path / "hang-gunicorn.log"
    server, _ = start_gunicorn(
        {**live_server.env, "SITE_URL": f"http://{HOST}"},
        port,
        log,
        app_spec="tests.server.hang_app:create_app()",
        extra=("--timeout", "2"),
    )
    proxy, proxy_port = start_nginx(port, nginx_dir, served_media)
    yield proxy_port, log
    proxy.terminate()
    proxy.wait(timeout=10)
    server.terminate()
    server.wait(timeout=10)


@pytest.mark.case("R18")
def test_R18_a_hanging_request_costs_its_worker_and_nothing_else(hanging_stack):
    """gunicorn aborts the worker after --timeout. The sync worker answers that one request
    with its own bare 500 (or nginx gives 502/504 if the worker dies first); no traceback
    reaches the reader, the other worker serves on, and the kill is logged."""
    port, log = hanging_stack
    result = {}

    def hang():
        result["hang"] = _timed_fetch(port, "/__test__/hang")

    hanger = threading.Thread(target=hang)
    hanger.start()
    others = []
    while hanger.is_alive():
        others.append(_timed_fetch(port, "/about"))
        time.sleep(0.05)
    hanger.join()
    status, seconds, body = result["hang"]
    assert status in (500, 503), status  # gunicorn's bare 500, or nginx's "back in a moment"
    assert b"Traceback" not in body and b"hang_app" not in body and b"SystemExit" not in body
    assert seconds < 10, "gunicorn's timeout ended it, not nginx's 35 s"
    assert others and all(s == 200 for s, _, _ in others), "the other worker kept serving"
    assert "WORKER TIMEOUT" in log.read_text(), "the kill is in the server's log"
    for _ in range(5):  # and a replacement worker serves as before
        assert _timed_fetch(port, "/")[0] == 200


@pytest.mark.case("S06")
def test_S06_an_oversized_body_is_refused_by_nginx_before_the_app(nginx):
    conn = http.client.HTTPConnection("127.0.0.1", nginx, timeout=10)
    body = b"message=" + b"x" * (4 * 1024 * 1024)
    conn.request(
        "POST",
        "/contact",
        body=body,
        headers={"Host": HOST, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 413


@pytest.mark.case("R04")
def test_R04_with_no_worker_answering_readers_get_our_page_as_a_503(nginx_dir, served_media):
    """A restart or crash: nginx answers with the site's static "back in a moment" page."""
    dead_port = free_port()  # nothing listens here
    process, port = start_nginx(dead_port, nginx_dir, served_media)
    try:
        response, body = fetch(port, "/search?q=anything")
        assert response.status == 503
        assert response.getheader("Retry-After") == "30"
        assert "default-src 'none'" in response.getheader("Content-Security-Policy")
        assert b"Back in a moment" in body and b"Asian-News" in body
        css, _ = fetch(port, "/static/css/site.css")
        assert css.status == 200, "the page's stylesheet is served without the app"
        hidden, _ = fetch(port, "/_down.html")
        assert hidden.status == 404, "the page is only for errors, not an address of its own"
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- photos uploaded through the app ---------------------------------------------------------


def test_a_photo_uploaded_through_the_app_is_served_by_nginx(make_app, newsroom, nginx_dir):
    """nginx's workers run as another user than the app (www-data): every photo was 403."""
    from tests.helpers import photo_bytes, sign_in, upload

    media = nginx_dir / "media"  # missing: the app creates it, as on a new server
    app = make_app(MEDIA_ROOT=str(media))
    client = app.test_client()
    sign_in(client, "writer")
    assert upload(client, photo_bytes()).status_code == 303
    process, port = start_nginx(free_port(), nginx_dir, media)
    try:
        photos = sorted(p for p in media.iterdir() if p.is_file())
        assert photos
        for photo in photos:
            response, body = fetch(port, f"/media/{photo.name}")
            assert response.status == 200, (photo.name, response.status)
            assert body == photo.read_bytes()
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- the micro-cache: keyed on all a page varies on --------------------------------------------


def fetch_raw(port, path, headers: list[tuple[str, str]]):
    """A GET with exactly these header lines: repeated names and empty values included."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", path, skip_host=True)
    conn.putheader("Host", HOST)
    for name, value in headers:
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


FRAGMENT = [("HX-Request", "true")]
# Requests the app answers with a whole page, though some carry HX-Request: true.
PAGE_REQUESTS = {
    "plain": [],
    "boosted": [("HX-Request", "true"), ("HX-Boosted", "true")],
    "history-restore": [("HX-Request", "true"), ("HX-History-Restore-Request", "true")],
    "request-type-full": [("HX-Request", "true"), ("HX-Request-Type", "full")],
    # nginx sees the first of two lines; the app would have seen both ("true,false")
    "boosted-twice": [("HX-Request", "true"), ("HX-Boosted", "true"), ("HX-Boosted", "false")],
}
# Requests the app answers with a fragment.
FRAGMENT_REQUESTS = {
    "hx-request": FRAGMENT,
    "partial": [("HX-Request", "true"), ("HX-Request-Type", "partial")],
    "boosted-false": [("HX-Request", "true"), ("HX-Boosted", "false")],
    # an empty HX-Request-Type counts as absent for nginx; the app must see it so too
    "empty-request-type": [("HX-Request", "true"), ("HX-Request-Type", "")],
}


def test_htmx_headers_cannot_poison_the_micro_cache(nginx):
    """One request's flavour (page or fragment) never reaches a reader who asked for the other,
    whichever comes first, for a list page, search and the ticker poll."""
    cases = [
        (first_name, first, then_name, then)
        for page_name, page in PAGE_REQUESTS.items()
        for fragment_name, fragment in FRAGMENT_REQUESTS.items()
        for (first_name, first), (then_name, then) in (
            ((page_name, page), (fragment_name, fragment)),
            ((fragment_name, fragment), (page_name, page)),
        )
    ]
    wrong = []
    for number, (first_name, first, then_name, then) in enumerate(cases):
        for path in (f"/search?q=case{number}", f"/live/ticker?v=case{number}"):
            primed, _ = fetch_raw(nginx, path, first)
            assert primed.status == 200, (path, first_name)
            kept, _ = fetch_raw(nginx, path, first)
            assert kept.getheader("X-Micro-Cache") == "HIT", (path, first_name)
            response, body = fetch_raw(nginx, path, then)
            wants_page = then_name in PAGE_REQUESTS
            if (b"<html" in body) != wants_page:
                wrong.append(f"{path}: {then_name} after {first_name}")
    assert not wrong, wrong
    # and the cache still works for both flavours
    for headers in ([], FRAGMENT):
        fetch_raw(nginx, "/search?q=again", headers)
        response, _ = fetch_raw(nginx, "/search?q=again", headers)
        assert response.getheader("X-Micro-Cache") == "HIT"


def cache_entries(folder: Path) -> int:
    return sum(1 for p in (folder / "cache").rglob("*") if p.is_file())


@pytest.mark.parametrize("live_server_env", [{"PAGE_CACHE_NEW_PER_CLIENT": "40"}])
def test_junk_query_strings_add_no_micro_cache_entries(nginx, nginx_dir):
    """Parameters no page reads (tracking tags, junk, repeats) are passed through uncached; one
    client's distinct real queries add at most its budget (PAGE_CACHE_NEW_PER_CLIENT=40)."""
    fetch(nginx, "/latest")
    time.sleep(0.3)
    before = cache_entries(nginx_dir)
    _, page = fetch(nginx, "/latest")
    for number in range(150):
        for path in (
            f"/latest?x={number}",
            f"/latest?utm_source=s{number}&depth=1",
            f"/latest?depth=1&depth={number}",
        ):
            response, body = fetch(nginx, path)
            assert response.status == 200, path
            assert body == page, path
    time.sleep(0.3)
    assert cache_entries(nginx_dir) == before
    # The app counts a client's new pages per clock minute: start the counted part early in a
    # minute, so that it all falls in one however slowly the machine runs.
    if time.time() % 60 > 30:
        time.sleep(60.5 - time.time() % 60)
    # Real parameters still give their own pages, each kept...
    for q in ("rice", "tea"):
        fetch(nginx, f"/search?q={q}")
        response, body = fetch(nginx, f"/search?q={q}")
        assert response.getheader("X-Micro-Cache") == "HIT", q
        assert f'value="{q}"'.encode() in body
    # ...but one client cannot add more than its budget.
    for number in range(100):
        fetch(nginx, f"/search?q=word{number}")
    time.sleep(0.3)
    assert cache_entries(nginx_dir) - before <= 40


def test_the_query_parameters_nginx_caches_are_the_ones_the_app_reads():
    from web.caching import QUERY_PARAMETERS

    conf = (ROOT / "deploy" / "nginx" / "asian-news.conf").read_text()
    names = re.search(r'"~\^\(\(([a-z|]+)\)=', conf).group(1).split("|")
    assert sorted(names) == sorted(QUERY_PARAMETERS)


def _post_upload(
    port: int, size: int, path: str = "/admin/photos", field: str = "photo-photo", htmx=False
):
    boundary = "----photo"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="big.jpg"'
        "\r\nContent-Type: image/jpeg\r\n\r\n"
    ).encode()
    body = head + b"\xff\xd8" + b"0" * size + f"\r\n--{boundary}--\r\n".encode()
    headers = {"Host": HOST, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    if htmx:
        headers["HX-Request"] = "true"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode(errors="replace")
    conn.close()
    return response.status, text


def test_a_phone_photo_passes_nginx_and_an_oversized_one_gets_the_apps_readable_413(nginx):
    """nginx lets photo uploads through up to a little over the app's limit, so the app answers
    an oversized photo with its own page naming the limit; other forms keep nginx's 3 MB."""
    status, text = _post_upload(nginx, 5 * 1024 * 1024)
    # Nobody is signed in here: the app (not nginx) sends the upload to the sign-in page.
    assert status == 302, "a phone photo reaches the app"
    status, text = _post_upload(nginx, 26 * 1024 * 1024)
    assert status == 413 and "Photos can be up to 25 MB" in text, text[:300]
    assert 'class="masthead' in text, "the app's own page answered, not nginx"
    status, text = _post_upload(nginx, 28 * 1024 * 1024)  # over nginx's own limit too
    assert status == 413 and "Photos can be up to 25 MB" in text, text[:300]


LIVE_DESK = "/admin/stories/1/live"


def test_a_phone_photo_reaches_the_live_desk_through_nginx(nginx):
    """A reporter posts to a live page from a phone with a photo of several MB: it reached the
    app's desk (which takes 25 MB), not nginx's 3 MB refusal; beyond nginx's own limit the
    answer is our page that names the photo limit, which htmx shows in the desk's status line."""
    # Nobody is signed in here: the app (not nginx) answers as to anyone signed out.
    status, text = _post_upload(nginx, 5 * 1024 * 1024, LIVE_DESK, "photo")
    assert status == 302, "the post reached the app"
    status, text = _post_upload(nginx, 5 * 1024 * 1024, LIVE_DESK, "photo", htmx=True)
    assert status == 401 and "<html" not in text, "htmx's headers reach the app: a fragment"
    assert "You were signed out, so this was not saved." in text
    status, text = _post_upload(nginx, 28 * 1024 * 1024, LIVE_DESK, "photo")
    assert status == 413 and "Photos can be up to 25 MB" in text, text[:300]
    assert 'class="masthead' not in text, "nginx's page for a body beyond its limit"
    # the photo desk's reading of a chosen photo's words takes the photo too
    status, _ = _post_upload(nginx, 5 * 1024 * 1024, "/admin/photos/read", htmx=True)
    assert status == 401
    # ...and the live page's other forms keep nginx's 3 MB, with nginx's bare answer
    for path in (f"{LIVE_DESK}/summary", f"{LIVE_DESK}/", "/admin/stories/12/live1"):
        status, text = _post_upload(nginx, 4 * 1024 * 1024, path, "photo")
        assert status == 413 and "Photos can be up to" not in text, path


def test_every_address_that_takes_more_than_3_mb_has_nginxs_larger_limit(app):
    """A view that accepts a body over nginx's 3 MB (accepts_body) is listed in the site's
    photo location, or nginx refuses what the app was made to take."""
    conf = (ROOT / "deploy" / "nginx" / "asian-news.conf").read_text()
    assert re.search(r"^\s*client_max_body_size 3m;", conf, re.M)
    location = re.search(
        r"location ~ (\S+) \{\s*client_max_body_size (\d+)m;\s*error_page 413 /_photo_too_large",
        conf,
    )
    pattern, megabytes = re.compile(location.group(1)), int(location.group(2))
    large = {}
    for rule in app.url_map.iter_rules():
        limit = getattr(app.view_functions[rule.endpoint], "max_body_bytes", None)
        if limit is not None and limit > 3 * 1024 * 1024 and "POST" in rule.methods:
            large[re.sub(r"<int:[a-z_]+>", "17", rule.rule)] = limit
    assert "/admin/stories/17/live" in large and "/admin/photos" in large
    for path, limit in large.items():
        assert pattern.match(path), f"{path} takes {limit} bytes but nginx allows 3 MB"
        assert limit < megabytes * 1024 * 1024, path
