"""Which of a school's bookings a member acts on as staff, as SQL conditions: the one rule the
API's access check (``access.actor_for``), the booking listings and the dashboard's "Today"
all read, so what a teacher may open is exactly what they are shown.

A member hosts a booking assigned to them (``Booking.user_id``) and every booking of a
collective team workshop they are a host of (``EventTypeHost``: every co-host teaches every
session). A round robin gives each session to one host: the others do not host it, as in
Cal.com, so a teacher never reaches a colleague's session through a shared workshop. Members
administer the bookings of the workshops of the teams they are an OWNER/ADMIN of."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select

from immersio_booking.auth.principal import ADMIN_ROLES, Principal
from immersio_booking.models import Booking, EventType, EventTypeHost


def hosted_by(organization_id: int, user_id: int) -> ColumnElement[bool]:
    """The bookings ``user_id`` hosts, assigned to them or co-hosted (collective)."""
    collective = (
        select(EventTypeHost.event_type_id)
        .join(EventType, EventType.id == EventTypeHost.event_type_id)
        .where(
            EventTypeHost.organization_id == organization_id,
            EventTypeHost.user_id == user_id,
            EventType.organization_id == organization_id,
            EventType.team_id.is_not(None),
            EventType.scheduling_type == "COLLECTIVE",
        )
    )
    return or_(Booking.user_id == user_id, Booking.event_type_id.in_(collective))


def administered_by(principal: Principal, organization_id: int) -> ColumnElement[bool]:
    """The bookings of the workshops of the teams ``principal`` is an OWNER/ADMIN of."""
    teams = sorted(team for team, role in principal.roles.items() if role in ADMIN_ROLES)
    if not teams:
        return false()
    return Booking.event_type_id.in_(
        select(EventType.id).where(
            EventType.organization_id == organization_id, EventType.team_id.in_(teams)
        )
    )


def staffed_by(principal: Principal, organization_id: int) -> ColumnElement[bool]:
    """Every booking a member (not an organization admin) may act on as staff."""
    return or_(
        hosted_by(organization_id, principal.user_id), administered_by(principal, organization_id)
    )
