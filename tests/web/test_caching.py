"""Pages are cached in the shared cache, revalidated by ETag, and never leak private state."""

from __future__ import annotations

import re

import pytest

from tests.factories import add_correction, make_story
from web import caching


@pytest.fixture
def stories(query):
    """A page and a bit of stories about Japan (12 a page), one corrected, in three sections."""

    def make():
        make_story(headline="Rice prices climb as the harvest comes in late", section="business")
        add_correction(
            make_story(
                headline="Tea growers in Shizuoka count the cost of frost", section="culture"
            ),
            "An earlier version gave the wrong prefecture.",
        )
        for number in range(11):
            make_story(headline=f"Diet debates the budget, day {number + 1}")

    query(make)


PUBLIC = ["/", "/latest", "/section/politics", "/country/japan", "/about", "/corrections"]


@pytest.mark.parametrize("url", PUBLIC)
def test_anonymous_pages_are_cached_and_publicly_cacheable(client, stories, url):
    first = client.get(url)
    second = client.get(url)
    assert first.headers["X-Cache"] == "MISS"
    assert second.headers["X-Cache"] == "HIT"
    assert first.data == second.data
    cache_control = second.headers["Cache-Control"]
    assert (
        cache_control.startswith("public, max-age=") and "stale-while-revalidate" in cache_control
    )
    assert "Set-Cookie" not in second.headers


