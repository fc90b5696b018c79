"""Which booking a staff member may open in the dashboard: one of the chosen school's, and,
for a teacher, one of the sessions they host or co-host (``bookings.hosting``). Anything else
is "not found", as the API answers a stranger; the ``Actor`` is the API's own
(``bookings.access``), so every rule stays there."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.bookings import access
from immersio_booking.bookings.access import Actor
from immersio_booking.dashboard.access import StaffContext
from immersio_booking.kit import clock
from immersio_booking.kit.errors import DomainError, NotFound
from immersio_booking.models import Booking


def sees_all(staff: StaffContext) -> bool:
    """OWNER/ADMIN (and platform admins) see every booking of the school; a teacher their own."""
    return staff.is_school_admin


async def booking_of(
    session: AsyncSession, staff: StaffContext, uid: str, secret: str
) -> tuple[Booking, Actor]:
    missing = NotFound(f"Booking with uid={uid} was not found")
    booking = await global_lookups.booking_by_uid(session, uid[:64])
    if booking is None or booking.organization_id != staff.organization_id:
        raise missing
    try:
        actor = await access.actor_for(session, booking, staff.principal, None, secret, clock.now())
    except DomainError as refused:
        raise missing from refused
    return booking, actor
