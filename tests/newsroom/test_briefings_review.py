"""Editors review the next briefing before it goes out: intro, lead, order; read-only after."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.briefings_editions import EditionLocked, assemble, edition_due, queue, review
from newsroom.models import Briefing, Region, utcnow
from tests.factories import StoryFactory
from tests.helpers import sign_in


def make_edition(app):
    with app.app_context():
        stories = [
            StoryFactory(headline=f"{name} story for the briefing", countries=["china"])
            for name in ("Alpha", "Bravo", "Charlie")
        ]
        region = Region.by_slug("east-asia")
        now = utcnow()
        day, _ = edition_due(region, now)
        briefing = assemble(region, day + timedelta(days=1), now)
        return briefing.id, [s.id for s in stories]


def test_an_editor_sets_intro_lead_and_order(app, client, newsroom):
    ident, (alpha, bravo, charlie) = make_edition(app)
    sign_in(client, "editor")
    listing = client.get("/admin/briefings")
    assert listing.status_code == 200 and "East Asia" in listing.text
    page = client.get(f"/admin/briefings/{ident}")
    assert page.status_code == 200 and "Charlie story for the briefing" in page.text

    saved = client.post(
        f"/admin/briefings/{ident}",
        data={
            "intro": "Good morning <b>East Asia</b>.",
            "lead": str(bravo),
            f"position-{alpha}": "2",
            f"position-{charlie}": "1",
        },
    )
    assert saved.status_code == 303
    with app.app_context():
        briefing = db.session.get(Briefing, ident)
        assert briefing.lead_id == bravo and briefing.story_ids == [charlie, alpha]
        assert briefing.intro == "Good morning <b>East Asia</b>." and briefing.reviewed_at
    shown = client.get(f"/admin/briefings/{ident}").text
    assert "Good morning &lt;b&gt;East Asia&lt;/b&gt;." in shown

    client.post(f"/admin/briefings/{ident}", data={"lead": str(bravo), "move": f"up:{alpha}"})
    with app.app_context():
        assert db.session.get(Briefing, ident).story_ids == [alpha, charlie]


def test_a_sent_edition_is_read_only(app, client, newsroom):
    ident, (alpha, _bravo, _charlie) = make_edition(app)
    with app.app_context():
        db.session.execute(sa.update(Briefing).values(queued_at=utcnow(), sent_at=utcnow()))
        db.session.commit()
    sign_in(client, "editor")
    assert "can no longer change" in client.get(f"/admin/briefings/{ident}").text
    refused = client.post(f"/admin/briefings/{ident}", data={"intro": "Too late", "lead": alpha})
    assert refused.status_code == 409
    with app.app_context():
        assert db.session.get(Briefing, ident).intro == ""


def test_writers_cannot_review_briefings(app, client, newsroom):
    ident, _ = make_edition(app)
    sign_in(client, "writer")
    assert client.get("/admin/briefings").status_code == 403
    assert client.post(f"/admin/briefings/{ident}", data={"intro": "x"}).status_code == 403


def test_a_review_that_meets_a_send_already_under_way_changes_nothing(app):
    """The editor opened the edition before 07:00 and saves just after the sender queued it: the
    save is refused (what readers get was fixed when it was queued), not half applied."""
    ident, (alpha, bravo, charlie) = make_edition(app)
    with app.app_context():
        seen = db.session.get(Briefing, ident)
        order = list(seen.story_ids)
        db.session.expunge(seen)  # the editor's copy, read before the send
        fresh = db.session.get(Briefing, ident)
        queue(fresh, utcnow())  # the sender claims it (no subscribers: nobody is mailed)
        with pytest.raises(EditionLocked):
            review(seen, intro="Too late", lead_id=bravo, order=[charlie, alpha], editor_id=None)
        db.session.expire_all()
        kept = db.session.get(Briefing, ident)
        assert kept.intro != "Too late" and kept.story_ids == order and kept.reviewed_at is None
