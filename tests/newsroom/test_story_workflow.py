"""The story workflow itself (newsroom.stories), called as the command line or an import would:
no form, no HTTP. Each rule is shown refusing what it exists to refuse."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import (
    AuditEntry,
    SlugRedirect,
    Status,
    Story,
    TickerItem,
    next_scheduled_time,
    utcnow,
)
from newsroom.stories import (
    CannotKill,
    NotAllowed,
    SlugTaken,
    StaleRevision,
    StoryChanges,
    StoryConflict,
    StoryRefused,
    kill_story,
    save_story,
)
from tests.factories import AuthorFactory, story_changes

HEADLINE = "Typhoon Mawar nears the coast of Luzon"
NOTICE = "This story was removed following a court order."


def changes(**overrides) -> StoryChanges:
    return story_changes(**{"tag_names": ["Weather", " weather", "Typhoons"], **overrides})


def draft(people) -> Story:
    return save_story(None, changes(), "save", by=people["writer"])


def published(people, **overrides) -> Story:
    return save_story(None, changes(**overrides), "publish", by=people["editor"])


def readers_see(story: Story) -> bool:
    """Whether the reader lists (the SQL side of the rule) include the story."""
    found = sa.select(Story.id).where(Story.id == story.id, Story.visible())
    return db.session.scalar(found) is not None


def test_a_writer_drafts_and_an_editor_publishes(people):
    story = draft(people)
    assert story.status == Status.DRAFT and story.created_by_id == people["writer"].id
    assert story.body_html.startswith("<p><strong>MANILA —</strong> Rain fell")
    assert [t.slug for t in story.tags] == ["typhoons", "weather"], "one tag per address"
    assert not story.is_visible and not readers_see(story)

    story = save_story(story, changes(), "publish", by=people["editor"], expected_revision=1)
    assert story.status == Status.PUBLISHED and story.published_at <= utcnow()
    assert story.revision == 2 and story.modified_by_id == people["editor"].id
    assert story.is_visible and readers_see(story)
    audit = [(e.action, e.summary) for e in AuditEntry.about(story)]
    assert audit == [
        ("publish", f"publish: {HEADLINE} (draft → published)"),
        ("create", f"save: {HEADLINE}"),
    ]


@pytest.mark.parametrize("action", ["publish", "schedule", "unpublish"])
def test_a_writer_may_not_publish_schedule_or_unpublish(people, action):
    story = draft(people)
    when = utcnow() + timedelta(days=1)
    with pytest.raises(NotAllowed):
        save_story(story, changes(published_at=when), action, people["writer"], story.revision)
    db.session.refresh(story)
    assert story.status == Status.DRAFT and story.revision == 1


def test_a_writer_submits_for_review(people):
    story = save_story(draft(people), changes(), "submit", people["writer"], expected_revision=1)
    assert story.status == Status.REVIEW and not story.is_visible


def test_a_writer_changes_only_their_own_drafts(people):
    from tests.factories import UserFactory

    colleague = UserFactory(role="writer")
    theirs = save_story(None, changes(), "save", by=colleague)
    with pytest.raises(NotAllowed):
        save_story(theirs, changes(headline="Rewritten by someone else"), "save", people["writer"])
    mine = save_story(draft(people), changes(), "submit", people["writer"], expected_revision=1)
    with pytest.raises(NotAllowed):  # sent for review: it is the editors' now
        save_story(mine, changes(headline="One more change"), "save", people["writer"])
    db.session.refresh(theirs)
    db.session.refresh(mine)
    assert theirs.headline == mine.headline == HEADLINE
    edited = save_story(mine, changes(headline="Edited on the desk"), "save", people["editor"])
    assert edited.headline == "Edited on the desk"


@pytest.mark.parametrize("when", [None, -timedelta(minutes=5)])
def test_scheduling_needs_a_time_ahead(people, when):
    at = None if when is None else utcnow() + when
    with pytest.raises(StoryRefused) as refused:
        save_story(None, changes(published_at=at), "schedule", by=people["editor"])
    assert refused.value.field == "published_at"
    assert db.session.scalar(sa.select(Story).where(Story.headline == HEADLINE)) is None


def test_a_scheduled_story_goes_live_at_its_time(people):
    at = (utcnow() + timedelta(hours=3)).replace(microsecond=0)
    story = save_story(None, changes(published_at=at), "schedule", by=people["editor"])
    assert story.status == Status.SCHEDULED and story.published_at == at
    assert not story.is_visible and not readers_see(story)
    assert next_scheduled_time() == at
    live = sa.select(Story.id).where(Story.visible(now=at + timedelta(seconds=1)))
    assert story.id in db.session.scalars(live).all()


def test_publishing_with_a_time_ahead_schedules(people):
    at = utcnow() + timedelta(days=2)
    story = published(people, published_at=at)
    assert story.status == Status.SCHEDULED and not story.is_visible


def test_a_save_from_a_stale_copy_is_refused(people):
    story = draft(people)
    save_story(story, changes(headline="First editor's headline"), "save", people["editor"], 1)
    with pytest.raises(StaleRevision):
        save_story(story, changes(headline="Second editor's headline"), "save", people["admin"], 1)
    db.session.refresh(story)
    assert story.headline == "First editor's headline" and story.revision == 2


def test_a_killed_story_can_only_be_saved(people):
    story = published(people)
    kill_story(story, NOTICE, by=people["editor"])
    for action in ("publish", "schedule", "submit", "unpublish"):
        with pytest.raises(StoryConflict, match="This story was killed"):
            when = utcnow() + timedelta(days=1)
            save_story(story, changes(published_at=when), action, people["editor"], story.revision)
    story = save_story(story, changes(headline="Kept"), "save", people["editor"], story.revision)
    assert story.status == Status.KILLED and story.headline == "Kept" and not story.is_visible


def test_only_an_editor_moves_the_publication_time_on_a_plain_save(people):
    story = draft(people)
    at = utcnow() - timedelta(days=3)
    story = save_story(story, changes(published_at=at), "save", people["writer"], 1)
    assert story.published_at is None, "a writer's save leaves the time alone"
    story = save_story(story, changes(published_at=at), "save", people["editor"], 2)
    assert story.published_at == at


def test_a_public_story_keeps_its_old_address_when_renamed(people):
    story = published(people)
    old = story.slug
    story = save_story(story, changes(slug="luzon-typhoon"), "save", people["editor"], 1)
    assert story.slug == "luzon-typhoon"
    moved = db.session.scalar(sa.select(SlugRedirect).where(SlugRedirect.old_slug == old))
    assert moved is not None and moved.article_id == story.id

    unseen = save_story(None, changes(headline="A draft"), "save", people["writer"])
    unseen = save_story(unseen, changes(slug="renamed-draft"), "save", people["writer"], 1)
    assert unseen.slug == "renamed-draft"
    kept = sa.select(SlugRedirect).where(SlugRedirect.article_id == unseen.id)
    assert db.session.scalars(kept).all() == [], "nobody links to a draft's old address"


def test_an_address_taken_at_the_last_moment_is_refused_and_nothing_is_written(people):
    first = published(people)
    second = save_story(None, changes(headline="Another story"), "save", people["editor"])
    with pytest.raises(SlugTaken):
        save_story(second, changes(slug=first.slug), "save", people["editor"], 1)
    db.session.refresh(second)
    assert second.slug == "another-story" and second.revision == 1


def test_a_live_breaking_story_leads_the_ticker_and_leaves_it_when_unpublished(people):
    story = published(people, is_breaking=True)
    links = [item.link for item in TickerItem.active()]
    assert links.count(f"/n/{story.id}") == 1
    save_story(story, changes(is_breaking=True), "unpublish", people["editor"], 1)
    assert f"/n/{story.id}" not in [item.link for item in TickerItem.active()]


@pytest.mark.parametrize(
    "status, minutes, visible",
    [
        (Status.PUBLISHED, -5, True),
        (Status.SCHEDULED, -5, True),
        (Status.SCHEDULED, 60, False),
        (Status.DRAFT, -5, False),
        (Status.REVIEW, -5, False),
        (Status.UNPUBLISHED, -5, False),
        (Status.KILLED, -5, False),
    ],
)
def test_the_page_and_the_lists_agree_on_what_readers_see(people, status, minutes, visible):
    story = published(people)
    story.status, story.published_at = status.value, utcnow() + timedelta(minutes=minutes)
    db.session.commit()
    assert story.is_visible is visible
    assert readers_see(story) is visible


# --- killing --------------------------------------------------------------------------------------


def test_only_an_editor_kills_and_only_a_story_that_was_public(people):
    story = published(people)
    with pytest.raises(NotAllowed):
        kill_story(story, NOTICE, by=people["writer"])
    assert story.status == Status.PUBLISHED
    with pytest.raises(CannotKill, match="Only a published, scheduled or unpublished"):
        kill_story(draft(people), NOTICE, by=people["editor"])


def test_the_command_line_kills_through_the_same_rules(people, runner):
    ident = published(people, is_breaking=True).id
    never_public = save_story(None, changes(headline="Never public"), "save", people["writer"]).id
    db.session.commit()  # the command works in a session of its own: let it write
    refused = runner.invoke(args=["stories", "kill", str(never_public), "--reason", NOTICE])
    assert refused.exit_code != 0
    assert "Only a published, scheduled or unpublished story can be killed" in refused.output

    result = runner.invoke(args=["stories", "kill", str(ident), "--reason", f"  {NOTICE} "])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    story = db.session.get(Story, ident)
    assert story.status == Status.KILLED and story.kill_notice == NOTICE
    assert f"/n/{ident}" not in [item.link for item in TickerItem.active()]
    entry = AuditEntry.about(story)[0]
    assert entry.action == "kill" and entry.user_id is None


def test_the_byline_reads_in_the_order_the_authors_were_given(people):
    zainab, arun = AuthorFactory(name="Zainab Qureshi"), AuthorFactory(name="Arun Bose")
    story = published(people, author_ids=[zainab.id, arun.id])
    ident = story.id
    db.session.expire_all()
    assert [a.name for a in db.session.get(Story, ident).authors] == ["Zainab Qureshi", "Arun Bose"]
    story = db.session.get(Story, ident)
    save_story(story, changes(author_ids=[arun.id, zainab.id]), "save", people["editor"])
    db.session.expire_all()
    assert [a.name for a in db.session.get(Story, ident).authors] == ["Arun Bose", "Zainab Qureshi"]
