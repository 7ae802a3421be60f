"""Forms of the newsroom admin."""

from __future__ import annotations

import re
from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from extensions import db
from newsroom import services, stories, zones
from newsroom.cleaning import strip_forbidden
from newsroom.models import PHOTO_ID_MAX, Kind, Photo, Role, Story
from newsroom.video import embed_url

SLUG_RULE = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Use lower-case letters, digits and hyphens."
)
LANGUAGES = {
    "en": "English",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "th": "Thai",
    "vi": "Vietnamese",
    "id": "Indonesian",
    "ms": "Malay",
    "hi": "Hindi",
    "ar": "Arabic",
    "tr": "Turkish",
    "ru": "Russian",
}
ROLES = {r.value: r.value.capitalize() for r in Role}


def http_url(form, field):
    if field.data and not re.match(r"^https?://", field.data):
        raise ValidationError("Give a full http:// or https:// address.")


class NewsroomForm(FlaskForm):
    """A form whose text fields drop the control characters that XML (feeds) cannot carry."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField) and not issubclass(
                unbound_field.field_class, PasswordField
            ):
                own = unbound_field.kwargs.get("filters", ())
                options["filters"] = (strip_forbidden, *own)
            return unbound_field.bind(form=form, **options)


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=1024)])


class CodeForm(FlaskForm):
    code = StringField(
        "Six-digit code",
        validators=[InputRequired(), Length(max=20)],
        description="From the authenticator app on your phone.",
    )


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Current password", validators=[InputRequired(), Length(max=1024)])
    new = PasswordField("New password", validators=[InputRequired(), Length(max=256)])


class PhotoIdsField(Field):
    """Photos chosen by number, from the picker's radio buttons or checkboxes, in page order.

    The picker always sends the field (a "0" for "no photo"), so `sent` is false only when the
    form did not carry it at all; the story's photos are then kept as they are.
    """

    def process_formdata(self, valuelist):
        self.sent = bool(valuelist)
        self.data, self.unreadable = [], []
        for raw in valuelist:
            raw = raw.strip().removeprefix("#")
            if raw in ("", "0"):
                continue
            if not (raw.isascii() and raw.isdigit()):
                self.unreadable.append(f"“{raw[:20]}” is not a photo number")
            elif len(raw) > 10 or int(raw) > PHOTO_ID_MAX:
                self.unreadable.append(f"There is no photo #{raw[:20]} in the library")
            elif int(raw) not in self.data:
                self.data.append(int(raw))


class StoryForm(NewsroomForm):
    headline = StringField("Headline", validators=[InputRequired(), Length(max=300)])
    slug = StringField(
        "Web address (slug)",
        validators=[Optional(), Length(max=120), SLUG_RULE],
        description="Proposed from the headline when left empty.",
    )
    standfirst = TextAreaField("Standfirst", validators=[Optional(), Length(max=600)])
    dateline = StringField("Dateline", validators=[Optional(), Length(max=120)])
    dateline_country = SelectField("Dateline country", coerce=int, validate_choice=False)
    body = TextAreaField(
        "Story (Markdown)",
        validators=[Optional(), Length(max=200_000)],
        description="Embed another story as a card with [[nid:NUMBER]] on its own line.",
    )
    kind = SelectField("Kind", choices={k.value: k.label for k in Kind})
    section = SelectField("Section", coerce=int, validate_choice=False)
    countries = SelectMultipleField("Countries", coerce=int, validate_choice=False)
    authors = SelectMultipleField("Authors", coerce=int, validate_choice=False)
    tags = StringField(
        "Tags", validators=[Optional(), Length(max=500)], description="Separate tags with commas."
    )
    lang = SelectField("Language", choices=LANGUAGES)
    published_at = DateTimeLocalField(
        "Publication time",  # on the editor's clock (self.zone): see publication_time
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
        description="Leave empty to publish now. A future time schedules the story.",
    )
    hero_photo = PhotoIdsField("Hero photo", default=list)
    source_name = StringField("Syndicated from (name)", validators=[Optional(), Length(max=120)])
    source_url = URLField(
        "Original story address", validators=[Optional(), Length(max=500), URL(), http_url]
    )
    video_url = URLField(
        "Video address",
        validators=[Optional(), Length(max=500), URL(), http_url],
        description="A YouTube or Vimeo page; readers load the player only when they press play.",
    )
    gallery = PhotoIdsField("Gallery photos", default=list)
    is_featured = BooleanField("Feature on the front page")
    is_breaking = BooleanField(
        "Breaking story",
        description="When it goes live, its headline leads the breaking-news ticker for 6 hours.",
    )
    mark_updated = BooleanField(
        "Substantive change: show readers this story as updated now",
        description="Leave it unticked for a typo fix: the story's “Updated” time stays as it "
        "is. To tell readers what changed, add an update or a correction to its log.",
    )
    # --- embargo (templates/admin/_story_embargo.html)
    embargo_until = DateTimeLocalField(
        "Embargo until",  # on the editor's clock (self.zone), like the publication time
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
        description="Readers see nothing of the story before this time, even once published.",
    )
    revision = HiddenField()
    # Clear publishing: the pre-publish checklist (newsroom.checklist).
    no_photo = BooleanField("No photo: this story goes without one")
    checklist_override = TextAreaField(
        "Publish without what the checklist asks, because…",
        validators=[Optional(), Length(max=400)],
        description="Editors only; the reason is kept in the audit log.",
    )

    def __init__(self, *args, story: Story | None = None, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.story = story
        self.zone = zone or zones.UTC_ZONE  # the editor's clock: times are typed on it

    def validate_published_at(self, field):
        if field.data:
            try:
                zones.to_utc(field.data, self.zone)
            except zones.NoSuchTime as gap:
                raise ValidationError(str(gap)) from None

    validate_embargo_until = validate_published_at

    def validate_slug(self, field):
        if not field.data:
            return
        clash = Story.slug_owner(field.data)
        if clash is not None and (self.story is None or clash != self.story.id):
            raise ValidationError("Another story already uses this address.")

    def validate_hero_photo(self, field):
        self._check_photos(field, {self.story.hero_photo_id} if self.story else set(), most=1)

    def validate_gallery(self, field):
        self._check_photos(field, set(self.story.gallery_ids or []) if self.story else set(), 40)

    def _check_photos(self, field, kept: set, most: int) -> None:
        """Every photo newly chosen must be in the library; the story's own are kept as they are."""
        name = field.label.text.lower()
        if getattr(field, "unreadable", None):
            raise ValidationError(f"{field.unreadable[0]}; choose another for the {name}.")
        if len(field.data) > most:
            raise ValidationError(
                f"Choose at most {most} {name}." if most > 1 else "Choose one hero photo."
            )
        found = Photo.existing([i for i in field.data if i not in kept])
        missing = [i for i in field.data if i not in kept and i not in found]
        if missing:
            raise ValidationError(
                f"There is no photo #{missing[0]} in the library; choose another for the {name}."
            )

    def validate_section(self, field):
        if field.data not in self.section_ids:
            raise ValidationError("Choose a section.")

    # The lists offer only existing ids; anything else (a removed country, a forged or huge
    # number) is refused here rather than failing, or vanishing, at the database.
    def validate_dateline_country(self, field):
        if field.data not in self.dateline_country.choices:
            raise ValidationError("Choose a country from the list.")

    def validate_countries(self, field):
        if any(ident not in field.choices for ident in field.data or []):
            raise ValidationError("Choose countries from the list.")

    def validate_authors(self, field):
        if any(ident not in field.choices for ident in field.data or []):
            raise ValidationError("Choose authors from the list.")

    def validate_tags(self, field):
        unusable = [
            name.strip()
            for name in (field.data or "").split(",")
            if name.strip() and not stories.tag_slug(name)
        ]
        if unusable:
            raise ValidationError(
                f"A tag needs letters or digits to make its web address: {', '.join(unusable)}."
            )

    def validate_source_url(self, field):
        if bool(field.data) != bool(self.source_name.data):
            raise ValidationError(
                "Give both the source's name and the original address, or neither."
            )

    def validate_video_url(self, field):
        if field.data and embed_url(field.data) is None:
            raise ValidationError("Give a YouTube or Vimeo video address (https).")

    def publication_time(self) -> datetime | None:
        """The time typed on the editor's clock, in UTC (what the story service takes)."""
        return self._utc(self.published_at.data, "published_at")

    def embargo_time(self) -> datetime | None:
        """The embargo typed on the editor's clock, in UTC."""
        return self._utc(self.embargo_until.data, "embargo_until")

    def _utc(self, typed: datetime | None, stored_as: str) -> datetime | None:
        """A typed time in UTC. Left as typed, the stored time stays exactly as it is: the hour
        the clocks go back happens twice, and reading it again would move it by an hour."""
        if not typed:
            return None
        stored = getattr(self.story, stored_as, None) if self.story is not None else None
        if stored is not None and zones.wall_clock(stored, self.zone) == typed:
            return stored
        try:
            return zones.to_utc(typed, self.zone)
        except zones.NoSuchTime:
            return None  # refused by the field's validation before any save


