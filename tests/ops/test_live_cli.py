"""`flask --app app live open|post|close`, as a script or a wire tool runs it: what it says when
it works, what it says when it refuses (exit status 1, nothing written), and that the changes are
the live service's own (audited under the command line, readers' caches retired)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import AuditEntry, Kind, LivePost, Status, Story
from tests.factories import LiveStoryFactory, StoryFactory
from web.caching import content_version

SLUG = "typhoon-kalmaegi-makes-landfall"


@pytest.fixture
def story(query):
    """A published story that is not a live page yet: its id."""
    return query(lambda: StoryFactory(headline="Typhoon Kalmaegi makes landfall", slug=SLUG).id)


def live(runner, *args):
    return runner.invoke(args=["live", *args])


def audit(query, ident: int) -> list[tuple[str, int | None]]:
    return query(
        lambda: db.session.execute(
            sa.select(AuditEntry.action, AuditEntry.user_id)
            .where(AuditEntry.subject_type == "story", AuditEntry.subject_id == ident)
            .order_by(AuditEntry.id)
        ).all()
    )


def posts(query, ident: int) -> list[LivePost]:
    return query(lambda: LivePost.latest(db.session.get(Story, ident), 50))


def test_open_post_and_close_a_live_page(runner, query, story):
    opened = live(runner, "open", SLUG)
    assert opened.exit_code == 0, opened.output
    assert opened.output == (
        f'/article/{SLUG} is live coverage; post with: live post {SLUG} "TEXT"\n'
    )
    assert query(lambda: db.session.get(Story, story).kind) == Kind.LIVE

    text = "Winds of **180 km/h** at Guiuan."
    sent = live(runner, "post", SLUG, text, "--title", "Landfall", "--key-event")
    assert sent.exit_code == 0, sent.output
    (post,) = posts(query, story)
    assert sent.output == f"Posted {post.id}: /article/{SLUG}#post-{post.id}\n"
    assert (post.title, post.is_key_event, post.author_id) == ("Landfall", True, None)
    assert "<strong>180 km/h</strong>" in post.body_html

    plain = live(runner, "post", SLUG, "Power is out across Eastern Samar.")
    assert plain.exit_code == 0, plain.output
    newest = posts(query, story)[0]
    assert (newest.title, newest.is_key_event) == ("", False)

    closed = live(runner, "close", SLUG)
    assert closed.exit_code == 0, closed.output
    assert closed.output == f"Live coverage at /article/{SLUG} is closed.\n"
    assert query(lambda: db.session.get(Story, story).live_closed_at) is not None

    assert audit(query, story) == [
        ("live-open", None),
        ("live-post", None),
        ("live-post", None),
        ("live-close", None),
    ], "audited, under the command line (no user)"


def test_posting_retires_the_cached_pages(runner, query, app, story):
    live(runner, "open", SLUG)
    with app.test_request_context():
        before = content_version()
    assert live(runner, "post", SLUG, "Landfall at 04:40.").exit_code == 0
    with app.test_request_context():
        assert content_version() != before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["open", "no-such-story"], "Error: There is no story at /article/no-such-story."),
        (["post", "no-such-story", "Text"], "Error: There is no story at /article/no-such-story."),
        (["close", "no-such-story"], "Error: There is no story at /article/no-such-story."),
        (["post", SLUG, "Text"], "not a live page; open live coverage first."),
        (["close", SLUG], "This story has no open live coverage to close."),
    ],
)
def test_refusals_say_why_and_write_nothing(runner, query, story, args, says):
    refused = live(runner, *args)
    assert refused.exit_code == 1
    assert says in refused.output
    assert audit(query, story) == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["   "], "Write the post: its text is empty."),
        (["x" * 20_001], "Keep a post under 20,000 characters."),
        (["Text", "--title", "t" * 201], "Keep the title under 200 characters."),
    ],
)
def test_a_bad_post_is_refused(runner, query, args, says):
    ident = query(lambda: LiveStoryFactory(slug="live-page").id)
    refused = live(runner, "post", "live-page", *args)
    assert refused.exit_code == 1 and says in refused.output
    assert posts(query, ident) == []


def test_a_closed_page_refuses_posts_until_it_is_reopened(runner, query):
    ident = query(lambda: LiveStoryFactory(slug="live-page").id)
    assert live(runner, "close", "live-page").exit_code == 0
    refused = live(runner, "post", "live-page", "One more thing")
    assert refused.exit_code == 1
    assert "This live coverage is closed: reopen it to post again." in refused.output
    again = live(runner, "close", "live-page")
    assert again.exit_code == 1 and "no open live coverage" in again.output

    reopened = live(runner, "open", "live-page")
    assert reopened.exit_code == 0 and "is live coverage" in reopened.output
    assert live(runner, "post", "live-page", "One more thing").exit_code == 0
    assert [a for a, _ in audit(query, ident)] == ["live-close", "live-reopen", "live-post"]


def test_a_killed_story_cannot_become_a_live_page(runner, query):
    ident = query(lambda: StoryFactory(slug="killed", status=Status.KILLED.value).id)
    refused = live(runner, "open", "killed")
    assert refused.exit_code == 1
    assert "A killed story cannot become a live page." in refused.output
    assert query(lambda: db.session.get(Story, ident).kind) == "news"


def test_the_commands_explain_themselves(runner):
    helped = runner.invoke(args=["live", "--help"])
    assert helped.exit_code == 0
    for command in ("open", "post", "close"):
        assert command in helped.output
    post_help = runner.invoke(args=["live", "post", "--help"]).output
    assert "--title" in post_help and "--key-event" in post_help
