"""The inbox: messages readers sent through the contact form."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from blueprints.admin.common import PER_PAGE, bp, requires
from extensions import db
from newsroom.models import ContactMessage, Role
from web.params import cursor_arg


@bp.get("/messages")
@requires(Role.EDITOR)
def messages():
    """Messages from readers, newest first."""
    page = ContactMessage.newest_page(before=cursor_arg("before"), limit=PER_PAGE)
    return render_template("admin/messages.html", messages=page.rows, next_cursor=page.next_cursor)


@bp.get("/messages/<int:ident>")
@requires(Role.EDITOR)
def message(ident):
    """One reader's message in full."""
    return render_template("admin/message.html", message=db.get_or_404(ContactMessage, ident))


@bp.post("/messages/<int:ident>/handled")
@requires(Role.EDITOR)
def message_handled(ident):
    """Mark a message as dealt with (or not)."""
    message = db.get_or_404(ContactMessage, ident)
    message.handled = request.form.get("handled", "1") == "1"
    db.session.commit()
    flash("Message marked as handled." if message.handled else "Message marked as new.", "success")
    return redirect(url_for("admin.messages"), 303)


@bp.post("/messages/<int:ident>/delete")
@requires(Role.EDITOR)
def message_delete(ident):
    """Delete a message for good."""
    db.session.delete(db.get_or_404(ContactMessage, ident))
    db.session.commit()
    flash("Message deleted.", "success")
    return redirect(url_for("admin.messages"), 303)
