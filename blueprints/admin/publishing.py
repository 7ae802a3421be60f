"""Clear publishing in the story form: the publication time on the editor's clock beside UTC and
the dateline's, one Publish button that says what it will do, and the pre-publish checklist.

The story form (story_form.py) renders these with publishing_context; the line beside the time
is also served on its own, so htmx can update it, and the button's label, as the editor types.
"""

from __future__ import annotations

from datetime import datetime

from flask import render_template, request
from flask_login import current_user

from blueprints.admin.common import bp, requires
from extensions import db
from newsroom import checklist, zones
from newsroom.models import Country, Role, utcnow

TIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


def publish_label(when: datetime | None, zone) -> str:
    """What the one Publish button does: "Publish now", or "Schedule for 09:00 ICT" (with the
    day when it is not today on the editor's clock)."""
    now = utcnow()
    if when is None or when <= now:
        return "Publish now"
    there = when.astimezone(zone)
    today = there.date() == now.astimezone(zone).date()
    day = "" if today else f"{there:%a} {there.day} {there:%b}, "
    return f"Schedule for {day}{zones.clock(when, zone)}"


def time_line(when: datetime | None, zone, dateline_country_id, dateline: str = "") -> list[str]:
    """The publication time on the editor's clock, UTC and the dateline's; empty for no time."""
    if when is None:
        return []
    country = db.session.get(Country, dateline_country_id) if dateline_country_id else None
    place = (dateline or "").strip()[:60] or (country.name if country else "")
    return zones.readings(when, zone, country.zone if country else None, place)


def publishing_context(form, changes) -> dict:
    """What the form's publishing partials show, from the values in the form (saved or not)."""
    when = form.publication_time()
    return {
        "publish_label": publish_label(when, form.zone),
        "time_line": time_line(when, form.zone, form.dateline_country.data, form.dateline.data),
        "checklist": checklist.review(changes),
        "zone_key": form.zone.key,
    }


def _typed_time(raw: str) -> datetime | None:
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(raw.strip(), fmt)
        except ValueError:
            continue
    return None


@bp.get("/stories/publish-line")
@requires(Role.WRITER)
def publish_line():
    """The line beside the publication time (and, for editors, the Publish button's label) for
    the time being typed, on the editor's clock."""
    zone = zones.zone_of(current_user)
    typed = _typed_time(request.args.get("published_at", ""))
    when, problem = None, ""
    if typed is not None:
        try:
            when = zones.to_utc(typed, zone)
        except zones.NoSuchTime as gap:
            problem = str(gap)
    country = request.args.get("dateline_country", "")
    readable = country.isascii() and country.isdigit() and len(country) < 10
    country_id = int(country) if readable else None
    return render_template(
        "admin/_publish_line.html",
        time_line=time_line(when, zone, country_id, request.args.get("dateline", "")),
        problem=problem,
        publish_label=publish_label(when, zone),
        with_button=current_user.can(Role.EDITOR),
    )
