"""Mail goes through any SMTP server: STARTTLS and AUTH with credentials from the URL, implicit
TLS, a refusal to send in clear when asked, and SMTP_URL read correctly."""

from __future__ import annotations

import smtplib
import ssl

import pytest
from aiosmtpd.controller import Controller

from newsroom import mail
from tests import smtp
from tests.helpers import free_port


def test_smtp_url_is_read_with_decoded_credentials():
    plain = mail.parse_smtp_url("smtp://127.0.0.1:2525")
    assert (plain.host, plain.port, plain.implicit_tls, plain.require_tls) == (
        "127.0.0.1",
        2525,
        False,
        False,
    )
    assert mail.parse_smtp_url("smtp://mail.example.org?tls=required").require_tls
    tls = mail.parse_smtp_url("smtps://news%40example.org:p%2Fss%3Aw@mail.example.org")
    assert (tls.port, tls.implicit_tls, tls.username, tls.password) == (
        465,
        True,
        "news@example.org",
        "p/ss:w",
    )
    for wrong in ("", "http://mail.example.org", "smtp://", "mail.example.org:25"):
        with pytest.raises(mail.MailNotConfigured):
            mail.parse_smtp_url(wrong)


def message(key="test:1", to="reader@example.org"):
    return mail.build(key=key, to=to, subject="Hello", text="Hi.", html="<p>Hi.</p>")


def test_starttls_and_auth_against_a_server_with_its_own_certificate(make_app, tmp_path):
    context, cert = smtp.self_signed(tmp_path)
    inbox = smtp.Inbox()
    server = smtp.start(inbox, tls_context=context, auth=("news@example.org", "p/ss:w"))
    try:
        url = f"smtp://news%40example.org:p%2Fss%3Aw@127.0.0.1:{server.port}?tls=required"
        app = make_app(SMTP_URL=url, SMTP_CA_FILE=str(cert))
        with app.app_context():
            mail.send(message())
            mail.close()
        assert inbox.per_recipient() == {"reader@example.org": 1}

        wrong = make_app(
            SMTP_URL=url.replace("p%2Fss", "nope"), SMTP_CA_FILE=str(cert), SMTP_TIMEOUT=2
        )
        # A 535 (or the server hanging up on the second mechanism smtplib tries): a failure the
        # outbox retries later, never a message sent.
        with wrong.app_context(), pytest.raises(smtplib.SMTPException):
            mail.send(message("test:2"))
        untrusted = make_app(SMTP_URL=url)  # the system's CAs do not know this certificate
        with untrusted.app_context(), pytest.raises(ssl.SSLError):
            mail.send(message("test:3"))
    finally:
        server.stop()
    assert inbox.per_recipient() == {"reader@example.org": 1}


def test_implicit_tls(make_app, tmp_path):
    context, cert = smtp.self_signed(tmp_path)
    inbox = smtp.Inbox()
    port = free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=context)
    server.start()
    try:
        app = make_app(SMTP_URL=f"smtps://127.0.0.1:{port}", SMTP_CA_FILE=str(cert))
        with app.app_context():
            mail.send(message())
            mail.close()
    finally:
        server.stop()
    assert inbox.per_recipient() == {"reader@example.org": 1}


def test_tls_required_refuses_a_server_without_starttls(make_app):
    inbox = smtp.Inbox()
    server = smtp.start(inbox)
    try:
        app = make_app(SMTP_URL=f"smtp://127.0.0.1:{server.port}?tls=required")
        with app.app_context(), pytest.raises(smtplib.SMTPNotSupportedError):
            mail.send(message())
    finally:
        server.stop()
    assert inbox.messages == []


def test_one_connection_serves_a_whole_run_and_survives_the_server_hanging_up(make_app):
    inbox = smtp.Inbox()
    server = smtp.start(inbox)
    try:
        app = make_app(SMTP_URL=f"smtp://127.0.0.1:{server.port}")
        with app.app_context():
            mail.send(message("a"))
            from flask import g

            first = g.smtp_connection
            mail.send(message("b"))
            assert g.smtp_connection is first
            first.sock.close()  # the server's idle timeout, as seen by the client
            mail.send(message("c"))
        assert len(inbox.messages) == 3
    finally:
        server.stop()


@pytest.mark.parametrize(
    "to", ["reader@example.org\r\nBcc: x@example.org", "", "no-at-sign", "a@b.org\nX-Evil: 1"]
)
def test_an_address_that_could_inject_a_header_is_refused(app, to):
    with app.app_context(), pytest.raises(mail.RecipientRefused):
        message(to=to)


def test_sign_ups_are_rate_limited_per_client(make_app):
    client = make_app(RATELIMIT_ENABLED=True, BRIEFINGS_RATE_LIMIT="2 per minute").test_client()
    for _ in range(2):
        assert client.post("/briefings", data={"email": "x"}).status_code == 422
    limited = client.post("/briefings", data={"email": "x"})
    assert limited.status_code == 429


def test_a_server_with_an_unusable_smtp_url_refuses_to_start(app_config):
    from app import create_app

    with pytest.raises(SystemExit) as stopped:
        create_app({**app_config, "SMTP_URL": "mail.example.org:25"})
    assert stopped.value.code == 3
