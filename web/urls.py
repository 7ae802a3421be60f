"""Absolute URLs from configuration (never from the request's Host), and photo URLs."""

from __future__ import annotations

from urllib.parse import urljoin

from flask import current_app, url_for


def absolute_url(endpoint: str, **values) -> str:
    return urljoin(current_app.config["SITE_URL"], url_for(endpoint, **values))


def media_url(photo, width: int, fmt: str = "jpg", shape: str | None = None) -> str:
    """A stored variant: the uncropped one, or with `shape` ("16x9") the crop around the focal
    point (callers check `photo.has_crop(shape)` first: older photos have none)."""
    name = photo.crop_name(shape, width, fmt) if shape else photo.variant_name(width, fmt)
    return url_for("pages.media", filename=name)
