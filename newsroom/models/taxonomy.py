"""Where stories are filed and who writes them: regions, countries, sections, authors."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from extensions import cache, db
from newsroom.models.base import Named
from newsroom.zones import zone_named

if TYPE_CHECKING:
    from newsroom.models.photo import Photo


class Region(Named, db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    # The region's main time zone (an IANA name): its morning briefing goes out at 07:00 on it.
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC", server_default="UTC")

    countries: Mapped[list[Country]] = relationship(
        back_populates="region", order_by="Country.name"
    )

    @property
    def zone(self) -> ZoneInfo:
        return zone_named(self.timezone)

    @classmethod
    def ordered(cls) -> list[Region]:
        return db.session.scalars(
            sa.select(cls).options(selectinload(cls.countries)).order_by(cls.position)
        ).all()


class Country(Named, db.Model):
    __tablename__ = "countries"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    iso2: Mapped[str] = mapped_column(sa.String(2), unique=True)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    # The capital, for the country front's fact line ("Capital Manila").
    capital: Mapped[str] = mapped_column(sa.String(80), default="")
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("regions.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="countries")

    @property
    def zone(self) -> ZoneInfo:
        return zone_named(self.timezone)

    @classmethod
    def with_ids(cls, ids) -> list[Country]:
        return list(db.session.scalars(sa.select(cls).where(cls.id.in_(list(ids or [])))))


class Section(Named, db.Model):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    @classmethod
    def ordered(cls) -> list[Section]:
        return db.session.scalars(sa.select(cls).order_by(cls.position)).all()


class Author(Named, db.Model):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    title: Mapped[str] = mapped_column(sa.String(120), default="")
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    # A portrait from the photo desk, shown on the author's page, bylines of opinion and analysis.
    photo_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("images.id", ondelete="SET NULL"), index=True
    )
    # The author's profiles elsewhere (one https address per line): links on the author page
    # and `sameAs` in its JSON-LD.
    profiles: Mapped[str] = mapped_column(sa.Text, default="")

    photo: Mapped[Photo | None] = relationship()

    @property
    def profile_urls(self) -> list[str]:
        return [line.strip() for line in (self.profiles or "").splitlines() if line.strip()]

    @classmethod
    def with_ids(cls, ids) -> list[Author]:
        return list(db.session.scalars(sa.select(cls).where(cls.id.in_(list(ids or [])))))


def navigation(version: str) -> dict:
    """Sections, and regions with their countries, as plain data: what every page's menu and
    footer and the home page's region and section blocks read. Kept in this worker's memory and
    in the shared cache for the content version, so a page reads it once, and a worker once per
    version; read in three plain queries when neither has it."""
    # In this worker's memory too: every page shows it, so a trip to the shared cache (and
    # unpickling) per page is worth saving.
    memo = cache.worker_memo("navigation", version)
    if "nav" in memo:
        return memo["nav"]
    # NavPlace and NavRegion are pickled by position: a change to their fields needs a new key.
    key = f"taxonomy:{version}"
    nav = cache.get(key)
    if nav is None:
        nav = _read_navigation()
        cache.set(key, nav, timeout=600)
    # This worker's rendered menu and footer, made of this navigation (web/templating.py's
    # site_chrome).
    memo["nav"] = nav = {**nav, "rendered": {}}
    return nav


class NavPlace(NamedTuple):
    """A section or a country as the navigation has it."""

    id: int
    slug: str
    name: str


class NavRegion(NamedTuple):
    """A region as the navigation has it, with its countries by name."""

    id: int
    slug: str
    name: str
    countries: tuple[NavPlace, ...]


def _read_navigation() -> dict:
    sections = db.session.execute(
        sa.select(Section.id, Section.slug, Section.name).order_by(Section.position)
    ).all()
    countries: dict[int, list[NavPlace]] = {}
    for row in db.session.execute(
        sa.select(Country.id, Country.slug, Country.name, Country.region_id).order_by(Country.name)
    ):
        countries.setdefault(row.region_id, []).append(NavPlace(row.id, row.slug, row.name))
    regions = db.session.execute(
        sa.select(Region.id, Region.slug, Region.name).order_by(Region.position)
    )
    return {
        "sections": [NavPlace(*row) for row in sections],
        "regions": [NavRegion(*row, tuple(countries.get(row.id, ()))) for row in regions],
    }
