"""Sending mail: SMTP when configured, else ``.eml`` files under ``<data dir>/mail``."""

from __future__ import annotations

import secrets
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib

from immersio_booking.config import Settings


async def deliver(settings: Settings, message: EmailMessage) -> str:
    """Send ``message``; returns where it went (SMTP host or the file written)."""
    if message["From"] is None:
        message["From"] = settings.mail_from
    if settings.smtp_host:
        await aiosmtplib.send(
            message,
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
