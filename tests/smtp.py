"""A real SMTP server on loopback for the briefing tests (aiosmtpd in a thread): it collects the
messages it accepts, can refuse chosen addresses (550), and can speak STARTTLS and AUTH."""

from __future__ import annotations

import asyncio
import email
import email.policy
import ssl
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.helpers import free_port


@dataclass
class Inbox:
    """What the server accepted: each message parsed, with its envelope recipients."""

    messages: list = field(default_factory=list)
    refuse: set = field(default_factory=set)
    # Hold the DATA of the message after this many for `stall_seconds`, then turn it away with a
    # 451 (once): a sender killed meanwhile leaves that message undelivered and claimed.
    stall_after: int | None = None
    stall_seconds: float = 10.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.stall_after is not None and len(self.messages) >= self.stall_after:
            self.stall_after = None
            await asyncio.sleep(self.stall_seconds)
            return "451 4.3.0 Try again later"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        for rcpt in envelope.rcpt_tos:
            self.messages.append((rcpt.lower(), parsed))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [m for rcpt, m in self.messages if rcpt == address.lower()]

    def per_recipient(self) -> Counter:
        return Counter(rcpt for rcpt, _m in self.messages)

    def clear(self) -> None:
        self.messages.clear()


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def start(inbox: Inbox, *, tls_context=None, auth: tuple[str, str] | None = None):
    """A running server (stop it with .stop()); its port is .port."""

    def authenticator(server, session, envelope, mechanism, data):
        ok = (
            isinstance(data, LoginPassword)
            and auth is not None
            and (data.login.decode(), data.password.decode()) == auth
        )
        return AuthResult(success=ok)

    port = free_port()
    kwargs = {}
    if tls_context is not None:
        kwargs.update(tls_context=tls_context, require_starttls=True)
    if auth is not None:
        kwargs.update(authenticator=authenticator, auth_required=True)
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    controller.port = port
    return controller


def self_signed(directory: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context with a fresh self-signed certificate for 127.0.0.1, and the cert file
    (for the client's SMTP_CA_FILE)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(  # noqa: S603  # nosec B603 - fixed arguments, test only
        [  # noqa: S607  # nosec B607
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert
