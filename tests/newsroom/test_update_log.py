"""An honest update log: readers are told when a story changed and how, and only then.

A typo fix moves neither the "Updated" line nor `dateModified`; a save the editor marks as
substantive, an update note, a correction and a partner's update do. Corrections are listed on
/corrections, newest first, with a feed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import lxml.etree
import lxml.html
import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import AuditEntry, Story, StoryUpdate, utcnow
from tests.factories import AuthorFactory, add_correction, make_story
from tests.helpers import form_values
from tests.newsroom.test_partner_feeds import fresh_item, rss, run_import, stored, write

HEADLINE = "Flood waters reach the outskirts of Ayutthaya"


@pytest.fixture
def reader(app):
    return app.test_client()


@pytest.fixture
def story(query):
    """A story from Bangkok, published two hours ago and never updated: (id, slug)."""

    def make():
        made = make_story(
            headline=HEADLINE,
            dateline="BANGKOK",
            countries=["thailand"],
            published_at=utcnow() - timedelta(hours=2),
        )
        return made.id, made.slug

    return query(make)


def news_article(html: str) -> dict:
    """The page's NewsArticle JSON-LD."""
    for script in lxml.html.fromstring(html).xpath('//script[@type="application/ld+json"]'):
        data = json.loads(script.text)
        if data.get("@type") == "NewsArticle":
            return data
    raise AssertionError("no NewsArticle JSON-LD on the page")


def updated_line(html: str) -> str | None:
    """The time in the story's "Updated" line, or None when the page shows none."""
    found = lxml.html.fromstring(html).xpath('//*[@class="story__updated"]//time/@datetime')
    return found[0] if found else None


def log_entries(html: str) -> list[str]:
    """The reader's update log, entry by entry, as text."""
    items = lxml.html.fromstring(html).xpath('//*[@id="updates"]//li')
    return [" ".join(li.text_content().split()) for li in items]


def edit(editor, ident: int, **changes):
    form = form_values(editor.get(f"/admin/stories/{ident}").text)
    form.update(changes)
    return editor.post(f"/admin/stories/{ident}", data=form)


def add_note(editor, ident: int, kind: str, text: str, **headers):
    return editor.post(
        f"/admin/stories/{ident}/updates",
        data={"log-kind": kind, "log-text": text},
        headers=headers,
    )


# --- "Updated" and dateModified move only for what readers should be told -----------------------


def test_a_typo_fix_moves_neither_the_updated_line_nor_date_modified(editor, reader, story):
    ident, slug = story
    before = reader.get(f"/article/{slug}").text
    published = news_article(before)["datePublished"]
    assert news_article(before)["dateModified"] == published
    assert updated_line(before) is None

    body = 'Officials said the plan would go ahead. "We are ready," one said. Typo fixed.'
    assert edit(editor, ident, body=body, action="save").status_code == 303

    after = reader.get(f"/article/{slug}").text
    assert "Typo fixed." in after, "the save reached the page"
    assert news_article(after)["dateModified"] == published
    assert updated_line(after) is None


def test_a_save_marked_substantive_moves_both(editor, reader, story):
    ident, slug = story
    assert edit(editor, ident, mark_updated="y", action="save").status_code == 303
    page = reader.get(f"/article/{slug}").text
    modified = datetime.fromisoformat(news_article(page)["dateModified"])
    assert abs(modified - utcnow()) < timedelta(minutes=1)
    assert updated_line(page) == news_article(page)["dateModified"]
    assert "+07:00" in updated_line(page), "in the dateline's zone (Bangkok)"


def test_the_story_form_says_what_the_substantive_box_does(editor, story):
    page = editor.get(f"/admin/stories/{story[0]}").text
    assert "Substantive change: show readers this story as updated now" in page
    assert "Leave it unticked for a typo fix" in page


def test_a_partner_update_is_substantive(runner, reader, query, tmp_path):
    first = fresh_item("Ferry delayed at Batam", "Late", 1)
    assert "1 new" in run_import(runner, write(tmp_path, rss(first)), "--publish").output
    slug = stored(query, 1)[3]
    page = reader.get(f"/article/{slug}")
    assert page.status_code == 200 and updated_line(page.text) is None
    corrected = fresh_item("Ferry cancelled at Batam", "Cancelled", 1)
    assert "1 updated" in run_import(runner, write(tmp_path, rss(corrected)), "--publish").output
    page = reader.get(f"/article/{slug}").text
    assert updated_line(page) is not None
    assert news_article(page)["dateModified"] == updated_line(page)


# --- the log on the story ---------------------------------------------------------------------


