"""Forms of the photo desk: the upload, and a stored photo's words and focal point."""

from __future__ import annotations

import logging

from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from blueprints.admin.forms import NewsroomForm
from newsroom.photos import ACCEPT as PHOTO_ACCEPT
from newsroom.photos import LIMITS as PHOTO_LIMITS
from newsroom.photos import PhotoRejected, StorageFull

log = logging.getLogger(__name__)


def photo_work(work, field, doing: str):
    """Run a photo desk call that writes files; a refused photo or a full media disk becomes
    `field`'s error. Returns (what `work` returned, None), or (None, 422 or 507)."""
    try:
        return work(), None
    except PhotoRejected as exc:
        field.errors = [str(exc)]
        return None, 422
    except StorageFull as exc:
        log.error("photo not %s: %s", doing, exc)
        field.errors = [f"The photo could not be {doing}: the media disk is full."]
        return None, 507


class PhotoWordsForm(NewsroomForm):
    """What readers and the library read about a photo."""

    alt = StringField(
        "Alt text",
        validators=[
            InputRequired(message="Describe the photo for readers who cannot see it."),
            Length(max=300),
        ],
    )
    caption = StringField("Caption", validators=[Optional(), Length(max=500)])
    credit = StringField(
        "Credit",
        validators=[Optional(), Length(max=200)],
        description="Shown with the photo wherever it appears, e.g. “Anupam Nath/Reuters”.",
    )
    copyright = StringField("Copyright", validators=[Optional(), Length(max=200)])
    keywords = StringField(
        "Keywords",
        validators=[Optional(), Length(max=500)],
        description="Separated by commas; the library’s search finds them.",
    )


class PhotoForm(PhotoWordsForm):
    photo = FileField(
        "Photo",
        validators=[FileRequired(message="Choose a photo to upload.")],
        description=PHOTO_LIMITS
        + ". A caption, credit, copyright and keywords in the file fill the empty fields.",
        render_kw={"accept": PHOTO_ACCEPT},
    )


def percent(label: str) -> IntegerField:
    return IntegerField(
        label,
        default=50,
        validators=[
            InputRequired(message="Give a number from 0 to 100."),
            NumberRange(min=0, max=100, message="Give a number from 0 to 100."),
        ],
        render_kw={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"},
    )


class PhotoEditForm(PhotoWordsForm):
    focal_x = percent("Focal point: % from the left")
    focal_y = percent("Focal point: % from the top")
