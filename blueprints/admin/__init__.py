"""The newsroom admin, one module per area; importing the package registers every view on `bp`."""

from blueprints.admin import (  # noqa: F401  (each module adds its views to bp)
    account,
    analytics,
    autosave,
    briefings,
    dashboard,
    front,
    inbox,
    live,
    live_page,
    people,
    photo_edit,
    photos,
    pickers,
    publishing,
    revisions,
    signin,
    stories,
    story_preview,
    taxonomy,
    ticker,
    updates,
)
from blueprints.admin.common import bp

__all__ = ["bp"]
