"""Operations: the health check that load balancers and monitors poll."""

from __future__ import annotations

import hmac
import ipaddress
import shutil
import time

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, request

from extensions import cache, db

bp = Blueprint("ops", __name__)

MIN_FREE_BYTES = 200 * 1024 * 1024


def _from_loopback() -> bool:
    """True for a client on this machine: request.remote_addr is the real client once ProxyFix
    has read nginx's X-Forwarded-For (PROXY_FIX); without it, a forwarded request came through a
    proxy we do not trust to name the client, so it is not taken as local."""
    if not current_app.config["PROXY_FIX"] and (
        "X-Forwarded-For" in request.headers or "Forwarded" in request.headers
    ):
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback


def _has_token() -> bool:
    """True if the request carries HEALTHZ_TOKEN as `Authorization: Bearer <token>`."""
    token = current_app.config.get("HEALTHZ_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    if not token or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given.removeprefix("Bearer ").encode(), token.encode())


@bp.get("/healthz")
def healthz():
    """Database, cache and disk: 200 when the site can serve (ok or degraded), 503 when not.

    The checks, which name internal addresses in their errors, are shown only to this machine
    and to monitors with the token; anyone else gets "ok" or "fail" and the same status code.
    """
    checks = {}
    started = time.monotonic()
    try:
        db.session.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # the database is the one thing we cannot serve without
        db.session.rollback()
        checks["database"] = f"down: {type(exc).__name__}"
    probe = f"healthz:{time.time_ns()}"
    if cache.set(probe, "1", timeout=10) and cache.get(probe) == "1":
        checks["cache"] = "ok"
        cache.delete(probe)
    else:
        checks["cache"] = "degraded: " + (cache.last_error or "not answering")
    free = shutil.disk_usage(current_app.config["MEDIA_ROOT"]).free
    checks["disk"] = (
        "ok" if free >= MIN_FREE_BYTES else f"degraded: {free // (1024 * 1024)} MB free"
    )
    if checks["database"] != "ok":
        status, code = "down", 503
    elif all(v == "ok" for v in checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    if _from_loopback() or _has_token():
        body = {"status": status, "checks": checks, "seconds": round(time.monotonic() - started, 4)}
    else:
        body = {"status": "fail" if code == 503 else "ok"}
    response = jsonify(body)
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response
