"""The newsroom's content model, one module per area; every name is importable from here.

base (clock, timestamp type, enums, link tables) and cursors sit at the bottom; taxonomy, photo,
partner, inbox, people and ticker know nothing of stories; story_mixin and story build on them.
Models that point at a model in a module above name it by string (relationship("Story")).
"""

from newsroom.models.base import (
    Kind,
    Role,
    Status,
    UTCDateTime,
    story_authors,
    story_countries,
    story_tags,
    utcnow,
)
from newsroom.models.cursors import (
    CURSOR_MAX_ID,
    CURSOR_MAX_MICROS,
    CURSOR_MIN_MICROS,
    EPOCH,
    BadCursor,
    decode_cursor,
    encode_cursor,
)
from newsroom.models.inbox import ContactMessage
from newsroom.models.partner import Source
from newsroom.models.people import AuditEntry, LoginSession, User
from newsroom.models.photo import PHOTO_ID_MAX, Photo
from newsroom.models.story import SlugRedirect, Story, Tag, next_scheduled_time
from newsroom.models.story_mixin import CannotKill
from newsroom.models.taxonomy import Author, Country, Region, Section
from newsroom.models.ticker import BREAKING_ORDER_LOCK, TickerItem

# Saving any of these changes what readers see; saving a contact message does not.
CONTENT_MODELS = (
    Story,
    Author,
    TickerItem,
    Country,
    Photo,
    Region,
    Section,
    SlugRedirect,
    Source,
    Tag,
)

__all__ = [
    "BREAKING_ORDER_LOCK",
    "CONTENT_MODELS",
    "CURSOR_MAX_ID",
    "CURSOR_MAX_MICROS",
    "CURSOR_MIN_MICROS",
    "EPOCH",
    "PHOTO_ID_MAX",
    "Story",
    "AuditEntry",
    "Author",
    "BadCursor",
    "TickerItem",
    "CannotKill",
    "ContactMessage",
    "Country",
    "Photo",
    "Kind",
    "LoginSession",
    "Region",
    "Role",
    "Section",
    "SlugRedirect",
    "Source",
    "Status",
    "Tag",
    "UTCDateTime",
    "User",
    "story_authors",
    "story_countries",
    "story_tags",
    "decode_cursor",
    "encode_cursor",
    "next_scheduled_time",
    "utcnow",
]