def test_full_pages_answer_conditional_requests_with_304(client, stories):
    first = client.get("/latest")
    etag = first.headers["ETag"]
    again = client.get("/latest", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_fragments_carry_no_validators(client, htmx, stories):
    response = client.get("/latest", headers=htmx)
    assert "ETag" not in response.headers
    assert "HX-Request" in response.headers["Vary"]


def test_page_and_fragment_are_cached_separately(client, htmx, stories):
    client.get("/section/culture")
    fragment = client.get("/section/culture", headers=htmx)
    assert "<html" not in fragment.text
    page = client.get("/section/culture")
    assert "<html" in page.text


def test_a_save_invalidates_cached_pages_on_every_worker(make_app, query, stories):
    """Two app instances share the cache, like two gunicorn workers."""
    worker_a = make_app().test_client()
    worker_b = make_app().test_client()
    worker_a.get("/latest")
    assert worker_b.get("/latest").headers["X-Cache"] == "HIT"
    query(lambda: make_story(headline="Typhoon makes landfall in Cagayan"))
    response = worker_b.get("/latest")
    assert response.headers["X-Cache"] == "MISS"
    assert "Typhoon makes landfall in Cagayan" in response.text


@pytest.mark.case("S22")
def test_S22_a_poisoned_host_header_never_reaches_the_cached_page(client):
    client.get("/about", headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    clean = client.get("/about")
    assert "evil.example" not in clean.text
    assert 'href="http://asian-news.test/about"' in clean.text


def test_tracking_parameters_do_not_change_the_canonical_url(client, stories):
    html = client.get("/section/politics?utm_source=newsletter&utm_medium=email").text
    assert '<link rel="canonical" href="http://asian-news.test/section/politics">' in html


@pytest.mark.case("S23")
def test_S23_pages_with_a_form_token_or_flash_are_never_cached(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    first = client.get("/contact")
    assert first.headers["Cache-Control"] == "private, no-store"
    assert "X-Cache" not in first.headers


@pytest.mark.case("R16")
def test_R16_a_crowd_on_an_expired_page_renders_it_at_most_twice(app, make_app, stories):
    """Cache stampede: 16 readers arrive together right after a publish retired the page."""
    import threading

    from blueprints.news import views

    renders = []
    real = views.Story.latest

    def counting_latest(*args, **kwargs):
        renders.append(1)
        return real(*args, **kwargs)

    views.Story.latest = counting_latest
    try:
        clients = [make_app().test_client() for _ in range(16)]
        barrier = threading.Barrier(len(clients))
        statuses = []

        def read(client):
            barrier.wait()
            statuses.append(client.get("/latest").status_code)

        threads = [threading.Thread(target=read, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        views.Story.latest = real
    assert statuses == [200] * 16
    assert len(renders) <= 2, f"rendered {len(renders)} times"


# --- keyed on all a page varies on: htmx's headers ---------------------------------------------

FRAGMENT_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request", "HX-Request-Type")
# Each asks for a whole page though it carries HX-Request: true.
PAGE_REQUESTS = {
    "boosted": {"HX-Request": "true", "HX-Boosted": "true"},
    "history-restore": {"HX-Request": "true", "HX-History-Restore-Request": "true"},
    "request-type-full": {"HX-Request": "true", "HX-Request-Type": "full"},
    "plain": {},
}
DUAL = ["/latest", "/section/politics", "/search?q=rice"]


@pytest.mark.parametrize("url", DUAL)
@pytest.mark.parametrize("fragment_first", [False, True], ids=["page-first", "fragment-first"])
@pytest.mark.parametrize("page", PAGE_REQUESTS.values(), ids=PAGE_REQUESTS.keys())
def test_htmx_headers_cannot_poison_the_page_cache(
    client, htmx, stories, url, page, fragment_first
):
    """A page and a fragment of one URL are kept apart whatever the htmx headers, and both
    name every header they were chosen by in Vary, so no cache in front can mix them up."""
    order = [("fragment", htmx), ("page", page)]
    if not fragment_first:
        order.reverse()
    for _ in range(2):  # a miss, then a hit
        for flavour, headers in order:
            response = client.get(url, headers=headers)
            assert response.status_code == 200
            assert ("<html" in response.text) == (flavour == "page"), flavour
            assert set(FRAGMENT_HEADERS) <= set(response.vary), response.headers["Vary"]
    assert response.headers["X-Cache"] == "HIT"


@pytest.mark.parametrize("url", ["/live/ticker?v=0", "/no-such-page", "/latest?depth=x"])
@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true"}], ids=["page", "fragment"])
def test_every_answer_chosen_by_the_htmx_headers_varies_on_all_of_them(client, url, headers):
    response = client.get(url, headers=headers)
    assert set(FRAGMENT_HEADERS) <= set(response.vary), (url, response.headers.get("Vary"))


# --- keyed on the parameters a page reads, and bounded per client -------------------------------


@pytest.fixture
def stored_pages(monkeypatch):
    """The keys of every page the cache was asked to keep (any backend: FileSystem or Redis)."""
    from extensions import cache

    keys = []
    real_set = cache.set

    def recording_set(key, *args, **kwargs):
        if key.startswith("page:"):
            keys.append(key)
        return real_set(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", recording_set)
    return keys


def cache_files(app) -> int:
    from pathlib import Path

    return sum(1 for p in Path(app.config["CACHE_DIR"]).iterdir() if not p.name.startswith("lock"))


def test_a_thousand_junk_query_strings_add_one_entry(app, client, stories, stored_pages):
    page = client.get("/latest").text
    files = cache_files(app) if app.config["CACHE_TYPE"] == "FileSystemCache" else None
    for number in range(1000):
        response = client.get(f"/latest?x={number}&utm_source=s{number}")
        assert response.text == page
        assert response.headers["X-Cache"] == "HIT"
        assert response.headers["X-Accel-Expires"] == "0", "nginx keeps no copy of this URL"
    assert stored_pages == stored_pages[:1], "only /latest itself was stored"
    if files is not None:
        assert cache_files(app) <= files + 1  # (+ this client's budget counter)


def test_the_key_names_known_parameters_in_one_order(app):
    from web.caching import page_cache_key

    def key(url, **headers):
        with app.test_request_context(url, headers=headers):
            return page_cache_key()

    assert key("/latest?x=1") == key("/latest") == key("/latest?utm_source=a&fbclid=b")
    assert key("/search?q=rice&before=12") == key("/search?before=12&q=rice&ref=x")
    assert key("/search?q=rice&q=tea") == key("/search?q=rice")  # a page reads the first
    assert (
        len(
            {
                key("/search?q=rice"),
                key("/search?q=tea"),
                key("/search?q=rice&before=12"),
                key("/latest?before=5-5"),
                key("/latest?depth=2"),
                key("/latest"),
                key("/latest?stream=home"),
                key("/latest", **{"HX-Request": "true"}),
            }
        )
        == 8
    )


def test_real_parameters_still_give_their_own_pages(client, stories):
    first = client.get("/latest").text
    older = re.search(r'href="(/latest\?before=[^"]+)"', first).group(1).replace("&amp;", "&")
    assert client.get(older).text != first
    assert client.get(older + "&junk=1").text == client.get(older).text
    rice, tea = client.get("/search?q=rice").text, client.get("/search?q=tea").text
    assert 'value="rice"' in rice and 'value="tea"' in tea
    cursor = re.search(r"before=(\d+)", client.get("/search?q=the").text).group(1)
    assert client.get(f"/search?q=the&before={cursor}").status_code == 200
    assert client.get(f"/search?before={cursor}&q=the").headers["X-Cache"] == "HIT"


def test_a_page_is_rendered_from_the_parameters_in_its_key(client, stories):
    """Junk never reaches a cached page, e.g. in the links search builds from its query."""
    html = client.get("/search?q=a&junk=planted-by-the-first-reader").text
    assert "planted-by-the-first-reader" not in html


def test_one_client_adds_at_most_its_budget_of_pages(make_app, stored_pages, monkeypatch):
    # One minute throughout, however slowly the machine runs the sixty requests.
    monkeypatch.setattr(caching, "budget_minute", lambda: 29_000_000)
    app = make_app(PAGE_CACHE_NEW_PER_CLIENT=25)
    client = app.test_client()
    answers = [client.get(f"/search?q=word{number}") for number in range(60)]
    assert all(r.status_code == 200 for r in answers)
    assert len(stored_pages) == 25
    assert answers[-1].headers["Cache-Control"] == "private, no-store", "nginx keeps none either"
    other = app.test_client().get("/search?q=word59", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.headers["X-Cache"] == "MISS" and len(stored_pages) == 26, "others still can"


def test_a_reader_waits_for_another_workers_render_only_while_it_goes_on(app):
    """Single flight: a request for a page another worker is rendering waits for its copy, but
    stops waiting as soon as that worker lets go without storing it (a client past its page
    budget), instead of sitting out the whole two seconds."""
    import threading
    import time

    from extensions import cache

    key = "page:test:p:single-flight"
    with app.app_context():
        assert cache.claim(key)
        assert cache.claimed(key)
        threading.Timer(0.2, lambda: _release(app, key)).start()
        started = time.monotonic()
        assert caching._wait_for(key, while_claimed=True) is None
        waited = time.monotonic() - started
        assert 0.15 < waited < 1.0, waited
        assert not cache.claimed(key)
        # Stored before it let go: the waiter gets the copy.
        assert cache.claim(key)
        threading.Timer(0.2, lambda: _store_and_release(app, key)).start()
        assert caching._wait_for(key, while_claimed=True) == "the page"


def test_with_no_page_kept_nobody_waits_for_another_workers_render(make_app, stories):
    """With a page budget of 0 no render is stored, so there is no copy to wait for: a request
    for a page another worker is rendering is rendered at once, not after the two-second wait."""
    import time

    from extensions import cache

    app = make_app(PAGE_CACHE_NEW_PER_CLIENT=0)
    client = app.test_client()
    client.get("/")  # the content version, the stored cards
    with app.test_request_context("/"):
        assert cache.claim(caching.page_cache_key())  # another worker is rendering "/"
    started = time.monotonic()
    assert client.get("/").status_code == 200
    assert time.monotonic() - started < 1.0


def _release(app, key):
    from extensions import cache

    with app.app_context():
        cache.release(key)


def _store_and_release(app, key):
    from extensions import cache

    with app.app_context():
        cache.set(key, "the page")
        cache.release(key)


def test_a_page_stored_by_the_previous_release_is_rendered_anew_not_a_500(client):
    """Until this release the cache kept (body, status, headers); such an entry may still be
    there, under the same content version, right after a deploy."""
    from extensions import cache

    client.get("/about")
    with client.application.test_request_context("/about"):
        key = caching.page_cache_key()
        cache.set(key, (b"old", 200, [("Content-Type", "text/html; charset=utf-8")]))
    response = client.get("/about")
    assert response.status_code == 200
    assert response.data != b"old" and b"<html" in response.data


def test_a_worker_memo_holds_only_the_current_content_version(query):
    """The navigation, the home front and the list fronts written are kept in each worker's
    memory per content version (cache.worker_memo): a new version must find none of the old."""
    from extensions import cache

    def use():
        cache.worker_memo("navigation", "v1")["nav"] = "the old menu"
        kept_again = dict(cache.worker_memo("navigation", "v1"))
        after_publish = dict(cache.worker_memo("navigation", "v2"))
        back_to_old = dict(cache.worker_memo("navigation", "v1"))
        return kept_again, after_publish, back_to_old

    kept_again, after_publish, back_to_old = query(use)
    assert kept_again == {"nav": "the old menu"}
    assert after_publish == {}
    assert back_to_old == {}  # nothing of an older version is kept once a newer one was asked
