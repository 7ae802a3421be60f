"""Error pages in the site's chrome, or a short fragment when htmx asked."""

from __future__ import annotations

import logging

from flask import Flask, make_response, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from extensions import db
from web.auth import security_event
from web.pages import wants_fragment

log = logging.getLogger(__name__)

TITLES = {
    400: "That request could not be understood",
    403: "You do not have access to this page",
    404: "We could not find that page",
    405: "That action is not allowed here",
    409: "That change clashes with the page as it is now",
    410: "This page has been removed",
    413: "That upload is too large",
    422: "Please check the form",
    429: "Too many requests",
    500: "Something went wrong on our side",
    503: "The site is busy",
}


def render_error(status: int, description: str | None = None):
    """The error page for a status, or its fragment for htmx; never cached."""
    title = TITLES.get(status, "Something went wrong")
    template = "errors/_fragment.html" if wants_fragment() else "errors/error.html"
    try:
        body = render_template(template, status=status, title=title, description=description)
    except Exception:  # the page itself failed (e.g. the database is down): plain text still helps
        log.exception("error page %d could not be rendered", status)
        body = f"{status} {title}"
    response = make_response(body, status)
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("HX-Request")
    return response


def csrf_refused(error: CSRFError):
    """A form whose CSRF token is missing, expired or from elsewhere: 400, nothing done."""
    security_event("csrf", "refused", reason=error.description)
    return render_error(
        400,
        "The form had expired or was sent from elsewhere. Reload the page and try again.",
    )


def register_errorhandlers(app: Flask) -> None:
    """Every error, the unexpected ones too, answered with a page in the site's chrome."""

    app.register_error_handler(CSRFError, csrf_refused)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        description = error.description if error.code in (400, 429, 413) else None
        response = render_error(error.code or 500, description)
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        if error.code == 429:
            security_event("rate-limit", "refused", limit=str(error.description))
            response.headers["Retry-After"] = "60"
        return response

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):
        """A write lock held too long, or the database unreachable: say so, never a false
        "thank you"; nothing half-done was committed."""
        db.session.rollback()
        log.error("database unavailable: %s", error.orig)
        response = render_error(
            503, "We could not save or load this just now. Please try again in a minute."
        )
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error")
        # Nothing the failed request did is kept; the error page reads in a transaction of
        # its own (after a database error, the failed one could not be read in at all).
        db.session.rollback()
        return render_error(InternalServerError.code)
