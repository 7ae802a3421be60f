"""Stored pages: what the page cache keeps of a response (the body, and each compressed copy
made once, when it is stored), how a stored page is answered in the encoding a client takes best,
and the caching headers of an anonymous page. Flask's path (web/caching.py) and the fast path
(web/fast_path.py) both answer with these."""

from __future__ import annotations

import gzip
import hashlib
from functools import lru_cache

import brotli
from flask import Response
from werkzeug.http import parse_accept_header

# HX-Replace-Url: how far down a list a page of infinite scroll reaches.
KEPT_HEADERS = ("Content-Type", "Vary", "ETag", "HX-Replace-Url")
# What browsers accept, best first; each is made once, when the page is stored (with every cache
# off, CACHE_TYPE=NullCache, only the one the reader takes).
ENCODINGS = ("br", "gzip")
COMPRESS_AT_LEAST = 512
COMPRESSIBLE = ("text/", "application/xml", "application/rss+xml", "application/atom+xml")
COMPRESSIBLE += ("application/json", "application/ld+json", "image/svg+xml")


def stored_page(response: Response, encodings: tuple[str, ...] = ENCODINGS) -> dict:
    """What the page cache keeps of a response: body, status, the headers that describe it,
    and the body compressed with each of `encodings` (for text worth compressing)."""
    body = response.get_data()
    encoded = {}
    if len(body) >= COMPRESS_AT_LEAST and response.mimetype.startswith(COMPRESSIBLE):
        encoded = {name: _COMPRESS[name](body) for name in encodings}
        # Compressed or not, the answer depends on what the client accepts.
        response.vary.add("Accept-Encoding")
    headers = [(k, v) for k, v in response.headers.items() if k in KEPT_HEADERS]
    return {"body": body, "status": response.status_code, "headers": headers, "encoded": encoded}


_COMPRESS = {
    "br": lambda body: brotli.compress(body, quality=5, mode=brotli.MODE_TEXT),
    # mtime=0: the same page compresses to the same bytes on every worker.
    "gzip": lambda body: gzip.compress(body, compresslevel=6, mtime=0),
}


def accepted_encodings(accept_encoding: str | None) -> tuple[str, ...]:
    """The ENCODINGS an Accept-Encoding header takes, best first."""
    return _accepted(accept_encoding) if accept_encoding else ()


def chosen_encoding(accept_encoding: str | None, encoded: dict) -> str | None:
    """The best encoding of a stored page that the client accepts, or None for the plain body."""
    if not encoded or not accept_encoding:
        return None
    return next((name for name in _accepted(accept_encoding) if name in encoded), None)


@lru_cache(maxsize=256)
def _accepted(accept_encoding: str) -> tuple[str, ...]:
    """The ENCODINGS an Accept-Encoding value takes, best first (browsers send a few values)."""
    accepted = parse_accept_header(accept_encoding)
    return tuple(name for name in ENCODINGS if accepted[name] > 0)


def stored_body(entry: dict, accept_encoding: str | None) -> tuple[bytes, str | None]:
    """A stored page's body in the encoding the client takes best, and that encoding (None for
    the page as it is). Flask's path and the fast path both answer with it."""
    encoded = entry["encoded"]
    encoding = chosen_encoding(accept_encoding, encoded)
    return (encoded[encoding] if encoding else entry["body"]), encoding


def stored_response(entry: dict, accept_encoding: str | None) -> Response:
    """A stored page as a response, in the encoding the client takes best."""
    body, encoding = stored_body(entry, accept_encoding)
    response = Response(body, status=entry["status"], headers=entry["headers"])
    if entry["encoded"]:
        response.vary.add("Accept-Encoding")
    if encoding:
        response.headers["Content-Encoding"] = encoding
    return response


def finish_public(response: Response, shared: bool, fragment: bool, max_age: int) -> None:
    """The caching headers of an anonymous page (the fast path sets the same ones)."""
    if not shared:
        response.headers["X-Accel-Expires"] = "0"
    response.headers["Cache-Control"] = (
        f"public, max-age={max_age}, stale-while-revalidate={max_age * 2}"
    )
    if response.status_code == 200 and not fragment and "ETag" not in response.headers:
        # Full pages only: htmx swaps whatever fetch() hands it, so fragments get no validators.
        set_etag(response)


def set_etag(response: Response) -> None:
    """A weak ETag from the body: the same page has the same one on every worker."""
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32], weak=True)
