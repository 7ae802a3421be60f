"""Each region's morning briefing goes out at 07:00 on its own clock, to its confirmed
subscribers, once each, through a real SMTP server on loopback: also after a crash half-way."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom import briefings, mail, outbox
from newsroom.briefings_editions import review, send_due
from newsroom.models import Briefing, OutboxMessage, Region, Subscriber, utcnow
from tests import smtp
from tests.factories import StoryFactory
from tests.helpers import ROOT

# 07:00 in Shanghai (East Asia's clock) on 10 March is 23:00 UTC on the 9th; 07:00 in Jakarta
# (Southeast Asia's) is 00:00 UTC on the 10th.
EAST_SEVEN = datetime(2026, 3, 9, 23, 0, tzinfo=UTC)
SOUTHEAST_SEVEN = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)


@pytest.fixture
def app(make_app, inbox):
    return make_app(SMTP_URL=f"smtp://127.0.0.1:{inbox.port}", BRIEFINGS_PER_SECOND=0)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.rollback()


def region(slug: str) -> Region:
    return Region.by_slug(slug)


def subscribe(email: str, *slugs: str, confirmed=True, created_at=None) -> Subscriber:
    subscriber = Subscriber(
        email=email,
        regions=[region(s) for s in slugs],
        created_at=created_at or utcnow(),
        confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(subscriber)
    db.session.commit()
    return subscriber


def story(headline: str, country: str, at: datetime, hours_before: int = 2, **values):
    return StoryFactory(
        headline=headline,
        countries=[country],
        published_at=at - timedelta(hours=hours_before),
        **values,
    )


def subjects(inbox, address: str) -> list[str]:
    return [m["Subject"] for m in inbox.to(address)]


def test_each_region_goes_out_at_seven_on_its_own_clock_to_its_subscribers(ctx, inbox):
    story("Beijing opens its new airport terminal", "china", EAST_SEVEN)
    story("Jakarta floods ease as rain stops", "indonesia", SOUTHEAST_SEVEN)
    subscribe("east@example.org", "east-asia")
    subscribe("southeast@example.org", "southeast-asia")
    subscribe("both@example.org", "east-asia", "southeast-asia")
    subscribe("unconfirmed@example.org", "east-asia", "southeast-asia", confirmed=False)

    send_due(EAST_SEVEN - timedelta(minutes=5))
    assert inbox.messages == []

    report = send_due(EAST_SEVEN + timedelta(minutes=5))
    assert report["queued"] == {"east-asia 2026-03-10": 2}
    assert inbox.per_recipient() == {"east@example.org": 1, "both@example.org": 1}
    [east] = inbox.to("east@example.org")
    assert east["Subject"] == (
        "East Asia briefing, 10 March 2026: Beijing opens its new airport terminal"
    )
    assert "Beijing opens its new airport terminal" in smtp.text_of(east)
    assert "Jakarta" not in smtp.text_of(east)

    send_due(EAST_SEVEN + timedelta(minutes=10))  # the timer again: nothing twice
    assert inbox.per_recipient() == {"east@example.org": 1, "both@example.org": 1}

    send_due(SOUTHEAST_SEVEN + timedelta(minutes=5))
    assert inbox.per_recipient() == {
        "east@example.org": 1,
        "both@example.org": 2,
        "southeast@example.org": 1,
    }
    [southeast] = inbox.to("southeast@example.org")
    assert southeast["Subject"].startswith("Southeast Asia briefing, 10 March 2026: Jakarta")
    assert "unconfirmed@example.org" not in inbox.per_recipient()
    sent = db.session.scalars(sa.select(Briefing).where(Briefing.sent_at.is_not(None))).all()
    assert sorted((b.region.slug, b.recipients) for b in sent) == [
        ("east-asia", 2),
        ("southeast-asia", 2),
    ]


def test_an_edition_hours_late_after_an_outage_is_skipped(ctx, inbox):
    story("Beijing opens its new airport terminal", "china", EAST_SEVEN)
    subscribe("east@example.org", "east-asia")
    report = send_due(EAST_SEVEN + timedelta(hours=7))
    assert "east-asia 2026-03-10" in report["skipped"]
    assert inbox.messages == []


def test_every_briefing_has_one_click_unsubscribe_and_a_stable_message_id(ctx, app, inbox):
    story("Beijing opens its new airport terminal", "china", EAST_SEVEN)
    subscriber = subscribe("east@example.org", "east-asia")
    token = subscriber.token
    send_due(EAST_SEVEN + timedelta(minutes=5))
    [message] = inbox.to("east@example.org")
    unsubscribe = f"http://asian-news.test/briefings/unsubscribe/{token}"
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/briefings/manage/{token}" in smtp.text_of(message)
    html = smtp.html_of(message)
    assert "<img" not in html and "<script" not in html  # no pixel, nothing to run
    # A plain link to the story (no redirect through a click counter); ?via=email lets the
    # page's own beacon file the view under "email briefings".
    plain_link = "http://asian-news.test/article/beijing-opens-its-new-airport-terminal?via=email"
    assert f'href="{plain_link}"' in html
    row = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.key.like("briefing:%")))
    assert message["Message-ID"] == mail.message_id(row.key)

    # The mail client's one click: a POST with that body to that address, no cookie.
    response = app.test_client().post(
        unsubscribe.removeprefix("http://asian-news.test"),
        data={"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.scalars(sa.select(Subscriber)).all() == []


def test_a_crash_half_way_resumes_with_nobody_skipped_and_nobody_twice(ctx, inbox, monkeypatch):
    story("Beijing opens its new airport terminal", "china", EAST_SEVEN)
    addresses = [f"reader{n}@example.org" for n in range(6)]
    for address in addresses:
        subscribe(address, "east-asia")

    real_send, calls = mail.send, []

    def crashing_send(message):
        calls.append(message["To"])
        if len(calls) == 4:
            raise KeyboardInterrupt  # the process stops dead on the 4th recipient
        real_send(message)

    monkeypatch.setattr(mail, "send", crashing_send)
    with pytest.raises(KeyboardInterrupt):
        send_due(EAST_SEVEN + timedelta(minutes=5))
    db.session.rollback()
    assert sum(inbox.per_recipient().values()) == 3

    monkeypatch.setattr(mail, "send", real_send)
    send_due(EAST_SEVEN + timedelta(minutes=6))  # the timer's next run
    assert sum(inbox.per_recipient().values()) == 5  # the one in flight waits for its lease
    [briefing] = db.session.scalars(sa.select(Briefing).where(Briefing.queued_at.is_not(None)))
    assert briefing.sent_at is None

    later = utcnow() + outbox.LEASE + timedelta(seconds=1)
    monkeypatch.setattr(outbox, "utcnow", lambda: later)
    send_due(EAST_SEVEN + timedelta(minutes=11))
    assert inbox.per_recipient() == dict.fromkeys(addresses, 1)
    db.session.expire_all()
    assert briefing.sent_at is not None and briefing.recipients == 6


def test_a_sender_process_killed_mid_send_resumes_with_nobody_skipped_and_nobody_twice(
    app, app_config, inbox, tmp_path
):
    """The command run by the timer, killed with SIGKILL while the 4th of 6 emails is on the
    wire; the next run (once the lost sender's lease is over) completes the edition."""
    with app.app_context():
        story("Beijing opens its new airport terminal", "china", EAST_SEVEN)
        addresses = [f"reader{n}@example.org" for n in range(6)]
        for address in addresses:
            subscribe(address, "east-asia")
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": app_config["SECRET_KEY"],
        "SITE_URL": app_config["SITE_URL"],
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "SMTP_URL": f"smtp://127.0.0.1:{inbox.port}",
        "BRIEFINGS_PER_SECOND": "1000",
    }
    command = [sys.executable, "-m", "flask", "--app", "app", "briefings", "send", "--now"]
    inbox.stall_after = 3
    sender = subprocess.Popen(  # noqa: S603  # nosec B603 - our own command
        [*command, (EAST_SEVEN + timedelta(minutes=5)).isoformat()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while len(inbox.messages) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the 4th message is in DATA now, held by the server
    sender.kill()
    sender.wait()
    assert inbox.per_recipient() == dict.fromkeys(addresses[:3], 1)

    with app.app_context():
        in_flight = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.claimed_until.is_not(None))
        ).all()
        assert len(in_flight) == 1
        # Its lease runs out (5 minutes in real life).
        in_flight[0].claimed_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    done = subprocess.run(  # noqa: S603  # nosec B603
        [*command, (EAST_SEVEN + timedelta(minutes=10)).isoformat()],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "sent east-asia 2026-03-10" in done.stdout
    assert inbox.per_recipient() == dict.fromkeys(addresses, 1)


def test_hostile_text_stays_text_in_headers_and_bodies(ctx, inbox):
    story(
        "<script>alert(1)</script>\r\nBcc: victim@example.org",
        "china",
        EAST_SEVEN,
        slug="hostile-headline",
        standfirst="Tom & Jerry <b>bold</b>",
    )
    subscribe("east@example.org", "east-asia")
    send_due(EAST_SEVEN + timedelta(minutes=5))
    assert list(inbox.per_recipient()) == ["east@example.org"]
    [message] = inbox.to("east@example.org")
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert "<script>alert(1)</script> Bcc: victim@example.org" in message["Subject"]
    html = smtp.html_of(message)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Tom &amp; Jerry &lt;b&gt;bold&lt;/b&gt;" in html
    assert "<script>alert(1)</script>" in smtp.text_of(message)  # plain text is shown as is


def test_an_address_the_server_refuses_is_given_up_and_the_rest_still_go(ctx, inbox):
    story("Beijing opens its new airport terminal", "china", EAST_SEVEN)
    subscribe("gone@example.org", "east-asia")
    subscribe("east@example.org", "east-asia")
    inbox.refuse.add("gone@example.org")
    send_due(EAST_SEVEN + timedelta(minutes=5))
    assert inbox.per_recipient() == {"east@example.org": 1}
    failed = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.failed_at.is_not(None))
    ).all()
    assert len(failed) == 1 and "550" in failed[0].last_error
    assert db.session.scalar(sa.select(Briefing.sent_at).where(Briefing.queued_at.is_not(None)))


