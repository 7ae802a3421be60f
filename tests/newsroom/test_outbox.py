"""The outbox (newsroom.outbox): work asked for twice is queued once, each row is delivered once
even with two senders at work or a sender killed mid-delivery, failures wait longer each time,
deliveries keep to their rate, and the command line delivers and reports."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom import outbox
from newsroom.models import OutboxMessage, utcnow
from tests.factories import story_changes

KIND = "test"


@pytest.fixture
def context(app):
    with app.app_context():
        yield
        db.session.rollback()


def add(*keys: str) -> None:
    for key in keys:
        outbox.enqueue(KIND, key, {"key": key})
    db.session.commit()


def row(key: str) -> OutboxMessage:
    db.session.rollback()  # what the database says now, not what this session remembers
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.key == key))


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))


# --- queueing ------------------------------------------------------------------------------------


def test_work_asked_for_twice_is_queued_once(context):
    assert outbox.enqueue(KIND, "briefing:1:2", {"n": 1}) is True
    assert outbox.enqueue(KIND, "briefing:1:2", {"n": 2}) is False, "in the same transaction"
    db.session.commit()
    assert outbox.enqueue(KIND, "briefing:1:2", {"n": 3}) is False, "once sent or not"
    db.session.commit()
    assert count() == 1 and row("briefing:1:2").payload == {"n": 1}


def test_two_transactions_queueing_the_same_work_at_once_both_commit(make_app, app):
    """The second waits for the first (a unique key), then adds nothing instead of failing."""
    other = make_app()
    results, errors = [], []

    def second():
        with other.app_context():
            try:
                results.append(outbox.enqueue(KIND, "same", {"from": "second"}))
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)

    with app.app_context():
        results.append(outbox.enqueue(KIND, "same", {"from": "first"}))
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)  # the second is now waiting on the first's row
        db.session.commit()
        thread.join(20)
        assert errors == [] and sorted(results) == [False, True]
        assert count() == 1 and row("same").payload == {"from": "first"}


# --- delivering each row once --------------------------------------------------------------------


def test_two_senders_never_deliver_the_same_row(make_app, app):
    other = make_app()
    delivered: list[tuple[str, str]] = []
    with app.app_context():
        add("a", "b", "c", "d")

        def first_sender(message):
            delivered.append(("first", message.key))
            if len(delivered) == 1:
                # The timer and a hand-run command at once: the second takes what is left.
                with other.app_context():
                    outbox.deliver(KIND, lambda m: delivered.append(("second", m.key)))

        counts = outbox.deliver(KIND, first_sender)
    keys = sorted(key for _, key in delivered)
    assert keys == ["a", "b", "c", "d"], "each row exactly once"
    assert delivered[0] == ("first", "a") and counts["sent"] == 1
    assert {who for who, _ in delivered[1:]} == {"second"}


def test_a_save_is_not_held_up_while_a_delivery_waits_on_the_network(make_app, app, newsroom):
    """No transaction (no SQLite write lock) stays open while the handler talks to a server."""
    from newsroom.models import User
    from newsroom.stories import save_story

    other = make_app()
    took = []
    with app.app_context():
        add("slow")

        def slow_server(_message):
            with other.test_request_context(method="POST"):
                editor = db.session.get(User, newsroom["editor"])
                started = time.monotonic()
                save_story(None, story_changes(), "save", by=editor)
                took.append(time.monotonic() - started)

        assert outbox.deliver(KIND, slow_server)["sent"] == 1
    assert took and took[0] < 2, f"the editor's save waited {took[0]:.1f} s"


def test_a_sender_killed_mid_delivery_leaves_that_row_to_its_lease_and_the_rest_alone(
    context, monkeypatch
):
    add("sent-before", "in-flight", "not-reached")

    class Killed(BaseException):
        """The process stopped (SIGKILL, out of memory) while delivering."""

    def handler(message):
        if message.key == "in-flight":
            raise Killed()

    with pytest.raises(Killed):
        outbox.deliver(KIND, handler)
    db.session.rollback()  # the process is gone; its session with it

    assert row("sent-before").sent_at is not None
    in_flight = row("in-flight")
    assert in_flight.sent_at is None and in_flight.attempts == 1
    assert in_flight.claimed_until > utcnow(), "claimed: no other sender takes it yet"
    untouched = row("not-reached")
    assert untouched.attempts == 0 and untouched.claimed_until is None

    seen = []
    assert outbox.deliver(KIND, lambda m: seen.append(m.key))["sent"] == 1
    assert seen == ["not-reached"], "the next run carries on; the row in doubt waits its lease"

    later = utcnow() + outbox.LEASE + timedelta(seconds=1)
    monkeypatch.setattr(outbox, "utcnow", lambda: later)
    assert outbox.deliver(KIND, lambda m: seen.append(m.key))["sent"] == 1
    assert seen == ["not-reached", "in-flight"]
    assert row("in-flight").attempts == 2 and row("sent-before").attempts == 1


# --- failures and the rate -----------------------------------------------------------------------


def test_the_back_off_doubles_up_to_six_hours():
    delays = [outbox.retry_delay(n) for n in range(1, 13)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert delays[-1] == timedelta(hours=6) and max(delays) == timedelta(hours=6)
    assert all(a <= b for a, b in zip(delays, delays[1:], strict=False))


def test_a_failure_waits_its_back_off_and_is_given_up_after_the_last_try(context, monkeypatch):
    add("flaky")
    now = utcnow()
    monkeypatch.setattr(outbox, "utcnow", lambda: now)

    def fails(_message):
        raise OSError("connection reset")

    waits = []
    for _ in range(outbox.MAX_ATTEMPTS):
        counts = outbox.deliver(KIND, fails)
        flaky = row("flaky")
        if flaky.failed_at is None:
            waits.append(flaky.due_at - now)
            now = flaky.due_at  # the clock moves to the next try
    assert counts == {"sent": 0, "retry": 0, "failed": 1}
    assert waits == [outbox.retry_delay(n) for n in range(1, outbox.MAX_ATTEMPTS)]
    assert flaky.attempts == outbox.MAX_ATTEMPTS and "connection reset" in flaky.last_error
    assert outbox.deliver(KIND, fails) == {"sent": 0, "retry": 0, "failed": 0}


def test_a_permanent_failure_is_given_up_at_once_and_what_the_handler_wrote_is_dropped(context):
    add("refused")

    def refuses(message):
        db.session.add(OutboxMessage(kind=KIND, key="half-written", payload={}))
        raise outbox.PermanentFailure("550 no such mailbox")

    assert outbox.deliver(KIND, refuses) == {"sent": 0, "retry": 0, "failed": 1}
    refused = row("refused")
    assert refused.failed_at is not None and refused.attempts == 1
    assert refused.last_error == "PermanentFailure: 550 no such mailbox"
    assert row("half-written") is None


def test_deliveries_keep_to_the_rate_on_the_injected_clock(context):
    add("r1", "r2", "r3", "r4", "r5")
    clock = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        clock[0] += seconds

    sent_at = []
    counts = outbox.deliver(
        KIND,
        lambda _m: sent_at.append(clock[0]),
        per_second=2,
        clock=lambda: clock[0],
        sleep=sleep,
    )
    assert counts["sent"] == 5
    assert sent_at == [100.0, 100.5, 101.0, 101.5, 102.0], "one every half second"
    assert sum(slept) == pytest.approx(2.0)


# --- the command line ----------------------------------------------------------------------------


def test_the_command_delivers_every_kind_and_reports_what_waits_and_failed(
    app, runner, monkeypatch
):
    monkeypatch.setattr(outbox, "DELIVERERS", {})
    delivered = []

    def test_kind(message):
        if message.key == "bad":
            raise outbox.PermanentFailure("refused by the server")
        delivered.append(message.key)

    outbox.register(KIND, test_kind)
    with app.app_context():
        add("good", "bad")
        outbox.enqueue(KIND, "later", {}, due_at=utcnow() + timedelta(hours=1))
        db.session.commit()

    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert "test: 1 sent, 0 to retry, 1 given up." in result.output
    assert delivered == ["good"]

    status = runner.invoke(args=["outbox", "status"])
    assert status.exit_code == 0, status.output
    assert "test: 1 waiting, 1 sent, 1 given up." in status.output
    assert "bad after 1 tries: PermanentFailure: refused by the server" in status.output


def test_indexnow_is_registered_when_the_app_starts(app):
    assert "indexnow" in outbox.DELIVERERS


def test_emails_are_left_to_the_briefings_timer_and_pings_to_the_outbox_timer(app):
    """The every-minute outbox timer does not send the morning's mail (the briefings timer does,
    at its own rate): a briefing of thousands would hold the search-engine pings back."""
    assert "email" not in outbox.DELIVERERS
    assert "email" in outbox.OWN_TIMER
    with app.app_context():
        assert "email" in outbox.kinds()


def test_a_row_deleted_while_in_flight_ends_its_delivery_quietly(app):
    """A reader who unsubscribes while the morning's send runs: their waiting row is deleted; the
    send goes on to the next reader instead of failing."""
    delivered = []

    def handler(message):
        delivered.append(message.key)
        if message.key == "gone":
            db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.key == "gone"))
            db.session.commit()

    with app.app_context():
        for key in ("gone", "next"):
            outbox.enqueue(KIND, key, {})
        db.session.commit()
        counts = outbox.deliver(KIND, handler)
        assert delivered == ["gone", "next"]
        assert counts["sent"] == 1
        assert db.session.scalar(
            sa.select(OutboxMessage.sent_at).where(OutboxMessage.key == "next")
        )


def test_rows_done_with_are_forgotten_after_30_days_and_waiting_ones_never(app):
    with app.app_context():
        for key in ("old-sent", "new-sent", "old-failed", "waiting"):
            outbox.enqueue(KIND, key, {})
        db.session.commit()
        long_ago = utcnow() - timedelta(days=31)
        rows = {m.key: m for m in db.session.scalars(sa.select(OutboxMessage))}
        rows["old-sent"].sent_at = long_ago
        rows["new-sent"].sent_at = utcnow() - timedelta(days=2)
        rows["old-failed"].failed_at = long_ago
        rows["waiting"].created_at = long_ago
        db.session.commit()
        assert outbox.prune() == 2
        left = set(db.session.scalars(sa.select(OutboxMessage.key)))
        assert left == {"new-sent", "waiting"}


def test_a_busy_database_when_noting_a_delivery_does_not_send_it_twice(app, monkeypatch):
    """The mail went; the commit noting it meets a locked database: it is tried again, so the row
    is not left claimed to be delivered a second time after its lease."""
    delivered = []
    real_commit = db.session.commit
    fails = {"left": 2}

    def flaky_commit():
        if delivered and fails["left"]:
            fails["left"] -= 1
            raise sa.exc.OperationalError("UPDATE outbox", {}, Exception("database is locked"))
        real_commit()

    with app.app_context():
        outbox.enqueue(KIND, "once", {})
        db.session.commit()
        monkeypatch.setattr(db.session, "commit", flaky_commit)
        counts = outbox.deliver(KIND, lambda m: delivered.append(m.key), sleep=lambda _s: None)
        monkeypatch.undo()
        assert counts["sent"] == 1 and fails["left"] == 0
        row = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.key == "once"))
        assert row.sent_at is not None and row.claimed_until is None
        assert outbox.deliver(KIND, lambda m: delivered.append(m.key))["sent"] == 0
    assert delivered == ["once"]
