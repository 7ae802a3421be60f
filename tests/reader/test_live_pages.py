"""A reader on a live coverage page: what the page shows, its older posts, permalinks deep in the
page, and the poll that answers 204 until something changes, then sends what changed."""

from __future__ import annotations

import gzip
import re
from contextlib import contextmanager
from dataclasses import dataclass

import lxml.html
import pytest

from blueprints.news import live_page
from extensions import cache, db
from newsroom import live
from newsroom.models import LivePost, Story, User
from tests.factories import LiveStoryFactory, StoryFactory
from tests.helpers import statements


@dataclass
class Page:
    """A live page made for a test: its id, address and posts' ids (oldest first)."""

    id: int
    slug: str
    posts: list[int]

    @property
    def url(self) -> str:
        return f"/article/{self.slug}"


def _write(query, newsroom, count: int, **story_fields) -> Page:
    """A live page from Manila with `count` posts by the editor, through the newsroom's service."""

    def make():
        editor = db.session.get(User, newsroom["editor"])
        story_fields.setdefault("headline", "Typhoon Kalmaegi makes landfall in Eastern Samar")
        story = LiveStoryFactory(
            standfirst="The strongest storm of the year crosses the central Philippines.",
            **story_fields,
        )
        live.set_summary(story, "- Landfall near **Guiuan** at dawn\n- 40,000 evacuated", None)
        ids = []
        for n in range(1, count + 1):
            post = live.add_post(
                story,
                editor,
                f"Update number {n} from the coast.",
                title="Landfall confirmed" if n == 2 else "",
                key_event=n == 2,
            )
            ids.append(post.id)
        return Page(story.id, story.slug, ids)

    return query(make)


@pytest.fixture
def coverage(query, newsroom) -> Page:
    return _write(query, newsroom, 25)


@contextmanager
def query_statements(app):
    """The SQL the app runs inside the block."""
    with app.app_context(), statements() as seen:
        yield seen


def change(query, fn):
    """Run fn(story, posts by id) with the service, as the desk or the command line would."""

    def run():
        story = db.session.scalar(db.select(Story).where(Story.kind == "live"))
        posts = {p.id: p for p in db.session.scalars(db.select(LivePost))}
        fn(story, posts)

    query(run)


