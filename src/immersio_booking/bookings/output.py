"""Booking rows → Cal.com's BookingOutput (batched: a fixed number of queries per page)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import access, meeting_links, repository
from immersio_booking.bookings.schemas import (
    AttendeeOut,
    BookingOut,
    EventTypeRef,
    HostOut,
    PaymentOut,
)
from immersio_booking.config import Settings
from immersio_booking.models import Attendee, Booking, BookingStatus, EventType, User


def _host(user: User | None) -> HostOut:
    if user is None:
        return HostOut(
            id=0,
            name="unknown",
            email="unknown",
            display_email="unknown",
            username="unknown",
            time_zone="unknown",
        )
    return HostOut(
        id=user.id,
        name=user.name or user.email,
        email=user.email,
        display_email=user.email,
        username=user.username or "unknown",
        time_zone=user.time_zone,
    )


def _attendee(attendee: Attendee, seat_uid: str | None) -> AttendeeOut:
    return AttendeeOut(
        name=attendee.name,
        email=attendee.email,
        display_email=attendee.email,
        time_zone=attendee.time_zone,
        language=attendee.locale,
        absent=attendee.no_show,
        phone_number=None,
        seat_uid=seat_uid,
    )


async def render(
    session: AsyncSession,
    bookings: Sequence[Booking],
    manage_urls: dict[str, str] | None = None,
    payments: dict[str, PaymentOut] | None = None,
    made: dict[int, list[Attendee]] | None = None,
) -> list[BookingOut]:
    """``made``: the attendees of bookings written in this transaction, by booking id. Those
    are not read back, and nothing was moved from them yet."""
    # Bookings of one organization in practice (a listing, a series); grouped anyway, so each
    # query names its tenant.
    by_tenant: dict[int, list[Booking]] = {}
    for booking in bookings:
        by_tenant.setdefault(booking.organization_id, []).append(booking)
    attendees: dict[int, list[Attendee]] = {}
    moved_to: dict[int, str] = {}
    moved_from: dict[int, str] = {}
    links: dict[int, meeting_links.MeetingLink] = {}
    made = made or {}
    attendees |= made
    for organization_id, of_tenant in by_tenant.items():
        tenant_ids = [b.id for b in of_tenant]
        older = [i for i in tenant_ids if i not in made]
        attendees |= await repository.attendees_of(session, organization_id, older)
        # A booking made now has only the links written now (no query for those).
        made_now = meeting_links.links_made_now(session, [i for i in tenant_ids if i in made])
        links |= made_now or {}
        asked = older if made_now is not None else tenant_ids
        links |= await meeting_links.links_of(session, organization_id, asked)
        moved_to |= await repository.rescheduled_to(session, organization_id, older)
        moved_from |= await repository.uids_of(
            session,
            organization_id,
            sorted({b.from_reschedule for b in of_tenant if b.from_reschedule}),
        )
    # Usually already in the session's identity map (no query then).
    hosts = {
        i: u
        for i in {b.user_id for b in bookings if b.user_id}
        if (u := await session.get(User, i)) is not None
    }
    types = {
        i: e
        for i in {b.event_type_id for b in bookings if b.event_type_id}
        if (e := await session.get(EventType, i)) is not None
    }
    out = []
    for booking in bookings:
        et = types.get(booking.event_type_id or 0)
        seated = bool(et and et.seats_per_time_slot)
        people = attendees.get(booking.id, [])
        # The first attendee is the booker (the seat's holder); the rest are guests.
        booker, guests = (people[0], people[1:]) if people else (None, [])
        responses = booking.responses or {}
        location = meeting_links.api_location(booking.location, links.get(booking.id))
        out.append(
            BookingOut(
                id=booking.id,
                uid=booking.uid,
                title=booking.title,
                description=booking.description,
                hosts=[_host(hosts.get(booking.user_id or 0))],
                status=booking.status,
                cancellation_reason=booking.cancellation_reason,
                cancelled_by_email=booking.cancelled_by_email,
                rejection_reason=booking.rejection_reason,
                rescheduling_reason=booking.rescheduling_reason,
                rescheduled_from_uid=moved_from.get(booking.from_reschedule or 0),
                rescheduled_to_uid=moved_to.get(booking.id),
                start=booking.start_time,
                end=booking.end_time,
                duration=int((booking.end_time - booking.start_time).total_seconds() // 60),
                event_type_id=booking.event_type_id,
                event_type=EventTypeRef(id=et.id, slug=et.slug) if et else None,
                meeting_url=location,
                location=location,
                absent_host=booking.no_show_host,
                created_at=booking.created_at,
                updated_at=booking.updated_at,
                metadata=booking.metadata_ or {},
                ics_uid=f"{booking.uid}@immersio-booking",
                attendees=[
                    _attendee(a, booking.uid if seated and a is booker else None)
                    for a in people
                    if a is booker or not seated
                ]
                if booker
                else [],
                guests=[g.email for g in guests] or None,
                booking_fields_responses=None if seated else responses,
                seat_uid=booking.uid if seated else None,
                recurring_booking_uid=booking.recurring_event_id,
                paid=booking.paid,
                hold_expires_at=booking.hold_expires_at
                if booking.status == BookingStatus.PENDING
                else None,
                manage_url=(manage_urls or {}).get(booking.uid),
                payment=(payments or {}).get(booking.uid),
            )
        )
    return out


async def as_json(
    session: AsyncSession,
    settings: Settings,
    bookings: Sequence[Booking],
    with_manage: bool = False,
    payments: dict[str, PaymentOut] | None = None,
    made: dict[int, list[Attendee]] | None = None,
) -> list[dict[str, Any]]:
    """The bookings as the API answers them; ``with_manage`` adds each student's manage link
    (only in the reply to the student who booked or moved); ``made`` as in ``render``."""
    links = {}
    if with_manage:
        secret = settings.resolved_secret_key()
        for b in bookings:
            token = access.manage_token(secret, b)
            links[b.uid] = f"{settings.public_base_url}/booking/{b.uid}/manage?token={token}"
    rendered = await render(session, bookings, links, payments, made)
    return [b.model_dump(mode="json", by_alias=True) for b in rendered]


def envelope(items: list[dict[str, Any]], many: bool) -> dict[str, Any]:
    return {"status": "success", "data": items if many else items[0]}
