"""Search: as-you-type with htmx, a plain form without JavaScript, in every Asian script."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, request

from newsroom.models import Country, Section
from newsroom.search import Filters, normalise_query, search, snippet
from web.caching import cached_page
from web.pages import render_page_or_fragment
from web.params import int_arg

bp = Blueprint("search", __name__)

PER_PAGE = 12
MAX_START = 480


def _date_arg(name: str) -> datetime | None:
    value = request.args.get(name, "")
    if not value:
        return None
    try:
        return datetime.strptime(value[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        abort(400, description="Dates look like 2026-11-27.")


@bp.get("/search")
@cached_page
def results():
    """Stories that match the reader's words, best first, with the words marked in a snippet."""
    raw = request.args.get("q", "")
    terms = normalise_query(raw)
    until = _date_arg("to")
    filters = Filters(
        section_id=int_arg("section"),
        country_id=int_arg("country"),
        since=_date_arg("from"),
        until=until + timedelta(days=1) if until else None,
    )
    start = int_arg("start") or 0
    if start > MAX_START:
        abort(400, description="Refine your search to see more results.")
    stories, has_more = search(terms, filters, offset_rank=start, limit=PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "start" and v}
    fragment = "search/_results.html" if not start else "search/_result_items.html"
    response = render_page_or_fragment(
        "search/search.html",
        fragment,
        query=raw[:200],
        terms=terms,
        stories=stories,
        snippets={s.id: snippet(s, terms) for s in stories},
        next_start=start + PER_PAGE if has_more else None,
        args=args,
        start=start,
        sections=Section.ordered(),
        countries=Country.all_by_name(),
        filters=filters,
        chosen={k: request.args.get(k, "") for k in ("section", "country", "from", "to")},
    )
    return response