def test_editors_lead_intro_and_order_go_out_as_reviewed(ctx, inbox):
    first = story("First: ports reopen in Shanghai", "china", EAST_SEVEN, 12)
    second = story("Second: Seoul cuts interest rates", "south-korea", EAST_SEVEN, 12)
    third = story("Third: Tokyo marathon route changes", "japan", EAST_SEVEN, 12)
    subscribe("east@example.org", "east-asia")
    send_due(EAST_SEVEN - timedelta(hours=10))  # assembles the 10 March edition for review
    [briefing] = db.session.scalars(
        sa.select(Briefing).where(Briefing.region == region("east-asia"))
    )
    assert briefing.edition.isoformat() == "2026-03-10" and briefing.reviewed_at is None
    review(
        briefing,
        intro="Good morning. Rates and ports lead today.",
        lead_id=second.id,
        order=[third.id, first.id],
        editor_id=None,
    )
    send_due(EAST_SEVEN + timedelta(minutes=1))
    text = smtp.text_of(inbox.to("east@example.org")[0])
    assert "Good morning. Rates and ports lead today." in text
    assert text.index("Second:") < text.index("Third:") < text.index("First:")


def test_unconfirmed_sign_ups_are_deleted_after_seven_days(ctx):
    now = utcnow()
    subscribe("old@example.org", "east-asia", confirmed=False, created_at=now - timedelta(days=8))
    subscribe("new@example.org", "east-asia", confirmed=False, created_at=now - timedelta(days=6))
    subscribe("kept@example.org", "east-asia", created_at=now - timedelta(days=30))
    assert briefings.purge_unconfirmed(now) == 1
    left = db.session.scalars(sa.select(Subscriber.email).order_by(Subscriber.email)).all()
    assert left == ["kept@example.org", "new@example.org"]


