"""The ticker ("breaking"): add, edit, reorder and expire its items."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.admin.common import bp, form_response, requires, search_text
from blueprints.admin.forms import TickerItemForm
from extensions import db
from newsroom import services
from newsroom.models import AuditEntry, Role, TickerItem, utcnow


@bp.route("/ticker", methods=["GET", "POST"])
@requires(Role.EDITOR)
def ticker():
    """The ticker's items: add, edit, reorder and expire."""
    form = TickerItemForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            item = services.add_ticker_item(form.text.data, form.chosen_link(), form.minutes.data)
            return _saved(item, "create", item.text, "Added to the ticker.")
        status = 422
    now = utcnow()
    items = TickerItem.recent(days=2)
    return form_response(
        "admin/ticker.html", status, form=form, items=items, now=now, found=_found(form)
    )


def _ticker_item(ident: int) -> TickerItem:
    # A change reads the item to decide what to write: lock its row (FOR UPDATE) on PostgreSQL.
    return db.get_or_404(TickerItem, ident, with_for_update=request.method == "POST")


def _saved(item: TickerItem, action: str, note: str, message: str | None = None):
    """Audit the change to the item, commit it, say so, and go back to the ticker's page."""
    AuditEntry.record(current_user, action, item, note)
    db.session.commit()
    if message:
        flash(message, "success")
    return redirect(url_for("admin.ticker"), 303)


@bp.route("/ticker/<int:ident>", methods=["GET", "POST"])
@requires(Role.EDITOR)
def ticker_edit(ident):
    """Change a ticker item's text, link or time left."""
    item = _ticker_item(ident)
    form = TickerItemForm(obj=item)
    if request.method == "GET":
        form.minutes.data = max(1, int((item.expires_at - utcnow()).total_seconds() // 60))
        return form_response("admin/ticker_edit.html", form=form, item=item, found=[])
    if not form.validate():
        found = _found(form)
        return form_response("admin/ticker_edit.html", 422, form=form, item=item, found=found)
    services.set_ticker_item(item, form.text.data, form.chosen_link(), form.minutes.data)
    return _saved(item, "update", item.text, "Ticker item updated.")


@bp.post("/ticker/<int:ident>/expire")
@requires(Role.EDITOR)
def ticker_expire(ident):
    """Take an item out of the ticker now."""
    item = _ticker_item(ident)
    services.expire_ticker_item(item)
    return _saved(item, "expire", item.text, "Taken out of the ticker.")


@bp.post("/ticker/<int:ident>/move")
@requires(Role.EDITOR)
def ticker_move(ident):
    """Move an item up or down the ticker, swapping places with its neighbour."""
    item = _ticker_item(ident)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400, description="Say up or down.")
    if not services.move_ticker_item(item, up=direction == "up"):
        return redirect(url_for("admin.ticker"), 303)  # already at the top or the bottom
    return _saved(item, "move", f"{direction}: {item.text}")


@bp.get("/ticker/stories")
@requires(Role.EDITOR)
def ticker_stories():
    """The stories whose headline has the words typed in a ticker item's link, to pick one."""
    found = services.stories_to_link(search_text(request.args.get("link")))
    return render_template("admin/_ticker_stories.html", found=found, picked=None)


def _found(form: TickerItemForm) -> list:
    """The stories the link's words find, offered again when a form comes back (no JS needed)."""
    return services.stories_to_link(search_text(form.link.data)) if form.link.data else []