def of_class(node, name: str) -> list:
    """The elements under node whose class list holds `name`."""
    return node.xpath(f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


def first(node, name: str):
    return of_class(node, name)[0]


def article_ids(html: str) -> list[str]:
    return re.findall(r'<article class="live-post[^"]*" id="(post-\d+)"', html)


def since_of(html: str) -> str:
    return re.search(r'id="live-poll"[^>]*data-since="(\d+)"', html).group(1)


def poll(client, page: Page, since: str, htmx):
    return client.get(f"/live/coverage/{page.id}?since={since}", headers=htmx)


# --- the page ---------------------------------------------------------------------------------


def test_a_live_page_shows_its_label_summary_key_events_and_newest_posts_first(client, coverage):
    response = client.get(coverage.url)
    assert response.status_code == 200
    html = response.text
    doc = lxml.html.fromstring(html)
    status = doc.get_element_by_id("live-status").text_content()
    assert "Live" in status and "ended" not in status
    assert "Typhoon Kalmaegi makes landfall in Eastern Samar" in html
    assert "The strongest storm of the year crosses the central Philippines." in html
    summary = doc.get_element_by_id("live-summary")
    assert summary.get("hidden") is None
    assert "What we know" in summary.text_content()
    assert "<strong>Guiuan</strong>" in html

    shown = article_ids(html)
    newest_first = [f"post-{i}" for i in reversed(coverage.posts)]
    assert shown == newest_first[:20], "twenty posts, newest first"

    newest = doc.get_element_by_id(f"post-{coverage.posts[-1]}")
    assert "Update number 25 from the coast." in newest.text_content()
    assert "Test Editor" in newest.text_content()
    time = first(newest, "live-post__time").find("time")
    assert time.get("datetime").endswith("+08:00"), "the dateline's zone: Manila"
    # Manila's clock labelled by its offset: the zone database's "PST" reads as US Pacific.
    assert re.fullmatch(r"\d\d:\d\d UTC\+8", time.text_content())
    assert first(newest, "live-post__ago").text_content() == "just now"
    share = first(newest, "live-post__share").get("href")
    assert share == f"{coverage.url}#post-{coverage.posts[-1]}"

    key_links = doc.get_element_by_id("live-key-events").findall(".//a")
    assert [a.text_content().split()[-2:] for a in key_links] == [["Landfall", "confirmed"]]
    assert (
        key_links[0].get("href")
        == f"{coverage.url}?upto={coverage.posts[1]}#post-{coverage.posts[1]}"
    ), "a key event beyond the first twenty posts loads the page down to it, without script"
    assert 'src="/static/js/live-coverage.js' in html


def test_a_key_event_among_the_first_posts_links_to_its_place(query, newsroom, client):
    page = _write(query, newsroom, 3)
    doc = lxml.html.fromstring(client.get(page.url).text)
    assert (
        doc.get_element_by_id("live-key-events").findall(".//a")[0].get("href")
        == f"#post-{page.posts[1]}"
    )
    assert (
        first(doc.get_element_by_id(f"post-{page.posts[1]}"), "live-post__key").text_content()
        == "Key event"
    )
    assert (
        doc.get_element_by_id(f"post-{page.posts[1]}").find(".//h3").text_content()
        == "Landfall confirmed"
    )


def test_a_post_embedding_a_story_shows_its_card(query, newsroom, client, coverage):
    def embed(story, posts):
        other = StoryFactory(headline="Why the Philippines sees twenty typhoons a year")
        live.add_post(story, None, f"Background reading:\n\n[[nid:{other.id}]]")

    change(query, embed)
    doc = lxml.html.fromstring(client.get(coverage.url).text)
    newest = first(doc, "live-post")
    card = of_class(newest, "embed-card")
    assert card and "Why the Philippines sees twenty typhoons a year" in card[0].text_content()
    assert "[[nid:" not in newest.text_content()


def test_a_closed_page_says_when_it_ended_and_its_poller_has_no_trigger(query, client, coverage):
    change(query, lambda story, _posts: live.close_coverage(story, None))
    html = client.get(coverage.url).text
    doc = lxml.html.fromstring(html)
    status = doc.get_element_by_id("live-status").text_content()
    assert "Live coverage ended" in status
    assert re.search(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC\+8", status)
    poller = doc.get_element_by_id("live-poll")
    assert poller.get("hx-get") is None and poller.get("hx-trigger") is None
    assert poller.get("data-live-poll") is None


def test_an_ordinary_story_is_unchanged(client, query):
    slug = query(lambda: StoryFactory(headline="Rice prices steady in Bangkok").slug)
    html = client.get(f"/article/{slug}").text
    assert 'id="live' not in html
    assert "live-coverage.js" not in html
    assert 'class="story__body prose"' in html


def test_a_live_page_with_no_posts_yet_says_so(query, client):
    slug = query(lambda: LiveStoryFactory().slug)
    doc = lxml.html.fromstring(client.get(f"/article/{slug}").text)
    assert first(doc, "live-posts__end").text_content().startswith("No updates yet.")
    assert doc.get_element_by_id("live-summary").get("hidden") is not None
    assert doc.get_element_by_id("live-key-events").get("hidden") is not None


def test_a_new_post_is_on_the_page_at_once_despite_the_page_cache(query, client, coverage):
    before = client.get(coverage.url)
    assert before.headers["X-Cache"] == "MISS"
    assert client.get(coverage.url).headers["X-Cache"] == "HIT"
    change(query, lambda story, _posts: live.add_post(story, None, "Power is out in Tacloban."))
    html = client.get(coverage.url).text
    assert "Power is out in Tacloban." in html
    assert since_of(html) != since_of(before.text)


def test_the_page_reads_the_same_rows_however_many_posts_it_shows(app, query, newsroom, signed_in):
    small = _write(query, newsroom, 2)
    large = _write(query, newsroom, 20, headline="Second live page")
    client = signed_in("editor")  # a signed-in reader's pages are never served from the cache

    def count(page):
        client.get(page.url)  # navigation and ticker are cached from here on
        with query_statements(app) as seen:
            assert client.get(page.url).status_code == 200
        return len(seen)

    assert count(small) == count(large)


# --- older posts and permalinks ---------------------------------------------------------------


def test_show_older_updates_is_a_real_link_to_a_full_page(client, coverage):
    newest = client.get(coverage.url).text
    older = first(lxml.html.fromstring(newest), "live-posts__older")
    assert older.text_content() == "Show older updates"
    href = older.get("href")
    assert re.fullmatch(rf"{coverage.url}\?before=\d+-{coverage.posts[5]}", href)

    page = client.get(href)
    assert page.status_code == 200 and "<html" in page.text
    assert article_ids(page.text) == [f"post-{i}" for i in reversed(coverage.posts[:5])]
    doc = lxml.html.fromstring(page.text)
    assert first(doc, "live__back").find("a").get("href") == coverage.url
    assert first(doc, "live-posts__end").text_content() == ("This is where the coverage began.")
    assert not doc.xpath("//*[@id='live-poll']"), "an older page does not poll for new posts"


def test_show_older_updates_for_htmx_is_the_next_posts_alone(client, coverage, htmx):
    href = re.search(r'href="([^"]*\?before=[^"]*)"', client.get(coverage.url).text).group(1)
    response = client.get(href, headers=htmx)
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="live-poll"' not in response.text
    assert "HX-Request" in response.headers["Vary"]
    assert article_ids(response.text) == [f"post-{i}" for i in reversed(coverage.posts[:5])]


def test_a_permalink_deep_in_the_page_loads_the_posts_down_to_it(client, coverage, htmx):
    target = coverage.posts[1]
    for headers in ({}, htmx):
        response = client.get(f"{coverage.url}?upto={target}", headers=headers)
        assert response.status_code == 200
        shown = article_ids(response.text)
        assert shown[0] == f"post-{coverage.posts[-1]}" and shown[-1] == f"post-{target}"
        assert len(shown) == 24
    assert "Show older updates" in response.text, "the one post older than it is a link away"


def test_a_permalink_deeper_than_a_page_can_hold_opens_an_earlier_page_starting_with_it(
    client, coverage, monkeypatch
):
    monkeypatch.setattr(live_page, "UPTO_MOST", 22)  # 25 posts: 23 are newer than the second
    target = coverage.posts[1]
    response = client.get(f"{coverage.url}?upto={target}")
    shown = article_ids(response.text)
    assert shown[0] == f"post-{target}", "it opens at the post, not 22 posts short of it"
    assert "Back to the latest updates" in response.text


def test_a_permalink_to_a_deleted_post_opens_the_newest_posts(query, client, coverage):
    gone = coverage.posts[0]
    change(query, lambda _story, posts: live.delete_post(posts[gone], None))
    response = client.get(f"{coverage.url}?upto={gone}")
    assert response.status_code == 200
    assert len(article_ids(response.text)) == 20
    assert f'id="post-{gone}"' not in response.text


@pytest.mark.parametrize(
    "query_string", ["before=yesterday", "upto=first", "upto=-3", "before=1-1&upto=3"]
)
def test_a_broken_live_page_link_is_a_400_not_a_500(client, coverage, query_string):
    response = client.get(f"{coverage.url}?{query_string}")
    assert response.status_code == 400


# --- the poll ---------------------------------------------------------------------------------


def test_an_unchanged_poll_is_a_cacheable_204_that_reads_no_post(make_app, coverage, htmx):
    app = make_app(LIVE_POLL_SECONDS=15)
    client = app.test_client()
    since = since_of(client.get(coverage.url).text)
    first = poll(client, coverage, since, htmx)
    assert first.status_code == 204 and first.data == b""
    # Kept 2 s by shared caches: a post reaches readers within a poll interval and 2 s.
    assert first.headers["Cache-Control"] == "public, max-age=2"
    assert "HX-Request" in first.headers["Vary"]
    with query_statements(app) as seen:
        again = poll(client, coverage, since, htmx)
    assert again.status_code == 204
    assert seen == [], "an unchanged page is answered from the cache alone"


def test_a_poll_after_a_change_sends_new_edited_and_deleted_posts(query, client, coverage, htmx):
    since = since_of(client.get(coverage.url).text)
    newest, older = coverage.posts[-1], coverage.posts[-2]

    def desk(story, posts):
        live.edit_post(posts[newest], None, "Update number 25, corrected: 41,000 evacuated.")
        live.delete_post(posts[older], None)
        live.add_post(story, None, "Bridges closed in Borongan.", title="Roads")

    change(query, desk)
    response = poll(client, coverage, since, htmx)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=2"
    html = response.text
    assert "<html" not in html and html.lstrip().startswith('<div id="live-poll"')
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    poller = doc.get_element_by_id("live-poll")
    states = {a.get("id"): a.get("data-state") for a in of_class(poller, "live-post")}
    new_id = max(int(k.split("-")[1]) for k in states)
    assert states == {
        f"post-{new_id}": "new",
        f"post-{newest}": "edited",
        f"post-{older}": "deleted",
    }
    assert "Bridges closed in Borongan." in poller.text_content()
    assert "41,000 evacuated" in poller.text_content()
    assert poller.get_element_by_id(f"post-{older}").text_content().strip() == ""
    stamp = poller.get("data-since")
    assert stamp != since and f"since={stamp}" in poller.get("hx-get")
    assert poll(client, coverage, stamp, htmx).status_code == 204


def test_a_summary_change_reaches_readers_with_the_next_poll(query, client, coverage, htmx):
    since = since_of(client.get(coverage.url).text)
    change(query, lambda story, _p: live.set_summary(story, "- Landfall at **Guiuan**", None))
    html = poll(client, coverage, since, htmx).text
    assert '<hx-partial hx-target="#live-summary" hx-swap="outerMorph">' in html
    assert "Landfall at <strong>Guiuan</strong>" in html
    assert "40,000 evacuated" not in html


def test_closing_the_coverage_stops_the_readers_polls(query, client, coverage, htmx):
    since = since_of(client.get(coverage.url).text)
    change(query, lambda story, _posts: live.close_coverage(story, None))
    html = poll(client, coverage, since, htmx).text
    doc = lxml.html.fragment_fromstring(html, create_parent="div")
    poller = doc.get_element_by_id("live-poll")
    assert poller.get("hx-get") is None and poller.get("hx-trigger") is None
    assert "Live coverage ended" in doc.get_element_by_id("live-status").text_content()


@pytest.mark.parametrize("since", ["", "soon", "-5", "1.5", "99999999999999999999", "١٢"])
def test_a_poll_with_a_bad_stamp_is_a_400(client, coverage, htmx, since):
    assert poll(client, coverage, since, htmx).status_code == 400


def test_polls_for_stories_readers_cannot_follow_are_404(query, client, htmx):
    ordinary = query(lambda: StoryFactory().id)
    draft = query(lambda: LiveStoryFactory(status="draft").id)
    for ident in (ordinary, draft, 999_999):
        assert client.get(f"/live/coverage/{ident}?since=1", headers=htmx).status_code == 404


def test_a_poll_opened_as_a_page_goes_to_the_live_page(client, coverage):
    response = client.get(f"/live/coverage/{coverage.id}?since=1")
    assert response.status_code == 302
    assert response.headers["Location"] == coverage.url


def test_a_full_live_page_stays_under_twenty_kilobytes_compressed(client, coverage):
    html = client.get(coverage.url).data
    assert len(gzip.compress(html)) < 20_000


def test_a_permalink_to_a_recent_post_opens_a_full_first_page(client, coverage):
    response = client.get(f"{coverage.url}?upto={coverage.posts[-3]}")
    assert len(article_ids(response.text)) == 20


def test_polls_with_made_up_stamps_read_a_bounded_few_posts_and_do_not_fill_the_cache(
    make_app, coverage, htmx, monkeypatch
):
    app = make_app(PAGE_CACHE_NEW_PER_CLIENT=3)
    client = app.test_client()
    kept: list[str] = []
    set_in_cache = cache.set
    monkeypatch.setattr(
        cache, "set", lambda key, *a, **k: (kept.append(key), set_in_cache(key, *a, **k))[1]
    )
    with query_statements(app) as seen:
        for since in range(1, 11):  # a script counting up from the first stamp there could be
            assert poll(client, coverage, str(since), htmx).status_code == 200
    assert len([key for key in kept if key.startswith("live-poll:")]) == 3
    reads = [s for s in seen if "FROM live_posts" in s and "changed_at >" in s]
    assert reads and all("LIMIT" in s for s in reads), "never every post of the page"
