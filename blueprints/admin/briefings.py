"""Briefings in the newsroom: the editions about to go out, each reviewed before its 07:00 (an
intro, the lead, the order); read-only once queued."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.admin.common import bp, requires
from extensions import db
from newsroom import outbox
from newsroom.briefings_editions import (
    EditionLocked,
    assemble,
    edition_due,
    review,
    stories_of,
    upcoming,
)
from newsroom.models import Briefing, Region, Role, utcnow

INTRO_MAX = 1000


@bp.get("/briefings")
@requires(Role.EDITOR)
def briefings():
    """Each region's editions not yet sent (and yesterday's), soonest first."""
    return render_template(
        "admin/briefings.html",
        editions=upcoming(),
        mail=outbox.counts_by_state("email"),
        now=utcnow(),
    )


@bp.post("/briefings/prepare")
@requires(Role.EDITOR)
def briefings_prepare():
    """Assemble the next edition of every region now (the timer does it too)."""
    now = utcnow()
    for region in Region.ordered():
        day, send_at = edition_due(region, now)
        assemble(region, day + timedelta(days=1) if send_at <= now else day, now)
    flash("The next edition of every region is ready for review.", "success")
    return redirect(url_for("admin.briefings"), 303)


@bp.route("/briefings/<int:ident>", methods=["GET", "POST"])
@requires(Role.EDITOR)
def briefing_edit(ident):
    """Review one edition: its intro, its lead and the order of its stories."""
    briefing = db.get_or_404(Briefing, ident)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if briefing.locked:
            errors.append("This edition has gone out; it can no longer change.")
            status = 409
        else:
            intro = request.form.get("intro", "")
            lead_id = _int(request.form.get("lead"))
            order = _order(request.form, briefing)
            if len(intro) > INTRO_MAX:
                errors.append(f"Keep the intro under {INTRO_MAX:,} characters.")
                status = 422
            else:
                try:
                    review(
                        briefing,
                        intro=intro,
                        lead_id=lead_id,
                        order=order,
                        editor_id=current_user.id,
                    )
                except EditionLocked:
                    errors.append("This edition has just gone out; it can no longer change.")
                    status = 409
                else:
                    flash("Briefing saved; it goes out as you see it.", "success")
                    return redirect(url_for("admin.briefing_edit", ident=briefing.id), 303)
    return (
        render_template(
            "admin/briefings_edit.html",
            briefing=briefing,
            stories=stories_of(briefing),
            errors=errors,
            intro=request.form.get("intro", briefing.intro) if errors else briefing.intro,
        ),
        status,
    )


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _order(form, briefing: Briefing) -> list[int]:
    """The stories sorted by the positions typed beside them (a blank or bad one keeps its place;
    "move up" / "move down" buttons swap one with its neighbour)."""
    ids = [i for i in briefing.story_ids if i != briefing.lead_id]
    moved = form.get("move", "")
    if ":" in moved:
        direction, _, raw = moved.partition(":")
        ident = _int(raw)
        if ident in ids:
            at = ids.index(ident)
            to = at - 1 if direction == "up" else at + 1
            if 0 <= to < len(ids):
                ids[at], ids[to] = ids[to], ids[at]
        return ids
    typed = {i: _int(form.get(f"position-{i}")) for i in ids}
    return sorted(
        ids, key=lambda i: (typed[i] if typed[i] is not None else ids.index(i) + 1, ids.index(i))
    )
