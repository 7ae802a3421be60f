"""Signing in and out of the newsroom: same answer for every failure, fresh sessions, safe next=."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import LoginSession, User
from tests.helpers import PASSWORD, client_at, sign_in

# Runs on the demo newsroom until its tests are built with factories.
pytestmark = pytest.mark.demo


@pytest.mark.case("S16")
def test_S16_wrong_password_and_unknown_email_get_the_same_answer(client, newsroom):
    wrong = sign_in(client, "editor", "not the password")
    unknown = client.post(
        "/admin/login", data={"email": "nobody@asian-news.test", "password": "x" * 12}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert "That email and password do not match." in wrong.text

    # Identical apart from the address the visitor typed (given back to them) and the
    # form token, whose signature carries the second it was made.
    def normalise(text, email):
        return re.sub(r'"X-CSRFToken": "[^"]+"', "", text.replace(email, "X@"))

    assert normalise(wrong.text, "editor@") == normalise(unknown.text, "nobody@")


@pytest.mark.case("S16")
def test_S16_malformed_sign_in_input_never_500s(client, newsroom):
    for data in (
        {"email": ["a@b.c", "d@e.f"], "password": ["x", "y"]},
        {"email": "editor@asian-news.test", "password": "x" * 100_000},
        {},
    ):
        response = client.post("/admin/login", data=data)
        assert response.status_code == 401
        assert "That email and password do not match" in response.text
    nul = client.post(
        "/admin/login", data={"email": "editor@asian-news.test\x00", "password": "\x00"}
    )
    assert nul.status_code == 400
    assert "a character that cannot be accepted" in nul.text
    raw = client.post(
        "/admin/login",
        data=b"email=%ff%fe&password=%c3%28",
        content_type="application/x-www-form-urlencoded",
    )
    assert raw.status_code == 401


@pytest.mark.case("S12")
def test_S12_sign_in_starts_a_fresh_session_and_lands_on_the_dashboard(client, newsroom):
    with client.session_transaction() as s:
        s["planted"] = "by an attacker"
    response = sign_in(client, "editor")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    with client.session_transaction() as s:
        assert "planted" not in s
        assert s["sid"]
    assert "Good to see you, Test Editor" in client.get("/admin/").text


@pytest.mark.case("S10")
def test_S10_next_goes_only_to_this_site(client, newsroom):
    for bad in (
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "\x06//:[",
        "/\n/[",
        " //evil",
        "/\t/evil.example",
    ):
        c = client.application.test_client()
        response = c.post(
            "/admin/login",
            query_string={"next": bad},
            data={"email": "editor@asian-news.test", "password": PASSWORD},
        )
        assert response.status_code == 302, bad
        assert response.headers["Location"] == "/admin/", bad
    good = client.post(
        "/admin/login?next=/admin/stories%3Fstatus%3Ddraft",
        data={"email": "editor@asian-news.test", "password": PASSWORD},
    )
    assert good.headers["Location"] == "/admin/stories?status=draft"


@pytest.mark.case("S13")
def test_S13_a_cookie_copied_before_sign_out_is_dead_after_it(client, newsroom):
    sign_in(client, "editor")
    stolen = client.get_cookie("session").value
    assert client.post("/admin/logout").status_code == 303
    thief = client.application.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")


@pytest.mark.case("S14")
def test_S14_disabling_an_account_ends_its_sessions(app, client, newsroom, query):
    sign_in(client, "writer")
    assert client.get("/admin/").status_code == 200
    admin = app.test_client()
    sign_in(admin, "admin")
    assert (
        admin.post(f"/admin/users/{newsroom['writer']}/active", data={"active": "0"}).status_code
        == 303
    )
    assert client.get("/admin/").status_code == 302
    assert sign_in(app.test_client(), "writer").status_code == 401
    revoked = query(
        lambda: db.session.scalar(
            sa.select(sa.func.count())
            .select_from(LoginSession)
            .where(LoginSession.user_id == newsroom["writer"], LoginSession.revoked_at.is_not(None))
        )
    )
    assert revoked == 1


@pytest.mark.case("S14")
def test_S14_sign_out_everywhere_ends_other_browsers_too(app, newsroom):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, "editor")
    sign_in(phone, "editor")
    phone.post("/admin/logout-everywhere")
    assert laptop.get("/admin/").status_code == 302


@pytest.mark.case("S14")
def test_S14_idle_sessions_expire(client, newsroom):
    sign_in(client, "editor")
    with client.session_transaction() as s:
        s["seen"] -= 2 * 3600
    assert client.get("/admin/").status_code == 302


@pytest.mark.case("S17")
def test_S17_sign_in_is_rate_limited_per_account(make_app, newsroom):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT_ACCOUNT="3 per 10 minutes")
    client = app.test_client()
    for _ in range(3):
        assert sign_in(client, "editor", "wrong password").status_code == 401
    limited = sign_in(client, "editor", "wrong password")
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers
    assert sign_in(client, "writer").status_code == 302, "other accounts are not locked out"


# --- point 7: brute force stays expensive, but no stranger can lock an editor out ---------------


@pytest.fixture
def limited(make_app, newsroom):
    """The app with its sign-in limits on, as configured by default (built last: the limiter is
    one object, and the newest app sets whether it is on)."""
    return make_app(RATELIMIT_ENABLED=True)


@pytest.mark.case("S17")
def test_S17_a_stranger_failing_for_an_account_does_not_lock_its_owner_out(limited, newsroom):
    attacker = client_at(limited, "203.0.113.66")
    answers = [sign_in(attacker, "editor", f"guess {n}").status_code for n in range(8)]
    assert answers == [401] * 5 + [429] * 3, "one address gets five tries at one account"
    assert sign_in(attacker, "editor").status_code == 429, "even the right one, from there"

    owner = client_at(limited, "198.51.100.20")
    assert sign_in(owner, "editor", "a typo").status_code == 401
    assert sign_in(owner, "editor").status_code == 302
    assert owner.get("/admin/").status_code == 200


@pytest.mark.case("S17")
def test_S17_one_address_is_stopped_after_ten_failures_whatever_the_accounts(limited, newsroom):
    client = client_at(limited, "203.0.113.9")

    def attempt(n):
        return client.post(
            "/admin/login", data={"email": f"guess{n}@asian-news.test", "password": "wrong"}
        )

    assert [attempt(n).status_code for n in range(10)] == [401] * 10
    stopped = attempt(10)
    assert stopped.status_code == 429 and int(stopped.headers["Retry-After"]) > 0
    assert sign_in(client_at(limited, "203.0.113.10"), "writer").status_code == 302


@pytest.mark.case("S17")
def test_S17_signing_in_many_times_in_a_row_never_counts(limited, newsroom):
    client = client_at(limited, "198.51.100.20")
    for n in range(20):
        assert sign_in(client, "editor").status_code == 302, f"sign-in {n + 1}"
        assert client.post("/admin/logout").status_code == 303
    # Failures still count after all those successes: five wrong, then the address waits.
    assert [sign_in(client, "editor", "wrong").status_code for _ in range(6)][-1] == 429


@pytest.mark.case("S17")
def test_S17_many_addresses_failing_on_one_account_slow_it_but_its_owner_gets_in(
    make_app, newsroom
):
    app = make_app(
        RATELIMIT_ENABLED=True, LOGIN_SLOWDOWN_ACCOUNT="6 per hour", LOGIN_SLOWDOWN_SECONDS=1.0
    )

    def timed(client, role, password=PASSWORD):
        started = time.monotonic()
        status = sign_in(client, role, password).status_code
        return status, time.monotonic() - started

    for n in range(3):  # a guesser spread over three addresses, under every per-address limit
        bot = client_at(app, f"203.0.113.{n + 1}")
        assert [timed(bot, "editor", "guess")[0] for _ in range(2)] == [401, 401]
    status, waited = timed(client_at(app, "203.0.113.50"), "editor", "guess")
    assert status == 401 and waited >= 1.0, "beyond the ceiling a guess is slowed, not refused"

    status, waited = timed(client_at(app, "198.51.100.20"), "editor")
    assert status == 302 and waited >= 1.0, "the owner waits too, and gets in"
    status, waited = timed(client_at(app, "198.51.100.21"), "writer")
    assert status == 302 and waited < 1.0, "other accounts are not slowed"


@pytest.mark.case("S09")
def test_S09_logout_is_post_only(editor):
    assert editor.get("/admin/logout").status_code == 405


def test_cli_enables_a_disabled_account_and_its_owner_signs_in_again(client, newsroom, runner):
    assert runner.invoke(args=["users", "disable", "writer@asian-news.test"]).exit_code == 0
    assert sign_in(client, "writer").status_code != 302
    result = runner.invoke(args=["users", "enable", "writer@asian-news.test"])
    assert result.exit_code == 0 and "writer@asian-news.test is enabled." in result.output
    assert sign_in(client, "writer").status_code == 302
    unknown = runner.invoke(args=["users", "enable", "nobody@asian-news.test"])
    assert unknown.exit_code == 1 and "There is no account for nobody@" in unknown.output


def test_cli_creates_accounts_from_stdin_and_manages_them(runner, query):
    result = runner.invoke(
        args=["users", "create", "Chief@Asian-News.test", "--role", "admin", "--password-stdin"],
        input="a long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert query(lambda: User.by_email("chief@asian-news.test").role) == "admin"
    short = runner.invoke(
        args=["users", "create", "x@asian-news.test", "--role", "writer", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code != 0 and "at least 8" in short.output
    assert (
        runner.invoke(args=["users", "set-role", "chief@asian-news.test", "editor"]).exit_code == 0
    )
    assert "chief@asian-news.test" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "disable", "chief@asian-news.test"]).exit_code == 0
    assert query(lambda: User.by_email("chief@asian-news.test").active) is False
