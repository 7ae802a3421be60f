"""Jinja filters and the context every page shares (navigation, publisher, ticker)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, current_app, url_for
from sqlalchemy.exc import SQLAlchemyError

from extensions import cache, db
from newsroom.models import Region, Role, Section
from newsroom.zones import UTC_ZONE, abbreviation
from web import seo
from web.caching import content_version
from web.ticker import ticker_state
from web.urls import absolute_url, media_url


def local(dt: datetime, zone: ZoneInfo | None = None) -> datetime:
    return dt.astimezone(zone or UTC_ZONE)


def format_time(dt: datetime | None, zone: ZoneInfo | None = None, with_date: bool = True) -> str:
    """'27 Nov 2026, 14:05 KST' in the given zone."""
    if dt is None:
        return ""
    there = local(dt, zone)
    clock = f"{there:%H:%M} {abbreviation(there)}"
    return f"{there.day} {there:%b %Y}, {clock}" if with_date else clock


def iso_time(dt: datetime | None, zone: ZoneInfo | None = None) -> str:
    return local(dt, zone).isoformat(timespec="seconds") if dt else ""


def short_date(dt: datetime | None, zone: ZoneInfo | None = None) -> str:
    if dt is None:
        return ""
    there = local(dt, zone)
    return f"{there.day} {there:%b %Y}"


def srcset(photo, fmt: str = "jpg", shape: str | None = None) -> str:
    widths = photo.crop_widths[shape] if shape else photo.variant_widths
    return ", ".join(f"{media_url(photo, w, fmt, shape)} {w}w" for w in widths)


@lru_cache(maxsize=256)
def _static_digest(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    """A static file's URL stamped with its content hash, so it can be cached for a year."""
    path = Path(current_app.static_folder) / filename
    try:
        digest = _static_digest(str(path), path.stat().st_mtime)
    except OSError:
        return url_for("static", filename=filename)
    return url_for("static", filename=filename, v=digest)


def navigation() -> dict:
    """Sections and regions with their countries, as plain data cached per content version."""
    key = f"nav:{content_version()}"
    nav = cache.get(key)
    if nav is None:
        nav = {
            "sections": [{"slug": s.slug, "name": s.name} for s in Section.ordered()],
            "regions": [
                {
                    "slug": r.slug,
                    "name": r.name,
                    "countries": [{"slug": c.slug, "name": c.name} for c in r.countries],
                }
                for r in Region.ordered()
            ],
        }
        cache.set(key, nav, timeout=600)
    return nav


def register_template_helpers(app: Flask) -> None:
    """Filters, globals and the context every template shares (navigation, ticker, publisher)."""
    app.jinja_env.filters.update(
        datetime=format_time, isotime=iso_time, shortdate=short_date, srcset=srcset
    )
    app.jinja_env.globals.update(
        media_url=media_url, static_url=static_url, absolute_url=absolute_url, Role=Role, seo=seo
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def shared_context():
        try:
            nav, ticker = navigation(), ticker_state()
        except SQLAlchemyError:
            # The database is busy or down: error pages still render in the site's chrome.
            db.session.rollback()
            nav = {"sections": [], "regions": []}
            ticker = {"version": "", "items": []}
        return {
            "nav": nav,
            "publisher": app.config["PUBLISHER"],
            "site_name": app.config["SITE_NAME"],
            "ticker": ticker,
            "ticker_poll_seconds": app.config["TICKER_POLL_SECONDS"],
            "latest_poll_seconds": app.config["LATEST_POLL_SECONDS"],
        }
