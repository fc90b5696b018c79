"""Wire shapes of ``/v2/waitlist`` (camelCase, like the rest of the API)."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, EmailStr, Field

from immersio_booking.bookings.schemas import Language
from immersio_booking.kit.pagination import Pagination
from immersio_booking.kit.schemas import ApiModel, Envelope
from immersio_booking.kit.validation import PersonName, TimeZoneName
from immersio_booking.models.waitlist import WaitlistStatus


class WaitlistAttendeeIn(ApiModel):
    name: PersonName
    email: EmailStr
    time_zone: TimeZoneName
    language: Language = "en"


class WaitlistJoin(ApiModel):
    """Join the line of one full session: the workshop and the session's start."""

    event_type_id: int = Field(ge=1, le=2**63 - 1)
    start: AwareDatetime
    attendee: WaitlistAttendeeIn
    # An invite-only workshop's line is joined with the student's invitation, as booking is.
    invitation_token: str | None = Field(default=None, max_length=200)
    # A workshop that verifies its bookers' email (requiresBookerEmailVerification) asks the
    # same code of those who join its waitlist (``bookings.verification``).
    email_verification_code: str | None = Field(default=None, max_length=16)


class WaitlistJoined(ApiModel):
    """What the student learns: their entry, and their place in line (1 is next)."""

    uid: str
    event_type_id: int
    start: datetime
    position: int
    status: WaitlistStatus


class WaitlistEntryOut(WaitlistJoined):
    """An entry as the school's staff see it. ``position`` is 0 once the entry is out of line."""

    name: str
    email: str
    time_zone: str
    language: str | None
    created_at: datetime
    offered_at: datetime | None
    offer_expires_at: datetime | None
    booking_uid: str | None
    ended_at: datetime | None


class WaitlistSessionOut(ApiModel):
    """The line of one session of a workshop."""

    start: datetime
    waiting_count: int
    entries: list[WaitlistEntryOut]


class WaitlistPage(Envelope[list[WaitlistEntryOut]]):
    pagination: Pagination


class WaitlistSessionsPage(Envelope[list[WaitlistSessionOut]]):
    pagination: Pagination
