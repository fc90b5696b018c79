"""What the booking path's calendar steps need about a workshop's hosts, read before the
booking's locks (``bookings.events.Coming``) in one statement: which hosts have selected
calendars (the live busy check asks nothing of the others) and whether a session event could
be written (a host's writable calendar, the workshop's own destination). Most schools connect
no calendar: under the locks their bookings then ask the database nothing about calendars."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.calendars import destination
from immersio_booking.db.session import Remembered
from immersio_booking.models import Credential, DestinationCalendar, SelectedCalendar


@dataclass(frozen=True)
class Facts:
    event_type_id: int
    hosts: frozenset[int]  # the hosts these facts are about
    reading: frozenset[int]  # of them, those with selected calendars
    writing: frozenset[int]  # of them, those with a calendar sessions can be written to
    destination: bool  # the workshop writes its sessions to a calendar of its own

    def covers(self, host_ids: Sequence[int]) -> bool:
        return self.hosts.issuperset(host_ids)


_FACTS: Remembered[Facts] = Remembered("calendars.ahead")


def ask(organization_id: int, event_type_id: int, host_ids: Sequence[int]) -> ColumnElement[Any]:
    """The facts as one JSON value ``[reading hosts, writing hosts, own destination]``, read
    with the other packages' (``bookings.events.prepare``)."""
    reading = (
        select(func.array_agg(distinct(SelectedCalendar.user_id)))
        .where(
            SelectedCalendar.organization_id == organization_id,
            SelectedCalendar.user_id.in_(host_ids),
        )
        .scalar_subquery()
    )
    writing = (
        select(func.array_agg(distinct(Credential.user_id)))
        .where(
            Credential.organization_id == organization_id,
            Credential.user_id.in_(host_ids),
            Credential.type.in_(destination.writable_types()),
        )
        .scalar_subquery()
    )
    own = (
        select(DestinationCalendar.id)
        .where(
            DestinationCalendar.organization_id == organization_id,
            DestinationCalendar.event_type_id == event_type_id,
        )
        .exists()
    )
    return func.json_build_array(reading, writing, own)


def keep(
    session: AsyncSession,
    organization_id: int,
    event_type_id: int,
    host_ids: Sequence[int],
    value: list[Any],
) -> None:
    reading, writing, own = value
    _FACTS.put(
        session,
        organization_id,
        Facts(
            event_type_id,
            frozenset(host_ids),
            frozenset(reading or ()),
            frozenset(writing or ()),
            bool(own),
        ),
    )


def facts(session: AsyncSession, organization_id: int) -> Facts | None:
    """The facts read ahead in this transaction about the school's workshop, if any."""
    return _FACTS.get(session, organization_id)
