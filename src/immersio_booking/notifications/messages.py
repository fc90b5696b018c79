"""Booking emails: one per recipient, in their language (English or French), with an invite.

One template per kind holds the English text (``{% trans %}``); French comes from the email
catalogue in ``locale/`` (see ``babel.cfg`` for how to list the texts to translate)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.support import NullTranslations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from immersio_booking.bookings import meeting_links
from immersio_booking.bookings.meeting_links import MeetingLink
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
    "Place",
    "Recipient",
    "compose",
    "language_of",
    "translations",
]


def translations(language: str) -> NullTranslations:
    """The email catalogue for ``language`` (booking emails and the default reminder)."""
    return i18n.translations(LOCALES, language)


KINDS = (
    "confirmed",
    "requested",
    "cancelled",
    "declined",
    "rescheduled",
    "refunded",
    "join_link",
    "guest_added",
    "reassigned",
    "location_changed",
)
# Kinds that tell how to join, so they come with an HTML part too (a "Join" button).
WITH_BUTTON = frozenset(
    {"confirmed", "rescheduled", "join_link", "guest_added", "reassigned", "location_changed"}
)
# Kinds that concern the student alone (the teacher has nothing to do).
STUDENT_ONLY = frozenset({"refunded"})


@lru_cache(maxsize=len(LANGUAGES))
def _environment(language: str) -> Environment:
    # Plain-text mail (.txt): nothing is interpreted as markup, so no escaping is needed or
    # wanted. The HTML part (.html) is escaped.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=select_autoescape(["html"], default_for_string=False),
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
class Place:
    """Where a session happens as a person reads it: a name (never an ``integrations:`` key)
    and the join link once there is one; ``link_coming``: a link is being made, not yet here."""

    name: str | None
    join_url: str | None
    link_coming: bool = False

    @classmethod
    def of(
        cls,
        location: str | None,
        link: MeetingLink | None,
        language: str,
        *,
        link_coming: bool = False,
    ) -> Place:
        return cls(
            meeting_links.place_name(location, link, language),
            link.url if link else None,
            link_coming and link is None,
        )


URL = re.compile(r"https?://[^\s<>\"']+")


def _segments(line: str) -> list[tuple[str, bool]]:
    """A line of the text part cut into (text, is_link) pieces."""
    pieces: list[tuple[str, bool]] = []
    at = 0
    for match in URL.finditer(line):
        pieces += [(line[at : match.start()], False), (match.group(0), True)]
        at = match.end()
    return [*pieces, (line[at:], False)]


def html_of(language: str, body: str, join_url: str | None) -> str:
    """The HTML part of a booking email: the text part's paragraphs with their links made
    clickable, and a "Join" button above the paragraph that gives the join link."""
    paragraphs = [
        {
            "lines": [_segments(line) for line in block.splitlines()],
            "gives_link": bool(join_url) and (join_url, True) in _segments(block),
        }
        for block in re.split(r"\n\s*\n", body.strip())
        if block.strip()
    ]
    return (
        _environment(language)
        .get_template("email.html")
        .render(language=language, paragraphs=paragraphs, join_url=join_url)
    )


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
    place: Place | None = None,
) -> EmailMessage:
    place = place or Place.of(booking.location, None, language_of(recipient.language))
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
        location=place.name,
        join_url=place.join_url,
        link_coming=place.link_coming,
        manage_url=None if recipient.is_host else manage_url,
        reason=reason,
        refund_amount=refund,
        late_payment=booking.cancellation_reason == "payment_expired",
    )
    subject, _, body = text.partition("\n")
    body = re.sub(r"\n{3,}", "\n\n", body)  # optional lines leave no gaps behind
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mailbox(recipient.name, recipient.email)
    message["Subject"] = subject.strip()
    message["Content-Language"] = language
    message.set_content(body.strip() + "\n")
    if kind in WITH_BUTTON:
        message.add_alternative(html_of(language, body, place.join_url), subtype="html")
    for method, ics in invites:
        message.add_attachment(
            ics,
            maintype="text",
            subtype="calendar",
            filename="invite.ics",
            params={"method": method},
        )
    return message
