"""Passwords and two-step sign-in (TOTP) for the newsroom's accounts."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
import sqlalchemy as sa

from extensions import db
from newsroom.models import LoginSession, User
from tests.helpers import PASSWORD, client_at, sign_in


@pytest.mark.case("S19")
def test_S19_common_passwords_and_own_email_are_refused_long_ones_accepted(client, newsroom):
    sign_in(client, "admin")

    def create(password, email="new@example.org"):
        return client.post(
            "/admin/users",
            data={"email": email, "name": "Nur Aini", "role": "writer", "password": password},
        )

    for common in ("password1", "iloveyou", "Baseball1", "qwertyuiop", "aaaaaaaaaaa"):
        refused = create(common)
        assert refused.status_code == 422, common
        assert "one of the most common" in refused.text
    assert "your email address or name" in create("new@example.org").text
    long_one = "the monsoon reached Kerala three days early " * 2  # 88 characters
    assert create(long_one).status_code == 303
    assert sign_in(app_client := client.application.test_client(), "x", "y").status_code == 401
    signed = app_client.post(
        "/admin/login", data={"email": "new@example.org", "password": long_one}
    )
    assert signed.status_code == 302


@pytest.mark.case("S19")
def test_S19_passwords_hashed_with_old_parameters_are_upgraded_at_sign_in(client, newsroom, query):
    from werkzeug.security import generate_password_hash

    def downgrade():
        user = User.by_email("editor@asian-news.test")
        # The tests hash with pbkdf2:sha256:1000 for speed; 500 rounds stands for "older".
        user.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:500")
        db.session.commit()

    query(downgrade)
    assert sign_in(client, "editor").status_code == 302
    digest = query(lambda: User.by_email("editor@asian-news.test").password_hash)
    assert digest.startswith("pbkdf2:sha256:1000$")
    assert sign_in(client.application.test_client(), "editor").status_code == 302


@pytest.mark.case("S14")
def test_S14_changing_the_password_ends_every_other_session(app, newsroom, query):
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, "writer")
    sign_in(phone, "writer")
    wrong = laptop.post("/admin/account/password", data={"current": "nope", "new": "x" * 20})
    assert wrong.status_code == 422 and "not your current password" in wrong.text
    common = laptop.post(
        "/admin/account/password", data={"current": PASSWORD, "new": "password123"}
    )
    assert common.status_code == 422 and "most common" in common.text
    new = "rain over the Mekong delta"
    changed = laptop.post("/admin/account/password", data={"current": PASSWORD, "new": new})
    assert changed.status_code == 303
    assert laptop.get("/admin/").status_code == 200
    assert phone.get("/admin/").status_code == 302  # the other device is signed out
    assert sign_in(app.test_client(), "writer").status_code == 401
    assert sign_in(app.test_client(), "writer", new).status_code == 302
    # The change is in the writer's history (filed under their account, not under a proxy).
    from newsroom.models import AuditEntry, User

    def history():
        return [e.action for e in AuditEntry.about(db.session.get(User, newsroom["writer"]))]

    assert "password" in query(history)


def _turn_on_two_step(client) -> str:
    assert "Set up two-step sign-in" in client.get("/admin/account").text
    assert client.post("/admin/account/two-step/setup").status_code == 303
    page = client.get("/admin/account").text
    secret = re.search(r'<code class="totp-key">([A-Z2-7]+)</code>', page).group(1)
    assert "<svg" in page  # the QR code, drawn on the server
    refused = client.post("/admin/account/two-step", data={"code": "000000"})
    assert refused.status_code == 422 and "not right" in refused.text
    on = client.post("/admin/account/two-step", data={"code": pyotp.TOTP(secret).now()})
    assert on.status_code == 303
    assert "<strong>On.</strong>" in client.get("/admin/account").text
    return secret


def test_the_two_step_key_being_set_up_never_travels_in_the_session_cookie(
    app, newsroom, query, signed_in
):
    client = signed_in("editor")
    assert client.post("/admin/account/two-step/setup").status_code == 303
    page = client.get("/admin/account").text
    secret = re.search(r'<code class="totp-key">([A-Z2-7]+)</code>', page).group(1)
    assert query(lambda: User.by_email("editor@asian-news.test").totp_pending_secret) == secret
    # The cookie is signed, not encrypted: whoever holds it can read it. The key is not there.
    cookie = client.get_cookie("session").value
    serializer = app.session_interface.get_signing_serializer(app)
    assert secret not in str(serializer.loads(cookie))
    assert client.get("/admin/account").text.count(secret) == 1, "the same key on every visit"

    on = client.post("/admin/account/two-step", data={"code": pyotp.TOTP(secret).now()})
    assert on.status_code == 303
    editor = query(lambda: User.by_email("editor@asian-news.test"))
    assert editor.totp_secret == secret and editor.totp_pending_secret is None
    assert secret not in client.get("/admin/account").text


def _previous_code(secret: str) -> str:
    return pyotp.TOTP(secret).at(time.time() - 30)


def test_two_step_sign_in_asks_for_a_code_that_works_once(app, newsroom, query, signed_in):
    client = signed_in("editor")
    secret = _turn_on_two_step(client)
    client.post("/admin/logout")

    first = client.post(
        "/admin/login?next=/admin/stories",
        data={"email": "editor@asian-news.test", "password": PASSWORD},
    )
    assert first.status_code == 303 and first.headers["Location"] == "/admin/login/code"
    assert client.get("/admin/").status_code == 302  # the password alone does not sign in
    wrong = client.post("/admin/login/code", data={"code": "123456"})
    assert wrong.status_code == 401 and "That code is not right" in wrong.text
    # The code that turned it on is spent; a person would wait for the next one. The test
    # forgets that step instead of waiting 30 s, then the current code is good exactly once.
    current = pyotp.TOTP(secret).now()

    def forget_spent_step():
        db.session.execute(sa.update(User).values(totp_last_step=None))
        db.session.commit()

    query(forget_spent_step)
    good = client.post("/admin/login/code", data={"code": current})
    assert good.status_code == 302 and good.headers["Location"] == "/admin/stories"
    assert client.get("/admin/").status_code == 200

    replay = app.test_client()
    replay.post("/admin/login", data={"email": "editor@asian-news.test", "password": PASSWORD})
    assert replay.post("/admin/login/code", data={"code": current}).status_code == 401
    assert (
        replay.post("/admin/login/code", data={"code": _previous_code(secret)}).status_code == 401
    )


def test_five_wrong_codes_send_you_back_to_the_password(app, newsroom, signed_in):
    client = signed_in("editor")
    _turn_on_two_step(client)
    client.post("/admin/logout")
    client.post("/admin/login", data={"email": "editor@asian-news.test", "password": PASSWORD})
    for _ in range(5):
        assert client.post("/admin/login/code", data={"code": "000000"}).status_code == 401
    again = client.post("/admin/login/code", data={"code": "000000"})
    assert again.status_code == 303 and again.headers["Location"] == "/admin/login"
    assert client.get("/admin/login/code").headers["Location"] == "/admin/login"


@pytest.mark.case("S17")
def test_S17_the_code_step_counts_only_wrong_codes_and_only_from_password_holders(
    make_app, newsroom, query
):
    app = make_app(RATELIMIT_ENABLED=True)
    owner = client_at(app, "198.51.100.20")
    sign_in(owner, "editor")
    secret = _turn_on_two_step(owner)
    owner.post("/admin/logout")
    # The code step's tries are per account, but only a browser that has just given the right
    # password is at that step (who is waiting lives in the signed session cookie): a stranger's
    # codes go nowhere and use up nothing.
    stranger = client_at(app, "203.0.113.66")
    for _ in range(12):
        assert stranger.post("/admin/login/code", data={"code": "000000"}).status_code == 303

    def forget_spent_step():
        db.session.execute(sa.update(User).values(totp_last_step=None))
        db.session.commit()

    for n in range(8):  # right codes never count, however often
        query(forget_spent_step)
        assert sign_in(owner, "editor").status_code == 303, f"sign-in {n + 1}"
        code = owner.post("/admin/login/code", data={"code": pyotp.TOTP(secret).now()})
        assert code.status_code == 302, f"code {n + 1}"
        owner.post("/admin/logout")
    # Wrong ones do: after five for the account, the sixth is refused.
    sign_in(owner, "editor")
    wrong = [owner.post("/admin/login/code", data={"code": "000000"}).status_code for _ in range(3)]
    sign_in(owner, "editor")
    wrong += [
        owner.post("/admin/login/code", data={"code": "000000"}).status_code for _ in range(3)
    ]
    assert wrong == [401] * 5 + [429]


def test_a_code_page_reached_without_a_password_goes_back_to_sign_in(client, newsroom, query):
    response = client.post("/admin/login/code", data={"code": "123456"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/login"

    def give_the_editor_two_step():
        db.session.get(User, newsroom["editor"]).totp_secret = pyotp.random_base32()
        db.session.commit()

    query(give_the_editor_two_step)
    with client.session_transaction() as s:
        s["pending_uid"], s["pending_at"] = newsroom["editor"], int(time.time())
    assert client.get("/admin/login/code").status_code == 200  # a fresh wait is asked for a code
    with client.session_transaction() as s:
        s["pending_uid"], s["pending_at"] = newsroom["editor"], int(time.time()) - 3600
    assert client.get("/admin/login/code").status_code == 303  # an hour-old one is not


def test_admins_must_set_up_two_step_sign_in_when_the_site_requires_it(make_app, newsroom, query):
    app = make_app(ADMIN_REQUIRE_TOTP=True)
    admin = app.test_client()
    sign_in(admin, "admin")
    for url in ("/admin/", "/admin/users", "/admin/stories"):
        response = admin.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/admin/account"
    assert "Admins must set up two-step sign-in" in admin.get("/admin/account").text
    writer = app.test_client()
    sign_in(writer, "writer")
    assert writer.get("/admin/").status_code == 200  # only admins are made to
    _turn_on_two_step(admin)
    assert admin.get("/admin/users").status_code == 200


def test_an_admin_can_turn_off_a_lost_phone_and_so_can_the_command_line(
    app, newsroom, runner, query, signed_in
):
    editor = signed_in("editor")
    _turn_on_two_step(editor)
    admin = signed_in("admin")
    editor_id = query(lambda: User.by_email("editor@asian-news.test").id)
    assert "two-step sign-in" in admin.get("/admin/users").text
    assert admin.post(f"/admin/users/{editor_id}/two-step-off").status_code == 303
    assert editor.get("/admin/").status_code == 302  # their sessions ended with it
    assert sign_in(app.test_client(), "editor").status_code == 302  # the password is enough again

    sign_in(editor, "editor")
    _turn_on_two_step(editor)
    result = runner.invoke(args=["users", "two-step-off", "editor@asian-news.test"])
    assert result.exit_code == 0, result.output
    assert query(lambda: User.by_email("editor@asian-news.test").totp_secret) is None
    live = query(
        lambda: db.session.scalar(
            sa.select(sa.func.count())
            .select_from(LoginSession)
            .where(LoginSession.user_id == editor_id, LoginSession.revoked_at.is_(None))
        )
    )
    assert live == 0


def test_turning_two_step_off_needs_a_current_code(app, newsroom, query, signed_in):
    client = signed_in("writer")
    secret = _turn_on_two_step(client)
    assert client.post("/admin/account/two-step", data={"code": "999999"}).status_code == 422
    assert query(lambda: User.by_email("writer@asian-news.test").totp_secret) == secret
    off = client.post("/admin/account/two-step", data={"code": pyotp.TOTP(secret).now()})
    assert off.status_code == 303
    assert query(lambda: User.by_email("writer@asian-news.test").totp_secret) is None
