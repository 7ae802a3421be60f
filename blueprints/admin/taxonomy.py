"""Sections, regions, countries, tags and authors: what stories are filed under (admins only)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from blueprints.admin.common import bp, form_response, requires
from blueprints.admin.forms import TaxonomyForm
from extensions import db
from newsroom.models import AuditEntry, Author, Country, Region, Role, Section, Tag

# kind -> (model, the field holding its description, label)
TAXONOMY = {
    "sections": (Section, "description", "Sections"),
    "regions": (Region, "description", "Regions"),
    "countries": (Country, None, "Countries"),
    "tags": (Tag, None, "Tags"),
    "authors": (Author, "bio", "Authors"),
}


def _taxonomy(kind: str):
    if kind not in TAXONOMY:
        abort(404)
    return TAXONOMY[kind]


@bp.route("/taxonomy/<kind>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def taxonomy(kind):
    """List the sections, regions, countries, tags or authors, and add a new one."""
    model, text_field, label = _taxonomy(kind)
    form = TaxonomyForm()
    status = 200
    if request.method == "POST":
        if kind in ("countries", "regions", "sections"):
            abort(400, description="Sections, regions and countries are fixed; edit them instead.")
        if form.validate() and _slug_free(model, form.slug.data, None, form):
            item = model(slug=form.slug.data, name=form.name.data.strip())
            _apply_taxonomy(item, form, text_field)
            db.session.add(item)
            db.session.flush()
            AuditEntry.record(current_user, "create", item, f"{kind}: {item.name}")
            db.session.commit()
            flash(f"{item.name} added.", "success")
            return redirect(url_for("admin.taxonomy", kind=kind), 303)
        status = 422
    # One query for five models: each has a name and a slug (so these two stay generic here).
    items = db.session.scalars(sa.select(model).order_by(model.name)).all()
    return form_response(
        "admin/taxonomy.html",
        status,
        kind=kind,
        label=label,
        items=items,
        form=form,
        kinds=TAXONOMY,
        can_add=kind in ("tags", "authors"),
    )


@bp.route("/taxonomy/<kind>/<int:ident>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def taxonomy_edit(kind, ident):
    """Rename one section, region, country, tag or author, or change its text."""
    model, text_field, label = _taxonomy(kind)
    item = db.get_or_404(model, ident)
    form = TaxonomyForm(obj=item)
    if request.method == "GET":
        if text_field:
            form.description.data = getattr(item, text_field)
        return form_response(
            "admin/taxonomy_edit.html",
            kind=kind,
            label=label,
            item=item,
            form=form,
            text_field=text_field,
        )
    if not (form.validate() and _slug_free(model, form.slug.data, item.id, form)):
        return form_response(
            "admin/taxonomy_edit.html",
            422,
            kind=kind,
            label=label,
            item=item,
            form=form,
            text_field=text_field,
        )
    item.name, item.slug = form.name.data.strip(), form.slug.data
    _apply_taxonomy(item, form, text_field)
    AuditEntry.record(current_user, "update", item, f"{kind}: {item.name}")
    db.session.commit()
    flash(f"{item.name} saved.", "success")
    return redirect(url_for("admin.taxonomy", kind=kind), 303)


def _slug_free(model, slug: str, ident: int | None, form) -> bool:
    clash = db.session.scalar(sa.select(model.id).where(model.slug == slug))
    if clash is not None and clash != ident:
        form.slug.errors = [*form.slug.errors, "Another entry already uses this address."]
        return False
    return True


def _apply_taxonomy(item, form, text_field) -> None:
    if text_field:
        setattr(item, text_field, (form.description.data or "").strip())
    if isinstance(item, Author):
        item.title = (form.title.data or "").strip()
