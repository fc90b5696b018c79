"""Who is acting on a booking: its attendee (signed manage token), a host, or an admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.auth.principal import Principal
from immersio_booking.bookings import hosting, repository
from immersio_booking.kit import signing
from immersio_booking.kit.errors import Forbidden, NotFound, Unauthorized
from immersio_booking.models import Booking

MANAGE = "booking-manage"


@dataclass(frozen=True)
class Actor:
    kind: Literal["attendee", "host", "admin"]
    user_id: int | None
    email: str

    @property
    def is_staff(self) -> bool:
        return self.kind != "attendee"

    @property
    def is_admin(self) -> bool:
        """An OWNER/ADMIN of the booking's organization or of its workshop's team."""
        return self.kind == "admin"


def manage_token(secret: str, booking: Booking) -> str:
    """Unguessable, per booking, valid until the event ends; grants this booking only."""
    return signing.sign(secret, MANAGE, booking.uid, booking.end_time)


async def _attendee_email(session: AsyncSession, booking: Booking) -> str:
    people = (await repository.attendees_of(session, booking.organization_id, [booking.id])).get(
        booking.id, []
    )
    return people[0].email if people else ""


async def _standing(
    session: AsyncSession, booking: Booking, principal: Principal
) -> tuple[bool, bool]:
    """Whether ``principal`` administers and whether they host ``booking`` (``hosting``)."""
    org_id = booking.organization_id
    row = await session.execute(
        select(
            hosting.administered_by(principal, org_id), hosting.hosted_by(org_id, principal.user_id)
        ).where(Booking.id == booking.id, Booking.organization_id == org_id)
    )
    found = row.one_or_none()
    return (bool(found[0]), bool(found[1])) if found is not None else (False, False)


async def actor_for(
    session: AsyncSession,
    booking: Booking,
    principal: Principal | None,
    token: str | None,
    secret: str,
    now: datetime,
) -> Actor:
    if principal is not None:
        org_id = booking.organization_id
        if principal.is_org_admin(org_id):
            return Actor("admin", principal.user_id, principal.email)
        # Host powers (cancel with refund, reschedule...) last only as long as the membership.
        # The assigned host acts as its host even when also a team admin (``hosting``'s first
        # case, read from the row already loaded).
        if principal.user_id == booking.user_id and principal.can_see_organization(org_id):
            return Actor("host", principal.user_id, principal.email)
        if principal.can_see_organization(org_id):
            administers, hosts = await _standing(session, booking, principal)
            if administers:
                return Actor("admin", principal.user_id, principal.email)
            if hosts:
                return Actor("host", principal.user_id, principal.email)
            raise Forbidden("This booking is not yours", reason="not_your_booking")
    if token is not None:
        if signing.verify(secret, MANAGE, booking.uid, token, now):
            return Actor("attendee", None, await _attendee_email(session, booking))
        raise NotFound(f"Booking with uid={booking.uid} was not found")
    if principal is None:
        raise Unauthorized(
            "Send an API key, or the booking's manage token (?token=...)", reason="missing_api_key"
        )
    raise NotFound(f"Booking with uid={booking.uid} was not found")


async def booking_for(
    session: AsyncSession,
    uid: str,
    principal: Principal | None,
    token: str | None,
    secret: str,
    now: datetime,
) -> tuple[Booking, Actor]:
    booking = await global_lookups.booking_by_uid(session, uid)
    if booking is None:
        raise NotFound(f"Booking with uid={uid} was not found")
    return booking, await actor_for(session, booking, principal, token, secret, now)
