"""The ticker and the new-stories notice: cheap polls that answer 204 until something changes."""

from __future__ import annotations

import re

import pytest

from tests.factories import TickerItemFactory, make_story


@pytest.fixture
def ticker(query):
    """One line on the ticker, up for the next hour; its id."""
    return query(
        lambda: TickerItemFactory(text="Indonesia's central bank holds its benchmark rate").id
    )


def ticker_version(html: str) -> str:
    return re.search(r'data-ticker-version="([0-9a-f]+)"', html).group(1)


def test_every_page_embeds_the_ticker_with_its_poll(client, ticker):
    html = client.get("/").text
    assert "Indonesia&#39;s central bank holds its benchmark rate" in html
    version = ticker_version(html)
    assert f'hx-get="/live/ticker?v={version}"' in html
    assert 'hx-trigger="every 1s, visible-again from:document"' in html
    assert 'hx-swap="outerHTML"' in html


def test_unchanged_ticker_answers_204_and_is_publicly_cacheable(make_app, ticker, htmx):
    client = make_app(TICKER_POLL_SECONDS=30).test_client()
    version = ticker_version(client.get("/").text)
    response = client.get(f"/live/ticker?v={version}", headers=htmx)
    assert response.status_code == 204
    assert response.data == b""
    assert response.headers["Cache-Control"] == "public, max-age=10"


def test_polls_are_never_kept_longer_than_their_interval(client, ticker, htmx):
    version = ticker_version(client.get("/").text)
    response = client.get(f"/live/ticker?v={version}", headers=htmx)
    assert response.headers["Cache-Control"] == "public, max-age=0"


def test_an_item_added_from_the_cli_reaches_the_next_poll(client, runner, ticker, htmx):
    version = ticker_version(client.get("/").text)
    result = runner.invoke(
        args=["ticker", "add", "Floods close schools across Bangladesh", "--link", "/latest"]
    )
    assert result.exit_code == 0, result.output
    response = client.get(f"/live/ticker?v={version}", headers=htmx)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section id="ticker"')
    assert "Floods close schools across Bangladesh" in response.text
    assert "Indonesia&#39;s central bank" in response.text, "the line already up stays"
    assert ticker_version(response.text) != version
    # The new item is announced once to screen readers; the line already up is not.
    assert '<hx-partial hx-target="#ticker-announcer"' in response.text
    assert "Breaking news: Floods close schools across Bangladesh. </hx-partial>" in response.text


def test_expired_items_leave_the_ticker(client, runner):
    runner.invoke(args=["ticker", "add", "Short-lived alert about a ferry", "--minutes", "5"])
    listed = runner.invoke(args=["ticker", "list"]).output
    ident = re.search(r"(\d+)\s+live\s+until [\d-]+ [\d:]+\s+Short-lived", listed).group(1)
    assert "Short-lived alert" in client.get("/").text
    assert runner.invoke(args=["ticker", "expire", ident]).exit_code == 0
    assert "Short-lived alert" not in client.get("/").text
    assert "expired" in runner.invoke(args=["ticker", "list", "--all"]).output


def test_cli_refuses_unsafe_links_and_empty_text(runner):
    assert runner.invoke(args=["ticker", "add", "x", "--link", "javascript:alert(1)"]).exit_code
    assert runner.invoke(args=["ticker", "add", "   "]).exit_code
    assert runner.invoke(args=["ticker", "expire", "999999"]).exit_code


def test_ticker_opened_directly_is_a_whole_page(client, ticker):
    response = client.get("/live/ticker")
    assert "<html" in response.text and "<h1" in response.text
    assert "Indonesia&#39;s central bank holds its benchmark rate" in response.text


def newest_cursor(html: str) -> str:
    return re.search(r"/live/latest\?after=(\d+-\d+)", html).group(1)


def test_new_stories_notice_counts_stories_published_since_the_page(client, query, htmx):
    query(lambda: make_story(headline="Japan's exports rise for a third month"))
    after = newest_cursor(client.get("/country/japan").text)
    url = f"/live/latest?after={after}&seen=0&country=japan"
    assert client.get(url, headers=htmx).status_code == 204
    query(lambda: make_story(headline="Bank of Japan raises rates"))
    query(lambda: make_story(headline="Tokyo stocks jump after rate decision"))
    response = client.get(url, headers=htmx)
    assert response.status_code == 200
    assert "2 new stories" in response.text
    assert "seen=2" in response.text, "the next poll knows what the reader was shown"
    assert client.get(url.replace("seen=0", "seen=2"), headers=htmx).status_code == 204


def test_other_lists_do_not_count_stories_that_are_not_theirs(client, query, htmx):
    query(lambda: make_story(headline="Mumbai monsoon arrives early", countries=["india"]))
    after = newest_cursor(client.get("/country/india").text)
    query(lambda: make_story(headline="Osaka expo site reopens", countries=["japan"]))
    url = f"/live/latest?after={after}&seen=0&country=india"
    assert client.get(url, headers=htmx).status_code == 204
    query(lambda: make_story(headline="Delhi metro opens new line", countries=["india"]))
    assert "1 new story" in client.get(url, headers=htmx).text, "its own stories count"


def test_new_story_cards_come_with_a_fresh_notice(client, query, htmx):
    query(lambda: make_story(headline="Busan port volumes hold up", countries=["south-korea"]))
    after = newest_cursor(client.get("/").text)
    query(
        lambda: make_story(headline="Seoul announces new chip subsidies", countries=["south-korea"])
    )
    response = client.get(f"/live/latest/stories?after={after}", headers=htmx)
    assert response.status_code == 200
    assert "seoul-announces-new-chip-subsidies" in response.text
    assert "busan-port-volumes-hold-up" not in response.text, "only the stories since the page"
    assert response.text.lstrip().startswith('<li class="story-list__item story-list__item--new"')
    assert '<hx-partial hx-target="#new-stories" hx-swap="outerHTML">' in response.text


def test_live_urls_opened_directly_lead_back_to_the_list(client):
    response = client.get("/live/latest?after=1700000000000000-1&country=japan")
    assert response.status_code == 302
    assert response.headers["Location"] == "/country/japan"