def test_an_update_and_a_correction_show_in_order_on_the_page_and_in_json_ld(editor, reader, story):
    ident, slug = story
    update = "Updated with the death toll from the provincial authority."
    correction = "An earlier version misstated the height of the river at Ang Thong."
    assert add_note(editor, ident, "update", update).status_code == 303
    assert add_note(editor, ident, "correction", correction).status_code == 303

    page = reader.get(f"/article/{slug}").text
    entries = log_entries(page)
    assert len(entries) == 2
    assert entries[0].startswith("Update,") and update in entries[0]
    assert entries[1].startswith("Correction,") and correction in entries[1]
    times = lxml.html.fromstring(page).xpath('//*[@id="updates"]//time/@datetime')
    assert times == sorted(times) and all(t.endswith("+07:00") for t in times)

    data = news_article(page)
    assert data["dateModified"] == times[-1] == updated_line(page)
    assert [c["text"] for c in data["correction"]] == [correction]
    assert data["correction"][0]["datePublished"] == times[-1]


def test_the_editor_adds_a_note_without_leaving_the_story_form(editor, story, htmx):
    ident, _slug = story
    form = editor.get(f"/admin/stories/{ident}").text
    assert 'id="update-log"' in form and 'hx-post="/admin/stories/' in form
    answer = add_note(editor, ident, "update", "Roads to the north have reopened.", **htmx)
    assert answer.status_code == 200
    assert "<html" not in answer.text and "HX-Request" in answer.headers["Vary"]
    assert "Roads to the north have reopened." in answer.text
    assert "Update added" in answer.text
    plain = editor.get(f"/admin/stories/{ident}/updates")
    assert "<html" in plain.text and "Roads to the north have reopened." in plain.text


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("update", "   ", "Say what changed"),
        ("update", "x" * 2001, "2000 characters"),
        ("retraction", "A note of a kind we do not have.", "Not a valid choice"),
    ],
)
def test_a_refused_note_comes_back_as_typed(editor, story, query, kind, text, message):
    answer = add_note(editor, story[0], kind, text)
    assert answer.status_code == 422
    assert message in answer.text
    if text.strip():
        assert text in answer.text
    assert query(lambda: db.session.scalar(sa.select(sa.func.count(StoryUpdate.id)))) == 0


def test_no_note_for_a_story_readers_cannot_see(editor, query):
    ident = query(lambda: make_story(headline="A draft about the dam", status="draft").id)
    assert 'id="update-log"' not in editor.get(f"/admin/stories/{ident}").text
    answer = add_note(editor, ident, "update", "Not yet.")
    assert answer.status_code == 422 and "Readers cannot see this story yet" in answer.text


def test_a_mistaken_entry_is_put_right_or_taken_out_and_audited(editor, reader, story, query):
    ident, slug = story
    earlier = utcnow() - timedelta(hours=1)

    def log():
        found = db.session.get(Story, ident)
        first = add_correction(found, "An earlier version gave the wrong district.", at=earlier)
        wrong = add_correction(found, "Updated with the wrong story's figures.", kind="update")
        return first.id, wrong.id

    first, wrong = query(log)
    assert "wrong story" in reader.get(f"/article/{slug}").text

    changed = editor.post(
        f"/admin/updates/{first}",
        data={"log-kind": "correction", "log-text": "An earlier version gave the wrong province."},
    )
    assert changed.status_code == 303
    assert editor.post(f"/admin/updates/{wrong}/remove").status_code == 303

    page = reader.get(f"/article/{slug}").text
    assert "wrong story" not in page and "the wrong province" in page
    assert updated_line(page) == news_article(page)["dateModified"]
    assert datetime.fromisoformat(updated_line(page)) == earlier.replace(microsecond=0)
    summaries = query(lambda: [e.summary for e in AuditEntry.about(db.session.get(Story, ident))])
    assert any(s.startswith("log entry removed: update: Updated with the wrong") for s in summaries)
    assert any(s.startswith("log entry changed from") for s in summaries)


# --- /corrections and its feed -------------------------------------------------------------------


@pytest.fixture
def corrected(query):
    """Three corrected stories (an hour apart, the newest last), an update that is no correction,
    and a correction on a story taken off the site."""

    def make():
        now = utcnow()
        for n, place in enumerate(["Chiang Mai", "Khon Kaen", "Hat Yai"]):
            add_correction(
                make_story(headline=f"Market reopens in {place}", countries=["thailand"]),
                f"An earlier version put the market in the wrong part of {place} <b>\x0b</b>.",
                at=now - timedelta(hours=3 - n),
            )
        add_correction(make_story(headline="Rail fares rise"), "New figures.", kind="update")
        add_correction(
            make_story(headline="A story taken down", status="unpublished"), "Never shown."
        )

    query(make)


def test_corrections_are_listed_newest_first_with_links_to_their_stories(reader, corrected):
    page = lxml.html.fromstring(reader.get("/corrections").text)
    headlines = page.xpath('//*[@class="corrections__headline"]/a')
    assert [a.text for a in headlines] == [
        "Market reopens in Hat Yai",
        "Market reopens in Khon Kaen",
        "Market reopens in Chiang Mai",
    ]
    assert headlines[0].get("href") == "/article/market-reopens-in-hat-yai#updates"
    text = page.text_content()
    assert "New figures." not in text and "Never shown." not in text


