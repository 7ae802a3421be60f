"""Morning briefings for readers: sign up, confirm (double opt-in), change regions, unsubscribe
(one click, RFC 8058), and the archive of sent editions."""

from __future__ import annotations

import logging
import re
from datetime import date

from flask import Blueprint, abort, current_app, make_response, render_template, request

from blueprints.briefings.forms import RegionsForm, SignupForm
from extensions import csrf, limiter
from newsroom import briefings, mail, zones
from newsroom.briefings_editions import edition_of, sent_editions, stories_of
from newsroom.models import Region, Subscriber
from web.caching import cached_page
from web.pages import wants_fragment

bp = Blueprint("briefings", __name__, url_prefix="/briefings")
log = logging.getLogger(__name__)


@bp.record_once
def _close_mail_connections(state):
    state.app.teardown_appcontext(mail.close)


def _private(response, status: int = 200):
    response = make_response(response, status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _offer_regions(form: RegionsForm) -> dict[int, Region]:
    regions = {r.id: r for r in Region.ordered()}
    form.regions.choices = [(r.id, r.name) for r in regions.values()]
    return regions


def _signup_limit():
    return current_app.config["BRIEFINGS_RATE_LIMIT"]


@bp.route("", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def signup():
    """The sign-up form: an address and the regions whose morning briefing to receive."""
    form = SignupForm()
    regions = _offer_regions(form)
    status = 200
    if form.is_submitted():
        if form.validate():
            message_id = briefings.sign_up(form.email.data, [regions[i] for i in form.regions.data])
            if message_id:
                briefings.deliver_now(message_id)
            template = (
                "briefings/_check_inbox.html" if wants_fragment() else "briefings/check_inbox.html"
            )
            return _private(render_template(template))
        status = 422
    elif request.args.get("region") in {r.slug for r in regions.values()}:
        form.regions.data = [r.id for r in regions.values() if r.slug == request.args["region"]]
    template = (
        "briefings/_signup_form.html"
        if status == 422 and wants_fragment()
        else "briefings/signup.html"
    )
    response = _private(render_template(template, form=form, regions=regions), status)
    response.vary.add("HX-Request")
    return response


@bp.route("/confirm/<code>", methods=["GET", "POST"])
def confirm(code):
    """A button that confirms the sign-up (a GET changes nothing: mail scanners follow links)."""
    try:
        subscriber = briefings.subscriber_for_code(code)
    except briefings.LinkExpired:
        return _private(render_template("briefings/link_expired.html"), 410)
    if subscriber is None:
        return _private(render_template("briefings/unknown_link.html"), 404)
    if request.method == "POST":
        briefings.confirm(subscriber)
        log.info("briefing subscriber %d confirmed", subscriber.id)
        return _private(render_template("briefings/confirmed.html", subscriber=subscriber))
    return _private(render_template("briefings/confirm.html", code=code, subscriber=subscriber))


@bp.route("/manage/<token>", methods=["GET", "POST"])
def manage(token):
    """Change the regions whose briefing a subscriber receives."""
    subscriber = Subscriber.by_token(token)
    if subscriber is None:
        return _private(render_template("briefings/unknown_link.html"), 404)
    form = RegionsForm()
    regions = _offer_regions(form)
    saved = False
    status = 200
    if form.is_submitted():
        if form.validate():
            briefings.change_regions(subscriber, [regions[i] for i in form.regions.data])
            saved = True
        else:
            status = 422
    else:
        form.regions.data = [r.id for r in subscriber.regions]
    return _private(
        render_template("briefings/manage.html", form=form, subscriber=subscriber, saved=saved),
        status,
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token):
    """A button that unsubscribes; a POST (the email client's one click, RFC 8058, without a
    CSRF token: the secret token in the address is the proof) deletes the address at once."""
    subscriber = Subscriber.by_token(token)
    if request.method == "POST":
        if subscriber is not None:
            briefings.unsubscribe(subscriber)
            log.info("briefing subscriber unsubscribed and deleted")
        return _private(render_template("briefings/unsubscribed.html"))
    if subscriber is None:
        return _private(render_template("briefings/unknown_link.html"), 404)
    return _private(render_template("briefings/unsubscribe.html", token=token))


@bp.get("/<region>")
@cached_page
def archive(region):
    """A region's sent briefings, newest first."""
    found = Region.by_slug(region) or abort(404)
    before = _date_or_none(request.args.get("before"))
    editions = sent_editions(found, before=before, limit=31)
    more = editions[30].edition if len(editions) > 30 else None
    return render_template(
        "briefings/archive.html",
        region=found,
        editions=editions[:30],
        older=more,
        zone_name=zones.zone_name(found.zone),
    )


@bp.get("/<region>/<edition>")
@cached_page
def edition(region, edition):
    """One sent briefing as readers received it (nothing before it is sent)."""
    found = Region.by_slug(region) or abort(404)
    day = _date_or_none(edition) or abort(404)
    briefing = edition_of(found, day)
    if briefing is None or briefing.sent_at is None:
        abort(404)
    stories = [s for s in stories_of(briefing) if s.is_visible]
    return render_template("briefings/edition.html", briefing=briefing, stories=stories)


ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date_or_none(text: str | None) -> date | None:
    try:
        # YYYY-MM-DD only: fromisoformat also reads "2026-W49-6", a second address for a day.
        return date.fromisoformat(text) if text and ISO_DAY.fullmatch(text) else None
    except ValueError:
        return None
