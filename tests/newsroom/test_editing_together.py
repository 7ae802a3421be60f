"""Editing a story with colleagues, through the admin: the revision list, comparing two
versions, restoring one, autosave of unsaved text, who else is editing, and a stale save that
shows their changes beside yours."""

from __future__ import annotations

import lxml.html
import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import Autosave, Revision, Status, Story, User
from tests.factories import story_form
from tests.helpers import field_value, form_values, revision_of, save_over_each_other
from web import presence

HEADLINE = "Monsoon floods cut rail links across Assam"
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


@pytest.fixture
def story_id(editor, query):
    """A story the editor wrote and published through the form: revisions 1 (create) and 2."""
    created = editor.post("/admin/stories/new", data=query(lambda: story_form(action="save")))
    assert created.status_code == 303
    ident = int(created.headers["Location"].rsplit("/", 1)[1])
    form = form_values(editor.get(f"/admin/stories/{ident}").text)
    form.update(
        action="publish",
        headline="Monsoon floods cut rail and road links across Assam",
        body="Floodwater covered the tracks on Wednesday.",
    )
    assert editor.post(f"/admin/stories/{ident}", data=form).status_code == 303
    return ident


def page_of(response):
    return lxml.html.fromstring(response.text)


def texts(html, xpath: str) -> list[str]:
    return [el.text_content() for el in page_of(html).xpath(xpath)]


def stored(query, ident) -> Story:
    return query(lambda: db.session.get(Story, ident))


# --- revisions --------------------------------------------------------------------------------


def test_the_story_form_links_to_its_revisions_which_say_who_when_and_what(editor, story_id):
    form = editor.get(f"/admin/stories/{story_id}")
    assert texts(form, f"//a[@href='/admin/stories/{story_id}/revisions']") == ["Revisions (2)"]
    listing = editor.get(f"/admin/stories/{story_id}/revisions")
    assert listing.status_code == 200
    rows = page_of(listing).xpath("//tr[starts-with(@id, 'revision-')]")
    assert [row.get("id") for row in rows] == ["revision-2", "revision-1"]
    newest = " ".join(rows[0].text_content().split())
    assert "Test Editor" in newest and "Published: Headline, Body, Status" in newest
    assert "(current)" in newest and "Compare with revision 1" in newest
    assert "Created" in rows[1].text_content()
    assert not rows[0].xpath(".//button"), "the current version has nothing to restore"
    assert rows[1].xpath(".//button")[0].text_content() == "Restore revision 1"


def test_comparing_marks_the_words_that_changed_and_escapes_everything(editor, story_id):
    form = form_values(editor.get(f"/admin/stories/{story_id}").text)
    form.update(action="save", body='Floodwater <script>alert("x")</script> covered the bridge.')
    assert editor.post(f"/admin/stories/{story_id}", data=form).status_code == 303

    latest = editor.get(f"/admin/stories/{story_id}/revisions/compare")  # previous vs this
    assert latest.status_code == 200
    assert "<script>alert" not in latest.text and "&lt;script&gt;alert" in latest.text
    body = page_of(latest).xpath("//div[@data-field='body_md']")[0]
    assert [d.text_content() for d in body.xpath(".//del")] == ["tracks on Wednesday"]
    assert body.xpath(".//ins")[0].text_content().strip() == '<script>alert("x")</script>'
    assert "headline" not in [
        d.get("data-field")
        for d in page_of(latest).xpath("//div[@data-field]")
        if d.xpath(".//ins")
    ]

    first_and_last = editor.get(f"/admin/stories/{story_id}/revisions/compare?a=1&b=3")
    headline = page_of(first_and_last).xpath("//div[@data-field='headline']")[0]
    assert [i.text_content() for i in headline.xpath(".//ins")] == ["and road "]
    status = page_of(first_and_last).xpath("//div[@data-field='status']")[0]
    assert (
        status.xpath(".//del")[0].text == "draft" and status.xpath(".//ins")[0].text == "published"
    )
    assert (
        editor.get(f"/admin/stories/{story_id}/revisions/compare?a=3&b=1").text.count(
            "<ins>and road </ins>"
        )
        == 1
    ), "the older version is always the struck-through side"
    assert editor.get(f"/admin/stories/{story_id}/revisions/compare?a=9").status_code == 404
    assert editor.get(f"/admin/stories/{story_id}/revisions/compare?a=x").status_code == 400


