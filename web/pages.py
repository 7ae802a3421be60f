"""Fragment or page, decided in one place; and the request body limit a view may raise."""

from __future__ import annotations

from flask import (
    Request,
    Response,
    after_this_request,
    current_app,
    g,
    make_response,
    render_template,
    request,
)

# --- request bodies: small everywhere but where a view says otherwise ------------------------


def accepts_body(max_bytes: int):
    """Let this view receive a request body up to max_bytes (MAX_CONTENT_LENGTH elsewhere)."""

    def mark(view):
        view.max_body_bytes = max_bytes
        return view

    return mark


class BodyLimitedRequest(Request):
    """A request whose body limit is its view's own (see accepts_body), known before anything
    reads the form: the CSRF check and the NUL-byte check read it before the view runs."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and self.url_rule is not None:
            view = current_app.view_functions.get(self.endpoint)
            limit = getattr(view, "max_body_bytes", None)
            if limit is not None:
                return limit
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


# --- fragment or page ------------------------------------------------------------------------


# Every request header that wants_fragment() reads. A response chosen by it varies on all of
# them, and every cache in front of the app keys on its outcome (deploy/nginx/asian-news.conf).
FRAGMENT_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request", "HX-Request-Type")


def wants_fragment() -> bool:
    """True when htmx asked for a part of the page (not a boosted navigation or history restore).

    The response to a request that asked this names every header consulted in its Vary.
    """
    if not g.get("varies_on_fragment_headers"):
        g.varies_on_fragment_headers = True
        after_this_request(_vary_on_fragment_headers)
    return fragment_requested(request.headers)


def fragment_requested(headers) -> bool:
    """The rule of wants_fragment() on a set of request headers alone (the fast path reads it
    before Flask builds a request)."""
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
        and headers.get("HX-Request-Type", "partial") == "partial"
    )


def _vary_on_fragment_headers(response: Response) -> Response:
    response.vary.update(FRAGMENT_HEADERS)
    return response


def render_page_or_fragment(page: str, fragment: str, status: int = 200, **context) -> Response:
    """Render the fragment for htmx, the whole page otherwise; both vary on FRAGMENT_HEADERS."""
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
