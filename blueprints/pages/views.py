"""The site's own pages: about, privacy, contact, the media files behind story photos, and the
IndexNow key file."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)

from blueprints.pages.forms import ContactForm
from extensions import db, limiter
from newsroom import indexnow
from newsroom.models import ContactMessage
from web.caching import cached_page
from web.pages import wants_fragment

bp = Blueprint("pages", __name__)
log = logging.getLogger(__name__)


@bp.get("/about")
@cached_page
def about():
    """Who we are and what we cover."""
    return render_template("pages/about.html")


@bp.get("/privacy")
@cached_page
def privacy():
    """What the site records about readers, and why."""
    return render_template("pages/privacy.html")


def _contact_limit():
    return current_app.config["CONTACT_RATE_LIMIT"]


@bp.route("/contact", methods=["GET", "POST"])
@limiter.limit(_contact_limit, methods=["POST"])
def contact():
    """The publisher's details and a form that reaches the newsroom."""
    form = ContactForm()
    if form.is_submitted():
        if form.website.data:
            log.info("contact form honeypot filled; message discarded")
            return _contact_done(form)
        if form.validate():
            message = ContactMessage(
                name=form.name.data.strip(),
                email=form.email.data.strip(),
                subject=form.subject.data.strip(),
                message=form.message.data.strip(),
            )
            db.session.add(message)
            db.session.commit()
            log.info("contact message %d saved", message.id)
            return _contact_done(form)
        template = "pages/_contact_form.html" if wants_fragment() else "pages/contact.html"
        response = make_response(render_template(template, form=form), 422)
    else:
        response = make_response(render_template("pages/contact.html", form=form))
    response.vary.add("HX-Request")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _contact_done(form: ContactForm):
    if wants_fragment():
        response = make_response(render_template("pages/_contact_thanks.html"))
        response.headers["Cache-Control"] = "private, no-store"
        return response
    flash("Thank you. Your message has reached the newsroom.", "success")
    return redirect(url_for("pages.contact"), 303)


@bp.get("/media/<path:filename>")
def media(filename):
    """Stored photos; nginx serves these directly in production."""
    response = send_from_directory(current_app.config["MEDIA_ROOT"], filename, max_age=31536000)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/<name>.txt", endpoint="indexnow_key")
def indexnow_key(name: str):
    """The site's IndexNow key, proving to search engines that its pings are ours (404 for any
    other name, or while no key is set). Fixed names such as /robots.txt win over this rule."""
    key = indexnow.site_key()
    if not key or name != key:
        abort(404)
    response = make_response(key)
    response.mimetype = "text/plain"
    return response
