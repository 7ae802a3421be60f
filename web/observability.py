"""Structured logs with a request id (also sent back as X-Request-ID) on every line."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, g, request

log = logging.getLogger("request")
_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


_default_factory = logging.getLogRecordFactory()


def _record_with_request_id(*args, **kwargs) -> logging.LogRecord:
    """Every log record made while serving a request carries that request's id."""
    record = _default_factory(*args, **kwargs)
    try:
        record.request_id = g.get("request_id", "-")
    except RuntimeError:  # outside a request
        record.request_id = "-"
    return record


def configure_logging() -> None:
    """One line format for the whole process, with the request id; create_app() calls it."""
    if logging.getLogRecordFactory() is _record_with_request_id:
        return
    logging.setLogRecordFactory(_record_with_request_id)
    root = logging.getLogger()
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter(
            "%(asctime)s level=%(levelname)s logger=%(name)s request_id=%(request_id)s %(message)s"
        )
    )
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def request_id(incoming: str) -> str:
    """The id nginx gave the request (X-Request-ID), if it is a sane one; a new one otherwise."""
    return incoming if _GOOD_ID.match(incoming) else uuid.uuid4().hex


def register_request_logging(app: Flask) -> None:
    """A request id on every request and response, and a log line for each notable one."""

    @app.before_request
    def start_request():
        g.request_id = request_id(request.headers.get("X-Request-ID", ""))
        g.started = time.perf_counter()

    @app.after_request
    def finish_request(response):
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        # Fast successful reads are in gunicorn's access log (with the same request id); the
        # app logs what an operator needs to look at: writes, errors and slow requests.
        # A counting beacon (POST /count, thousands a second at peak) is no write to look at.
        write = request.method not in ("GET", "HEAD") and request.endpoint != "readership.count"
        notable = write or response.status_code >= 400
        if notable or elapsed > 500:
            log.info(
                'method=%s path="%s" status=%d ms=%.1f',
                request.method,
                request.path.encode("unicode_escape").decode("ascii")[:300],
                response.status_code,
                elapsed,
            )
        return response
