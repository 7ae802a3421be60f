"""Arranging the home page in the admin: editors choose the lead, the top stories and each
section's block; the home page shows a save at once, the audit log says what changed, two
editors cannot save over each other unseen, and bad choices come back with the form kept."""

from __future__ import annotations

from datetime import timedelta

import lxml.html
import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import AuditEntry, FrontSlot, Section, Status, Story, utcnow
from tests.factories import make_story
from tests.helpers import form_values, sign_in

URL = "/admin/front"


@pytest.fixture
def stories(query):
    """Twelve published stories, four a section, newest first in `ids`; one draft."""

    def build():
        now = utcnow()
        ids = [
            make_story(
                headline=f"Story {n} for the front page editor",
                section=("politics", "business", "culture", "technology")[n % 4],
                published_at=now - timedelta(minutes=2 + n),
            ).id
            for n in range(12)
        ]
        draft = make_story(headline="A draft nobody may see", status=Status.DRAFT.value).id
        sections = {s.slug: s.id for s in db.session.scalars(sa.select(Section))}
        return {"ids": ids, "draft": draft, "sections": sections}

    return query(build)


def headline_of(query, ident: int) -> str:
    return query(lambda: db.session.get(Story, ident).headline)


def lead_href(html: str) -> str:
    lead = lxml.html.fromstring(html).find_class("front__lead")[0]
    return lead.find_class("story-card__title")[0].find("a").get("href")


def front_form(client) -> dict:
    response = client.get(URL)
    assert response.status_code == 200
    return form_values(response.text, "front-form")


def test_editors_find_the_front_page_in_the_admin_navigation(editor, stories):
    html = editor.get("/admin/").text
    assert f'href="{URL}"' in html
    page = editor.get(URL).text
    assert "<h1>Arrange the front page</h1>" in page
    root = lxml.html.fromstring(page)
    assert root.get_element_by_id("front-lead").get("list") == "front-stories"
    assert len(root.get_element_by_id("front-stories").findall("option")) == 12
    # One field per place: the lead, four top stories, three for each of the four sections.
    assert len(root.get_element_by_id("front-form").xpath(".//input[@type='text']")) == 17


def test_writers_may_not_arrange_the_front_page(client, newsroom, stories):
    assert sign_in(client, "writer").status_code == 302
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={"lead": str(stories["ids"][5])}).status_code == 403
    assert 'href="/admin/front"' not in client.get("/admin/").text


def test_an_editors_lead_and_top_stories_are_on_the_home_page_at_once(
    editor, client, query, stories
):
    lead, first, second = stories["ids"][7], stories["ids"][9], stories["ids"][4]
    home = editor.application.test_client()  # a reader, whose home page is cached
    assert (
        lead_href(home.get("/").text)
        != f"/article/{query(lambda: db.session.get(Story, lead).slug)}"
    )
    form = front_form(editor)
    form.update(lead=str(lead), top_1=f"{first} · whatever the suggestion said", top_2=f"#{second}")
    response = editor.post(URL, data=form)
    assert response.status_code == 303 and response.headers["Location"] == URL
    assert "The front page is arranged" in editor.get(URL).text
    html = home.get("/").text
    slug = query(lambda: {i: db.session.get(Story, i).slug for i in (lead, first, second)})
    assert lead_href(html) == f"/article/{slug[lead]}"
    top = lxml.html.fromstring(html).find_class("front__top")[0]
    assert [a.get("href") for a in top.iterfind(".//h2/a")][:2] == [
        f"/article/{slug[first]}",
        f"/article/{slug[second]}",
    ]
    # The form shows the choices again, as number and headline.
    again = front_form(editor)
    assert again["lead"] == f"{lead} · {headline_of(query, lead)}"


def test_the_audit_log_says_what_changed_in_words(editor, query, stories):
    lead = stories["ids"][3]
    form = front_form(editor)
    form.update(lead=str(lead))
    assert editor.post(URL, data=form).status_code == 303
    form = front_form(editor)
    form.update(lead="", top_4=str(lead))
    assert editor.post(URL, data=form).status_code == 303
    entries = query(
        lambda: [
            (e.action, e.subject_type, e.summary, e.user.role)
            for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))
            if e.action == "front.arrange"
        ]
    )
    headline = headline_of(query, lead)
    assert entries == [
        (
            "front.arrange",
            "front",
            f"Home page. Lead story: “{headline}” (was automatic).",
            "editor",
        ),
        (
            "front.arrange",
            "front",
            f"Home page. Lead story: automatic (was “{headline}”); "
            f"Top story 4: “{headline}” (was automatic).",
            "editor",
        ),
    ]
    # A save that changes nothing is not a change.
    assert editor.post(URL, data=front_form(editor)).status_code == 303
    assert (
        query(
            lambda: db.session.scalar(
                sa.select(sa.func.count()).where(AuditEntry.action == "front.arrange")
            )
        )
        == 2
    )