class KillForm(NewsroomForm):
    notice = TextAreaField(
        "Notice for readers",
        filters=[lambda text: text.strip() if text else text],
        validators=[
            DataRequired(message="Say why the story was removed: readers see it at its address."),
            Length(max=1000),
        ],
        description="Shown at the story's address instead of the story, for example "
        "“This story was removed following a court order.”",
    )


class TickerItemForm(NewsroomForm):
    text = StringField("Text", validators=[InputRequired(), Length(max=280)])
    link = StringField(
        "Link",
        validators=[Optional(), Length(max=500)],
        description="Type words from a story's headline and pick it, or give a full address, "
        "or a path on this site such as /n/42.",
    )
    # The story picked from those found by the link's words (admin/_ticker_link.html).
    link_story = IntegerField(validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    minutes = IntegerField(
        "Minutes in the ticker",
        default=360,
        validators=[InputRequired(), NumberRange(min=1, max=7 * 24 * 60)],
    )

    def validate_link(self, field):
        if self.link_story.data:
            return  # the story picked is the link
        if field.data and not services.is_address(field.data):
            raise ValidationError(
                "Pick one of the stories found below, or give an address such as /n/42."
            )
        if not services.ticker_link_ok(field.data or ""):
            raise ValidationError("Give an http(s) address or a path on this site, like /n/42.")

    def validate_link_story(self, field):
        if field.data and db.session.get(Story, field.data) is None:
            raise ValidationError("That story is gone; pick another.")

    def chosen_link(self) -> str:
        """The link to save: the picked story's short address, else what was typed."""
        if self.link_story.data:
            return services.story_link(db.session.get(Story, self.link_story.data))
        return self.link.data or ""


class UserForm(NewsroomForm):
    email = EmailField("Email", validators=[InputRequired(), Length(max=254), Email()])
    name = StringField("Name", validators=[Optional(), Length(max=120)])
    role = SelectField("Role", choices=ROLES)
    password = PasswordField("Password", validators=[InputRequired(), Length(max=256)])


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLES)


class TaxonomyForm(NewsroomForm):
    """Sections, regions, countries, tags and authors share one simple form."""

    name = StringField("Name", validators=[InputRequired(), Length(max=120)])
    slug = StringField(
        "Web address (slug)", validators=[InputRequired(), Length(max=80), SLUG_RULE]
    )
    description = TextAreaField(
        "Description or biography", validators=[Optional(), Length(max=2000)]
    )
    title = StringField("Job title (authors)", validators=[Optional(), Length(max=120)])


class TimeZoneForm(NewsroomForm):
    """A person's time zone; empty means the site's (SITE_TIMEZONE)."""

    timezone = StringField(
        "Time zone",
        filters=[lambda text: text.strip() if text else text],
        validators=[Optional(), Length(max=64)],
        render_kw={"list": "zone-names", "spellcheck": "false"},
    )

    def validate_timezone(self, field):
        if field.data and not zones.is_zone(field.data):
            raise ValidationError(
                f"“{field.data[:64]}” is not a time zone; choose one from the list, "
                "like Asia/Bangkok."
            )
