"""The desk's lists page like the reader lists: every older page is reachable, each row once."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from extensions import db
from newsroom.models import ContactMessage, Status, Story, utcnow
from tests.factories import StoryFactory


def walk(client, url: str, row: str, older: str) -> list[int]:
    """Follow the list's "older" link from `url` to the end; the ids shown, in order."""
    seen = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, url
        seen += [int(i) for i in re.findall(row, response.text)]
        link = re.search(rf'href="([^"]+)">{older}</a>', response.text)
        url = link.group(1).replace("&amp;", "&") if link else None
    return seen


def test_the_story_list_pages_reach_the_oldest_change_with_ties_in_id_order(editor, query):
    def tie_a_third_and_draft_a_fifth():
        StoryFactory.create_batch(60)
        at = utcnow() - timedelta(hours=1)
        db.session.execute(sa.update(Story).where(Story.id % 3 == 0).values(modified_at=at))
        draft = Status.DRAFT.value
        db.session.execute(sa.update(Story).where(Story.id % 5 == 0).values(status=draft))
        db.session.commit()

    def every(status=None):
        rows = sa.select(Story.id).order_by(Story.modified_at.desc(), Story.id.desc())
        if status:
            rows = rows.where(Story.status == status)
        return list(db.session.scalars(rows))

    query(tie_a_third_and_draft_a_fifth)
    row, older = r'<small class="muted">#(\d+)', "Older changes"
    everything = query(every)
    assert len(everything) > 2 * 25, "the list has pages to walk"
    assert walk(editor, "/admin/stories", row, older) == everything
    published = query(lambda: every(Status.PUBLISHED.value))
    assert 25 < len(published) < len(everything)
    assert walk(editor, "/admin/stories?status=published", row, older) == published, (
        "older pages keep the filter"
    )


def test_the_inbox_pages_reach_the_oldest_message_newest_received_first(editor, query):
    def receive():
        start = utcnow() - timedelta(days=1)
        for n in range(60):
            # Out of id order, and many at the same moment.
            at = start - timedelta(minutes=n % 7)
            db.session.add(
                ContactMessage(
                    name=f"Reader {n}",
                    email="reader@example.org",
                    subject=f"Tip number {n}",
                    message="There is more to this story.",
                    created_at=at,
                )
            )
        db.session.commit()
        rows = sa.select(ContactMessage.id).order_by(
            ContactMessage.created_at.desc(), ContactMessage.id.desc()
        )
        return list(db.session.scalars(rows))

    everything = query(receive)
    seen = walk(editor, "/admin/messages", r'href="/admin/messages/(\d+)"', "Older messages")
    assert seen == everything
    assert seen != sorted(seen, reverse=True), "the test covers times out of id order"