def test_two_editors_cannot_save_over_each_other(signed_in, query, stories):
    mine, theirs = signed_in("editor"), signed_in("admin")
    my_form, their_form = front_form(mine), front_form(theirs)
    their_form.update(lead=str(stories["ids"][6]))
    assert theirs.post(URL, data=their_form).status_code == 303
    my_form.update(lead=str(stories["ids"][8]))
    response = mine.post(URL, data=my_form)
    assert response.status_code == 409
    assert "Test Admin arranged the front page after you opened this form" in response.text
    kept = form_values(response.text, "front-form")
    assert kept["lead"] == str(stories["ids"][8]), "my choice is kept in the form"
    now = lxml.html.fromstring(response.text).get_element_by_id("front-lead-now").text_content()
    assert f"Chosen Readers see {headline_of(query, stories['ids'][6])}" in " ".join(now.split())
    saved = query(lambda: [(s.slot, s.story_id) for s in db.session.scalars(sa.select(FrontSlot))])
    assert saved == [("lead", stories["ids"][6])], "theirs stays until I save again"
    # Saving the kept form again (it carries the new revision) replaces theirs, knowingly.
    assert mine.post(URL, data=kept).status_code == 303
    saved = query(lambda: [(s.slot, s.story_id) for s in db.session.scalars(sa.select(FrontSlot))])
    assert saved == [("lead", stories["ids"][8])]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lead", "999999", "There is no story number 999999."),
        ("top_2", "a story about rice", "Choose a story from the suggestions"),
        ("top_2", "2026 budget for the rail link", "Choose a story from the suggestions"),
        ("top_1", "{draft}", "is not published or scheduled"),
        ("section_{business}_1", "{politics_story}", "is in Politics, not in Business."),
        ("top_3", "{lead}", "is already chosen as Lead story"),
    ],
)
def test_bad_choices_come_back_with_the_form_kept(editor, query, stories, field, value, message):
    names = {
        "draft": stories["draft"],
        "politics_story": stories["ids"][0],
        "lead": stories["ids"][5],
        **stories["sections"],
    }
    form = front_form(editor)
    form.update(lead=str(stories["ids"][5]), top_4=f"{stories['ids'][2]} · kept as typed")
    form[field.format(**names)] = value.format(**names)
    response = editor.post(URL, data=form)
    assert response.status_code == 422
    assert "The front page was not saved." in response.text and message in response.text
    kept = form_values(response.text, "front-form")
    assert kept["top_4"] == f"{stories['ids'][2]} · kept as typed"
    assert kept[field.format(**names)] == value.format(**names)
    root = lxml.html.fromstring(response.text)
    assert root.get_element_by_id(f"front-{field.format(**names)}").get("aria-invalid") == "true"
    assert query(lambda: db.session.scalar(sa.select(sa.func.count(FrontSlot.id)))) == 0


@pytest.mark.parametrize("revision", [None, "", "zero", "0", "9" * 30])
def test_a_form_without_its_revision_is_refused_readably(editor, stories, revision):
    form = front_form(editor)
    form.update(lead=str(stories["ids"][1]))
    if revision is None:
        del form["revision"]
    else:
        form["revision"] = revision
    response = editor.post(URL, data=form)
    assert response.status_code == 422
    assert "This form is incomplete. Reload the page" in response.text
    assert form_values(response.text, "front-form")["lead"] == str(stories["ids"][1])


def test_the_form_says_when_a_chosen_story_is_no_longer_shown(editor, query, stories):
    chosen = stories["ids"][10]
    form = front_form(editor)
    form.update(top_1=str(chosen))
    assert editor.post(URL, data=form).status_code == 303

    def unpublish():
        db.session.get(Story, chosen).status = Status.UNPUBLISHED.value
        db.session.commit()

    query(unpublish)
    page = editor.get(URL).text
    now = lxml.html.fromstring(page).get_element_by_id("front-top_1-now").text_content()
    assert f"story {chosen}, chosen here, cannot be shown now" in now
    assert "Automatic" in now and headline_of(query, chosen) not in now
    assert (
        f"/article/{query(lambda: db.session.get(Story, chosen).slug)}" not in editor.get("/").text
    )
