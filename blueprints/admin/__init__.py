"""The newsroom admin, one module per area; importing the package registers every view on `bp`."""

from blueprints.admin import (  # noqa: F401  (each module adds its views to bp)
    account,
    dashboard,
    inbox,
    people,
    photos,
    pickers,
    signin,
    stories,
    story_preview,
    taxonomy,
    ticker,
)
from blueprints.admin.common import bp

__all__ = ["bp"]
