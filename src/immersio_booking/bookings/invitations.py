"""Invite-only workshops: personal, signed, expiring invitation links, and the rule that only
their holders (or the school's staff) book.

An invitation is ``signing.sign`` over the workshop and the student's email (lower-cased) with
its expiry: nothing is stored, so a link cannot be widened to another workshop or another
student, and it lapses by itself (``IMMERSIO_INVITATION_VALIDITY_DAYS``). It stays valid for
several bookings of that student in that workshop (a cancelled place can be booked again).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from immersio_booking.kit import signing
from immersio_booking.kit.errors import Forbidden
from immersio_booking.models import EventType
from immersio_booking.models.metadata import EventTypeMetadata

INVITATION = "workshop-invitation"


def invite_only(et: EventType) -> bool:
    return EventTypeMetadata.model_validate(et.metadata_ or {}).registration_mode == "invite_only"


def _subject(et: EventType, email: str) -> str:
    return f"{et.id}:{email.strip().lower()}"


def token(secret: str, et: EventType, email: str, expires_at: datetime) -> str:
    return signing.sign(secret, INVITATION, _subject(et, email), expires_at)


def expiry(now: datetime, validity_days: int) -> datetime:
    return (now + timedelta(days=validity_days)).replace(microsecond=0)


def link(base_url: str, org_slug: str, et: EventType, email: str, signed: str) -> str:
    """The booking page of the workshop, carrying the invitation and the invited email."""
    query = urlencode({"invitation": signed, "email": email.strip().lower()})
    return f"{base_url}/{org_slug}/{et.slug}?{query}"


def valid(secret: str, et: EventType, email: str, signed: str | None, now: datetime) -> bool:
    if not secret or not signed:
        return False
    return signing.verify(secret, INVITATION, _subject(et, email), signed, now)


def ensure_invited(
    et: EventType,
    staff: bool,
    email: str,
    signed: str | None,
    secret: str,
    now: datetime,
) -> None:
    """An invite-only workshop is booked by its staff, or with a valid invitation for this
    workshop and this attendee email; anyone else gets 403 ``invitation_required``."""
    if not invite_only(et) or staff or valid(secret, et, email, signed, now):
        return
    raise Forbidden(
        "This workshop is open by invitation only. Book from the personal link in the"
        " invitation email the school sent you, with the email address it was sent to"
        " (invitations expire; ask the school for a new one if yours has).",
        reason="invitation_required",
    )


def ensure_may_hold(et: EventType, staff: bool) -> None:
    """A hold names no student, so no invitation can vouch for it: an invite-only workshop's
    seats are held by its staff only (invited students book directly)."""
    if invite_only(et) and not staff:
        raise Forbidden(
            "This workshop is open by invitation only; its seats cannot be held anonymously."
            " Book from the personal link in your invitation email.",
            reason="invitation_required",
        )