def test_the_archive_shows_an_edition_only_once_it_is_sent(ctx, app, inbox):
    story("Beijing opens its new airport terminal", "china", EAST_SEVEN)
    subscribe("east@example.org", "east-asia")
    client = app.test_client()
    send_due(EAST_SEVEN - timedelta(hours=1))  # assembled, not yet sent
    assert client.get("/briefings/east-asia/2026-03-10").status_code == 404
    send_due(EAST_SEVEN + timedelta(minutes=5))
    page = client.get("/briefings/east-asia/2026-03-10")
    assert page.status_code == 200
    assert (
        "East Asia briefing" in page.text and "Beijing opens its new airport terminal" in page.text
    )
    index = client.get("/briefings/east-asia")
    assert 'href="/briefings/east-asia/2026-03-10"' in index.text
    for missing in (
        "/briefings/atlantis",
        "/briefings/east-asia/2026-13-45",
        "/briefings/east-asia/x",
        "/briefings/east-asia/2026-W11-2",  # the same day in ISO week form: one address a day
    ):
        assert client.get(missing).status_code == 404


def test_preview_sends_one_copy_now_and_records_nothing_as_sent(app, runner, inbox):
    with app.app_context():
        StoryFactory(headline="Beijing opens its new airport terminal", countries=["china"])
    result = runner.invoke(
        args=["briefings", "preview", "--region", "east-asia", "--to", "editor@example.org"]
    )
    assert result.exit_code == 0, result.output
    [message] = inbox.to("editor@example.org")
    assert "Beijing opens its new airport terminal" in smtp.text_of(message)
    with app.app_context():
        assert db.session.scalar(sa.select(Briefing.sent_at)) is None
    wrong = runner.invoke(args=["briefings", "preview", "--region", "mars", "--to", "a@b.org"])
    assert wrong.exit_code != 0 and "east-asia" in wrong.output


def test_send_command_reports_what_it_did(app, runner, inbox):
    with app.app_context():
        story("Beijing opens its new airport terminal", "china", EAST_SEVEN)
        subscribe("east@example.org", "east-asia")
    result = runner.invoke(args=["briefings", "send", "--now", "2026-03-09T23:05:00+00:00"])
    assert result.exit_code == 0, result.output
    assert "queued east-asia 2026-03-10: 1 recipients" in result.output
    assert inbox.per_recipient() == {"east@example.org": 1}
