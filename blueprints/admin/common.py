"""What every admin screen shares: the blueprint, the sign-in gate, the role each view declares."""

from __future__ import annotations

import functools

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from newsroom import zones
from newsroom.models import Role
from web import auth
from web.errors import csrf_refused

bp = Blueprint("admin", __name__, url_prefix="/admin")

# What an admin who must set up two-step sign-in can still reach before doing so.
ENROLMENT_ENDPOINTS = {
    "admin.account",
    "admin.account_totp",
    "admin.account_totp_setup",
    "admin.logout",
    "admin.logout_everywhere",
}
PER_PAGE = 25


def requires(role: Role | None):
    """Declare the least role a view needs, and enforce it: 403 below it.

    The role is recorded on the view as `required_role` (the access test reads the matrix from
    there). None marks the sign-in pages, open to everyone; every other view needs a signed-in
    member of the newsroom (see require_sign_in), so Role.WRITER means "anyone signed in"."""

    def declare(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            if role is not None:
                require(role)
            return view(*args, **kwargs)

        checked.required_role = role
        return checked

    return declare


def require(role: Role) -> None:
    """403 unless the signed-in user has this role or above."""
    if not current_user.can(role):
        auth.security_event("authorization", "denied", needed=role.value)
        abort(403)


def declared_role(endpoint: str | None) -> Role | None:
    """The role the view at this endpoint declared; a view that declared none needs sign-in."""
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "required_role", Role.WRITER)


@bp.before_request
def require_sign_in():
    """Every admin URL but the sign-in pages needs a signed-in member of the newsroom."""
    if declared_role(request.endpoint) is None:
        return None
    if current_user.is_authenticated:
        return _require_two_step_for_admins()
    target = url_for("admin.login", next=request.full_path if request.method == "GET" else None)
    if request.headers.get("HX-Request") == "true":
        # Not a redirect: htmx would leave the page, and with it what the person typed (a post,
        # a story). The answer says so where the request would have shown its result.
        return make_response(render_template("admin/_signed_out.html"), 401)
    return redirect(target)


@bp.errorhandler(CSRFError)
def csrf_refused_in_the_newsroom(error):
    """A form sent after the sign-in expired fails its CSRF check first (the token went with
    the session): answer as for any signed-out request, which keeps an htmx page and its text."""
    if not current_user.is_authenticated and declared_role(request.endpoint) is not None:
        auth.security_event("csrf", "refused", reason="signed out: " + error.description)
        return require_sign_in()
    return csrf_refused(error)


def _require_two_step_for_admins():
    """With ADMIN_REQUIRE_TOTP on, an admin without two-step sign-in may only set it up."""
    if (
        current_app.config["ADMIN_REQUIRE_TOTP"]
        and current_user.can(Role.ADMIN)
        and not current_user.has_two_step
        and request.endpoint not in ENROLMENT_ENDPOINTS
    ):
        flash("Admins must set up two-step sign-in before going on.", "error")
        return redirect(url_for("admin.account"))
    return None


@bp.context_processor
def desk_clock():
    """Admin pages show times on the signed-in person's clock: `|datetime(desk_zone)`."""
    user = current_user if current_user.is_authenticated else None
    return {"desk_zone": zones.zone_of(user)}


@bp.after_request
def never_cache(response):
    response.headers["Cache-Control"] = "private, no-store"
    return response


def form_response(template: str, status: int = 200, **context):
    return make_response(render_template(template, **context), status)


def search_text(raw: str | None) -> str:
    """A search box's text: printable characters only, trimmed, at most 200."""
    return "".join(ch for ch in (raw or "") if ch.isprintable()).strip()[:200]
