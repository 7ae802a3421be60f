"""Search: as-you-type with htmx, a plain form without JavaScript, in every Asian script."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, request

from newsroom.models import BadCursor
from newsroom.readership import is_robot, record_search_miss
from newsroom.search import Filters, SearchCursor, normalise_query, search, snippet
from web.caching import cached_page
from web.pages import render_page_or_fragment
from web.params import int_arg
from web.templating import navigation

bp = Blueprint("search", __name__)

PER_PAGE = 12


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
    raw_before = request.args.get("before")
    try:
        before = SearchCursor.decode(raw_before) if raw_before is not None else None
        page = search(terms, filters, before=before, limit=PER_PAGE)
    except BadCursor:
        abort(400, description="This list link is not valid. Start again from the first page.")
    stories = page.rows
    if before is None and not stories and terms and not is_robot(request.user_agent.string):
        # A search that found nothing, for the newsroom; counted when this page is rendered,
        # so once per page-cache period for the same words (the page stays cacheable); a robot
        # probing the search is not a reader looking for a story.
        record_search_miss(" ".join(terms))
    args = {k: v for k, v in request.args.items() if k != "before" and v}
    fragment = "search/_results.html" if before is None else "search/_result_items.html"
    # The filters' sections and countries, from the navigation every page reads (kept in this
    # worker's memory for the content version), not two more queries.
    nav = navigation()
    response = render_page_or_fragment(
        "search/search.html",
        fragment,
        query=raw[:200],
        terms=terms,
        stories=stories,
        snippets={s.id: snippet(s, terms) for s in stories},
        next_cursor=page.next_cursor,
        capped=page.capped,
        ranked=page.ranked,
        args=args,
        is_first_page=before is None,
        sections=nav["sections"],
        countries=sorted((c for r in nav["regions"] for c in r.countries), key=lambda c: c.name),
        filters=filters,
        chosen={k: request.args.get(k, "") for k in ("section", "country", "from", "to")},
    )
    return response
