"""Sections, regions, countries, tags and authors: what stories are filed under (admins only)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from blueprints.admin.common import bp, form_response, requires
from blueprints.admin.forms import TaxonomyForm
from extensions import db
from newsroom.models import (
    PHOTO_ID_MAX,
    AuditEntry,
    Author,
    Country,
    Photo,
    Region,
    Role,
    Section,
    Tag,
)
from newsroom.profiles import MAX_PROFILES, profile_errors

# kind -> (model, the field holding its description, label)
TAXONOMY = {
    "sections": (Section, "description", "Sections"),
    "regions": (Region, "description", "Regions"),
    "countries": (Country, None, "Countries"),
    "tags": (Tag, None, "Tags"),
    "authors": (Author, "bio", "Authors"),
}


class CountryForm(TaxonomyForm):
    """A country also has a capital, which its front's fact line shows."""

    capital = StringField("Capital", validators=[Optional(), Length(max=80)])


class AuthorForm(TaxonomyForm):
    """An author also has a portrait from the photo desk and profiles elsewhere."""

    photo_id = IntegerField(
        "Portrait (photo number)",
        validators=[Optional(), NumberRange(min=1, max=PHOTO_ID_MAX)],
        render_kw={"inputmode": "numeric"},
    )
    profiles = TextAreaField(
        "Profiles elsewhere", validators=[Optional(), Length(max=MAX_PROFILES * 500)]
    )

    def validate_photo_id(self, field):
        if field.data and db.session.get(Photo, field.data) is None:
            raise ValidationError(f"There is no photo number {field.data} in the photo desk.")

    def validate_profiles(self, field):
        problems = profile_errors(field.data)
        if problems:
            raise ValidationError(" ".join(problems))


FORMS = {"countries": CountryForm, "authors": AuthorForm}


def _taxonomy(kind: str):
    if kind not in TAXONOMY:
        abort(404)
    return TAXONOMY[kind]


@bp.route("/taxonomy/<kind>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def taxonomy(kind):
    """List the sections, regions, countries, tags or authors, and add a new one."""
    model, text_field, label = _taxonomy(kind)
    form = FORMS.get(kind, TaxonomyForm)()
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
    items = model.all_by_name()
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
    form = FORMS.get(kind, TaxonomyForm)(obj=item)
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
    clash = model.slug_owner(slug)
    if clash is not None and clash != ident:
        form.slug.errors = [*form.slug.errors, "Another entry already uses this address."]
        return False
    return True


def _apply_taxonomy(item, form, text_field) -> None:
    if text_field:
        setattr(item, text_field, (form.description.data or "").strip())
    if isinstance(item, Author):
        item.title = (form.title.data or "").strip()
        item.photo_id = form.photo_id.data or None
        item.profiles = "\n".join(
            line.strip() for line in (form.profiles.data or "").splitlines() if line.strip()
        )
    if isinstance(item, Country):
        item.capital = (form.capital.data or "").strip()
