"""Clear publishing: one Publish button that says what it will do, a pre-publish checklist that
stops a story missing its byline, place, photo or standfirst unless an editor says why (and the
audit log keeps it), and a ticker item that links to a story found by its headline."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom import checklist
from newsroom.models import AuditEntry, Section, Status, Story, TickerItem, User, utcnow
from newsroom.stories import ChecklistUnmet, StoryChanges, save_story
from tests.factories import PhotoFactory, StoryFactory, TickerItemFactory, story_form
from tests.helpers import field_value, form_values, offered_values

HEADLINE = "Monsoon floods cut rail links across Assam"


@pytest.fixture
def app(make_app):
    """The site with the desk's default checklist (the other tests' settings turn it off)."""
    return make_app(PUBLISH_CHECKLIST=checklist.DEFAULT)


@pytest.fixture
def form_data(query):
    return lambda **fields: query(lambda: story_form(**fields))


def stories_made(query) -> int:
    return query(lambda: db.session.scalar(sa.select(sa.func.count(Story.id))))


# --- the one Publish button -----------------------------------------------------------------


def test_the_button_says_publish_now_or_when_it_will_schedule(editor, form_data):
    page = editor.get("/admin/stories/new").text
    assert 'id="publish-button"' in page and ">Publish now</button>" in page
    assert 'value="schedule"' not in page, "one button: the time decides"

    editor.post("/admin/account/time-zone", data={"timezone": "Asia/Bangkok"})
    ahead = (
        (utcnow() + timedelta(days=3))
        .astimezone(ZoneInfo("Asia/Bangkok"))
        .replace(hour=9, minute=0)
    )
    response = editor.post(
        "/admin/stories/new",
        data=form_data(action="save", published_at=f"{ahead:%Y-%m-%dT%H:%M}"),
    )
    page = editor.get(response.headers["Location"]).text
    label = f">Schedule for {ahead:%a} {ahead.day} {ahead:%b}, 09:00 ICT</button>"
    assert label in page, "decided on the server, without JavaScript"


def test_pressing_publish_with_a_time_ahead_schedules_the_story(editor, form_data, query):
    when = (utcnow() + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    response = editor.post(
        "/admin/stories/new",
        data=form_data(action="publish", published_at=when, no_photo="y"),
    )
    assert response.status_code == 303
    assert query(lambda: db.session.scalars(sa.select(Story)).one().status) == Status.SCHEDULED


# --- the checklist ----------------------------------------------------------------------------


def test_the_checklist_is_shown_beside_the_actions(editor, form_data):
    page = editor.get("/admin/stories/new").text
    for label in ("At least one author", "At least one country", "A standfirst"):
        assert label in page
    assert "A hero photo with alt text, or “No photo” ticked" in page
    assert "Missing:" in page and 'name="no_photo"' in page


def test_publishing_without_what_the_checklist_asks_is_refused_naming_each_item(
    editor, form_data, query
):
    data = form_data(action="publish", standfirst="", authors=[], hero_photo="0")
    response = editor.post("/admin/stories/new", data=data)
    assert response.status_code == 422
    text = response.text
    assert "Not published: the checklist asks for" in text
    for missed in ("at least one author", "a hero photo with alt text", "a standfirst"):
        assert missed in text
    assert "at least one country;" not in text, "the country was given"
    assert field_value(text, "headline") == HEADLINE, "the form comes back with the text"
    assert form_values(text)["body"].startswith("Floodwater covered the tracks")
    assert stories_made(query) == 0


def test_a_plain_save_or_a_review_request_is_not_stopped_by_the_checklist(editor, form_data):
    for action in ("save", "submit"):
        data = form_data(action=action, standfirst="", authors=[])
        assert editor.post("/admin/stories/new", data=data).status_code == 303


def test_ticking_no_photo_or_choosing_one_with_alt_text_meets_the_checklist(
    editor, form_data, query
):
    assert editor.post("/admin/stories/new", data=form_data(action="publish")).status_code == 422
    ticked = editor.post("/admin/stories/new", data=form_data(action="publish", no_photo="y"))
    assert ticked.status_code == 303
    photo = query(lambda: PhotoFactory(alt="Rail tracks under floodwater near Guwahati").id)
    data = form_data(action="publish", hero_photo=str(photo), slug="floods-with-a-photo")
    assert editor.post("/admin/stories/new", data=data).status_code == 303


def test_an_editor_overrides_with_a_reason_and_the_audit_log_keeps_it(editor, form_data, query):
    reason = "Breaking: the photo desk is sending one within the hour."
    response = editor.post(
        "/admin/stories/new", data=form_data(action="publish", checklist_override=reason)
    )
    assert response.status_code == 303
    ident = int(response.headers["Location"].rsplit("/", 1)[1])

    def log():
        story = db.session.get(Story, ident)
        return story.status, [(e.action, e.summary) for e in AuditEntry.about(story)]

    status, entries = query(log)
    assert status == Status.PUBLISHED
    assert (
        "checklist-override",
        f"without a hero photo with alt text, or “no photo” ticked: {reason}",
    ) in entries
    page = editor.get(f"/admin/stories/{ident}").text
    assert reason in page, "the story's history shows it"


def test_the_story_service_refuses_too_whoever_calls_it(app, newsroom):
    with app.app_context():
        editor = db.session.get(User, newsroom["editor"])
        changes = StoryChanges(headline="Bare story", section_id=Section.by_slug("politics").id)
        with pytest.raises(ChecklistUnmet) as refused:
            save_story(None, changes, "publish", by=editor)
        assert [c.name for c in refused.value.unmet] == list(checklist.DEFAULT)
        assert db.session.scalar(sa.select(sa.func.count(Story.id))) == 0


def test_the_desk_chooses_the_checks(make_app, newsroom):
    app = make_app(PUBLISH_CHECKLIST=("standfirst",))
    with app.app_context():
        editor = db.session.get(User, newsroom["editor"])
        changes = StoryChanges(
            headline="Only a standfirst", section_id=Section.by_slug("politics").id
        )
        with pytest.raises(ChecklistUnmet) as refused:
            save_story(None, changes, "publish", by=editor)
        assert [c.name for c in refused.value.unmet] == ["standfirst"]
        changes.standfirst = "Enough for this desk."
        assert save_story(None, changes, "publish", by=editor).status == Status.PUBLISHED


def test_a_check_that_does_not_exist_stops_the_start(make_app):
    with pytest.raises(SystemExit):
        make_app(PUBLISH_CHECKLIST=("author", "spellcheck"))


# --- the ticker links to a story found by its headline ------------------------------------


def test_the_ticker_finds_a_story_by_words_from_its_headline(editor, query, htmx):
    query(lambda: StoryFactory(headline="Typhoon Mawar nears the coast of Luzon"))
    query(lambda: StoryFactory(headline="Typhoon season draft", status="draft"))
    found = editor.get(
        "/admin/ticker/stories", query_string={"link": "luzon typhoon"}, headers=htmx
    )
    assert found.status_code == 200 and "<html" not in found.text
    assert "Typhoon Mawar nears the coast of Luzon" in found.text
    assert "Typhoon season draft" not in found.text, "drafts are not linked from the ticker"
    assert 'type="radio" name="link_story"' in found.text
    assert "<legend>" in found.text, "a labelled group: arrow keys move between stories"
    none = editor.get("/admin/ticker/stories", query_string={"link": "/n/4"}, headers=htmx)
    assert "hidden" in none.text and "radio" not in none.text, "an address searches nothing"


def test_a_ticker_item_saves_the_picked_storys_short_address(editor, query):
    ident = query(lambda: StoryFactory(headline="Typhoon Mawar nears the coast of Luzon").id)
    page = editor.get("/admin/ticker").text
    assert 'hx-get="/admin/ticker/stories"' in page
    response = editor.post(
        "/admin/ticker",
        data={"text": "Typhoon nears Luzon", "link": "typhoon", "link_story": ident, "minutes": 60},
    )
    assert response.status_code == 303
    links = query(lambda: [i.link for i in TickerItem.active()])
    assert links == [f"/n/{ident}"]


def test_without_javascript_the_words_come_back_with_the_stories_to_pick(editor, query):
    ident = query(lambda: StoryFactory(headline="Typhoon Mawar nears the coast of Luzon").id)
    response = editor.post(
        "/admin/ticker", data={"text": "Typhoon nears Luzon", "link": "mawar", "minutes": 60}
    )
    assert response.status_code == 422
    assert "Pick one of the stories found below" in response.text
    assert offered_values(response.text, "link_story") == [str(ident)]
    assert field_value(response.text, "text") == "Typhoon nears Luzon"


@pytest.mark.parametrize("link", ["/n/42", "https://example.org/report"])
def test_a_typed_address_still_works(editor, query, link):
    data = {"text": "See the report", "link": link, "minutes": 60}
    assert editor.post("/admin/ticker", data=data).status_code == 303
    assert query(lambda: [i.link for i in TickerItem.active()]) == [link]


def test_a_link_no_browser_could_follow_is_refused_and_never_breaks_a_page(editor, client, query):
    data = {"text": "Breaking: see the report", "link": "https://[breaking", "minutes": 60}
    refused = editor.post("/admin/ticker", data=data)
    assert refused.status_code == 422
    assert field_value(refused.text, "text") == "Breaking: see the report"
    # One stored before links were checked (or by another tool) does not take the site down.
    query(lambda: TickerItemFactory(text="Old item with a broken link", link="https://[news]"))
    assert client.get("/").status_code == 200
    assert editor.get("/admin/ticker").status_code == 200