def test_corrections_page_through_older_ones(reader, corrected, monkeypatch):
    monkeypatch.setattr("blueprints.news.views.CORRECTIONS_PER_PAGE", 2)
    first = lxml.html.fromstring(reader.get("/corrections").text)
    assert len(first.xpath('//li[@class="corrections__item"]')) == 2
    older = first.xpath('//a[@rel="next"]/@href')[0]
    second = lxml.html.fromstring(reader.get(older).text)
    assert [a.text for a in second.xpath('//*[@class="corrections__headline"]/a')] == [
        "Market reopens in Chiang Mai"
    ]
    assert not second.xpath('//a[@rel="next"]')
    assert reader.get("/corrections?before=not-a-cursor").status_code == 400


@pytest.mark.parametrize(
    ("fmt", "item", "title"),
    [
        ("rss", "channel/item", "title"),
        ("atom", "{http://www.w3.org/2005/Atom}entry", "{http://www.w3.org/2005/Atom}title"),
    ],
)
def test_corrections_have_a_feed(reader, corrected, fmt, item, title):
    page = reader.get("/corrections").text
    assert f'href="/corrections/feed.{fmt}"' in page
    response = reader.get(f"/corrections/feed.{fmt}")
    assert response.status_code == 200 and response.mimetype.endswith(f"{fmt}+xml")
    root = lxml.etree.fromstring(response.data)  # well-formed despite the \x0b in the text
    entries = root.findall(item)
    assert [e.findtext(title) for e in entries] == [
        "Correction: Market reopens in Hat Yai",
        "Correction: Market reopens in Khon Kaen",
        "Correction: Market reopens in Chiang Mai",
    ]
    assert b"<b>" not in response.data, "markup in a note is text, never a tag"
    assert b"/article/market-reopens-in-hat-yai#updates" in response.data


def test_a_new_correction_reaches_the_cached_corrections_page(editor, reader, story, corrected):
    assert reader.get("/corrections").headers["X-Cache"] == "MISS"
    assert reader.get("/corrections").headers["X-Cache"] == "HIT"
    note = "An earlier version said the flood had peaked."
    assert add_note(editor, story[0], "correction", note).status_code == 303
    page = reader.get("/corrections").text
    assert note in page and page.index(HEADLINE) < page.index("Market reopens in Hat Yai")
    assert note in reader.get("/corrections/feed.rss").text


# --- the migration: each single correction note becomes an entry of the log -------------------


def bylines_and_places(story) -> tuple[list[str], list[str]]:
    return [a.name for a in story.authors], [c.name for c in story.countries]


def test_the_migration_turns_each_correction_note_into_a_correction_entry(app, reader, query):
    from flask_migrate import downgrade, upgrade

    from tests.helpers import ROOT
    from web.extensions import use_migrations

    use_migrations(app)

    ident, slug = query(
        lambda: (lambda s: (s.id, s.slug))(
            make_story(
                headline=HEADLINE, countries=["thailand"], authors=[AuthorFactory(name="Mei Lin")]
            )
        )
    )
    before = query(lambda: bylines_and_places(Story.by_slug(slug)))
    links = query(
        lambda: (lambda s: {"author": s.authors[0].id, "country": s.countries[0].id})(
            Story.by_slug(slug)
        )
    )
    assert before[0] and before[1], "the story has an author and a country"
    migrations = str(ROOT / "migrations")
    noted = (utcnow() - timedelta(hours=1)).replace(microsecond=0, tzinfo=None)

    def migrate():
        downgrade(directory=migrations, revision="d1a7words01")
        db.session.execute(
            sa.text(
                "UPDATE articles SET correction = :note, correction_at = :at, updated_at = :at "
                "WHERE id = :id"
            ),
            {"note": "An earlier version named the wrong province.", "at": noted, "id": ident},
        )
        # Older downgrades copy `articles` and lose its links on SQLite; put them back, so that
        # the upgrade is what the assertion below checks.
        for table, column, other in (
            ("article_authors", "author_id, position", links["author"]),
            ("article_countries", "country_id", links["country"]),
        ):
            db.session.execute(
                sa.text(f"DELETE FROM {table} WHERE article_id = :id"), {"id": ident}
            )
            db.session.execute(
                sa.text(
                    f"INSERT INTO {table} (article_id, {column}) VALUES (:id, :other"
                    + (", 0)" if "position" in column else ")")
                ),
                {"id": ident, "other": other},
            )
        db.session.commit()
        upgrade(directory=migrations)

    query(migrate)
    entries = query(lambda: [(u.kind, u.text, u.at) for u in StoryUpdate.of(Story.by_slug(slug))])
    assert entries == [
        ("correction", "An earlier version named the wrong province.", noted.replace(tzinfo=UTC))
    ]
    page = reader.get(f"/article/{slug}").text
    assert log_entries(page)[0].startswith("Correction,")
    assert "named the wrong province" in reader.get("/corrections").text
    assert query(lambda: Story.by_slug(slug).edited_at) is None, "a correction, not an edit"
    # Up again through every migration since, the story keeps its byline and countries (SQLite's
    # copy of `authors` in batch mode, dropping the old table, cascaded every byline away).
    assert query(lambda: bylines_and_places(Story.by_slug(slug))) == before
