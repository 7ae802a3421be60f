"""Operations: the health check that load balancers and monitors poll."""

from __future__ import annotations

import shutil
import time

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from extensions import cache, db

bp = Blueprint("ops", __name__)

MIN_FREE_BYTES = 200 * 1024 * 1024


@bp.get("/healthz")
def healthz():
    """Database, cache and disk: 200 when the site can serve (ok or degraded), 503 when not."""
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
    response = jsonify(status=status, checks=checks, seconds=round(time.monotonic() - started, 4))
    response.status_code = code
    response.headers["Cache-Control"] = "no-store"
    return response
