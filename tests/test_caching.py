"""Pages are cached in the shared cache, revalidated by ETag, and never leak private state."""

from __future__ import annotations

import pytest

from tests.factories import make_story

PUBLIC = ["/", "/latest", "/section/politics", "/country/japan", "/about", "/corrections"]


@pytest.mark.parametrize("url", PUBLIC)
def test_anonymous_pages_are_cached_and_publicly_cacheable(client, url):
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


def test_full_pages_answer_conditional_requests_with_304(client):
    first = client.get("/latest")
    etag = first.headers["ETag"]
    again = client.get("/latest", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_fragments_carry_no_validators(client, htmx):
    response = client.get("/latest", headers=htmx)
    assert "ETag" not in response.headers
    assert "HX-Request" in response.headers["Vary"]


def test_page_and_fragment_are_cached_separately(client, htmx):
    client.get("/section/culture")
    fragment = client.get("/section/culture", headers=htmx)
    assert "<html" not in fragment.text
    page = client.get("/section/culture")
    assert "<html" in page.text


def test_a_save_invalidates_cached_pages_on_every_worker(make_app, query):
    """Two app instances share the cache, like two gunicorn workers."""
    worker_a = make_app().test_client()
    worker_b = make_app().test_client()
    worker_a.get("/latest")
    assert worker_b.get("/latest").headers["X-Cache"] == "HIT"
    query(lambda: make_story(headline="Typhoon makes landfall in Cagayan"))
    response = worker_b.get("/latest")
    assert response.headers["X-Cache"] == "MISS"
    assert "Typhoon makes landfall in Cagayan" in response.text


def test_S22_a_poisoned_host_header_never_reaches_the_cached_page(client):
    client.get("/about", headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    clean = client.get("/about")
    assert "evil.example" not in clean.text
    assert 'href="http://asian-news.test/about"' in clean.text


def test_tracking_parameters_do_not_change_the_canonical_url(client):
    html = client.get("/section/politics?utm_source=newsletter&utm_medium=email").text
    assert '<link rel="canonical" href="http://asian-news.test/section/politics">' in html


def test_S23_pages_with_a_form_token_or_flash_are_never_cached(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    first = client.get("/contact")
    assert first.headers["Cache-Control"] == "private, no-store"
    assert "X-Cache" not in first.headers


def test_R16_a_crowd_on_an_expired_page_renders_it_at_most_twice(app, make_app):
    """Cache stampede: 16 readers arrive together right after a publish retired the page."""
    import threading

    from blueprints.news import views

    renders = []
    real = views.Article.latest

    def counting_latest(*args, **kwargs):
        renders.append(1)
        return real(*args, **kwargs)

    views.Article.latest = counting_latest
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
        views.Article.latest = real
    assert statuses == [200] * 16
    assert len(renders) <= 2, f"rendered {len(renders)} times"
