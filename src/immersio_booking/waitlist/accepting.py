"""Accepting an offer: the student's one-click link books the seat held for them.

The link is ``signing.sign`` over the entry's uid, valid until the session starts: it grants
taking this one offer, nothing else. Accepting books through ``bookings.service.book`` with
the offer's ``reservationUid``, so the booking consumes the held seat (and counts, emails,
webhooks and payments are the booking flow's own). A free workshop's seat is booked at once;
a priced one's is held until paid, and the student goes on to its payment page.

An offer that ran out (or was taken, or left) books nothing: ``Accepted.outcome`` says why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import service as bookings
from immersio_booking.bookings.schemas import AttendeeIn, BookingCreate
from immersio_booking.config import Settings
from immersio_booking.kit import signing
from immersio_booking.models import Booking
from immersio_booking.models.waitlist import WaitlistEntry, WaitlistStatus

ACCEPT = "waitlist-accept"
Outcome = Literal["booked", "expired", "gone"]


@dataclass(frozen=True)
class Accepted:
    outcome: Outcome
    booking: Booking | None = None
    payment_uid: str | None = None  # a priced seat held until paid: its payment page


def accept_token(secret: str, entry: WaitlistEntry) -> str:
    """Signed until the session starts (like the leave link): a run-out offer's link still
    proves who asks, and ``accept`` answers that the offer ran out."""
    return signing.sign(secret, ACCEPT, entry.uid, entry.start_time)


def accept_link(base_url: str, secret: str, entry: WaitlistEntry, language: str) -> str:
    query = urlencode({"token": accept_token(secret, entry), "lang": language})
    return f"{base_url}/waitlist/{entry.uid}/accept?{query}"


def may_accept(secret: str, entry: WaitlistEntry, token: str | None, now: datetime) -> bool:
    return bool(secret and token) and signing.verify(secret, ACCEPT, entry.uid, token or "", now)


async def locked(session: AsyncSession, entry: WaitlistEntry) -> WaitlistEntry:
    return (
        await session.execute(
            select(WaitlistEntry)
            .where(
                WaitlistEntry.organization_id == entry.organization_id,
                WaitlistEntry.id == entry.id,
            )
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one()


async def accept(
    session: AsyncSession, entry: WaitlistEntry, settings: Settings, now: datetime
) -> Accepted:
    """Book the seat offered to ``entry`` (the caller checked the token)."""
    entry = await locked(session, entry)
    if entry.status == WaitlistStatus.EXPIRED or (
        entry.status == WaitlistStatus.OFFERED
        and entry.offer_expires_at is not None
        and entry.offer_expires_at <= now
    ):
        return Accepted("expired")
    if entry.status != WaitlistStatus.OFFERED:
        return Accepted("gone")
    body = BookingCreate(
        start=entry.start_time,
        event_type_id=entry.event_type_id,
        attendee=AttendeeIn(
            name=entry.name,
            email=entry.email,
            time_zone=entry.time_zone,
            language=entry.language or "en",
        ),
        reservation_uid=entry.reservation_uid,
    )
    made = await bookings.book(session, None, body, now, settings)
    booking = made.bookings[0]
    payment = made.payments.get(booking.uid)
    # The Booked listener (waitlist.listeners) marked the entry BOOKED.
    return Accepted("booked", booking, payment.uid if payment else None)
