"""Your account: your password, your two-step sign-in and your time zone."""

from __future__ import annotations

import segno
from flask import current_app, flash, redirect, url_for
from flask_login import current_user

from blueprints.admin.common import bp, form_response, requires
from blueprints.admin.forms import CodeForm, PasswordChangeForm, TimeZoneForm
from extensions import db, limiter
from newsroom import accounts, services, zones
from newsroom.models import AuditEntry, Role
from web import auth


def _account_page(status=200, password_form=None, code_form=None, zone_form=None):
    setup = None
    secret = current_user.totp_pending_secret
    if not current_user.has_two_step and secret:
        uri = auth.totp_uri(secret, current_user.email)
        qr = segno.make(uri, error="m").svg_inline(
            scale=4, dark="#000", light="#fff", omitsize=True, title="Two-step sign-in QR code"
        )
        setup = {"secret": secret, "qr": qr}
    return form_response(
        "admin/account.html",
        status,
        password_form=password_form or PasswordChangeForm(),
        code_form=code_form or CodeForm(),
        zone_form=zone_form or TimeZoneForm(timezone=current_user.timezone or ""),
        zone_names=sorted(zones.zone_names()),
        site_zone=zones.site_zone().key,
        setup=setup,
    )


@bp.get("/account")
@requires(Role.WRITER)
def account():
    """Your password, two-step sign-in and time zone."""
    return _account_page()


@bp.post("/account/password")
@requires(Role.WRITER)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"],
    key_func=lambda: f"password-change:{current_user.get_id()}",
    deduct_when=lambda response: response.status_code != 303,
)
def account_password():
    """Change your password; every other session of yours ends."""
    form = PasswordChangeForm()
    if form.validate():
        if auth.authenticate(current_user.email, form.current.data) is None:
            form.current.errors = ["That is not your current password."]
            auth.security_event("password-change", "failure")
        elif problem := accounts.password_problem(
            form.new.data, current_user.email, current_user.name
        ):
            form.new.errors = [problem]
        else:
            current_user.password_hash = accounts.hash_password(form.new.data)
            auth.revoke_all_sessions(current_user, keep_current=True)
            AuditEntry.record(current_user, "password", current_user, current_user.email)
            db.session.commit()
            auth.security_event("password-change", "success")
            flash("Password changed. You are signed out everywhere else.", "success")
            return redirect(url_for("admin.account"), 303)
    return _account_page(422, password_form=form)


@bp.post("/account/two-step/setup")
@requires(Role.WRITER)
def account_totp_setup():
    """Make a new two-step key for your authenticator app; it is used once a code confirms it."""
    if not current_user.has_two_step:
        current_user.totp_pending_secret = auth.new_totp_secret()
        db.session.commit()
    return redirect(url_for("admin.account", _anchor="two-step-h"), 303)


@bp.post("/account/two-step")
@requires(Role.WRITER)
def account_totp():
    """Turn two-step sign-in on (confirming a first code) or off (with a current code)."""
    form = CodeForm()
    turning_on = not current_user.has_two_step
    secret = current_user.totp_pending_secret if turning_on else current_user.totp_secret
    step = auth.totp_step(secret, form.code.data) if form.validate() and secret else None
    if step is None:
        form.code.errors = ["That code is not right. Check the phone's clock; try the newest code."]
        auth.security_event("two-step", "failure")
        return _account_page(422, code_form=form)
    if turning_on:
        current_user.set_two_step(secret, spent_step=step)
        current_user.totp_pending_secret = None
        auth.revoke_all_sessions(current_user, keep_current=True)
        message = "Two-step sign-in is on. You will be asked for a code each time you sign in."
    else:
        current_user.set_two_step(None)
        message = "Two-step sign-in is off."
    AuditEntry.record(
        current_user,
        "two-step-on" if turning_on else "two-step-off",
        current_user,
        current_user.email,
    )
    db.session.commit()
    auth.security_event("two-step", "on" if turning_on else "off")
    flash(message, "success")
    return redirect(url_for("admin.account"), 303)


@bp.post("/account/time-zone")
@requires(Role.WRITER)
def account_time_zone():
    """Choose the time zone you read and type times in (empty: the site's)."""
    form = TimeZoneForm()
    if not form.validate():
        return _account_page(422, zone_form=form)
    me = current_user._get_current_object()  # the audit log names the model, not the proxy
    services.set_time_zone(me, form.timezone.data, by=me)
    flash(f"Times are now shown in {zones.zone_of(current_user).key}.", "success")
    return redirect(url_for("admin.account"), 303)
