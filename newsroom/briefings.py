"""Morning briefings, the readers' side: signing up (double opt-in), confirming, changing regions,
unsubscribing, and the purge of sign-ups nobody confirmed; and the "email" deliverer of the
outbox, which renders each message when it is sent.

Every change is stored before any email is attempted: the subscriber row and the outbox row that
asks for their confirmation are committed together, and the caller then tries to deliver at once;
a mail server that is down leaves the row for the timer (`flask --app app briefings send`).
Outbox payloads name the subscriber and the edition, never the address, so deleting a subscriber
leaves no copy of it behind.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, g, render_template
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from extensions import db
from newsroom import mail, outbox
from newsroom.models import Briefing, OutboxMessage, Region, Story, Subscriber, utcnow

CONFIRM_FOR = timedelta(hours=48)
# Signing up again re-sends the confirmation (or the manage link) at most this often.
RESEND_AFTER = timedelta(minutes=5)
UNCONFIRMED_KEPT = timedelta(days=7)


class LinkExpired(Exception):
    """A confirmation link older than CONFIRM_FOR."""


def normalise_email(text: str) -> str:
    return (text or "").strip().lower()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="briefings-confirm")


def confirm_code(subscriber: Subscriber) -> str:
    """The signed, timed code in a confirmation link: the subscriber's id, signed. (Not their
    token: a signed payload is only base64, and a confirmation link seen by a link scanner or in
    a log must not give away the manage and unsubscribe links.)"""
    return _serializer().dumps(subscriber.id)


def subscriber_for_code(code: str) -> Subscriber | None:
    """Whose confirmation link this is; LinkExpired once it is older than CONFIRM_FOR, None for
    a code that was never ours (or a subscriber since deleted)."""
    try:
        token = _serializer().loads(code, max_age=int(CONFIRM_FOR.total_seconds()))
    except SignatureExpired as error:
        raise LinkExpired from error
    except BadSignature:
        return None
    if not isinstance(token, int) or isinstance(token, bool):
        return None
    return db.session.get(Subscriber, token)


def sign_up(email: str, regions: list[Region], now: datetime | None = None) -> int | None:
    """Store a sign-up and queue its email; the id of the outbox row to deliver now, if any.

    A new address gets a confirmation email. An address not yet confirmed gets its regions
    replaced and the confirmation again. A confirmed address keeps its regions (whoever typed it
    may not own it) and gets a reminder with its manage link. Every case answers the same, so the
    form never tells whether an address is subscribed; re-sending waits RESEND_AFTER."""
    now = now or utcnow()
    address = normalise_email(email)
    subscriber = Subscriber.by_email(address)
    if subscriber is None:
        subscriber = Subscriber(email=address, regions=list(regions), created_at=now)
        db.session.add(subscriber)
        try:
            db.session.flush()
        except IntegrityError:  # the same address signed up at the same instant elsewhere
            db.session.rollback()
            subscriber = Subscriber.by_email(address)
            if subscriber is None:
                raise
    elif subscriber.confirmed_at is None:
        subscriber.regions = list(regions)
    if subscriber.mailed_at and now - subscriber.mailed_at < RESEND_AFTER:
        db.session.commit()
        return None
    subscriber.mailed_at = now
    kind = "reminder" if subscriber.confirmed_at else "confirm"
    key = f"{kind}:{subscriber.id}:{int(now.timestamp())}"
    outbox.enqueue("email", key, {"message": kind, "subscriber_id": subscriber.id}, due_at=now)
    db.session.commit()
    return db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.key == key))


def confirm(subscriber: Subscriber, now: datetime | None = None) -> None:
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = now or utcnow()
    db.session.commit()


def change_regions(subscriber: Subscriber, regions: list[Region]) -> None:
    subscriber.regions = list(regions)
    db.session.commit()


def _waiting_mail_of(subscriber_ids) -> sa.Delete:
    """The not-yet-sent outbox rows addressed to these subscribers."""
    ids = list(subscriber_ids)
    keys = [OutboxMessage.key.like(f"briefing:%:{i}") for i in ids]
    keys += [
        OutboxMessage.key.like(f"{kind}:{i}:%") for i in ids for kind in ("confirm", "reminder")
    ]
    return sa.delete(OutboxMessage).where(OutboxMessage.sent_at.is_(None), sa.or_(*keys))


def unsubscribe(subscriber: Subscriber) -> None:
    """Delete the address, its regions and every email still waiting for it."""
    db.session.execute(_waiting_mail_of([subscriber.id]))
    db.session.delete(subscriber)
    db.session.commit()


def purge_unconfirmed(now: datetime | None = None) -> int:
    """Delete sign-ups left unconfirmed for UNCONFIRMED_KEPT; how many."""
    cutoff = (now or utcnow()) - UNCONFIRMED_KEPT
    stale = list(
        db.session.scalars(
            sa.select(Subscriber.id).where(
                Subscriber.confirmed_at.is_(None), Subscriber.created_at < cutoff
            )
        )
    )
    for start in range(0, len(stale), 200):
        chunk = stale[start : start + 200]
        db.session.execute(_waiting_mail_of(chunk))
        db.session.execute(sa.delete(Subscriber).where(Subscriber.id.in_(chunk)))
    db.session.commit()
    return len(stale)


# --- Rendering and delivering -------------------------------------------------------------------


def absolute_url(endpoint: str, **values) -> str:
    """An address on SITE_URL (never the request's Host), also from the command line, where
    there is no request to build it from."""
    adapter = g.get("briefing_urls")
    if adapter is None:
        site = urlsplit(current_app.config["SITE_URL"])
        adapter = current_app.url_map.bind(
            site.netloc, script_name=site.path or "/", url_scheme=site.scheme
        )
        g.briefing_urls = adapter
    return adapter.build(endpoint, values, force_external=True)


def links(subscriber: Subscriber | None) -> dict[str, str]:
    """The subscriber's own absolute links (a preview has none of its own)."""
    token = subscriber.token if subscriber else "preview"
    return {
        "manage": absolute_url("briefings.manage", token=token),
        "unsubscribe": absolute_url("briefings.unsubscribe", token=token),
        "signup": absolute_url("briefings.signup"),
        "home": absolute_url("news.home"),
    }


def edition_content(briefing: Briefing) -> dict:
    """What every copy of an edition shows, as plain values, worked out once per send run (the
    outbox commits after each message, which would expire loaded stories)."""
    cache = g.setdefault("briefing_content", {})
    if briefing.id in cache:
        return cache[briefing.id]
    ids = ([briefing.lead_id] if briefing.lead_id else []) + [
        i for i in briefing.story_ids if i != briefing.lead_id
    ]
    found = {
        s.id: s
        for s in db.session.scalars(sa.select(Story).where(Story.id.in_(ids), Story.visible()))
    }
    stories = [
        {
            "headline": found[i].headline,
            "standfirst": found[i].standfirst or "",
            "dateline": found[i].dateline or "",
            "lang": found[i].lang or "en",
            # ?via=email: the page's counting beacon files the view under "email briefings"
            # (a plain parameter on a plain link: no redirect, nothing that names the reader).
            "url": absolute_url("news.story", slug=found[i].slug, via="email"),
        }
        for i in ids
        if i in found
    ]
    content = {
        "region": briefing.region.name,
        "edition": briefing.edition,
        "intro": briefing.intro,
        "lead": stories[0] if stories else None,
        "stories": stories[1:],
        "archive": absolute_url(
            "briefings.edition", region=briefing.region.slug, edition=briefing.edition.isoformat()
        ),
    }
    cache[briefing.id] = content
    return content


def briefing_message(briefing: Briefing, subscriber: Subscriber | None, to: str, key: str):
    content = edition_content(briefing)
    own = links(subscriber)
    subject = f"{content['region']} briefing, {content['edition']:%-d %B %Y}"
    if content["lead"]:
        subject += f": {content['lead']['headline']}"
    values = {"content": content, "links": own, "subject": subject}
    return mail.build(
        key=key,
        to=to,
        subject=subject,
        text=render_template("briefings/email.txt", **values),
        html=render_template("briefings/email.html", **values),
        unsubscribe_url=own["unsubscribe"],
    )


def account_message(kind: str, subscriber: Subscriber, key: str):
    """The confirmation email, or the reminder a confirmed address gets when signed up again."""
    own = links(subscriber)
    values = {
        "links": own,
        "regions": [r.name for r in subscriber.regions],
        "confirm_url": absolute_url("briefings.confirm", code=confirm_code(subscriber)),
        "hours": int(CONFIRM_FOR.total_seconds() // 3600),
    }
    subject = {
        "confirm": "Confirm your morning briefings",
        "reminder": "Your morning briefings",
    }[kind]
    values["subject"] = subject
    return mail.build(
        key=key,
        to=subscriber.email,
        subject=subject,
        text=render_template(f"briefings/{kind}_email.txt", **values),
        html=render_template(f"briefings/{kind}_email.html", **values),
        unsubscribe_url=own["unsubscribe"] if kind == "reminder" else None,
    )


def deliver_email(row: OutboxMessage) -> None:
    """The outbox's "email" deliverer: render the message for its subscriber now, and send it.
    A subscriber deleted meanwhile (unsubscribed) is simply not written to."""
    payload = row.payload or {}
    subscriber = db.session.get(Subscriber, payload.get("subscriber_id"))
    if subscriber is None:
        return
    kind = payload.get("message")
    if kind == "briefing":
        briefing = db.session.get(Briefing, payload.get("briefing_id"))
        if briefing is None:
            return
        message = briefing_message(briefing, subscriber, subscriber.email, row.key)
    else:
        message = account_message(kind, subscriber, row.key)
    # The message is built: end the reading transaction before talking to the mail server (off
    # a reader's request, SQLite's transactions take the write lock up front; see outbox).
    db.session.rollback()
    try:
        mail.send(message)
    except mail.RecipientRefused as error:
        raise outbox.PermanentFailure(str(error)) from error


def deliver_now(message_id: int) -> dict[str, int]:
    """Deliver one outbox row at once (a reader's confirmation); on failure it stays for the
    timer, retried with back-off."""
    return outbox.deliver(
        "email", deliver_email, where=OutboxMessage.id == message_id, per_second=None
    )


def _email_rate() -> float | None:
    return float(current_app.config["BRIEFINGS_PER_SECOND"]) or None


# `briefings send` (its own timer, every 5 minutes) delivers every email: the morning's briefings
# and any confirmation that could not go at once.
outbox.register("email", deliver_email, _email_rate, own_timer=True)
