"""Text messages (SMS and WhatsApp) behind one interface.

No provider is wired in yet: the default one writes each message to the log, so workflows with
SMS or WhatsApp steps can be set up and tested end to end. A real provider (Twilio, ...)
implements ``TextSender`` and is chosen by ``IMMERSIO_SMS_PROVIDER``.
"""

from __future__ import annotations

from typing import Literal, Protocol

import structlog

from immersio_booking.config import Settings
from immersio_booking.kit import redact

Channel = Literal["sms", "whatsapp"]


class TextSender(Protocol):
    async def send(self, channel: Channel, to: str, body: str, sender: str | None) -> str:
        """Send ``body`` to the number ``to``; returns the provider's reference."""
        ...


class LoggingTextSender:
    """Writes the message to the log instead of sending it; logs are read by more people than
    the student, so the number keeps its last two digits and links lose their tokens."""

    async def send(self, channel: Channel, to: str, body: str, sender: str | None) -> str:
        # A logger per call: it follows the logging set-up in force (tests capture it).
        structlog.get_logger(__name__).info(
            "text_message",
            channel=channel,
            to=redact.phone(to),
            sender=sender,
            body=redact.text(body),
        )
        return f"logged:{channel}:{redact.phone(to)}"


def text_sender(settings: Settings) -> TextSender:
    providers: dict[str, TextSender] = {"log": LoggingTextSender()}
    return providers[settings.sms_provider]
