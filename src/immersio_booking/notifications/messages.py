"""Booking emails: one per recipient, in their language (English or French), with an invite.

One template per kind holds the English text (``{% trans %}``); French comes from the email
catalogue in ``locale/`` (see ``babel.cfg`` for how to list the texts to translate)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.support import NullTranslations
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from immersio_booking.kit import i18n
from immersio_booking.kit.i18n import LANGUAGES
from immersio_booking.models import Booking
from immersio_booking.notifications.mailer import mailbox

TEMPLATES = Path(__file__).parent / "templates"
LOCALES = Path(__file__).parent / "locale"
__all__ = [
    "KINDS",
    "LANGUAGES",
    "STUDENT_ONLY",
    "Recipient",
    "compose",
    "language_of",
    "translations",
]


def translations(language: str) -> NullTranslations:
    """The email catalogue for ``language`` (booking emails and the default reminder)."""
    return i18n.translations(LOCALES, language)


KINDS = ("confirmed", "requested", "cancelled", "declined", "rescheduled", "refunded")
# Kinds that concern the student alone (the teacher has nothing to do).
STUDENT_ONLY = frozenset({"refunded"})


@lru_cache(maxsize=len(LANGUAGES))
def _environment(language: str) -> Environment:
    # Plain-text mail: nothing is interpreted as markup, so no escaping is needed or wanted.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]
        translations(language), newstyle=True
    )
    return env


def render(language: str, name: str, **values: object) -> tuple[str, str]:
    """Template ``name`` in ``language``: (subject, body), the subject being its first line."""
    text = _environment(language).get_template(name).render(**values)
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    time_zone: str
    language: str | None
    is_host: bool


def language_of(locale: str | None) -> str:
    return i18n.supported_language(locale)


def _when(moment: datetime, zone: str, language: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    if language == "fr":
        return local.strftime("%d/%m/%Y %H:%M")
    return local.strftime("%a %d %b %Y, %H:%M")


def render_text(template: str, language: str, **context: object) -> tuple[str, str]:
    """A plain-text email template in ``language``: its first line is the subject."""
    text = _environment(language_of(language)).get_template(template).render(**context)
    subject, _, body = text.partition("\n")
    return subject.strip(), body.strip() + "\n"


def compose(
    kind: str,
    booking: Booking,
    *,
    title: str,
    host_name: str,
    student_name: str,
    recipient: Recipient,
    manage_url: str | None,
    reason: str | None,
    refund: str | None,
    invites: list[tuple[str, bytes]],
    sender: Address,
) -> EmailMessage:
    language = language_of(recipient.language)
    template = _environment(language).get_template(f"{kind}.txt")
    text = template.render(
        title=title,
        host_name=host_name,
        student_name=student_name,
        recipient_name=recipient.name,
        to_host=recipient.is_host,
        when=_when(booking.start_time, recipient.time_zone, language),
        zone=recipient.time_zone,
        location=booking.location,
        manage_url=None if recipient.is_host else manage_url,
        reason=reason,
        refund_amount=refund,
        late_payment=booking.cancellation_reason == "payment_expired",
    )
    subject, _, body = text.partition("\n")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mailbox(recipient.name, recipient.email)
    message["Subject"] = subject.strip()
    message["Content-Language"] = language
    message.set_content(body.strip() + "\n")
    for method, ics in invites:
        message.add_attachment(
            ics,
            maintype="text",
            subtype="calendar",
            filename="invite.ics",
            params={"method": method},
        )
    return message
