"""The newsroom's content model, one module per area; every name is importable from here.

base (clock, timestamp type, enums, link tables, the slug and name lookups) and cursors sit at
the bottom; taxonomy, photo, partner, inbox, people and ticker know nothing of stories;
story_mixin (with live_at_for, the rule for what readers may see) and story build on them;
revision (a story's kept versions and autosaves), update_log (its updates and corrections),
related (a story's related stories), cards (the reader lists' pages as plain rows) and live (a
live page's posts) build on story; front (the home page as editors arrange it) names the
stories it holds by string.
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
from newsroom.models.briefing import Briefing, Subscriber, subscriber_regions
from newsroom.models.cards import StoryCard, card_page, card_statement, cards_by_ids
from newsroom.models.cursors import (
    CURSOR_MAX_ID,
    CURSOR_MAX_MICROS,
    CURSOR_MIN_MICROS,
    EPOCH,
    BadCursor,
    Cursor,
    Page,
)
from newsroom.models.front import Front, FrontSlot
from newsroom.models.inbox import ContactMessage
from newsroom.models.live import LivePost, live_contributors
from newsroom.models.outbox import OutboxMessage
from newsroom.models.partner import Source
from newsroom.models.people import AuditEntry, LoginSession, User
from newsroom.models.photo import PHOTO_ID_MAX, Photo
from newsroom.models.readership import ReferrerDay, SearchMissDay, StoryViewHour, ViewBuffer
from newsroom.models.related import related_query, related_stories
from newsroom.models.revision import Autosave, Revision
from newsroom.models.story import SlugRedirect, Story, Tag, next_scheduled_time
from newsroom.models.story_mixin import live_at_for
from newsroom.models.taxonomy import Author, Country, Region, Section
from newsroom.models.ticker import BREAKING_ORDER_LOCK, TickerItem
from newsroom.models.update_log import StoryUpdate, UpdateKind

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
    StoryUpdate,
    LivePost,
    Front,
    FrontSlot,
)

__all__ = [
    "BREAKING_ORDER_LOCK",
    "CONTENT_MODELS",
    "CURSOR_MAX_ID",
    "CURSOR_MAX_MICROS",
    "CURSOR_MIN_MICROS",
    "EPOCH",
    "Briefing",
    "Front",
    "FrontSlot",
    "PHOTO_ID_MAX",
    "Story",
    "StoryCard",
    "Subscriber",
    "StoryUpdate",
    "UpdateKind",
    "AuditEntry",
    "Autosave",
    "Author",
    "BadCursor",
    "TickerItem",
    "ContactMessage",
    "OutboxMessage",
    "ReferrerDay",
    "SearchMissDay",
    "StoryViewHour",
    "ViewBuffer",
    "Country",
    "Cursor",
    "Photo",
    "Kind",
    "LivePost",
    "LoginSession",
    "Page",
    "Region",
    "Revision",
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
    "subscriber_regions",
    "card_page",
    "cards_by_ids",
    "card_statement",
    "live_at_for",
    "live_contributors",
    "next_scheduled_time",
    "related_query",
    "related_stories",
    "utcnow",
]
