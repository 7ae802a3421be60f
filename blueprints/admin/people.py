"""People: the newsroom's accounts, their roles, and help for a lost phone (admins only)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, session, url_for
from flask_login import current_user

from blueprints.admin.common import bp, form_response, requires
from blueprints.admin.forms import RoleForm, TimeZoneForm, UserForm
from extensions import db
from newsroom import services, zones
from newsroom.models import Role, User
from web import auth


@bp.route("/users", methods=["GET", "POST"])
@requires(Role.ADMIN)
def users():
    """The newsroom's accounts; admins add people and change roles."""
    form = UserForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                user = services.create_account(
                    form.email.data,
                    form.name.data or "",
                    form.role.data,
                    form.password.data,
                    by=current_user,
                )
            except services.AccountRefused as refused:
                getattr(form, refused.field).errors = [str(refused)]
            else:
                flash(f"Account created for {user.email}.", "success")
                return redirect(url_for("admin.users"), 303)
        status = 422
    people = User.all_by_email()
    return form_response(
        "admin/users.html",
        status,
        form=form,
        people=people,
        role_form=RoleForm(),
        zone_names=sorted(zones.zone_names()),
        site_zone=zones.site_zone().key,
    )


@bp.post("/users/<int:ident>/role")
@requires(Role.ADMIN)
def user_role(ident):
    """Give an account another role."""
    user = db.get_or_404(User, ident)
    form = RoleForm()
    if not form.validate():
        abort(400, description="Unknown role.")
    if user.id == current_user.id and form.role.data != Role.ADMIN:
        flash("You cannot take away your own admin role.", "error")
        return redirect(url_for("admin.users"), 303)
    services.set_role(user, form.role.data, by=current_user)
    flash(f"{user.email} is now {user.role}.", "success")
    return redirect(url_for("admin.users"), 303)


@bp.post("/users/<int:ident>/active")
@requires(Role.ADMIN)
def user_active(ident):
    """Disable an account (ending its sessions) or enable it again."""
    user = db.get_or_404(User, ident)
    active = request.form.get("active") == "1"
    if user.id == current_user.id and not active:
        flash("You cannot disable your own account.", "error")
        return redirect(url_for("admin.users"), 303)
    services.set_active(user, active, by=current_user)
    flash(f"{user.email} is {'enabled' if active else 'disabled'}.", "success")
    return redirect(url_for("admin.users"), 303)


@bp.post("/users/<int:ident>/two-step-off")
@requires(Role.ADMIN)
def user_two_step_off(ident):
    """Turn off someone's two-step sign-in (lost phone); they sign in with the password again."""
    user = db.get_or_404(User, ident)
    services.turn_off_two_step(user, by=current_user, by_token=session.get("sid"))
    auth.security_event("two-step", "reset", account=user.id)
    flash(f"Two-step sign-in is off for {user.email}; they should set it up again.", "success")
    return redirect(url_for("admin.users"), 303)


@bp.post("/users/<int:ident>/time-zone")
@requires(Role.ADMIN)
def user_time_zone(ident):
    """Set the time zone someone reads and types times in (empty: the site's)."""
    user = db.get_or_404(User, ident)
    form = TimeZoneForm()
    if not form.validate():
        flash(f"{form.timezone.errors[0]} Nothing was changed for {user.email}.", "error")
        return redirect(url_for("admin.users"), 303)
    services.set_time_zone(user, form.timezone.data, by=current_user)
    flash(f"{user.email} now sees times in {zones.zone_of(user).key}.", "success")
    return redirect(url_for("admin.users"), 303)