def test_restoring_saves_the_old_text_as_a_new_revision_and_keeps_the_status(
    editor, story_id, query
):
    listing = editor.get(f"/admin/stories/{story_id}/revisions")
    restore = page_of(listing).xpath("//tr[@id='revision-1']//form")[0]
    data = dict(restore.form_values())
    restored = editor.post(restore.get("action"), data=data)
    assert restored.status_code == 303 and restored.headers["Location"].endswith(f"/{story_id}")
    assert (
        "Revision 1 restored: it is now revision 3."
        in editor.get(restored.headers["Location"]).text
    )
    story = stored(query, story_id)
    assert story.headline == HEADLINE and story.status == Status.PUBLISHED
    newest = editor.get(f"/admin/stories/{story_id}/revisions")
    assert "Restored revision 1" in newest.text
    assert query(lambda: db.session.scalar(sa.select(sa.func.count(Revision.id)))) == 3

    again = editor.post(restore.get("action"), data=data)  # the page read at revision 2
    assert again.status_code == 409 and "Someone saved the story since" in again.text
    assert stored(query, story_id).revision == 3


def test_a_writer_restores_only_their_own_draft(app, signed_in, query, editor, story_id):
    writer = signed_in("writer")
    data = {"number": "1", "revision": "2"}
    assert writer.post(f"/admin/stories/{story_id}/revisions/restore", data=data).status_code == 403
    assert writer.get(f"/admin/stories/{story_id}/revisions").status_code == 403
    created = writer.post("/admin/stories/new", data=query(lambda: story_form(action="save")))
    own = int(created.headers["Location"].rsplit("/", 1)[1])
    form = form_values(writer.get(f"/admin/stories/{own}").text)
    form.update(action="save", headline="My second thoughts")
    assert writer.post(f"/admin/stories/{own}", data=form).status_code == 303
    back = writer.post(
        f"/admin/stories/{own}/revisions/restore", data={"number": "1", "revision": "2"}
    )
    assert back.status_code == 303 and stored(query, own).headline == HEADLINE


# --- autosave ---------------------------------------------------------------------------------


def test_the_form_autosaves_every_30_seconds_and_on_leaving_a_field(editor, story_id):
    form = page_of(editor.get(f"/admin/stories/{story_id}")).get_element_by_id("story-form")
    assert form.get("hx-post") == f"/admin/stories/{story_id}/autosave"
    assert form.get("hx-trigger") == "every 30s, change"
    assert form.get("hx-sync") == "this:queue last" and form.get("hx-target") == "#autosave-status"
    assert form.get("action") == f"/admin/stories/{story_id}", "Save still posts the form itself"
    new = editor.get("/admin/stories/new")
    assert "hx-post" not in page_of(new).get_element_by_id("story-form").attrib
    assert "Autosave starts once the story has been saved." in new.text


def on_clock(query, newsroom, zone: str) -> None:
    """The editor reads and types times in `zone`."""

    def set_zone():
        db.session.get(User, newsroom["editor"]).timezone = zone
        db.session.commit()

    query(set_zone)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Bangkok"])
def test_unsaved_text_is_autosaved_and_offered_back_until_saved(
    editor, story_id, query, newsroom, zone
):
    on_clock(query, newsroom, zone)  # the form's times are on that clock; the untouched form
    form = form_values(editor.get(f"/admin/stories/{story_id}").text)  # is still unchanged
    unchanged = editor.post(f"/admin/stories/{story_id}/autosave", data=form, headers=HTMX)
    assert unchanged.status_code == 200 and "No unsaved changes." in unchanged.text
    assert query(lambda: db.session.scalar(sa.select(sa.func.count(Autosave.id)))) == 0

    form.update(body="Half-written: the army was called in")
    kept = editor.post(f"/admin/stories/{story_id}/autosave", data=form, headers=HTMX)
    assert kept.status_code == 200 and "<html" not in kept.text
    assert texts(kept, "//p[@id='autosave-status']")[0].startswith("Autosaved ")
    assert stored(query, story_id).revision == 2, "an autosave is not a save"

    reopened = editor.get(f"/admin/stories/{story_id}")
    assert "Restore your unsaved changes from" in reopened.text
    assert field_value(reopened.text, "body") != "Half-written: the army was called in"
    link = page_of(reopened).xpath("//a[text()='Restore my changes']")[0].get("href")
    restored = editor.get(link)
    assert field_value(restored.text, "body") == "Half-written: the army was called in"
    assert "are in the form below. Save to keep them." in restored.text

    mine = form_values(restored.text)
    mine.update(action="save")
    assert editor.post(f"/admin/stories/{story_id}", data=mine).status_code == 303
    assert stored(query, story_id).body_md == "Half-written: the army was called in"
    assert "Restore your unsaved changes" not in editor.get(f"/admin/stories/{story_id}").text


