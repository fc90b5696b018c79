"""Sending mail: SMTP when configured, else ``.eml`` files under ``<data dir>/mail``.

Every address header is built by :func:`mailbox` from a name and an address with
``email.headerregistry.Address``: a display name is quoted as a whole, so a student named
``a@x.com, b@y.com, Bob`` is one recipient with an odd name, never three recipients. And
:func:`deliver` sends each message to exactly the one address of its ``To`` header, named
explicitly in the SMTP envelope.
"""

from __future__ import annotations

import secrets
import unicodedata
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

import aiosmtplib

from immersio_booking.config import Settings

DISPLAY_NAME_MAX = 200


class UnsafeMessage(ValueError):
    """A message that would go to anyone but its one intended recipient."""


def display_name(name: str | None) -> str:
    """``name`` fit for a header: no control characters, one line, single spaces, capped."""
    if not name:
        return ""
    visible = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in name)
    return " ".join(visible.split())[:DISPLAY_NAME_MAX]


def mailbox(name: str | None, email: str) -> Address:
    """One address header value: ``name`` is only ever a display name. Raises ValueError when
    ``email`` is not exactly one address."""
    return Address(display_name=display_name(name), addr_spec=email.strip())


def sender(settings: Settings, name: str | None = None) -> Address:
    """The configured From address, optionally under another display name (a workflow's)."""
    configured_name, address = parseaddr(settings.mail_from)
    return mailbox(name or configured_name, address)


def recipient_of(message: EmailMessage) -> str:
    """The one address ``message`` goes to; refuses any other shape (several, Cc, Bcc)."""

    def addresses(header: str) -> list[str]:
        return [str(a.addr_spec) for v in message.get_all(header, []) for a in v.addresses]

    to, copied = addresses("To"), addresses("Cc") + addresses("Bcc")
    if len(to) != 1 or copied:
        raise UnsafeMessage(f"an email goes to exactly one recipient, not {to + copied}")
    return to[0]


async def deliver(settings: Settings, message: EmailMessage) -> str:
    """Send ``message`` to its one recipient; returns where it went (SMTP host or the file)."""
    if message["From"] is None:
        message["From"] = sender(settings)
    recipient = recipient_of(message)
    if settings.smtp_host:
        await aiosmtplib.send(
            message,
            sender=message["From"].addresses[0].addr_spec,
            recipients=[recipient],
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            start_tls=settings.smtp_starttls,
            timeout=30,
        )
        return f"smtp://{settings.smtp_host}:{settings.smtp_port}"
    folder = Path(settings.data_dir) / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(8)}.eml"
    path.write_bytes(bytes(message))
    return str(path)
