"""R08/R09: concurrent writers lose no update, on SQLite (WAL + BEGIN IMMEDIATE) and PostgreSQL."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import Story
from tests.factories import AuthorFactory, make_story, story_form
from tests.helpers import form_values, sign_in

WRITERS = 8
ROUNDS = 60


def _count_up(config: dict, rounds: int, errors) -> None:
    """One writer process: read the counter, write counter + 1, in its own transaction."""
    from app import create_app

    app = create_app(config)
    with app.app_context():
        lock = " FOR UPDATE" if db.engine.dialect.name == "postgresql" else ""
        for _ in range(rounds):
            try:
                n = db.session.execute(sa.text(f"SELECT n FROM r08_counter WHERE id = 1{lock}"))  # noqa: S608
                db.session.execute(
                    sa.text("UPDATE r08_counter SET n = :n WHERE id = 1"), {"n": n.scalar() + 1}
                )
                db.session.commit()
            except Exception as exc:  # any lock error counts against the recipe
                db.session.rollback()
                errors.put(repr(exc))
        db.engine.dispose()


@pytest.mark.case("R08", "R09")
def test_R08_R09_eight_processes_read_modify_write_without_losing_one(app, app_config, query):
    """The database recipe itself: a read that decides a write cannot be overtaken."""

    def create_counter():
        db.session.execute(sa.text("CREATE TABLE r08_counter (id INTEGER PRIMARY KEY, n INTEGER)"))
        db.session.execute(sa.text("INSERT INTO r08_counter VALUES (1, 0)"))
        db.session.commit()
        db.engine.dispose()

    query(create_counter)
    context = multiprocessing.get_context("fork")
    errors = context.Queue()
    workers = [
        context.Process(target=_count_up, args=(app_config, ROUNDS, errors)) for _ in range(WRITERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert all(w.exitcode == 0 for w in workers)
    seen = []
    while not errors.empty():
        seen.append(errors.get())
    assert seen == [], seen[:3]
    total = query(lambda: db.session.scalar(sa.text("SELECT n FROM r08_counter WHERE id = 1")))
    assert total == WRITERS * ROUNDS


@pytest.mark.case("R08", "R09")
def test_R08_R09_eight_editors_saving_one_story_at_once_cannot_overwrite_each_other(
    app, newsroom, query
):
    """Through the app: all eight saw the same revision, so exactly one save may win."""

    def bylined_story():
        byline = AuthorFactory()
        return make_story(headline="Monsoon rains flood Mumbai's suburban lines", authors=[byline])

    ident = query(lambda: bylined_story().id)
    clients = []
    for n in range(WRITERS):
        client = app.test_client()
        assert sign_in(client, "editor").status_code == 302
        form = form_values(client.get(f"/admin/stories/{ident}").text)
        form.update(headline=f"Edit number {n}", action="save")
        clients.append((client, form))
    before = query(lambda: db.session.get(Story, ident).revision)
    start = threading.Barrier(WRITERS)
    answers = []

    def save(client, form):
        start.wait()
        answers.append(client.post(f"/admin/stories/{ident}", data=form).status_code)

    threads = [threading.Thread(target=save, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(answers) == [303] + [409] * (WRITERS - 1)
    story = query(lambda: db.session.get(Story, ident))
    assert story.revision == before + 1
    assert story.headline.startswith("Edit number ")


def test_two_new_stories_racing_for_one_web_address_keep_both_texts(app, newsroom, query):
    """The slug check and the insert can interleave; the loser gets its form back, not a 500."""
    data = query(
        lambda: story_form(headline="Typhoon makes landfall near Da Nang", slug="typhoon-da-nang")
    )
    clients = []
    for _ in range(4):
        client = app.test_client()
        sign_in(client, "editor")
        clients.append(client)
    start = threading.Barrier(len(clients))
    answers = []

    def create(client):
        start.wait()
        response = client.post("/admin/stories/new", data=data)
        answers.append((response.status_code, response.text))

    threads = [threading.Thread(target=create, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    codes = sorted(code for code, _ in answers)
    assert codes.count(303) == 1 and all(c in (303, 409, 422) for c in codes), codes
    for code, text in answers:
        if code != 303:
            assert "Typhoon makes landfall near Da Nang" in text  # the text is on screen
    saved = query(
        lambda: db.session.scalar(
            sa.select(sa.func.count()).select_from(Story).where(Story.slug == "typhoon-da-nang")
        )
    )
    assert saved == 1


@pytest.mark.case("R09")
def test_R09_eight_editors_adding_ticker_items_at_once_give_each_its_own_place(
    app, newsroom, query
):
    from newsroom.models import TickerItem

    clients = []
    for _ in range(WRITERS):
        client = app.test_client()
        sign_in(client, "editor")
        clients.append(client)
    start = threading.Barrier(WRITERS)
    answers = []

    def add(n, client):
        start.wait()
        data = {"text": f"Flash {n}: markets open higher in Mumbai", "minutes": "30"}
        answers.append(client.post("/admin/ticker", data=data).status_code)

    threads = [threading.Thread(target=add, args=(n, c)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [303] * WRITERS
    positions = query(
        lambda: db.session.scalars(
            sa.select(TickerItem.position).where(TickerItem.text.like("Flash %"))
        ).all()
    )
    assert len(positions) == WRITERS and len(set(positions)) == WRITERS
