"""Partner outlets whose stories the site carries."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class Source(db.Model):
    """A partner outlet whose stories we carry, and what the agreement lets us do with them."""

    __tablename__ = "sources"

    POLICIES = {
        "excerpt": "Excerpt with a link to the original (indexable)",
        "full-noindex": "Full text, kept out of search engines",
        "full-canonical": "Full text, canonical link to the original",
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    site_url: Mapped[str] = mapped_column(sa.String(500), default="")
    policy: Mapped[str] = mapped_column(sa.String(20), default="excerpt")
    section_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sections.id"))
