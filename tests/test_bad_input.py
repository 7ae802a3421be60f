"""Bad input gets a clear 400 or 404 with a readable page, never a 500."""

from __future__ import annotations

import pytest

BAD_CURSORS = ["bad", "1-", "-1", "12-abc", "1" * 60, "99999999999999999999-1", "0-1",
               "1700000000000000-0", "1700000000000000-99999999999999", "１２-３", "1e5-2",
               "1700000000000000-1-2", "%00", "1700000000000000--1"]  # fmt: skip


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
    "query_string",
    [
        "before=" + "9" * 5000,
        "x=" + "y" * 20000,
        "before=%FF%FE",
        "before=1700000000000000-1&before=2",
    ],
)
def test_overlong_or_odd_query_strings_never_500(client, query_string):
    response = client.get("/latest?" + query_string)
    assert response.status_code in (200, 400)


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
