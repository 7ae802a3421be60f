"""Section, country, region and tag fronts, and author pages (issue 15, part 3).

A list that has a front opens with a lead story and top stories; the list under them, and every
older page it loads, never shows them again. A country's front says its capital, its local time
and its zone's plain name; a region's lists its countries with their latest story; an author's
page shows the portrait, the role, the profiles elsewhere (also sameAs for search engines).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from extensions import cache, db
from newsroom.models import Author, Country, Status, utcnow
from tests.factories import AuthorFactory, PhotoFactory, country, make_story
from tests.helpers import sign_in, statements

PER_PAGE = 4


@pytest.fixture
def app(make_app):
    """Pages of four stories, so that every front's list spans several pages."""
    return make_app(STORIES_PER_PAGE=PER_PAGE)


def slugs(html: str) -> list[str]:
    return re.findall(r'class="story-card__title"><a href="/article/([^"]+)"', html)


def part(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def next_link(html: str) -> str | None:
    match = re.search(r'class="button story-list__next" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def json_ld(html: str) -> list[dict]:
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


@pytest.fixture
def business(query):
    """Fourteen business stories about Japan, an hour apart, newest first; the tenth newest is
    featured and has a photo, the eighth and ninth have photos too: the front reaches past the
    first page's list, which its next pages must then skip."""

    def build():
        photo = PhotoFactory()
        made = []
        for n in range(14):
            made.append(
                make_story(
                    headline=f"Business story {n} from Tokyo",
                    section="business",
                    countries=["japan"],
                    tags=["Trade"],
                    published_at=utcnow() - timedelta(hours=n, minutes=1),
                    is_featured=n == 9,
                    hero_photo=photo if n in (7, 8, 9) else None,
                ).slug
            )
        return made

    return query(build)


def test_a_section_front_leads_with_its_featured_photo_story_and_no_page_repeats_the_front(
    client, business, htmx
):
    html = client.get("/section/business").text
    lead = slugs(part(html, 'class="list-front__lead"', "</div>"))
    top = slugs(part(html, 'class="list-front__top', "</ul>"))
    assert lead == [business[9]], "the featured story with a photo leads"
    # Featured and illustrated stories first, then the newest.
    assert top == [business[7], business[8], business[0], business[1]]
    front = lead + top
    shown = slugs(part(html, 'id="story-list"', "</ol>"))
    assert shown == [s for s in business if s not in front][:PER_PAGE]
    # Older pages, as pages and as the fragments infinite scroll loads: the rest, once each.
    for headers in ({}, htmx):
        seen, url = list(shown), next_link(html)
        while url:
            page = client.get(url, headers=headers).text
            seen += slugs(page)
            url = next_link(page)
        assert seen == [s for s in business if s not in front]


def test_older_pages_skip_the_front_even_when_the_cache_has_forgotten_it(app, client, business):
    html = client.get("/section/business").text
    front = slugs(part(html, 'class="list-front"', "</section>"))
    url = next_link(html)
    with app.app_context():
        cache.clear()
    assert not set(slugs(client.get(url).text)) & set(front)


def test_a_short_list_keeps_stories_for_itself_and_a_tiny_one_has_no_front(client, query):
    query(lambda: [make_story(section="culture", countries=["nepal"]) for _ in range(3)])
    html = client.get("/country/nepal").text
    assert 'class="list-front list-front--solo"' in html
    assert len(slugs(part(html, 'id="story-list"', "</ol>"))) == 2
    query(lambda: make_story(section="culture", countries=["bhutan"]))
    html = client.get("/country/bhutan").text
    assert "list-front" not in html and len(slugs(html)) == 1


def test_cards_on_a_section_front_do_not_repeat_the_section(client, business):
    section_page = client.get("/section/business").text
    assert "story-card__section" not in section_page
    assert '<span class="story-card__section">Business</span>' in client.get("/tag/trade").text


@pytest.mark.parametrize("url", ["/country/japan", "/tag/trade"])
def test_every_front_opens_with_its_lead(client, business, url):
    html = client.get(url).text
    assert slugs(part(html, 'class="list-front__lead"', "</div>")) == [business[9]]
    assert 'fetchpriority="high"' in part(html, 'class="list-front__lead"', "</div>")
    assert html.count('fetchpriority="high"') == 1


def test_a_country_front_says_its_capital_local_time_and_zone(client, business):
    html = client.get("/country/philippines").text
    line = re.sub(r"<[^>]+>", "", part(html, '<p class="fact-line">', "</p>"))
    line = " ".join(line.split())
    assert line.startswith("Capital Manila · Local time ")
    assert line.endswith(" · Philippine Time (UTC+8)")
    clock = re.search(
        r'<time class="fact-line__clock" datetime="([^"]+)" data-clock="([^"]+)">', html
    )
    assert clock.group(2) == "Asia/Manila"
    there = datetime.fromisoformat(clock.group(1))
    now = datetime.now(ZoneInfo("Asia/Manila"))
    assert there.utcoffset() == timedelta(hours=8)
    assert abs(now - there) < timedelta(minutes=2)
    assert f"Local time {there:%H:%M}" in line


def test_a_zone_without_a_plain_name_shows_its_offset_once(client, query):
    def move():
        mongolia = country("mongolia")
        mongolia.timezone = "Asia/Hovd"
        db.session.commit()

    query(move)
    line = part(client.get("/country/mongolia").text, '<p class="fact-line">', "</p>")
    assert "UTC+7" in line and "(UTC+7)" not in line


def test_a_region_front_lists_its_countries_with_their_latest_story(client, query):
    def build():
        stories = {
            "old-iran": make_story(
                headline="An older story from Tehran",
                countries=["iran"],
                published_at=utcnow() - timedelta(hours=5),
            ),
            "iran": make_story(
                headline="The latest from Tehran",
                countries=["iran"],
                published_at=utcnow() - timedelta(hours=2),
            ),
            "saudi": make_story(
                headline="Riyadh and Doha sign a deal",
                countries=["saudi-arabia", "qatar"],
                published_at=utcnow() - timedelta(hours=1),
            ),
        }
        make_story(
            headline="A draft from Baghdad readers must not see",
            countries=["iraq"],
            status=Status.DRAFT.value,
        )
        return {key: s.slug for key, s in stories.items()}

    made = query(build)
    html = client.get("/region/west-asia").text
    aside = part(html, '<aside class="list-aside"', "</aside>")
    entries = [
        (re.findall(r'href="/country/([^"]+)"', item), re.findall(r'href="/article/([^"]+)"', item))
        for item in aside.split('<li class="region-countries__item">')[1:]
    ]
    # Newest first; countries whose latest story is the same one share its entry.
    assert entries[0] == (["qatar", "saudi-arabia"], [made["saudi"]])
    assert entries[1][1] == [made["iran"]] and "/country/iran" in aside
    assert made["old-iran"] not in aside and "Baghdad" not in aside
    quiet = part(aside, 'class="region-countries__quiet"', "</p>")
    assert "/country/iraq" in quiet and "/country/turkey" in quiet and "/country/iran" not in quiet
    assert "data-ago" in aside
    # The next pages are list items only: no second copy of the countries.
    assert (
        "region-countries" not in client.get(next_link(html) or "/region/west-asia?before=1-1").text
    )


def test_an_author_page_shows_portrait_role_and_https_profiles_also_as_same_as(client, query):
    def build():
        author = AuthorFactory(
            name="Leyla Aliyeva",
            title="Central Asia correspondent",
            photo=PhotoFactory(),
            # A row written before the admin checked addresses: only https reaches readers.
            profiles="https://x.com/leyla\nhttps://www.linkedin.com/in/leyla\n"
            "javascript:alert(1)\nhttp://plain.example.org/leyla",
        )
        make_story(authors=[author])
        return author.slug

    slug = query(build)
    html = client.get(f"/author/{slug}").text
    header = part(html, '<header class="list-header author-header">', "</header>")
    assert 'class="author-header__photo"' in header and "Central Asia correspondent" in header
    links = re.findall(r'<a href="([^"]+)" rel="me noopener">([^<]+)</a>', header)
    assert links == [
        ("https://x.com/leyla", "X (x.com)"),
        ("https://www.linkedin.com/in/leyla", "LinkedIn"),
    ]
    assert "javascript:" not in html and "plain.example.org" not in html
    profile = next(d for d in json_ld(html) if d.get("@type") == "ProfilePage")
    person = profile["mainEntity"]
    assert person["sameAs"] == ["https://x.com/leyla", "https://www.linkedin.com/in/leyla"]
    assert person["jobTitle"] == "Central Asia correspondent"
    assert person["image"].startswith("http://asian-news.test/media/")


def test_an_author_without_photo_or_profiles_gets_initials_and_no_same_as(client, query):
    slug = query(lambda: make_story(authors=[AuthorFactory(name="Mei Lin Tan")]).authors[0].slug)
    html = client.get(f"/author/{slug}").text
    assert '<span class="monogram" aria-hidden="true">MT</span>' in html
    assert "author-header__profiles" not in html
    person = next(d for d in json_ld(html) if d.get("@type") == "ProfilePage")["mainEntity"]
    assert "sameAs" not in person and "image" not in person


# --- the admin: profiles, portrait and capital -----------------------------------------------


def _author_form(author_id_slug, **changes) -> dict:
    return {
        "name": "Leyla Aliyeva",
        "slug": author_id_slug,
        "title": "Correspondent",
        "description": "Reports from Almaty.",
        "photo_id": "",
        "profiles": "",
        **changes,
    }


@pytest.mark.parametrize(
    "profiles, message",
    [
        ("http://x.com/leyla", "is not an https:// address"),
        ("javascript:alert(1)", "is not an https:// address"),
        ("https://x.com/leyla\nx.com/leyla", "is not an https:// address"),
        ("https://user:secret@example.org/", "is not an https:// address"),
        ("https://localhost/", "is not an https:// address"),
        ("\n".join(f"https://example.org/{n}" for n in range(11)), "at most 10 profiles"),
    ],
)
def test_the_admin_refuses_profiles_that_are_not_https_and_keeps_the_form(
    client, newsroom, query, profiles, message
):
    ident, slug = query(lambda: (lambda a: (a.id, a.slug))(AuthorFactory(name="Leyla Aliyeva")))
    sign_in(client, "admin")
    response = client.post(
        f"/admin/taxonomy/authors/{ident}",
        data=_author_form(slug, profiles=profiles, title="A new title"),
    )
    assert response.status_code == 422
    assert message in response.text
    assert "A new title" in response.text, "the form comes back as typed"
    assert query(lambda: db.session.get(Author, ident).title) == "Correspondent"


def test_the_admin_saves_profiles_and_a_portrait_that_readers_then_see(client, newsroom, query):
    ident, slug, photo_id = query(
        lambda: (lambda a, p: (a.id, a.slug, p.id))(
            AuthorFactory(name="Leyla Aliyeva"), PhotoFactory()
        )
    )
    sign_in(client, "admin")
    missing = client.post(
        f"/admin/taxonomy/authors/{ident}", data=_author_form(slug, photo_id=str(photo_id + 99))
    )
    assert missing.status_code == 422 and f"no photo number {photo_id + 99}" in missing.text
    saved = client.post(
        f"/admin/taxonomy/authors/{ident}",
        data=_author_form(
            slug, photo_id=str(photo_id), profiles="  https://bsky.app/profile/leyla  \n\n"
        ),
    )
    assert saved.status_code == 303
    author = query(lambda: db.session.get(Author, ident))
    assert author.photo_id == photo_id and author.profiles == "https://bsky.app/profile/leyla"
    edit = client.get(f"/admin/taxonomy/authors/{ident}").text
    assert "taxonomy-portrait__photo" in edit and "https://bsky.app/profile/leyla" in edit
    page = client.get(f"/author/{slug}").text
    assert ">Bluesky</a>" in page and 'class="author-header__photo"' in page


def test_the_admin_edits_a_countrys_capital(client, newsroom, query):
    ident = query(lambda: country("kazakhstan").id)
    sign_in(client, "admin")
    form = client.get(f"/admin/taxonomy/countries/{ident}").text
    assert 'value="Astana"' in form
    saved = client.post(
        f"/admin/taxonomy/countries/{ident}",
        data={"name": "Kazakhstan", "slug": "kazakhstan", "capital": "Nur-Sultan"},
    )
    assert saved.status_code == 303
    assert query(lambda: db.session.get(Country, ident).capital) == "Nur-Sultan"
    assert "Capital <strong>Nur-Sultan</strong>" in client.get("/country/kazakhstan").text


# --- queries: a fixed few per front, however many stories it shows -----------------------------


def _queries(app, client, url) -> int:
    with app.app_context():
        cache.clear()
        with statements() as seen:
            assert client.get(url).status_code == 200
    return len(seen)


FRONTS = ["/section/business", "/country/japan", "/region/east-asia", "/tag/trade"]


@pytest.mark.parametrize("url", [*FRONTS, "AUTHOR"])
def test_each_front_costs_a_fixed_few_queries_however_many_stories_it_shows(
    app, client, query, url
):
    def add(count):
        def build():
            author = db.session.scalar(sa.select(Author).where(Author.slug == "fixed-author"))
            author = author or AuthorFactory(name="Fixed Author", photo=PhotoFactory())
            photo = PhotoFactory()
            for n in range(count):
                make_story(
                    section="business",
                    countries=["japan", ["china", "south-korea", "india"][n % 3]],
                    tags=["Trade", f"Topic {n}"],
                    authors=[author, AuthorFactory()],
                    hero_photo=photo if n % 2 else None,
                    is_featured=n % 3 == 0,
                )
            return author.slug

        return query(build)

    author = add(3)
    path = f"/author/{author}" if url == "AUTHOR" else url
    few = _queries(app, client, path)
    add(30)
    many = _queries(app, client, path)
    assert few == many, "no query per story, country or author"
    assert many <= 14, f"{path} costs {many} queries"
