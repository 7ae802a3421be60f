"""Which stories each member of the newsroom sees in the admin: writers their own, editors all."""

from __future__ import annotations

from datetime import timedelta

import pytest

from extensions import db
from newsroom.models import Story, User, utcnow
from tests.helpers import PASSWORD, sign_in, story_data
from web.auth import hash_password

# Runs on the demo newsroom until its tests are built with factories.
pytestmark = pytest.mark.demo

COLLEAGUE_DRAFT = "Customs officers seize record haul of pangolin scales"
COLLEAGUE_REVIEW = "Port strike ends after all-night talks in Chittagong"
COLLEAGUE_SCHEDULED = "Central bank to cut rates on Thursday, sources say"
OWN_DRAFT = "Rice prices climb for a third week in Dhaka markets"


@pytest.fixture
def desk(app, newsroom, query):
    """A second writer with a draft, a story in review and a scheduled one; our writer's draft."""

    def add_colleague():
        db.session.add(
            User(
                email="colleague@asian-news.test",
                name="Test Colleague",
                role="writer",
                password_hash=hash_password(PASSWORD),
            )
        )
        db.session.commit()

    query(add_colleague)
    colleague, writer = app.test_client(), app.test_client()
    sign_in(colleague, "colleague")
    sign_in(writer, "writer")

    def write(client, headline, action="save", **fields):
        response = client.post("/admin/stories/new", data=story_data(headline=headline, **fields))
        assert response.status_code == 303, response.text
        ident = int(response.headers["Location"].rsplit("/", 1)[1])
        if action != "save":
            edited = client.post(
                f"/admin/stories/{ident}",
                data=story_data(headline=headline, action=action, revision="1"),
            )
            assert edited.status_code == 303
        return ident

    own = write(writer, OWN_DRAFT)
    stories = {
        "own": own,
        # The colleague's draft embeds our writer's draft: its headline must not show there.
        "draft": write(colleague, COLLEAGUE_DRAFT, body=f"Officials said.\n\n[[nid:{own}]]"),
        "review": write(colleague, COLLEAGUE_REVIEW, action="submit"),
        "scheduled": write(colleague, COLLEAGUE_SCHEDULED),
    }

    def schedule():
        story = db.session.get(Story, stories["scheduled"])
        story.status, story.published_at = "scheduled", utcnow() + timedelta(days=1)
        db.session.commit()

    query(schedule)
    return writer, stories


def slug_of(query, ident):
    return query(lambda: db.session.get(Story, ident).slug)


HIDDEN = (COLLEAGUE_DRAFT, COLLEAGUE_REVIEW, COLLEAGUE_SCHEDULED)


def test_writers_list_and_dashboard_show_only_their_own_stories(desk):
    writer, _ = desk
    for url in (
        "/admin/stories",
        "/admin/stories?status=draft",
        "/admin/stories?status=scheduled",
        "/admin/stories?q=Chittagong",
        "/admin/",
    ):
        page = writer.get(url).text
        for headline in HIDDEN:
            assert headline not in page, (url, headline)
    assert OWN_DRAFT in writer.get("/admin/stories").text
    assert OWN_DRAFT in writer.get("/admin/").text  # "Your drafts", and the recent changes


def test_writers_cannot_open_or_preview_a_colleagues_story_by_its_address(desk, query):
    writer, stories = desk
    for kind in ("draft", "review", "scheduled"):
        ident = stories[kind]
        assert writer.get(f"/admin/stories/{ident}").status_code == 403, kind
        assert writer.get(f"/article/{slug_of(query, ident)}").status_code == 404, kind
    own = writer.get(f"/admin/stories/{stories['own']}")
    assert own.status_code == 200 and COLLEAGUE_DRAFT not in own.text
    assert writer.get(f"/article/{slug_of(query, stories['own'])}").status_code == 200


def test_editors_see_every_story(desk, app, query):
    _, stories = desk
    editor = app.test_client()
    sign_in(editor, "editor")
    listed = editor.get("/admin/stories").text
    dashboard = editor.get("/admin/").text
    for headline in (*HIDDEN, OWN_DRAFT):
        assert headline in listed, headline
    assert COLLEAGUE_REVIEW in dashboard and COLLEAGUE_SCHEDULED in dashboard
    assert COLLEAGUE_DRAFT in editor.get(f"/admin/stories/{stories['own']}").text  # embedded in
    assert editor.get(f"/article/{slug_of(query, stories['draft'])}").status_code == 200
