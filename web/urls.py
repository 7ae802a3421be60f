"""Absolute URLs from configuration (never from the request's Host), and photo URLs."""

from __future__ import annotations

from urllib.parse import urljoin

from flask import current_app, url_for


def absolute_url(endpoint: str, **values) -> str:
    return urljoin(current_app.config["SITE_URL"], url_for(endpoint, **values))


def media_url(photo, width: int, fmt: str = "jpg") -> str:
    return url_for("pages.media", filename=photo.variant_name(width, fmt))
