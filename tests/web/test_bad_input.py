"""Bad input gets a clear 400 or 404 with a readable page, never a 500."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.factories import PhotoFactory, make_story

BAD_CURSORS = [
    "bad",
    "1-",
    "-1",
    "12-abc",
    "1" * 60,
    "99999999999999999999-1",
    "0-1",
    "1700000000000000-0",
    "1700000000000000-99999999999999",
    "１２-３",
    "1e5-2",
    "1700000000000000-1-2",
    "%00",
    "1700000000000000--1",
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
@pytest.mark.parametrize("url", ["/latest", "/country/japan", "/section/culture"])
def test_malformed_or_forged_cursors_get_400_with_a_message(client, htmx, url, cursor):
    page = client.get(url, query_string={"before": cursor})
    assert page.status_code == 400
    assert "This list link is not valid" in page.text and "<html" in page.text
    fragment = client.get(url, query_string={"before": cursor}, headers=htmx)
    assert fragment.status_code == 400
    assert "<html" not in fragment.text and "This list link is not valid" in fragment.text


@pytest.mark.parametrize(
    "url",
    [
        "/article/" + "a" * 500,
        "/article/%E2%80%AE%F0%9F%98%80",
        "/article/%00",
        "/article/..%2F..%2Fetc%2Fpasswd",
        "/section/%F0%9F%98%80",
        "/country/" + "x" * 300,
        "/tag/%C3%A9t%C3%A9",
        "/author/%FF%FE",
        "/region/..",
        "/n/0",
        "/n/99999999999999999999999",
        "/media/../app.py",
        "/media/%2e%2e/app.py",
    ],
)
def test_odd_paths_are_404_not_500(client, url):
    response = client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "query_string, status",
    [
        ("before=" + "9" * 5000, 400),
        ("x=" + "y" * 20000, 200),  # an argument the list does not use is ignored
        ("before=%FF%FE", 400),
        ("before=1700000000000000-1&before=2", 200),  # the first value counts, and is valid
    ],
)
def test_overlong_or_odd_query_strings_never_500(client, query_string, status):
    response = client.get("/latest?" + query_string)
    assert response.status_code == status
    assert "<html" in response.text


@pytest.mark.parametrize(
    "url", ["/live/latest", "/live/latest?after=nonsense", "/live/latest/stories"]
)
def test_live_endpoints_reject_missing_or_bad_positions(client, htmx, url):
    assert client.get(url, headers=htmx).status_code == 400


def test_two_lists_named_at_once_is_a_bad_request(client, htmx):
    response = client.get(
        "/live/latest?after=1700000000000000-1&section=politics&country=japan", headers=htmx
    )
    assert response.status_code == 400


def test_wrong_method_gets_405_with_allow(client):
    response = client.post("/latest")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


# --- numbers: digits that str.isdigit() accepts but int() does not, other scripts, huge ------

ODD_NUMBERS = ["²", "١٢", "１２", "99999999999999999999999", "-1", "1e3", " 2"]


@pytest.fixture
def diplomacy(query):
    """A politics story tagged Diplomacy, so every list below has a story and /tag/ exists."""
    query(lambda: make_story(headline="Seoul and Tokyo resume talks", tags=["Diplomacy"]))


@pytest.mark.parametrize("number", ODD_NUMBERS)
@pytest.mark.parametrize("url", ["/latest", "/section/politics", "/tag/diplomacy"])
def test_odd_list_depth_is_a_readable_400(client, htmx, diplomacy, url, number):
    assert client.get(url).status_code == 200
    page = client.get(url, query_string={"depth": number})
    assert page.status_code == 400
    assert "This list link is not valid" in page.text and "<html" in page.text
    fragment = client.get(url, query_string={"depth": number}, headers=htmx)
    assert fragment.status_code == 400 and "<html" not in fragment.text


@pytest.mark.parametrize("number", ODD_NUMBERS)
@pytest.mark.parametrize("name", ["section", "country"])
def test_odd_search_numbers_are_a_readable_400(client, name, number):
    response = client.get("/search", query_string={"q": "rice", name: number})
    assert response.status_code == 400
    assert f"“{name}” must be a whole number" in response.text and "<html" in response.text


def test_odd_search_positions_are_a_readable_400(client):
    """Search's page position is the last story shown (and how the search was ranked), parsed
    as strictly as every list's."""
    for cursor in [*ODD_NUMBERS, "", "0", "12-3", "1700000000000000-12"]:
        response = client.get("/search", query_string={"q": "rice", "before": cursor})
        assert response.status_code == 400, cursor
        assert "This list link is not valid" in response.text and "<html" in response.text
    elsewhere = client.get("/search", query_string={"q": "rice", "before": "481"})
    assert elsewhere.status_code == 400 and "Start again from the first page" in elsewhere.text


