"""Live coverage's service (newsroom.live), called as the command line or a wire tool would: who
may post, what a post becomes, how the page's stamp moves, and what closing does."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom import live
from newsroom.models import AuditEntry, Kind, LivePost, Story, utcnow
from newsroom.stories import NotAllowed, StoryRefused
from tests.factories import LivePostFactory, LiveStoryFactory, StoryFactory
from tests.helpers import statements


def audit_actions(story: Story) -> list[str]:
    return db.session.scalars(
        sa.select(AuditEntry.action)
        .where(AuditEntry.subject_type == "story", AuditEntry.subject_id == story.id)
        .order_by(AuditEntry.id)
    ).all()


def test_an_editor_opens_a_story_as_a_live_page_posts_and_closes_it(people):
    story = StoryFactory(headline="Typhoon Kalmaegi nears Samar")
    live.open_coverage(story, people["editor"])
    assert story.kind == Kind.LIVE and story.is_live_open

    post = live.add_post(
        story,
        people["editor"],
        "Winds of **180 km/h** at Guiuan. [[nid:999999]]",
        title="Landfall",
        key_event=True,
    )
    assert post.posted_at <= utcnow() and post.author_id == people["editor"].id
    assert "<strong>180 km/h</strong>" in post.body_html
    assert post.embed_ids == [999999]
    assert story.live_changed_at == post.changed_at
    assert story.edited_at == post.posted_at, "lists show a live page at its latest post's time"
    assert LivePost.key_events(story) == [post]

    live.close_coverage(story, people["editor"])
    assert not story.is_live_open and story.live_closed_at is not None
    with pytest.raises(live.CoverageClosed):
        live.add_post(story, people["editor"], "One more thing")
    assert audit_actions(story) == ["live-open", "live-post", "live-close"]

    live.open_coverage(story, people["editor"])
    assert story.is_live_open and audit_actions(story)[-1] == "live-reopen"


def test_a_post_is_sanitized_like_a_story_body(people):
    story = LiveStoryFactory()
    post = live.add_post(
        story, people["editor"], 'Fine <script>alert(1)</script><a href="javascript:x()">x</a>'
    )
    assert "<script" not in post.body_html and "javascript:" not in post.body_html


def test_a_writer_posts_only_where_an_editor_added_them(people):
    story = LiveStoryFactory()
    with pytest.raises(NotAllowed):
        live.add_post(story, people["writer"], "From the field")
    assert LivePost.count(story) == 0, "a refused post writes nothing"

    live.set_contributors(story, [people["writer"]], people["editor"])
    post = live.add_post(story, people["writer"], "From the field", key_event=True)
    assert not post.is_key_event, "key events are an editor's call"

    mine = post
    theirs = live.add_post(story, people["editor"], "From the desk")
    live.edit_post(mine, people["writer"], "From the field, in Tacloban")
    assert mine.edited_at is not None and "Tacloban" in mine.body_html
    with pytest.raises(NotAllowed):
        live.edit_post(theirs, people["writer"], "Rewritten by a writer")
    with pytest.raises(NotAllowed):
        live.delete_post(theirs, people["writer"])
    with pytest.raises(NotAllowed):
        live.close_coverage(story, people["writer"])
    with pytest.raises(NotAllowed):
        live.set_summary(story, "We know", people["writer"])


def test_bad_posts_are_refused_with_the_field_at_fault(people):
    story = LiveStoryFactory()
    for body, title, field in (
        ("   ", "", "body"),
        ("x" * 20_001, "", "body"),
        ("ok", "t" * 201, "title"),
    ):
        with pytest.raises(StoryRefused) as refused:
            live.add_post(story, people["editor"], body, title=title)
        assert refused.value.field == field
    with pytest.raises(StoryRefused):
        live.add_post(StoryFactory(), people["editor"], "Not a live page")


def test_edits_and_deletes_move_the_stamp_and_polls_see_them(people):
    story = LiveStoryFactory()
    first = LivePostFactory(story=story, minutes_ago=5)
    second = LivePostFactory(story=story, minutes_ago=1)
    seen = story.live_changed_at

    live.edit_post(first, people["editor"], first.body_md)  # nothing changed
    assert story.live_changed_at == seen, "a save that changes nothing is no news"
    live.edit_post(first, people["editor"], "Corrected: winds of 160 km/h.")
    live.delete_post(second, people["editor"])
    assert story.live_changed_at > seen

    changed = LivePost.changed_since(story, seen)
    assert [p.id for p in changed] == [first.id, second.id]
    assert second.deleted_at is not None
    assert [p.id for p in LivePost.latest(story, 10)] == [first.id], "readers never see it"


def test_pages_of_posts_and_a_permalink_deep_in_the_page(people):
    story = LiveStoryFactory()
    posts = [LivePostFactory(story=story, minutes_ago=60 - i) for i in range(30)]
    page = LivePost.page(story, limit=20)
    assert [p.id for p in page.rows] == [p.id for p in reversed(posts)][:20]
    older = LivePost.page(story, before=page.next_cursor, limit=20)
    assert [p.id for p in older.rows] == [p.id for p in reversed(posts)][20:]
    assert older.next_cursor is None

    deep = LivePost.down_to(story, posts[2].id, most=500)
    assert deep[-1].id == posts[2].id and len(deep) == 28
    assert LivePost.down_to(StoryFactory(), posts[2].id, most=500) == [], "another page's post"


def test_the_summary_is_markdown_and_audited(people):
    story = LiveStoryFactory()
    live.set_summary(story, "- 12 dead\n- 200,000 evacuated", people["editor"])
    assert "<li>200,000 evacuated</li>" in story.live_summary_html
    assert audit_actions(story)[-1] == "live-summary"


def test_the_home_page_reads_the_latest_two_posts_of_each_page_in_one_query(people):
    pages = [LiveStoryFactory(), LiveStoryFactory()]
    for page in pages:
        for minutes in (9, 5, 1):
            LivePostFactory(story=page, minutes_ago=minutes)
    for page in pages:
        db.session.refresh(page)  # as the home page holds them: loaded, not expired by a commit
    with statements() as seen:
        latest = LivePost.latest_for(pages, 2)
    assert len(seen) == 1, seen
    assert [len(latest[p.id]) for p in pages] == [2, 2]
    assert latest[pages[0].id][0].posted_at > latest[pages[0].id][1].posted_at


def test_a_story_saved_as_live_coverage_from_the_form_is_an_open_live_page(people):
    from newsroom.stories import save_story
    from tests.factories import story_changes

    story = save_story(None, story_changes(kind="live"), "publish", by=people["editor"])
    assert story.is_live_open and story.live_changed_at is not None, "its polls have a stamp"
    post = live.add_post(story, people["editor"], "The first update.")
    assert LivePost.latest(story, 5) == [post]


def test_a_post_from_a_server_whose_clock_is_behind_still_moves_the_stamp_on(people, monkeypatch):
    """Two app servers: the second's clock is a second behind the first's (or its post was
    slower to commit). Its post still gets a later stamp, so readers' polls see it."""
    story = LiveStoryFactory()
    first = live.add_post(story, people["editor"], "From the first server.")
    behind = first.changed_at - timedelta(seconds=1)
    monkeypatch.setattr(live, "utcnow", lambda: behind)
    second = live.add_post(story, people["editor"], "From the server whose clock is behind.")
    assert second.changed_at > first.changed_at
    assert story.live_changed_at == second.changed_at
    assert [p.id for p in LivePost.changed_since(story, first.changed_at)] == [second.id]
    live.delete_post(first, people["editor"])
    assert first.changed_at > second.changed_at, "every change, not only posts"


def test_only_an_editor_makes_a_story_live_coverage_from_the_form(people):
    from newsroom.stories import save_story
    from tests.factories import story_changes

    with pytest.raises(StoryRefused) as refused:
        save_story(None, story_changes(kind="live"), "save", by=people["writer"])
    assert refused.value.field == "kind"
    draft = save_story(None, story_changes(), "save", by=people["writer"])
    with pytest.raises(StoryRefused):
        save_story(draft, story_changes(kind="live"), "save", by=people["writer"])
