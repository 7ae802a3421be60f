"""A reader writes to the newsroom: saved first, then thanked, by page or by htmx."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import ContactMessage
from tests.helpers import GOOD

# Runs on the demo newsroom until its tests are built with factories.
pytestmark = pytest.mark.demo


def saved(query):
    return query(lambda: db.session.scalars(sa.select(ContactMessage)).all())


def test_message_is_saved_then_post_redirect_get_with_a_flash(client, query):
    response = client.post("/contact", data=GOOD)
    assert response.status_code == 303
    assert response.headers["Location"] == "/contact"
    [message] = saved(query)
    assert (message.name, message.email, message.subject) == (
        "Ana Reyes",
        "ana@example.org",
        "Correction on the typhoon story",
    )
    page = client.get("/contact")
    assert "Your message has reached the newsroom" in page.text
    assert page.headers["Cache-Control"] == "private, no-store"


def test_with_htmx_the_form_swaps_for_a_thank_you(client, query, htmx):
    response = client.post("/contact", data=GOOD, headers=htmx)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="contact-form"' in response.text and "Thank you" in response.text
    assert len(saved(query)) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "Enter an email address we can reply to."),
        ("message", "short", "Write between 10 and 5,000 characters."),
        ("message", "x" * 5001, "Write between 10 and 5,000 characters."),
        ("name", "", "This field is required."),
    ],
)
def test_invalid_fields_get_422_with_messages_and_nothing_is_saved(
    client, query, htmx, field, value, message
):
    data = {**GOOD, field: value}
    page = client.post("/contact", data=data)
    assert page.status_code == 422
    assert "<html" in page.text and message in page.text
    assert 'aria-invalid="true"' in page.text
    fragment = client.post("/contact", data=data, headers=htmx)
    assert fragment.status_code == 422
    assert "<html" not in fragment.text and message in fragment.text
    assert 'id="contact-form"' in fragment.text
    # What the reader typed is kept for the next try.
    if field != "name":
        assert "Ana Reyes" in fragment.text
    assert saved(query) == []


@pytest.mark.case("S18")
def test_S18_filled_honeypot_stores_nothing_and_looks_like_success(client, query):
    response = client.post("/contact", data={**GOOD, "website": "http://spam.example"})
    assert response.status_code == 303
    assert saved(query) == []


@pytest.mark.case("S02")
def test_S02_markup_in_fields_is_shown_escaped(client, htmx):
    response = client.post(
        "/contact", data={**GOOD, "email": "<script>alert(1)</script>"}, headers=htmx
    )
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


@pytest.fixture
def csrf_client(make_app):
    return make_app(WTF_CSRF_ENABLED=True).test_client()


@pytest.mark.case("S08")
def test_S08_missing_csrf_token_is_refused_with_a_readable_400(csrf_client):
    response = csrf_client.post("/contact", data=GOOD)
    assert response.status_code == 400
    assert "The form had expired" in response.text


def test_form_with_its_token_is_accepted(csrf_client):
    page = csrf_client.get("/contact").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post("/contact", data={**GOOD, "csrf_token": token})
    assert response.status_code == 303


@pytest.mark.case("S18")
def test_S18_contact_posts_are_rate_limited(make_app):
    client = make_app(RATELIMIT_ENABLED=True, CONTACT_RATE_LIMIT="2 per minute").test_client()
    assert client.post("/contact", data=GOOD).status_code == 303
    assert client.post("/contact", data=GOOD).status_code == 303
    limited = client.post("/contact", data=GOOD)
    assert limited.status_code == 429
    assert "Too many requests" in limited.text
    assert "Retry-After" in limited.headers
