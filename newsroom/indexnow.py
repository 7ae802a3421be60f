"""IndexNow: search engines told, within a minute, of each story published, updated or taken down.

Off until INDEXNOW_ENDPOINT is set (e.g. https://api.indexnow.org/indexnow, which shares a ping
with every engine that takes part). Then INDEXNOW_KEY proves the site is ours: it is served at
/<key>.txt (blueprints/feeds) and sent with every ping. It is required rather than generated,
because every app server must serve the same key: the app refuses to start without it.

When: after every flush that writes a story (the workflow, the kill, the update log, live posts,
the partner import, the command line: every ORM write, as newsroom.models.story_links keeps its
link times), the story's state as a search engine sees it is compared with what it was:
- it went public (published, or scheduled: the ping is due when its time comes), came off the
  site (unpublished, killed), moved its address (both addresses are sent: the old one now
  redirects), or its "Updated" time moved (a substantive save, an update-log entry, a live post);
- a typo fix moves none of these, so it pings nothing, as it moves no sitemap's lastmod.
The ping is an outbox row (newsroom.outbox) written in the same transaction as the change, so
the save never waits on the network and never fails because a search engine is down; its key
(story, revision, state) makes the same version one ping however often it is flushed. A change
also drops the story's pings still waiting for a future time (a schedule moved or called off).

Delivery: `flask --app app outbox deliver` (a timer, every minute) POSTs each row's URLs as
IndexNow's JSON ({host, key, keyLocation, urlList}). 200 and 202 are sent; 429, 5xx and network
errors are retried with the outbox's back-off; any other answer is given up (PermanentFailure).
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from extensions import db
from newsroom import outbox
from newsroom.models import OutboxMessage, Story, utcnow

KIND = "indexnow"
KEY_PATTERN = re.compile(r"[A-Za-z0-9-]{8,128}")
TIMEOUT_SECONDS = 10
# What a search engine sees of a story: whether and when it is live, where, and "Updated".
WATCHED = ("live_at", "slug", "updated_at")

log = logging.getLogger(__name__)


# --- settings -----------------------------------------------------------------------------------


def settings_problem(config) -> str | None:
    """Why the IndexNow settings cannot work, or None (config.load refuses to start on it)."""
    endpoint = (config.get("INDEXNOW_ENDPOINT") or "").strip()
    key = config.get("INDEXNOW_KEY") or ""
    if key and not KEY_PATTERN.fullmatch(key):
        return (
            "INDEXNOW_KEY must be 8 to 128 characters of a-z, A-Z, 0-9 and dashes; make one with: "
            "python3 -c 'import secrets; print(secrets.token_hex(16))'."
        )
    if not endpoint:
        return None
    if urlsplit(endpoint).scheme not in ("http", "https") or not urlsplit(endpoint).hostname:
        return f"INDEXNOW_ENDPOINT={endpoint!r} is not an http(s) address, e.g. https://api.indexnow.org/indexnow."
    if not key:
        return (
            "INDEXNOW_ENDPOINT is set but INDEXNOW_KEY is not: set the same key on every app "
            "server (it is served at /<key>.txt); make one with: "
            "python3 -c 'import secrets; print(secrets.token_hex(16))'."
        )
    return None


def is_on() -> bool:
    return bool(has_app_context() and current_app.config.get("INDEXNOW_ENDPOINT"))


def site_key() -> str:
    """The key served at /<key>.txt ("" when none is set)."""
    return current_app.config.get("INDEXNOW_KEY") or ""


# --- addresses, built from SITE_URL (never a request's Host), as sitemaps and feeds are -----------


def absolute(endpoint: str, **values) -> str:
    """An absolute address on the site, inside a request or not (the command line, the timer)."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(
        site.netloc, script_name=site.path or "/", url_scheme=site.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def story_address(slug: str) -> str:
    return absolute("news.story", slug=slug)


def key_location() -> str:
    return absolute("pages.indexnow_key", name=site_key())


# --- noticing changes ---------------------------------------------------------------------------


def _before(story: Story, name: str):
    """An attribute's value before this flush (history: what was replaced, else unchanged)."""
    history = sa.inspect(story).attrs[name].history
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else None


def _changed(story: Story, session: Session) -> bool:
    state = sa.inspect(story)
    return story in session.new or any(state.attrs[n].history.has_changes() for n in WATCHED)


def story_flushed(story: Story, is_new: bool) -> None:
    """Queue the ping this flush of `story` calls for, if any (see the module's docstring)."""
    now = utcnow()
    was_live = None if is_new else _before(story, "live_at")
    was_public = was_live is not None and was_live <= now
    old_slug = None if is_new else _before(story, "slug")
    urls = [story_address(story.slug)]
    if was_public and old_slug and old_slug != story.slug:
        urls.append(story_address(old_slug))
    _drop_waiting(story.id, now)
    if story.live_at is not None:
        stamp = max(story.live_at, story.updated_at or story.live_at)
        state, due_at = f"live@{stamp.isoformat()}", max(story.live_at, now)
    elif was_public:
        state, due_at = f"gone@{story.status}", now
    else:
        return  # a draft, or a story that never reached readers: nothing to tell
    key = f"{KIND}:story-{story.id}:r{story.revision}:{state}"
    outbox.enqueue(KIND, key[:300], {"urls": urls, "story_id": story.id}, due_at=due_at)


def _drop_waiting(story_id: int, now) -> None:
    """A story's pings waiting for a future time (its schedule) are replaced by this change."""
    rows = OutboxMessage.__table__.c
    db.session.execute(
        sa.delete(OutboxMessage.__table__).where(
            rows.kind == KIND,
            rows.key.startswith(f"{KIND}:story-{story_id}:", autoescape=True),
            rows.sent_at.is_(None),
            rows.failed_at.is_(None),
            rows.attempts == 0,
            rows.due_at > now,
        )
    )


@sa.event.listens_for(Session, "after_flush")
def _queue_pings(session: Session, _context) -> None:
    """After each flush, queue pings for the stories it wrote (nothing while IndexNow is off)."""
    if not is_on():
        return
    for story in (*session.new, *session.dirty):
        if isinstance(story, Story) and story.id is not None and _changed(story, session):
            story_flushed(story, is_new=story in session.new)


# --- delivery ------------------------------------------------------------------------------------


class EndpointBusy(Exception):
    """The endpoint asked us to come back later (429, 5xx) or could not be reached."""


def deliver_ping(message: OutboxMessage) -> None:
    """POST one row's URLs to the endpoint; raises to retry, PermanentFailure to give up."""
    endpoint = current_app.config.get("INDEXNOW_ENDPOINT")
    if not endpoint:
        raise outbox.PermanentFailure("IndexNow is off (INDEXNOW_ENDPOINT is empty): not sent")
    body = {
        "host": urlsplit(current_app.config["SITE_URL"]).hostname,
        "key": site_key(),
        "keyLocation": key_location(),
        "urlList": list(message.payload.get("urls", []))[:10_000],
    }
    # The endpoint is the operator's setting, checked to be http(s) at start (settings_problem).
    request = urllib.request.Request(  # noqa: S310  # nosec B310
        endpoint,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
        error.close()
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise EndpointBusy(f"{endpoint} could not be reached: {error}") from error
    if status in (200, 202):
        return
    if status == 429 or status >= 500:
        raise EndpointBusy(f"{endpoint} answered {status}; trying again later")
    raise outbox.PermanentFailure(f"{endpoint} answered {status}; not sent again")


def per_second() -> float | None:
    return current_app.config.get("INDEXNOW_PER_SECOND") or None


outbox.register(KIND, deliver_ping, per_second)
