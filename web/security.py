"""Security headers on every response, a refusal of NUL bytes, and trust in the proxies only."""

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    # Video players load only after the reader presses play (see video.py).
    "frame-src": "https://www.youtube-nocookie.com https://player.vimeo.com",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def content_security_policy(**changes: str) -> str:
    """The site's policy, with some directives changed (frame_ancestors="'self'" for a page
    the newsroom's preview shows in a frame of its own)."""
    directives = {**CSP_DIRECTIVES, **{k.replace("_", "-"): v for k, v in changes.items()}}
    return "; ".join(f"{name} {value}" for name, value in directives.items())


CONTENT_SECURITY_POLICY = content_security_policy()


def refuse_nul_bytes():
    """No submitted form field may carry a NUL byte: no text here needs one, and PostgreSQL
    cannot store it. Refuse it up front with a 400 instead of failing later. (Query arguments
    are validated or normalised where they are read.)"""
    values: list[str] = []
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        values += list(request.form.values())
    if any("\x00" in value for value in values):
        abort(400, description="The request contained a character that cannot be accepted.")


def register_security(app: Flask) -> None:
    """Trust X-Forwarded-For/-Proto from PROXY_FIX proxies only; refuse NUL bytes; add headers."""
    if app.config["PROXY_FIX"]:
        hops = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.before_request(refuse_nul_bytes)

    @app.after_request
    def security_headers(response):
        add_security_headers(response.headers, secure=request.is_secure)
        if request.endpoint == "static" and request.args.get("v"):
            # The URL names the file's content hash, so it can be cached for a year.
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def add_security_headers(headers, secure: bool) -> None:
    """The headers every response carries (a view may have set its own policy before)."""
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
