"""A reader's request that only read ends with COMMIT; one that wrote, or failed, with ROLLBACK.

On PostgreSQL that keeps the statements psycopg prepared (a ROLLBACK drops them all), so a page's
queries are no longer planned afresh on every request (database.end_reads_with_commit)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import request

from extensions import db
from newsroom.models import Story
from tests.factories import make_story
from tests.helpers import sign_in


@pytest.fixture
def ends(make_app):
    """An app with three GET routes that change a story's headline (one flushes, one leaves the
    change pending, one fails after flushing) and one that only reads; and the list of how
    each request's transaction ended, "commit" or "rollback"."""
    app = make_app()
    seen: list[str] = []

    def change(flush: bool, fail: bool = False):
        story = db.session.get(Story, int(request.args["id"]))
        story.headline = "Changed by a page that only shows it"
        if flush:
            db.session.flush()
        if fail:
            raise RuntimeError("the page failed after its change")
        return "changed"

    app.add_url_rule("/t/flush", "t_flush", lambda: change(flush=True))
    app.add_url_rule("/t/pending", "t_pending", lambda: change(flush=False))
    app.add_url_rule("/t/fail", "t_fail", lambda: change(flush=True, fail=True))
    app.add_url_rule(
        "/t/read", "t_read", lambda: db.session.scalar(sa.select(sa.func.count(Story.id))) and "ok"
    )

    def read_then_fail():
        db.session.scalar(sa.select(sa.func.count(Story.id)))
        raise RuntimeError("the page failed after reading")

    app.add_url_rule("/t/read-fail", "t_read_fail", read_then_fail)
    with app.app_context():
        story = make_story(headline="Kyrgyzstan's parliament passes the budget")
        ident, engine = story.id, db.engine
    listeners = {
        name: (lambda _conn, name=name: seen.append(name)) for name in ("commit", "rollback")
    }
    for name, listener in listeners.items():
        sa.event.listen(engine, name, listener)
    yield app, ident, seen
    for name, listener in listeners.items():
        sa.event.remove(engine, name, listener)


def test_a_read_commits_and_a_change_a_page_made_is_never_kept(ends, newsroom):
    app, ident, seen = ends
    client = app.test_client()
    assert client.get("/t/read").status_code == 200
    assert seen == ["commit"]

    editor = app.test_client()
    assert sign_in(editor, "editor").status_code == 302
    seen.clear()
    assert editor.get("/t/read").status_code == 200
    assert seen == ["rollback"], "the newsroom's pages end as they always did"

    for path, status in (("/t/flush", 200), ("/t/pending", 200), ("/t/fail", 500)):
        seen.clear()
        assert client.get(f"{path}?id={ident}").status_code == status, path
        # A failed page is rolled back before its error page is drawn (which only reads).
        assert seen[:1] == ["rollback"], path
        with app.app_context():
            headline = db.session.get(Story, ident).headline
        assert headline == "Kyrgyzstan's parliament passes the budget", path

    seen.clear()
    assert client.get("/t/read-fail").status_code == 500
    assert seen[:1] == ["rollback"], "a page that failed is rolled back, though it only read"


def test_on_postgresql_a_page_s_statements_stay_prepared(make_app):
    """Served a few times, an article's queries are prepared on the worker's connection and
    are still there after the requests ended."""
    app = make_app(PAGE_CACHE_NEW_PER_CLIENT=0)  # no page kept: each request renders
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("prepared statements are PostgreSQL's (psycopg prepares after five runs)")
        slug = make_story(headline="Manila widens its flood relief scheme").slug
    # Requests one after another use one connection, the one this test's query gets too.
    client = app.test_client()
    for _ in range(7):
        assert client.get(f"/article/{slug}").status_code == 200
    with app.app_context():
        prepared = db.session.scalars(sa.text("SELECT statement FROM pg_prepared_statements"))
        assert any("FROM articles" in statement for statement in prepared)


def test_on_postgresql_a_search_is_planned_for_its_own_words(make_app):
    """A reader's search is not run on a plan PostgreSQL keeps for any words (42 ms for a
    common word at 100k stories, 12 with its own): served again and again on one connection,
    its statement is planned each time. PostgreSQL moves to a kept plan when it judges that
    no dearer, as it did for a big archive; here every connection is told to (the setting the
    search overrides)."""
    app = make_app(PAGE_CACHE_NEW_PER_CLIENT=0)
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("prepared statements are PostgreSQL's (psycopg prepares after five runs)")
        make_story(headline="Tajikistan's budget leans on remittances")

        def kept_plans(dbapi_connection, _record):
            dbapi_connection.execute("SET plan_cache_mode = force_generic_plan")
            dbapi_connection.commit()

        sa.event.listen(db.engine, "connect", kept_plans)
        db.engine.dispose()  # new connections, with the setting
    client = app.test_client()
    for _ in range(8):
        assert b"remittances" in client.get("/search?q=budget").data
    with app.app_context():
        plans = db.session.execute(
            sa.text(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE '%search_text%'"
            )
        ).all()
    assert plans and all(generic == 0 for generic, _custom in plans), plans
