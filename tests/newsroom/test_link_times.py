"""The lists of a tag, a country and an author walk their link rows' copy of each story's live_at
(newsroom.models.story_links): whatever moves a story's time or its links moves the copy, so a
reader never sees a story on a list it has left, nor at a time it no longer has."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import Story, Tag, story_authors, story_countries, story_tags, utcnow
from newsroom.stories import kill_story, save_story
from tests.factories import AuthorFactory, country, make_story, story_changes

HEADLINE = "Monsoon floods cut the road to Baguio"


@pytest.fixture
def reader(app):
    return app.test_client()


def listed(reader, path: str) -> bool:
    response = reader.get(path)
    return response.status_code == 200 and HEADLINE in response.text


def headlines(reader, path: str) -> list[str]:
    import lxml.html

    page = lxml.html.fromstring(reader.get(path).text)
    return [" ".join(h.text_content().split()) for h in page.xpath("//h2 | //h3")]


def copies_agree(story: Story) -> bool:
    """Every link row of the story carries the story's live_at (None while readers may not
    see it)."""
    db.session.expire_all()
    stored = db.session.get(Story, story.id)
    disagreeing = [
        db.session.scalar(
            sa.select(sa.func.count()).where(
                link.c.article_id == story.id, link.c.live_at.is_distinct_from(stored.live_at)
            )
        )
        for link in (story_tags, story_countries, story_authors)
    ]
    return disagreeing == [0, 0, 0]


def save(story, people, action, **overrides):
    editor = people["editor"]
    changes = story_changes(**{"headline": HEADLINE, "tag_names": ["Floods"], **overrides})
    return save_story(story, changes, action, editor, None if story is None else story.revision)


def test_unpublished_it_leaves_the_tag_page_and_published_later_it_sits_at_its_new_time(
    people, reader
):
    author = AuthorFactory(name="Ramon Cruz")
    story = save(None, people, "publish", author_ids=[author.id])
    older = make_story(headline="Older flood story", tags=["Floods"])
    older.published_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    assert listed(reader, "/tag/floods") and listed(reader, f"/author/{author.slug}")
    assert copies_agree(story)

    save(story, people, "unpublish", author_ids=[author.id])
    assert not listed(reader, "/tag/floods")
    assert not listed(reader, "/country/philippines")
    assert not listed(reader, f"/author/{author.slug}")
    assert copies_agree(story)

    # Back on the site an hour before the older story's time: it now lists below it.
    earlier = utcnow() - timedelta(hours=3)
    save(story, people, "publish", author_ids=[author.id], published_at=earlier)
    page = headlines(reader, "/tag/floods")
    assert HEADLINE in page and "Older flood story" in page
    assert page.index("Older flood story") < page.index(HEADLINE)
    assert [s.headline for s in Story.latest(tag=Tag.by_slug("floods"))] == [
        "Older flood story",
        HEADLINE,
    ]
    assert copies_agree(story)


def test_a_scheduled_story_is_on_no_list_until_its_time_and_a_killed_one_leaves_them(
    people, reader
):
    story = save(None, people, "schedule", published_at=utcnow() + timedelta(hours=5))
    assert not listed(reader, "/tag/floods") and not listed(reader, "/country/philippines")
    assert copies_agree(story)
    save(story, people, "publish", published_at=utcnow() - timedelta(minutes=1))
    assert listed(reader, "/tag/floods") and listed(reader, "/country/philippines")
    kill_story(story, "Removed on a court order.", people["editor"])
    assert not listed(reader, "/tag/floods") and not listed(reader, "/country/philippines")
    assert copies_agree(story)


def test_links_edited_move_the_story_between_lists(people, reader):
    story = save(None, people, "publish")
    assert listed(reader, "/tag/floods") and listed(reader, "/country/philippines")
    thailand = [country("thailand").id]
    story = save(story, people, "save", tag_names=["Landslides"], country_ids=thailand)
    assert not listed(reader, "/tag/floods") and listed(reader, "/tag/landslides")
    assert not listed(reader, "/country/philippines") and listed(reader, "/country/thailand")
    assert copies_agree(story)


def test_an_embargo_set_on_the_model_takes_the_story_off_its_lists(people, reader):
    story = save(None, people, "publish")
    assert listed(reader, "/tag/floods")
    story.embargo_until = utcnow() + timedelta(days=1)  # any ORM write, not only the service
    db.session.commit()
    assert not listed(reader, "/tag/floods") and not listed(reader, "/country/philippines")
    assert copies_agree(story)
