"""Killing a story (admin and command line) and the "Breaking story" box leading the ticker."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import AuditEntry, SlugRedirect, Status, Story, TickerItem
from tests.factories import make_story
from tests.helpers import revision_of, story_data

# Runs on the demo newsroom until its tests are built with factories.
pytestmark = pytest.mark.demo

NOTICE = "This story was removed following a court order."
HEADLINE = "Monsoon floods cut rail links across Assam"
SLUG = "monsoon-floods-cut-rail-links-across-assam"


def publish(editor, **overrides) -> int:
    response = editor.post("/admin/stories/new", data=story_data(action="publish", **overrides))
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def status_of(query, ident) -> str:
    return query(lambda: db.session.get(Story, ident).status)


def reader_addresses(reader) -> dict[str, str]:
    """Every public place a published story is listed, by name, with its text."""
    places = {
        "latest": reader.get("/latest").text,
        "section": reader.get("/section/politics").text,
        "home": reader.get("/").text,
        "rss": reader.get("/feed.rss").text,
        "atom": reader.get("/feed.atom").text,
        "news sitemap": reader.get("/news-sitemap.xml").text,
        "search": reader.get("/search", query_string={"q": "Assam rail"}).text,
    }
    index = reader.get("/sitemap.xml").text
    for loc in re.findall(r"<loc>http://asian-news\.test(/sitemaps/articles-[^<]+)</loc>", index):
        places[loc] = reader.get(loc).text
    return places


@pytest.fixture
def reader(app):
    return app.test_client()


# --- killing from the story form ------------------------------------------------------------------


def test_editor_kills_a_story_with_a_notice_and_it_is_gone_everywhere(editor, reader, query):
    ident = publish(editor, section="1")
    page = editor.get(f"/admin/stories/{ident}").text
    # Move it to a new address first, so the old one is a redirect that must now be gone too.
    renamed = story_data(action="save", slug="assam-rail-floods", revision=revision_of(page))
    assert editor.post(f"/admin/stories/{ident}", data=renamed).status_code == 303
    assert query(lambda: db.session.scalar(sa.select(SlugRedirect.old_slug))) == SLUG
    before = reader_addresses(reader)  # fills the page cache too
    assert reader.get("/article/assam-rail-floods").status_code == 200
    listed = [name for name, text in before.items() if "assam-rail-floods" in text]
    assert {"latest", "rss", "atom", "news sitemap", "search"} <= set(listed), listed
    assert any(name.startswith("/sitemaps/") for name in listed)

    form = editor.get(f"/admin/stories/{ident}").text
    assert f'href="/admin/stories/{ident}/kill"' in form and "Kill story…" in form
    confirm = editor.get(f"/admin/stories/{ident}/kill")
    assert confirm.status_code == 200
    assert "Killing is for good" in confirm.text and HEADLINE in confirm.text
    assert status_of(query, ident) == Status.PUBLISHED, "opening the confirm step kills nothing"

    killed = editor.post(f"/admin/stories/{ident}/kill", data={"notice": f"  {NOTICE}  "})
    assert killed.status_code == 303
    assert killed.headers["Location"] == f"/admin/stories/{ident}"
    assert status_of(query, ident) == Status.KILLED

    for url in ("/article/assam-rail-floods", f"/n/{ident}", f"/article/{SLUG}"):
        gone = reader.get(url)
        assert gone.status_code == 410, url
        assert NOTICE in gone.text and HEADLINE not in gone.text
    after = reader_addresses(reader)
    assert [name for name, text in after.items() if "assam-rail-floods" in text] == []

    entry = query(
        lambda: db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.subject_id == ident, AuditEntry.action == "kill")
        ).one()
    )
    assert NOTICE in entry.summary and "published → killed" in entry.summary
    history = editor.get(f"/admin/stories/{ident}").text
    assert f"Killed: readers see “{NOTICE}”" in history
    assert 'value="publish"' not in history and "Kill story…" not in history


@pytest.mark.parametrize("notice", ["", "   \n  ", "x" * 1001])
def test_a_kill_needs_a_notice_and_keeps_the_story_until_given_one(editor, query, notice):
    ident = publish(editor)
    response = editor.post(f"/admin/stories/{ident}/kill", data={"notice": notice})
    assert response.status_code == 422
    assert "Say why the story was removed" in response.text or "1000" in response.text
    assert 'name="notice"' in response.text, "the form comes back"
    assert status_of(query, ident) == Status.PUBLISHED


def test_writers_cannot_kill_and_drafts_cannot_be_killed(app, editor, query, newsroom, signed_in):
    ident = publish(editor)
    writer = signed_in("writer")
    assert writer.post(f"/admin/stories/{ident}/kill", data={"notice": NOTICE}).status_code == 403
    assert status_of(query, ident) == Status.PUBLISHED

    draft = editor.post("/admin/stories/new", data=story_data(headline="A draft to keep"))
    draft_id = int(draft.headers["Location"].rsplit("/", 1)[1])
    refused = editor.post(f"/admin/stories/{draft_id}/kill", data={"notice": NOTICE})
    assert refused.status_code == 409
    assert "Only a published, scheduled or unpublished story can be killed" in refused.text
    assert status_of(query, draft_id) == Status.DRAFT


@pytest.mark.parametrize("action", ["publish", "schedule", "submit", "unpublish"])
def test_a_killed_story_cannot_go_back_to_the_site(editor, reader, query, action):
    ident = publish(editor)
    assert editor.post(f"/admin/stories/{ident}/kill", data={"notice": NOTICE}).status_code == 303
    page = editor.get(f"/admin/stories/{ident}").text
    data = story_data(action=action, revision=revision_of(page), published_at="2031-01-01T09:00")
    response = editor.post(f"/admin/stories/{ident}", data=data)
    assert response.status_code == 409
    assert "This story was killed: it cannot go back to the site" in response.text
    assert status_of(query, ident) == Status.KILLED
    assert reader.get(f"/article/{SLUG}").status_code == 410


def test_a_killed_story_keeps_answering_410_at_its_old_address_after_a_rename(editor, reader):
    ident = publish(editor)
    assert editor.post(f"/admin/stories/{ident}/kill", data={"notice": NOTICE}).status_code == 303
    page = editor.get(f"/admin/stories/{ident}").text
    data = story_data(action="save", slug="renamed-after-kill", revision=revision_of(page))
    assert editor.post(f"/admin/stories/{ident}", data=data).status_code == 303
    for url in (f"/article/{SLUG}", "/article/renamed-after-kill", f"/n/{ident}"):
        gone = reader.get(url)
        assert gone.status_code == 410 and NOTICE in gone.text, url


def test_killing_takes_the_story_out_of_the_ticker(editor, reader, query):
    ident = publish(editor)
    for text, link in (
        ("Floods in Assam", f"/n/{ident}"),
        ("Rail cut", f"/article/{SLUG}"),
        ("Elsewhere", "/latest"),
    ):
        editor.post("/admin/ticker", data={"text": text, "link": link, "minutes": "60"})
    ticker = reader.get("/live/ticker").text
    assert "Floods in Assam" in ticker and "Rail cut" in ticker
    editor.post(f"/admin/stories/{ident}/kill", data={"notice": NOTICE})
    ticker = reader.get("/live/ticker").text
    assert "Floods in Assam" not in ticker and "Rail cut" not in ticker
    assert "Elsewhere" in ticker


# --- killing from the command line ----------------------------------------------------------------


def test_stories_kill_command(runner, client, query):
    ident = query(lambda: make_story(headline="Story to withdraw by command").id)
    assert client.get("/article/story-to-withdraw-by-command").status_code == 200

    result = runner.invoke(args=["stories", "kill", str(ident), "--reason", NOTICE])
    assert result.exit_code == 0, result.output
    assert f"Story {ident} killed" in result.output
    gone = client.get("/article/story-to-withdraw-by-command")
    assert gone.status_code == 410 and NOTICE in gone.text
    assert client.get(f"/n/{ident}").status_code == 410
    entry = query(
        lambda: db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "kill")).one()
    )
    assert entry.subject_id == ident and entry.user_id is None and NOTICE in entry.summary


@pytest.mark.parametrize(
    "args, message",
    [
        (["1"], "Missing option '--reason'"),
        (["1", "--reason", "  "], "Say why the story was removed"),
        (["999999", "--reason", NOTICE], "There is no story 999999."),
        (["99999999999999999999999", "--reason", NOTICE], "is not in the range"),
        (["²", "--reason", NOTICE], "is not a valid integer"),
    ],
)
def test_stories_kill_command_refuses_what_it_cannot_do(runner, args, message):
    result = runner.invoke(args=["stories", "kill", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- the "Breaking story" box ---------------------------------------------------------------------


def ticker_links(query) -> list[tuple[str, str]]:
    return query(lambda: [(i.text, i.link) for i in TickerItem.active()])


def test_publishing_a_breaking_story_puts_it_in_the_ticker_once(editor, reader, query):
    ident = publish(editor, is_breaking="y")
    assert (HEADLINE, f"/n/{ident}") in ticker_links(query)
    ticker = reader.get("/live/ticker").text
    assert f'<a href="/n/{ident}">{HEADLINE}</a>' in ticker
    assert f'href="/n/{ident}"' in reader.get("/").text, "every page's ticker leads to it"

    page = editor.get(f"/admin/stories/{ident}").text
    again = story_data(action="save", is_breaking="y", revision=revision_of(page))
    assert editor.post(f"/admin/stories/{ident}", data=again).status_code == 303
    assert ticker_links(query).count((HEADLINE, f"/n/{ident}")) == 1, "a save adds nothing"
    assert (
        query(
            lambda: db.session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.subject_type == "tickeritem", AuditEntry.summary == HEADLINE)
            )
        )
        == 1
    )


def test_stories_not_marked_breaking_or_not_live_stay_out_of_the_ticker(editor, query):
    publish(editor)
    draft = editor.post("/admin/stories/new", data=story_data(headline="Draft", is_breaking="y"))
    assert draft.status_code == 303
    assert [text for text, _ in ticker_links(query) if text in (HEADLINE, "Draft")] == []


@pytest.mark.parametrize("change", [{"action": "unpublish"}, {"action": "save"}])
def test_unpublishing_or_unmarking_takes_the_story_out_of_the_ticker(editor, query, change):
    ident = publish(editor, is_breaking="y")
    assert (HEADLINE, f"/n/{ident}") in ticker_links(query)
    page = editor.get(f"/admin/stories/{ident}").text
    data = story_data(revision=revision_of(page), **change)  # no is_breaking: the box is clear
    assert editor.post(f"/admin/stories/{ident}", data=data).status_code == 303
    assert (HEADLINE, f"/n/{ident}") not in ticker_links(query)


def test_the_breaking_box_says_what_it_does(editor):
    html = editor.get("/admin/stories/new").text
    assert "its headline leads the breaking-news ticker" in html


@pytest.mark.parametrize("ident", ["99999999999999999999999", "²", "0"])
def test_breaking_expire_refuses_an_id_that_cannot_exist(runner, ident):
    result = runner.invoke(args=["ticker", "expire", ident])
    assert result.exit_code == 2
    assert "Invalid value for 'IDENT'" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
