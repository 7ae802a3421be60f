"""Signing in (password, then the two-step code when it is on) and signing out."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user

from blueprints.admin.common import bp, form_response, requires
from blueprints.admin.forms import CodeForm, LoginForm
from extensions import db, limiter
from newsroom.models import Role
from web import auth


def _failed(response) -> bool:
    """Only failed attempts count towards the sign-in limits: signing in often is no offence."""
    # The limit is tested before the view and counted after it, so attempts running at the same
    # moment can each pass: at most one per worker, a few guesses, never a way round the limit.
    return response.status_code == 401


def _account_address_key() -> str:
    # One account from one address: a stranger elsewhere cannot use up its owner's tries.
    email = auth.sign_in_key(request.form.get("email"))
    return f"login-account:{email}|{get_remote_address()}"


@bp.route("/login", methods=["GET", "POST"])
@requires(None)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_IP"], methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"],
    key_func=_account_address_key,
    methods=["POST"],
    deduct_when=_failed,
)
def login():
    """The newsroom's sign-in form."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("admin.dashboard"))
    form = LoginForm()
    if request.method == "POST":
        user = None
        checked = form.validate()
        if checked:
            auth.slow_down_if_targeted(form.email.data)
            user = auth.authenticate(form.email.data, form.password.data)
        if user is not None and user.has_two_step:
            auth.begin_second_step(user, auth.safe_next(request.args.get("next")))
            auth.security_event("login", "password-ok", step="code")
            return redirect(url_for("admin.login_code"), 303)
        if user is not None:
            auth.start_session(user)
            auth.security_event("login", "success")
            return redirect(auth.safe_next(request.args.get("next")) or url_for("admin.dashboard"))
        auth.security_event("login", "failure")
        if checked:
            auth.count_failed_sign_in(form.email.data)
        form.password.data = ""
        return form_response(
            "admin/login.html", 401, form=form, error="That email and password do not match."
        )
    return form_response("admin/login.html", form=form)


def _pending_key() -> str:
    # Per account from every address: only someone who has just given the right password holds
    # a pending_uid (the session cookie is signed), so no stranger can use these tries up.
    return f"login-code:{session.get('pending_uid')}"


@bp.route("/login/code", methods=["GET", "POST"])
@requires(None)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_IP"], methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"],
    key_func=_pending_key,
    methods=["POST"],
    deduct_when=_failed,
)
def login_code():
    """The second step of signing in: a code from the authenticator app."""
    user = auth.pending_user()
    if user is None:
        session.clear()
        flash("Sign in again: that sign-in expired or had too many wrong codes.", "error")
        return redirect(url_for("admin.login"), 303)
    form = CodeForm()
    if request.method == "POST":
        if form.validate() and auth.use_totp_code(user, form.code.data):
            next_url = session.get("pending_next")
            auth.start_session(user)
            auth.security_event("login", "success", step="code")
            return redirect(auth.safe_next(next_url) or url_for("admin.dashboard"))
        session["pending_tries"] = session.get("pending_tries", 0) + 1
        auth.security_event("login", "failure", step="code")
        form.code.data = ""
        return form_response(
            "admin/login_code.html",
            401,
            form=form,
            error="That code is not right. Try the newest one.",
        )
    return form_response("admin/login_code.html", form=form)


@bp.post("/logout")
@requires(Role.WRITER)
def logout():
    """Sign out of this browser."""
    auth.security_event("logout", "success")
    auth.end_session()
    flash("You are signed out.", "success")
    return redirect(url_for("admin.login"), 303)


@bp.post("/logout-everywhere")
@requires(Role.WRITER)
def logout_everywhere():
    """Sign out of every browser this account is signed in on."""
    auth.revoke_all_sessions(current_user)
    db.session.commit()
    auth.security_event("logout-everywhere", "success")
    auth.end_session()
    return redirect(url_for("admin.login"), 303)
