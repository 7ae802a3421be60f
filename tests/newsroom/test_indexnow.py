"""IndexNow: a search engine (a real HTTP server on loopback) is told of each publish, update and
unpublish once, after the editor's save and never during it; it is asked again when it is busy
and given up on when it refuses. The key file at the site root, and the "preferred source on
Google" link."""

from __future__ import annotations

import json
import threading
import urllib.request
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom import indexnow, outbox, story_updates
from newsroom.models import OutboxMessage, Status, Story, utcnow
from newsroom.stories import kill_story, save_story
from tests.factories import story_changes, story_form
from tests.helpers import free_port

KEY = "3f6d0c1e-indexnow-test-key"
SITE = "http://asian-news.test"


class SearchEngine:
    """An IndexNow endpoint on loopback: records each POST, answers the next status queued."""

    def __init__(self):
        self.received: list[dict] = []
        self.answers: list[int] = []
        engine = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                engine.received.append(
                    {"type": self.headers["Content-Type"], "path": self.path, **json.loads(body)}
                )
                self.send_response(engine.answers.pop(0) if engine.answers else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/indexnow"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def urls(self) -> list[list[str]]:
        return [ping["urlList"] for ping in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def engine():
    engine = SearchEngine()
    yield engine
    engine.close()


@pytest.fixture
def app(make_app, engine):
    return make_app(INDEXNOW_ENDPOINT=engine.url, INDEXNOW_KEY=KEY, INDEXNOW_PER_SECOND=0)


def deliver() -> dict[str, int]:
    return outbox.deliver(indexnow.KIND, indexnow.deliver_ping)


def rows() -> list[OutboxMessage]:
    query = sa.select(OutboxMessage).where(OutboxMessage.kind == indexnow.KIND)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def address(story: Story) -> str:
    return f"{SITE}/article/{story.slug}"


def publish(people, **overrides) -> Story:
    return save_story(None, story_changes(**overrides), "publish", by=people["editor"])


# --- what is pinged ------------------------------------------------------------------------------


def test_publishing_pings_the_story_address_with_the_key_and_where_it_is(people, engine):
    story = publish(people)
    assert engine.received == [], "nothing leaves the machine during the save"
    assert deliver() == {"sent": 1, "retry": 0, "failed": 0}

    (ping,) = engine.received
    assert ping["path"] == "/indexnow" and ping["type"] == "application/json; charset=utf-8"
    assert ping["host"] == "asian-news.test" and ping["key"] == KEY
    assert ping["keyLocation"] == f"{SITE}/{KEY}.txt"
    assert ping["urlList"] == [address(story)]
    assert deliver()["sent"] == 0, "sent once"


def test_drafts_and_stories_in_review_ping_nothing(people, engine):
    story = save_story(None, story_changes(), "save", by=people["writer"])
    save_story(
        story, story_changes(headline="Typhoon Mawar turns north"), "submit", people["writer"]
    )
    assert rows() == []
    assert deliver()["sent"] == 0 and engine.received == []


def test_an_update_pings_again_and_a_typo_fix_does_not(people, engine):
    story = publish(people)
    deliver()
    save_story(story, story_changes(body_md="Rain fell across the nort."), "save", people["editor"])
    assert len(rows()) == 1, "a typo fix moves no 'Updated' time: nothing to tell"

    save_story(
        story,
        story_changes(body_md="Rain and wind hit the north.", mark_updated=True),
        "save",
        people["editor"],
    )
    story_updates.add_entry(story, "correction", "The storm's name was misspelt.", people["editor"])
    assert deliver()["sent"] == 2
    assert engine.urls() == [[address(story)]] * 3


def test_unpublishing_and_killing_ping_the_address_that_is_gone(people, engine):
    story = publish(people)
    unpublished = save_story(story, story_changes(), "unpublish", people["editor"])
    assert unpublished.status == Status.UNPUBLISHED
    other = publish(people, headline="Floods close schools in Jakarta")
    kill_story(other, "Withdrawn on legal advice.", people["editor"])
    kill_story(story, "Withdrawn on legal advice.", people["editor"])  # already off the site

    assert deliver()["sent"] == 4  # two publishes, one unpublish, one kill
    assert engine.urls() == [
        [address(story)],
        [address(story)],
        [address(other)],
        [address(other)],
    ]


def test_a_new_address_pings_both_the_new_and_the_old_one(people, engine):
    story = publish(people)
    old = address(story)
    save_story(story, story_changes(slug="typhoon-mawar-luzon"), "save", people["editor"])
    deliver()
    assert engine.urls()[-1] == [f"{SITE}/article/typhoon-mawar-luzon", old]


def test_a_scheduled_story_is_pinged_when_it_goes_live_and_a_moved_time_replaces_it(people, engine):
    at = (utcnow() + timedelta(hours=2)).replace(second=0, microsecond=0)
    story = save_story(None, story_changes(published_at=at), "schedule", by=people["editor"])
    later = at + timedelta(hours=1)
    save_story(story, story_changes(published_at=later), "schedule", people["editor"])
    (waiting,) = rows()
    assert waiting.due_at == later, "the first time's ping was dropped with it"
    assert deliver()["sent"] == 0, "not before readers can see it"

    waiting.due_at = utcnow() - timedelta(seconds=1)  # its time has come
    db.session.commit()
    assert deliver()["sent"] == 1 and engine.urls() == [[address(story)]]


def test_calling_off_a_schedule_leaves_nothing_to_send(people, engine):
    at = utcnow() + timedelta(hours=2)
    story = save_story(None, story_changes(published_at=at), "schedule", by=people["editor"])
    save_story(story, story_changes(), "unpublish", people["editor"])
    assert rows() == []


def test_with_the_endpoint_off_nothing_is_queued(make_app):
    app = make_app(INDEXNOW_ENDPOINT="", INDEXNOW_KEY="")
    from tests.factories import UserFactory

    with app.test_request_context():
        editor = UserFactory(role="editor")
        save_story(None, story_changes(), "publish", by=editor)
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    assert app.test_client().get(f"/{KEY}.txt").status_code == 404


# --- delivery: retried when busy, given up when refused --------------------------------------


def test_a_busy_endpoint_is_asked_again_after_the_back_off_and_pinged_once(people, engine):
    publish(people)
    engine.answers = [503]
    assert deliver() == {"sent": 0, "retry": 1, "failed": 0}
    (row,) = rows()
    assert row.sent_at is None and "503" in row.last_error
    assert row.due_at > utcnow() + timedelta(seconds=50), "the first retry waits a minute"
    assert deliver()["sent"] == 0 and len(engine.received) == 1, "not before the back-off"

    row.due_at = utcnow() - timedelta(seconds=1)  # the minute has passed
    db.session.commit()
    assert deliver() == {"sent": 1, "retry": 0, "failed": 0}
    assert len(engine.received) == 2
    db.session.refresh(row)
    assert row.sent_at is not None and row.attempts == 2
    assert deliver()["sent"] == 0 and len(engine.received) == 2


def test_too_many_requests_is_retried_and_a_refusal_is_given_up(people, engine):
    publish(people)
    publish(people, headline="Floods close schools in Jakarta")
    engine.answers = [429, 403]
    assert deliver() == {"sent": 0, "retry": 1, "failed": 1}
    busy, refused = rows()
    assert busy.failed_at is None and "429" in busy.last_error
    assert refused.failed_at is not None and "403" in refused.last_error

    busy.due_at = refused.due_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert deliver() == {"sent": 1, "retry": 0, "failed": 0}, "the refused one is not sent again"


def test_an_unreachable_endpoint_is_retried(app, people):
    app.config["INDEXNOW_ENDPOINT"] = f"http://127.0.0.1:{free_port()}/indexnow"  # nobody there
    publish(people)
    assert deliver() == {"sent": 0, "retry": 1, "failed": 0}
    assert "could not be reached" in rows()[0].last_error


def test_the_editors_save_makes_no_network_call_even_with_the_endpoint_down(
    app, editor, query, monkeypatch
):
    app.config["INDEXNOW_ENDPOINT"] = f"http://127.0.0.1:{free_port()}/indexnow"  # down

    def no_network(*_args, **_kwargs):
        raise AssertionError("the save called the network")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    data = query(lambda: story_form(action="publish"))
    response = editor.post("/admin/stories/new", data=data)
    assert response.status_code == 303, response.text[:500]

    def state():
        story = db.session.scalar(sa.select(Story))
        return story.status, [(r.sent_at, r.payload["urls"]) for r in rows()], address(story)

    status, waiting, url = query(state)
    assert status == Status.PUBLISHED
    assert waiting == [(None, [url])], "stored with the save, to be sent by the timer"


# --- the key file, and the settings ----------------------------------------------------------


def test_the_key_file_answers_the_key_as_text_and_nothing_else(client):
    response = client.get(f"/{KEY}.txt")
    assert response.status_code == 200 and response.text == KEY
    assert response.mimetype == "text/plain"
    assert client.get("/not-the-key.txt").status_code == 404
    assert client.get(f"/{KEY}x.txt").status_code == 404
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and "Sitemap:" in robots.text, "fixed names still win"


@pytest.mark.parametrize(
    "settings",
    [
        {"INDEXNOW_ENDPOINT": "https://api.indexnow.org/indexnow", "INDEXNOW_KEY": ""},
        {"INDEXNOW_ENDPOINT": "https://api.indexnow.org/indexnow", "INDEXNOW_KEY": "short"},
        {"INDEXNOW_ENDPOINT": "https://api.indexnow.org/indexnow", "INDEXNOW_KEY": "a b c d e f g"},
        {"INDEXNOW_ENDPOINT": "ftp://api.indexnow.org/indexnow", "INDEXNOW_KEY": KEY},
    ],
)
def test_settings_that_cannot_work_stop_the_start_with_a_reason(make_app, settings, caplog):
    with pytest.raises(SystemExit):
        make_app(**settings)
    assert "INDEXNOW_" in caplog.text


# --- "Add Asian-News.net as a preferred source on Google" ------------------------------------


def test_the_footer_and_every_story_link_to_googles_preferred_sources(client, query):
    story = query(lambda: publish_bare())
    link = (
        '<a href="https://www.google.com/preferences/source?q=asian-news.test" rel="noopener">'
        "Add Asian-News.net as a preferred source on Google</a>"
    )
    home = client.get("/").text
    assert home.count(link) == 1, "in the footer"
    page = client.get(f"/article/{story}").text
    assert page.count(link) == 2, "beside the share links, and in the footer"
    assert "<script" not in page.split("story__preferred")[1].split("</p>")[0]


def publish_bare() -> str:
    from tests.factories import StoryFactory

    return StoryFactory().slug
