"""The home page as readers see it: the stories editors chose, the newest where they chose none
or their choice went, each story once above the stream, and a stream that skips those stories
on its first page and on every page it loads."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import lxml.html
import pytest

from extensions import db
from newsroom import fronts
from newsroom.models import Section, Status, Story, User, utcnow
from tests.factories import PhotoFactory, make_story

REGIONS = ("East Asia", "Southeast Asia", "South Asia", "Central Asia", "West Asia")
SECTIONS = ("Politics", "Business", "Culture", "Technology")
PLACES = ("japan", "indonesia", "india", "kazakhstan", "iran")
KINDS = ("news", "news", "analysis", "news", "photo", "news", "interview", "video")


@pytest.fixture
def app(make_app):
    """Pages of five stories, so that the stream has pages to load."""
    return make_app(STORIES_PER_PAGE=5)


@pytest.fixture
def desk(query):
    """Sixty published stories a few minutes apart, across every section, region and kind; the
    newest two featured, one with a photo."""

    def build():
        now = utcnow()
        ids = []
        for n in range(60):
            story = make_story(
                headline=f"Front page test story {n:02d} about the region",
                section=("politics", "business", "culture", "technology")[n % 4],
                countries=[PLACES[n % 5]],
                kind=KINDS[n % len(KINDS)],
                published_at=now - timedelta(minutes=5 + 3 * n),
                is_featured=n in (1, 2),
                hero_photo=PhotoFactory() if n in (2, 6, 10) else None,
            )
            ids.append(story.id)
        return SimpleNamespace(ids=ids, slugs={i: db.session.get(Story, i).slug for i in ids})

    return query(build)


def cards(html: str) -> list[str]:
    """The story each card on the page links to, in page order (once per card)."""
    titles = lxml.html.fromstring(html).xpath(
        "//*[@class='live-box__headline' or @class='story-card__title']/a/@href"
    )
    return [str(href) for href in titles]


def above_and_stream(html: str) -> tuple[list[str], list[str]]:
    top, stream = html.split('id="story-list"', 1)
    return cards(top), cards('<ol id="story-list"' + stream)


def next_page(html: str) -> str | None:
    found = lxml.html.fromstring(html).find_class("story-list__next")
    return found[0].get("href") if found else None


@pytest.fixture
def arrange(query, newsroom):
    """arrange(lead=id, top_1=id, ...): an editor's choices saved through the newsroom's
    service, as the admin saves them."""
    return lambda **chosen: query(lambda: _arrange(newsroom["editor"], chosen))


def _arrange(editor_id: int, chosen: dict) -> None:
    editor = db.session.get(User, editor_id)
    places = {p.field: p for p in fronts.places(Section.ordered())}
    choices = {place: chosen.get(name) for name, place in places.items()}
    stories = fronts.stories_for_choice(choices.values())
    assert not fronts.check_choices(choices, stories)
    saved = fronts.home_front()
    fronts.arrange_front(editor, saved.revision if saved else 1, choices, stories)
    db.session.commit()


def test_each_story_is_shown_once_above_the_stream_and_the_stream_skips_them(client, desk):
    html = client.get("/").text
    above, stream = above_and_stream(html)
    assert len(above) == len(set(above)) > 20, "no story twice above the stream"
    assert stream and not set(stream) & set(above), "the stream skips what the blocks show"
    for heading in REGIONS + SECTIONS:
        assert f">{heading}</a></h2>" in html
    assert "Interviews &amp; analysis" in html and "Photos &amp; video" in html
    # The pages the stream loads (infinite scroll, or the plain link) skip them too, and each
    # other: every one of the sixty stories once, and nothing else.
    seen = above + stream
    url = next_page(html)
    assert "stream=home" in url
    while url:
        page = client.get(url, headers={"HX-Request": "true"}).text
        assert "<html" not in page
        more = cards(page)
        assert more and not set(more) & set(seen)
        seen += more
        url = next_page(page)
    assert sorted(seen) == sorted(f"/article/{slug}" for slug in desk.slugs.values())


def test_the_stream_pages_skip_the_front_stories_when_the_cache_forgot_them(app, client, desk):
    """The stream asks for the stories above it from the cached front assembly; when that is
    gone (evicted, another server) it assembles the front again rather than repeat them."""
    above, _ = above_and_stream(client.get("/").text)
    url = next_page(client.get("/").text)
    with app.app_context():
        from extensions import cache

        cache.clear()
    page = client.get(url).text
    assert "<html" in page, "a whole page when opened directly"
    assert not set(cards(page.split('id="story-list"', 1)[1])) & set(above)


def test_the_front_is_assembled_once_per_version_and_serves_renders_after_commits(
    make_app, desk, query
):
    """With no page kept, each render of the home page is its template and the stored cards:
    the front is assembled once per content version and kept in the worker, out of any session,
    so a commit later in the request that assembled it expires nothing the next render reads."""
    from tests.helpers import statements
    from web.caching import content_version

    app = make_app(STORIES_PER_PAGE=5, PAGE_CACHE_NEW_PER_CLIENT=0)
    client = app.test_client()
    with app.test_request_context("/"):
        fronts.front_for(content_version(), 5)
        db.session.execute(db.select(User)).all()
        db.session.commit()  # expires every row still in the session
    with app.app_context(), statements() as ran:
        first = client.get("/")
    assert first.status_code == 200 and "X-Cache" not in first.headers  # not kept
    assert not [sql for sql in ran if "FROM articles" in sql], "the kept front was used"
    again = client.get("/")
    assert above_and_stream(again.text) == above_and_stream(first.text)
    # A publish starts a new version and a new front, with the story at its top.
    query(lambda: make_story(headline="Kept fronts give way to a newer story", is_featured=True))
    assert "Kept fronts give way to a newer story" in client.get("/").text


def test_section_blocks_do_not_repeat_their_section_name_on_each_card(client, desk):
    root = lxml.html.fromstring(client.get("/").text)
    blocks = root.find_class("section-blocks")[0]
    assert len(blocks.find_class("story-card")) >= 8
    assert not blocks.find_class("story-card__section")
    # Elsewhere the section still says where a story belongs.
    assert root.find_class("front__lead")[0].find_class("story-card__section")


def test_the_lead_and_top_stories_editors_chose_lead_the_home_page(client, query, desk, arrange):
    lead, *tops = desk.ids[30], desk.ids[25], desk.ids[20]
    client.get("/")  # a cached front page, which the save must retire
    arrange(lead=lead, top_1=tops[0], top_2=tops[1])
    html = client.get("/").text
    root = lxml.html.fromstring(html)
    lead_card = root.find_class("front__lead")[0]
    assert lead_card.find_class("story-card__title")[0].find("a").get("href") == (
        f"/article/{desk.slugs[lead]}"
    )
    top = [
        c.find_class("story-card__title")[0].find("a").get("href")
        for c in root.find_class("front__top")[0].find_class("story-card")
    ]
    assert top[:2] == [f"/article/{desk.slugs[i]}" for i in tops]
    assert len(top) == 4, "the empty places fill from the newest stories"
    # The newest featured story, which led before, is still on the page, just once.
    above, _ = above_and_stream(html)
    assert above.count(f"/article/{desk.slugs[desk.ids[2]]}") == 1


@pytest.mark.parametrize("gone", ["unpublished", "killed", "embargoed", "deleted"])
def test_a_chosen_story_that_readers_can_no_longer_see_is_replaced_by_the_newest(
    client, query, desk, arrange, gone
):
    chosen = desk.ids[30]
    arrange(lead=chosen)
    assert f'/article/{desk.slugs[chosen]}"' in client.get("/").text.split("front__top")[0]

    def take_away():
        story = db.session.get(Story, chosen)
        if gone == "deleted":
            db.session.delete(story)
        elif gone == "embargoed":
            story.embargo_until = utcnow() + timedelta(hours=3)
        else:
            story.status = Status.UNPUBLISHED.value if gone == "unpublished" else Status.KILLED
        db.session.commit()

    query(take_away)
    html = client.get("/").text
    assert f"/article/{desk.slugs[chosen]}" not in html
    lead = lxml.html.fromstring(html).find_class("front__lead")[0]
    # As without a choice: the newest featured story with a photo.
    assert lead.find_class("story-card__title")[0].find("a").get("href") == (
        f"/article/{desk.slugs[desk.ids[2]]}"
    )


def test_a_chosen_story_older_than_the_latest_is_still_shown(client, desk, arrange, monkeypatch):
    monkeypatch.setattr(fronts, "POOL", 10)
    oldest = desk.ids[-1]
    arrange(top_3=oldest)
    top = lxml.html.fromstring(client.get("/").text).find_class("front__top")[0]
    links = [a.get("href") for a in top.iterfind(".//h2/a")]
    assert links[2] == f"/article/{desk.slugs[oldest]}"


def test_an_open_live_page_keeps_its_box_and_is_not_shown_again(client, query, desk, arrange):
    def open_live():
        page = make_story(headline="Live: typhoon makes landfall", kind="live", section="politics")
        return page.slug

    slug = query(open_live)
    arrange(lead=query(lambda: db.session.query(Story.id).filter_by(slug=slug).scalar()))
    above, stream = above_and_stream(client.get("/").text)
    assert above[0] == f"/article/{slug}", "the live box comes first"
    assert above.count(f"/article/{slug}") == 1 and f"/article/{slug}" not in stream


def test_the_live_box_shows_the_open_pages_changed_last_with_their_newest_posts(client, query):
    """Two boxes at most: the open live pages changed most recently first (a page closed, or
    changed longer ago, has none), each with its section, its two newest posts linked to their
    place on the page, and their times written in the page's own time zone."""
    from newsroom.models import Country, LivePost

    def build():
        now = utcnow().replace(microsecond=0)
        seoul = db.session.query(Country).filter_by(slug="south-korea").one()
        pages = {}
        for name, changed, closed in (
            ("older", now - timedelta(hours=3), None),
            ("newest", now - timedelta(minutes=5), None),
            ("middle", now - timedelta(hours=1), None),
            ("closed", now, now),
        ):
            page = make_story(
                headline=f"Live: {name} coverage",
                kind="live",
                section="business",
                countries=["south-korea"],
                live_closed_at=closed,
            )
            page.dateline_country = seoul
            page.live_changed_at = changed
            for minutes, title in ((30, "first"), (20, "second"), (10, "third")):
                db.session.add(
                    LivePost(
                        story_id=page.id,
                        title=f"{name} {title} post",
                        body_md="Text.",
                        body_html="<p>Text.</p>",
                        posted_at=changed - timedelta(minutes=minutes),
                    )
                )
            pages[name] = page.slug
        db.session.commit()
        return pages

    pages = query(build)
    html = lxml.html.fromstring(client.get("/").text)
    boxes = html.find_class("live-box")
    links = [box.find_class("live-box__headline")[0].find("a").get("href") for box in boxes]
    assert links == [f"/article/{pages['newest']}", f"/article/{pages['middle']}"]
    first = boxes[0]
    assert first.find_class("live-box__kicker")[0].text_content().split() == ["Live", "Business"]
    posts = [a.text_content() for a in first.find_class("live-box__update")]
    assert posts == ["newest third post", "newest second post"]
    assert (
        first.find_class("live-box__update")[0]
        .get("href")
        .startswith(f"/article/{pages['newest']}#post-")
    )
    times = [t.get("datetime") for t in first.find_class("live-box__time")]
    assert all(t.endswith("+09:00") for t in times), times  # Seoul's clock, not UTC