@pytest.fixture
def numbered(query):
    """Stories 1, 2 and 12, published in January 2026: what an odd number could be taken for."""
    published = datetime(2026, 1, 15, 8, 0, tzinfo=UTC)
    query(lambda: [make_story(id=n, published_at=published) for n in (1, 2, 12)])
    return ["/n/1", "/n/2", "/n/12", "/sitemaps/articles-2026-01-1.xml"]


@pytest.mark.parametrize(
    "url",
    [
        "/sitemaps/articles-2026-01-99999999999999999999999.xml",
        "/sitemaps/articles-2026-01-².xml",
        "/sitemaps/articles-2026-01-١.xml",
        "/sitemaps/articles-2026-01-2147483648.xml",
        "/n/%D9%A1%D9%A2",  # Arabic-Indic 12: not our address for story 12
        "/n/²",
        "/n/2147483648",
    ],
)
def test_odd_numbers_in_reader_paths_are_404(client, numbered, url):
    assert [client.get(real).status_code for real in numbered] == [301, 301, 301, 200]
    response = client.get(url)
    assert response.status_code == 404
    assert "We could not find that page" in response.text


HUGE = "9" * 25


def test_every_numbered_route_answers_404_for_a_huge_number(app, editor):
    """Every `<int:...>` rule, reader or admin, GET or POST: a 25-digit number is no row."""
    numbered = [rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule]
    assert len(numbered) >= 10, numbered
    for rule in numbered:
        path = re.sub(r"<int:\w+>", HUGE, rule.rule)
        path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?\w+>", "x", path)  # any other part of the path
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = editor.open(path, method=method)
            assert response.status_code == 404, (method, path, response.status_code)


@pytest.mark.parametrize("path", ["/admin/messages", "/admin/stories"])
@pytest.mark.parametrize("number", ODD_NUMBERS)
def test_odd_numbers_in_admin_filters_never_500(editor, path, number):
    for name in ("section", "country", "author"):
        assert editor.get(path, query_string={name: number}).status_code == 200


# Each admin list, and a position of the other kind: (time, id) lists take no bare number, the
# photo lists (by number) take no time.
ADMIN_LISTS = {
    "/admin/stories": "12",
    "/admin/messages": "12",
    "/admin/photos": "1700000000000000-12",
    "/admin/photos/choose": "1700000000000000-12",
}


@pytest.mark.parametrize("path", ADMIN_LISTS)
def test_bad_positions_in_admin_lists_are_a_readable_400(editor, htmx, path):
    """Every admin list parses `before` like the reader lists: 400 with a message, never a 500."""
    for cursor in [*BAD_CURSORS, *ODD_NUMBERS, "", ADMIN_LISTS[path]]:
        response = editor.get(path, query_string={"before": cursor}, headers=htmx)
        assert response.status_code == 400, cursor
        assert "This list link is not valid" in response.text, cursor


@pytest.mark.parametrize(
    "path, nothing",
    [
        ("/search?q=%25_", "No stories match “%_”."),
        ("/admin/stories?q=%25_", "No stories match."),
        ("/admin/photos?q=_%25", "No photo matches “_%”."),
    ],
)
def test_percent_and_underscore_match_only_themselves(editor, query, path, nothing):
    """One LIKE escape for every text filter: % and _ are characters, not wildcards."""
    # A story and a photo that "%_" or "_%" taken as wildcards would match.
    query(
        lambda: (
            make_story(headline="Rice harvest up 4 per cent"),
            PhotoFactory(alt="A rice field"),
        )
    )
    assert nothing in editor.get(path).text
