"""Email through any SMTP server (SMTP_URL): building a message safely, and handing it over.

- `smtp://host:port`: plain SMTP, upgraded with STARTTLS whenever the server offers it; add
  `?tls=required` to refuse to send in clear when it does not.
- `smtps://user:password@host:465`: TLS from the first byte.
- A user name or password with reserved characters is percent-encoded in the URL
  (`smtps://news%40example.org:p%2Fss@mail.example.org:465`); both are decoded before AUTH.
- Certificates are verified against the system's CAs, or SMTP_CA_FILE's.

One connection is kept per app context (a whole send run reuses it) and closed when the context
ends. Every header value that comes from data is flattened to one line first, so a headline or an
address with CR/LF cannot add a header; the body parts are plain text and HTML rendered with
escaping. A message's Message-ID is derived from the outbox key that asked for it, so a retry of
a message whose delivery was in doubt is shown by mail clients as the same message.
"""

from __future__ import annotations

import email.policy
import hashlib
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, g

from newsroom.models.base import utcnow

_LINE_BREAKS = re.compile(r"[\r\n\t\x00-\x1f\x7f]+")


class MailNotConfigured(Exception):
    """SMTP_URL cannot be used (a scheme other than smtp/smtps, no host)."""


class RecipientRefused(Exception):
    """The server refused this address for good (a 5xx reply to RCPT TO): retrying cannot help."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    implicit_tls: bool
    require_tls: bool
    username: str
    password: str


def parse_smtp_url(url: str) -> SmtpSettings:
    """SMTP_URL's parts, credentials percent-decoded."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailNotConfigured(
            "SMTP_URL must look like smtp://host:25 or smtps://user:password@host:465"
        )
    options = parse_qs(parts.query)
    implicit = parts.scheme == "smtps"
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or (465 if implicit else 25),
        implicit_tls=implicit,
        require_tls=implicit or options.get("tls", [""])[0].lower() == "required",
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


def one_line(text: str, limit: int = 250) -> str:
    """Text made safe for a header: control characters and line breaks become single spaces."""
    return _LINE_BREAKS.sub(" ", text or "").strip()[:limit]


def sender() -> str:
    configured = current_app.config.get("MAIL_FROM")
    if configured:
        return one_line(configured)
    host = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    return str(Address(current_app.config["SITE_NAME"], addr_spec=f"briefings@{host}"))


def message_id(key: str) -> str:
    """The same Message-ID for the same outbox key, on every attempt."""
    host = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{host}>"


def build(
    *,
    key: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    unsubscribe_url: str | None = None,
) -> EmailMessage:
    """A multipart/alternative message (plain text first, then HTML), with RFC 8058 one-click
    unsubscribe headers when `unsubscribe_url` is given."""
    address = one_line(to, 254)
    if not address or address != to.strip() or "@" not in address:
        raise RecipientRefused(f"not an email address: {to!r}")
    # Headers unfolded up to RFC 5322's 998 characters: Python folds a subject of 70-odd
    # characters by moving all of it to a continuation line, shown with a leading space.
    message = EmailMessage(policy=email.policy.SMTP.clone(max_line_length=998))
    message["From"] = sender()
    message["To"] = address
    message["Subject"] = one_line(subject)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id(key)
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{one_line(unsubscribe_url, 500)}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text, subtype="plain", cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    return message


def send(message: EmailMessage) -> None:
    """Hand the message to the SMTP server. RecipientRefused when it refuses the address for good;
    any other exception (connection refused, timeout, 4xx) means: try again later."""
    recipient = message["To"]
    envelope_from = parseaddr(message["From"])[1]
    for attempt in (1, 2):
        fresh = "smtp_connection" not in g
        smtp = _connection()
        try:
            smtp.send_message(message, from_addr=envelope_from, to_addrs=[recipient])
            return
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = error.recipients.get(recipient, (0, b""))
            _reset(smtp)
            if 500 <= code < 600:
                raise RecipientRefused(f"{code} {reply.decode(errors='replace')}") from error
            raise
        except smtplib.SMTPServerDisconnected:
            close()
            if fresh or attempt == 2:
                raise
            # A kept connection the server had closed meanwhile (idle timeout): once more, anew.
        except Exception:
            close()
            raise


def _reset(smtp: smtplib.SMTP) -> None:
    try:
        smtp.rset()
    except smtplib.SMTPException:
        close()


def _connection() -> smtplib.SMTP:
    if "smtp_connection" not in g:
        g.smtp_connection = connect(parse_smtp_url(current_app.config["SMTP_URL"]))
    return g.smtp_connection


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """An open, authenticated connection, encrypted when the URL or the server allows."""
    config = current_app.config
    timeout = float(config["SMTP_TIMEOUT"])
    context = ssl.create_default_context(cafile=config.get("SMTP_CA_FILE") or None)
    local = urlsplit(config["SITE_URL"]).hostname or "localhost"
    if settings.implicit_tls:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, local_hostname=local, timeout=timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, local_hostname=local, timeout=timeout)
    try:
        smtp.ehlo()
        if not settings.implicit_tls:
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            elif settings.require_tls:
                raise smtplib.SMTPNotSupportedError(
                    "the server does not offer STARTTLS and SMTP_URL says tls=required"
                )
        if settings.username:
            smtp.login(settings.username, settings.password)
    except Exception:
        smtp.close()
        raise
    return smtp


def close(_error: BaseException | None = None) -> None:
    """Say goodbye to the server, if connected (also the app context's teardown)."""
    smtp = g.pop("smtp_connection", None)
    if smtp is None:
        return
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
