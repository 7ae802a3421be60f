"""A reader signs up for morning briefings, confirms by email, changes regions and unsubscribes
with one click; every email goes through a real SMTP server on loopback."""

from __future__ import annotations

import base64
import re

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom import briefings
from newsroom.models import OutboxMessage, Region, Subscriber, utcnow
from tests import smtp
from tests.helpers import csrf_token


@pytest.fixture
def app(make_app, inbox):
    return make_app(SMTP_URL=f"smtp://127.0.0.1:{inbox.port}", SMTP_TIMEOUT=5)


def region_ids(query, *slugs):
    return query(
        lambda: [db.session.scalar(sa.select(Region.id).where(Region.slug == s)) for s in slugs]
    )


def subscribers(query):
    return query(
        lambda: [
            (s.email, s.confirmed_at is not None, [r.slug for r in s.regions])
            for s in db.session.scalars(sa.select(Subscriber)).all()
        ]
    )


def link(message, path: str) -> str:
    found = re.search(
        r"https?://[^\s\"<>]+" + re.escape(path) + r"[^\s\"<>]+", smtp.text_of(message)
    )
    assert found, f"no {path} link in the email"
    return found.group(0).replace("http://asian-news.test", "")


def sign_up(client, query, email="Ana@Example.org ", *slugs, headers=None):
    ids = region_ids(query, *(slugs or ("east-asia",)))
    return client.post(
        "/briefings", data={"email": email, "regions": [str(i) for i in ids]}, headers=headers
    )


def test_sign_up_confirm_by_email_and_subscribed(client, query, inbox):
    page = client.get("/briefings")
    assert page.status_code == 200
    assert 'id="briefing-form"' in page.text and "Southeast Asia" in page.text

    response = sign_up(client, query, "Ana@Example.org ", "east-asia", "south-asia")
    assert response.status_code == 200
    assert "Check your inbox" in response.text
    assert subscribers(query) == [("ana@example.org", False, ["east-asia", "south-asia"])]

    [mail] = inbox.to("ana@example.org")
    assert mail["Subject"] == "Confirm your morning briefings"
    assert mail.get_content_type() == "multipart/alternative"
    confirm_url = link(mail, "/briefings/confirm/")
    assert confirm_url in smtp.html_of(mail).replace("http://asian-news.test", "")

    # A mail scanner following the link confirms nothing: the page shows a button.
    shown = client.get(confirm_url)
    assert shown.status_code == 200 and "Confirm my address" in shown.text
    assert subscribers(query)[0][1] is False

    done = client.post(confirm_url)
    assert done.status_code == 200 and "You are subscribed" in done.text
    assert subscribers(query)[0][1] is True


def test_the_same_answer_for_a_known_address_and_no_flood_of_emails(client, query, inbox):
    first = sign_up(client, query, "ana@example.org", "east-asia")
    again = sign_up(client, query, "ANA@example.org", "west-asia")
    assert first.status_code == again.status_code == 200
    assert first.text == again.text
    assert len(inbox.to("ana@example.org")) == 1  # re-sent at most every few minutes
    # Still unconfirmed: the newest choice of regions counts.
    assert subscribers(query) == [("ana@example.org", False, ["west-asia"])]


def test_signing_up_a_confirmed_address_changes_nothing_and_reminds_its_owner(client, query, inbox):
    sign_up(client, query, "ana@example.org", "east-asia")
    client.post(link(inbox.to("ana@example.org")[0], "/briefings/confirm/"))
    inbox.clear()
    query(
        lambda: (
            db.session.execute(sa.update(Subscriber).values(mailed_at=None)) and db.session.commit()
        )
    )

    response = sign_up(client, query, "ana@example.org", "west-asia")
    assert "Check your inbox" in response.text
    assert subscribers(query) == [("ana@example.org", True, ["east-asia"])]
    [reminder] = inbox.to("ana@example.org")
    assert reminder["Subject"] == "Your morning briefings"
    assert "/briefings/manage/" in smtp.text_of(reminder)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not an address", "regions": ["1"]}, "Enter an email address such as"),
        ({"email": "", "regions": ["1"]}, "Enter your email address."),
        ({"email": "ana@example.org"}, "Choose at least one region."),
        ({"email": "ana@example.org", "regions": ["999"]}, "Choose from the regions listed."),
        ({"email": "ana@example.org", "regions": ["x"]}, "Choose from the regions listed."),
    ],
)
def test_bad_input_keeps_the_form_with_a_clear_message(client, query, inbox, data, message):
    response = client.post("/briefings", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert f'value="{data["email"]}"' in response.text if data["email"] else True
    assert subscribers(query) == [] and inbox.messages == []


def test_with_htmx_a_bad_sign_up_swaps_the_form_only(client, query, htmx):
    response = client.post("/briefings", data={"email": "nope"}, headers=htmx)
    assert response.status_code == 422
    assert "<html" not in response.text and 'id="briefing-form"' in response.text
    assert "HX-Request" in response.headers["Vary"]


def test_a_mail_server_that_is_down_loses_no_sign_up(make_app, query):
    from tests.helpers import free_port

    down = make_app(SMTP_URL=f"smtp://127.0.0.1:{free_port()}", SMTP_TIMEOUT=2)
    client = down.test_client()
    ids = region_ids(query, "east-asia")
    response = client.post("/briefings", data={"email": "ana@example.org", "regions": ids})
    assert response.status_code == 200 and "Check your inbox" in response.text
    with down.app_context():
        assert Subscriber.by_email("ana@example.org") is not None
        [waiting] = db.session.scalars(sa.select(OutboxMessage)).all()
        assert waiting.sent_at is None and waiting.failed_at is None
        assert "ConnectionRefused" in waiting.last_error


def test_an_expired_confirmation_link_says_so_and_offers_a_new_sign_up(
    client, query, inbox, monkeypatch
):
    sign_up(client, query, "ana@example.org", "east-asia")
    confirm_url = link(inbox.to("ana@example.org")[0], "/briefings/confirm/")
    monkeypatch.setattr(briefings, "CONFIRM_FOR", briefings.CONFIRM_FOR * -1)
    for response in (client.get(confirm_url), client.post(confirm_url)):
        assert response.status_code == 410
        assert "This link has expired" in response.text and 'href="/briefings"' in response.text
    assert subscribers(query)[0][1] is False
    assert client.get("/briefings/confirm/forged.code").status_code == 404


def confirmed(client, query, inbox, email="ana@example.org", *slugs):
    sign_up(client, query, email, *(slugs or ("east-asia",)))
    client.post(link(inbox.to(email)[-1], "/briefings/confirm/"))
    return query(lambda: Subscriber.by_email(email).token)


def test_a_subscriber_changes_regions(client, query, inbox):
    token = confirmed(client, query, inbox)
    page = client.get(f"/briefings/manage/{token}")
    assert page.status_code == 200 and "ana@example.org" in page.text
    ids = region_ids(query, "south-asia", "west-asia")
    saved = client.post(f"/briefings/manage/{token}", data={"regions": ids})
    assert saved.status_code == 200 and "Saved." in saved.text
    assert subscribers(query) == [("ana@example.org", True, ["south-asia", "west-asia"])]
    empty = client.post(f"/briefings/manage/{token}", data={})
    assert empty.status_code == 422 and "Choose at least one region." in empty.text
    assert client.get("/briefings/manage/not-a-token").status_code == 404


def test_one_click_unsubscribe_deletes_the_address_and_its_waiting_mail(make_app, inbox, query):
    # CSRF on, as in production: RFC 8058's POST carries no token and must still work.
    app = make_app(SMTP_URL=f"smtp://127.0.0.1:{inbox.port}", WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/briefings")
    ids = region_ids(query, "east-asia")
    client.post(
        "/briefings",
        data={"email": "ana@example.org", "regions": ids, "csrf_token": csrf_token(page.text)},
    )
    confirm_url = link(inbox.to("ana@example.org")[0], "/briefings/confirm/")
    shown = client.get(confirm_url)
    client.post(confirm_url, data={"csrf_token": csrf_token(shown.text)})
    with app.app_context():
        subscriber = Subscriber.by_email("ana@example.org")
        assert subscriber.confirmed_at is not None
        token, ident = subscriber.token, subscriber.id
        db.session.add(
            OutboxMessage(
                kind="email", key=f"briefing:77:{ident}", payload={"subscriber_id": ident}
            )
        )
        db.session.commit()

    stranger = app.test_client()  # the mail client, with no cookie and no token
    response = stranger.post(
        f"/briefings/unsubscribe/{token}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200 and "You are unsubscribed" in response.text
    assert subscribers(query) == []
    with app.app_context():
        keys = db.session.scalars(sa.select(OutboxMessage.key)).all()
    assert not any(k.startswith("briefing:") for k in keys)
    # Done twice (a retrying mail client): still a plain 200.
    assert stranger.post(f"/briefings/unsubscribe/{token}").status_code == 200
    assert stranger.get(f"/briefings/unsubscribe/{token}").status_code == 404


def test_the_unsubscribe_page_shows_a_button_and_a_get_changes_nothing(client, query, inbox):
    token = confirmed(client, query, inbox)
    page = client.get(f"/briefings/unsubscribe/{token}")
    assert page.status_code == 200 and ">Unsubscribe</button>" in page.text
    assert len(subscribers(query)) == 1


def test_footer_and_stories_invite_readers_to_sign_up(client):
    from tests.factories import StoryFactory

    with client.application.app_context():
        story = StoryFactory(headline="Tokyo opens a new line")
        slug = story.slug
    home = client.get("/")
    assert 'href="/briefings"' in home.text
    article = client.get(f"/article/{slug}")
    assert 'href="/briefings' in article.text and "Morning briefing" in article.text


def test_privacy_page_says_what_is_kept_for_briefings(client):
    page = client.get("/privacy").text
    assert "deleted after 7 days" in page and "deletes your address" in page
    assert "13 months" in page and "Sec-GPC" in page


def test_a_confirmation_link_does_not_carry_the_readers_own_token(app):
    """The manage and unsubscribe links rest on the subscriber's token; a confirmation link, which
    mail scanners and logs see, is signed but readable (base64), so it must not hold it."""
    with app.app_context():
        subscriber = Subscriber(email="reader@example.org", created_at=utcnow())
        db.session.add(subscriber)
        db.session.commit()
        code = briefings.confirm_code(subscriber)
        payload = code.split(".")[0]
        decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        assert subscriber.token not in code
        assert subscriber.token.encode() not in decoded
        assert briefings.subscriber_for_code(code).id == subscriber.id
