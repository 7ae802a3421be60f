"""The newsroom's content model, one module per area; every name is importable from here.

base (clock, timestamp type, enums, link tables, the slug and name lookups) and cursors sit at
the bottom; taxonomy, photo, partner, inbox, people and ticker know nothing of stories;
story_mixin (with live_at_for, the rule for what readers may see) and story build on them.
Models that point at a model in a module above name it by string (relationship("Article")).
"""

from newsroom.models.base import (
    Kind,
    Role,
    Status,
    UTCDateTime,
    article_authors,
    article_countries,
    article_tags,
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
from newsroom.models.photo import PHOTO_ID_MAX, Image
from newsroom.models.story import Article, SlugRedirect, Tag, next_scheduled_time
from newsroom.models.story_mixin import live_at_for
from newsroom.models.taxonomy import Author, Country, Region, Section
from newsroom.models.ticker import BREAKING_ORDER_LOCK, BreakingItem

# Saving any of these changes what readers see; saving a contact message does not.
CONTENT_MODELS = (
    Article, Author, BreakingItem, Country, Image, Region, Section, SlugRedirect, Source, Tag,
)  # fmt: skip

__all__ = [
    "BREAKING_ORDER_LOCK",
    "CONTENT_MODELS",
    "CURSOR_MAX_ID",
    "CURSOR_MAX_MICROS",
    "CURSOR_MIN_MICROS",
    "EPOCH",
    "PHOTO_ID_MAX",
    "Article",
    "AuditEntry",
    "Author",
    "BadCursor",
    "BreakingItem",
    "ContactMessage",
    "Country",
    "Image",
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
    "article_authors",
    "article_countries",
    "article_tags",
    "decode_cursor",
    "encode_cursor",
    "live_at_for",
    "next_scheduled_time",
    "utcnow",
]
