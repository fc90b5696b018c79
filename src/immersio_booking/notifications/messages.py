"""Booking emails: one per recipient, in their language (English or French), with an invite.

Each kind has one template (``templates/<kind>.j2``, see ``rendering``) that gives both the
HTML and the text part. The session's time reads the same everywhere (subject, both parts,
reminders): ``kit.when.span`` in the recipient's zone and locale."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from immersio_booking.bookings import meeting_links
from immersio_booking.bookings.meeting_links import MeetingLink
from immersio_booking.config import Settings
from immersio_booking.kit import i18n, when
from immersio_booking.kit.i18n import LANGUAGES
from immersio_booking.models import Booking
from immersio_booking.notifications.mailer import mailbox
from immersio_booking.notifications.rendering import as_message, render, translations
from immersio_booking.notifications.schools import School

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
# Kinds that concern the student alone (the teacher has nothing to do).
STUDENT_ONLY = frozenset({"refunded"})


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


@dataclass(frozen=True)
class Recipient:
    """``language``: the person's locale tag as stored (``fr-CA``, ``en-GB``): it picks the
    language and the clock (12 or 24 hours) of what they read."""

    name: str
    email: str
    time_zone: str
    language: str | None
    is_host: bool


def language_of(locale: str | None) -> str:
    return i18n.supported_language(locale)


def compose(
    kind: str,
    booking: Booking,
    *,
    title: str,
    host: tuple[str, str],
    student_name: str,
    recipient: Recipient,
    manage_url: str | None,
    reason: str | None,
    refund: str | None,
    school: School,
    settings: Settings,
    invites: Sequence[tuple[str, bytes]] = (),
    place: Place | None = None,
) -> EmailMessage:
    """Email ``kind`` about ``booking`` to ``recipient``; ``host``: the teacher's (name,
    email), who gets the student's replies when the school has no contact address;
    ``invites``: (METHOD, .ics) to attach."""
    language = language_of(recipient.language)
    place = place or Place.of(booking.location, None, language)
    host_name, host_email = host
    rendered = render(
        kind,
        language,
        school=school.name,
        accent=school.accent,
        title=title,
        host_name=host_name,
        student_name=student_name,
        recipient_name=recipient.name,
        to_host=recipient.is_host,
        when=when.span(
            booking.start_time, booking.end_time, recipient.time_zone, recipient.language
        ),
        location=place.name,
        join_url=place.join_url,
        link_coming=place.link_coming,
        # The manage link is the student's key to their booking: only the student gets it.
        manage_url=None if recipient.is_host else manage_url,
        reason=reason,
        refund_amount=refund,
        late_payment=booking.cancellation_reason == "payment_expired",
    )
    return as_message(
        rendered,
        sender=school.sender(settings),
        to=mailbox(recipient.name, recipient.email),
        reply_to=school.contact if recipient.is_host else school.reply_to(host_name, host_email),
        language=language,
        invites=invites,
    )