def test_an_autosave_never_overwrites_a_newer_save(editor, signed_in, story_id, query):
    mine = form_values(editor.get(f"/admin/stories/{story_id}").text)
    mine.update(body="My first thoughts")
    assert (
        editor.post(f"/admin/stories/{story_id}/autosave", data=mine, headers=HTMX).status_code
        == 200
    )

    colleague = signed_in("admin")
    theirs = form_values(colleague.get(f"/admin/stories/{story_id}").text)
    theirs.update(action="save", headline="Their newer headline")
    assert colleague.post(f"/admin/stories/{story_id}", data=theirs).status_code == 303

    mine.update(body="My second thoughts")
    refused = editor.post(f"/admin/stories/{story_id}/autosave", data=mine, headers=HTMX)
    assert refused.status_code == 409 and "Someone saved a newer version" in refused.text
    slot = query(lambda: db.session.scalars(sa.select(Autosave)).one())
    assert slot.fields["body"] == ["My first thoughts"], "the slot is not overwritten"
    assert stored(query, story_id).headline == "Their newer headline"
    assert "Restore your unsaved changes" not in editor.get(f"/admin/stories/{story_id}").text


def test_discarding_unsaved_changes(editor, story_id, query):
    form = form_values(editor.get(f"/admin/stories/{story_id}").text)
    form.update(headline="Not this one")
    editor.post(f"/admin/stories/{story_id}/autosave", data=form, headers=HTMX)
    gone = editor.post(f"/admin/stories/{story_id}/autosave/discard")
    assert gone.status_code == 303
    assert query(lambda: db.session.scalar(sa.select(sa.func.count(Autosave.id)))) == 0
    again = editor.get(f"/admin/stories/{story_id}/autosave", follow_redirects=True)
    assert "no unsaved changes of yours to restore" in again.text


# --- who is editing ---------------------------------------------------------------------------


def test_opening_a_story_shows_who_else_is_editing_it_until_they_leave(
    editor, signed_in, story_id, monkeypatch
):
    now = [2_000_000_000.0]
    monkeypatch.setattr(presence, "clock", lambda: now[0])
    first = editor.get(f"/admin/stories/{story_id}")
    assert "is editing since" not in first.text
    poll = page_of(first).get_element_by_id("story-presence")
    assert poll.get("hx-trigger") == "every 15s" and poll.get("hx-get").endswith("/editing")

    colleague = signed_in("admin")
    for _poll in range(20):  # five minutes later, the editor's form polling all along
        now[0] += presence.POLL_SECONDS
        editor.get(f"/admin/stories/{story_id}/editing", headers=HTMX)
    seen = colleague.get(f"/admin/stories/{story_id}")
    assert texts(seen, "//*[@id='story-presence']//p") == ["Test Editor is editing since 03:33 UTC"]
    back = editor.get(f"/admin/stories/{story_id}/editing", headers=HTMX)
    assert back.status_code == 200 and "<html" not in back.text
    assert texts(back, "//p") == ["Test Admin is editing since 03:38 UTC"]
    assert editor.get(f"/admin/stories/{story_id}/editing").status_code == 303, "not a page"

    now[0] += presence.TTL_SECONDS + 1  # the editor closed the tab: no more polls
    assert (
        "is editing" not in colleague.get(f"/admin/stories/{story_id}/editing", headers=HTMX).text
    )


def test_a_stale_save_offers_their_changes_beside_yours(editor, signed_in, story_id):
    mine, refused = save_over_each_other(
        editor,
        signed_in("admin"),
        f"/admin/stories/{story_id}",
        mine="Floods cut Assam rail links, schools shut",
        theirs="Floods cut Assam rail links, army called in",
    )
    assert refused.status_code == 409
    beside = page_of(refused).get_element_by_id("beside-yours")
    assert beside.xpath("summary")[0].text == "See their changes beside yours"
    headline = beside.xpath(".//div[@data-field='headline']")[0]
    assert [d.text for d in headline.xpath(".//del")] == ["army called in"]
    assert [i.text for i in headline.xpath(".//ins")] == ["schools shut"]
    assert field_value(refused.text, "headline") == "Floods cut Assam rail links, schools shut"
    assert revision_of(refused.text) == mine["revision"], "still stale until they reload"
