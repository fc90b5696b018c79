"""Where a teacher's sessions are written: the destination calendar.

A teacher names one (``PUT /v2/destination-calendars``), chosen among the calendars of their
own connected credentials; a workshop may have its own (a ``destination_calendars`` row with
``event_type_id``). Without either, the first writable calendar of the teacher's first valid
writable credential (the primary one when the kind says which) is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.calendars import kinds, repository
from immersio_booking.calendars.source import CalendarUnavailable, WritableCalendar
from immersio_booking.config import Settings
from immersio_booking.kit.errors import BadRequest, DomainError, NotFound
from immersio_booking.models import Credential, DestinationCalendar


class CalendarNotFound(NotFound):
    reason = "calendar_not_found"


class CalendarReadOnly(BadRequest):
    reason = "calendar_read_only"


class CalendarNotAnswering(DomainError):
    status_code = 502
    reason = "calendar_unavailable"


@dataclass(frozen=True)
class Destination:
    credential: Credential
    external_id: str


class _Listed(Protocol):
    @property
    def primary(self) -> bool | None: ...

    @property
    def read_only(self) -> bool: ...


C = TypeVar("C", bound=_Listed)


def writable_types() -> list[str]:
    """The registered calendar kinds sessions can be written to (all but ICS feeds)."""
    return [t for t in kinds.registered() if hasattr(kinds.source_for(t), "write")]


def writer_for(credential_type: str) -> WritableCalendar:
    """The registered kind that writes events for ``credential_type`` (called within
    ``kinds.using``); 400 ``calendar_read_only`` for a kind that is only read."""
    source = kinds.source_for(credential_type)
    if not hasattr(source, "write"):
        raise CalendarReadOnly(f"{credential_type} calendars cannot be written to")
    return cast(WritableCalendar, source)


async def writable_credentials(
    session: AsyncSession, organization_id: int, user_id: int, integration: str | None = None
) -> list[Credential]:
    """The teacher's own valid credentials of kinds that can be written to, oldest first."""
    types = [integration] if integration else writable_types()
    found = await repository.credentials_of_users(session, organization_id, [user_id], types)
    return [credential for credential in found if not credential.invalid]


async def stored_destination(
    session: AsyncSession, organization_id: int, *, user_id: int | None, event_type_id: int | None
) -> DestinationCalendar | None:
    """The workshop's own destination if it has one, else the teacher's."""
    for column, value in (
        (DestinationCalendar.event_type_id, event_type_id),
        (DestinationCalendar.user_id, user_id),
    ):
        if value is None:
            continue
        found = (
            await session.execute(
                select(DestinationCalendar).where(
                    DestinationCalendar.organization_id == organization_id, column == value
                )
            )
        ).scalar_one_or_none()
        if found is not None:
            return found
    return None


def default_calendar(listed: Sequence[C]) -> C | None:
    """The calendar sessions go to when none was chosen: the primary writable one, else the
    first writable one."""
    writable = [c for c in listed if not c.read_only]
    return next((c for c in writable if c.primary), writable[0] if writable else None)


async def destination_for(
    session: AsyncSession,
    organization_id: int,
    *,
    user_id: int,
    event_type_id: int | None,
    settings: Settings,
) -> Destination | None:
    """Where the session of ``user_id`` (and the workshop) is written, or ``None`` when the
    teacher has no calendar that can be written to. May ask a calendar for its list."""
    stored = await stored_destination(
        session, organization_id, user_id=user_id, event_type_id=event_type_id
    )
    if stored is not None and stored.credential_id is not None:
        credential = await session.get(Credential, stored.credential_id)
        if (
            credential is not None
            and credential.organization_id == organization_id
            and not credential.invalid
        ):
            return Destination(credential, stored.external_id)
    for credential in await writable_credentials(session, organization_id, user_id):
        try:
            with kinds.using(settings):
                listed = await writer_for(credential.type).calendars(credential)
        except CalendarUnavailable as exc:
            if not exc.refused:
                raise
            credential.invalid = True  # refused: the teacher must connect it again
            continue
        chosen = default_calendar(listed)
        if chosen is not None:
            return Destination(credential, chosen.external_id)
    return None


async def choose(
    session: AsyncSession,
    organization_id: int,
    user_id: int,
    integration: str,
    external_id: str,
    settings: Settings,
) -> DestinationCalendar:
    """Make ``external_id`` the teacher's destination: it must be a writable calendar of one
    of the teacher's own ``integration`` credentials (404 ``calendar_not_found`` otherwise:
    another teacher's calendar is not found)."""
    for credential in await writable_credentials(session, organization_id, user_id, integration):
        try:
            with kinds.using(settings):
                listed = await writer_for(credential.type).calendars(credential)
        except CalendarUnavailable as exc:
            raise CalendarNotAnswering(
                f"The {integration} calendar did not answer; try again later"
            ) from exc
        match = next((c for c in listed if c.external_id == external_id), None)
        if match is None:
            continue
        if match.read_only:
            raise CalendarReadOnly(f"The calendar {external_id} cannot be written to")
        row = await stored_destination(
            session, organization_id, user_id=user_id, event_type_id=None
        )
        if row is None:
            row = DestinationCalendar(organization_id=organization_id, user_id=user_id)
            session.add(row)
        row.integration = integration
        row.external_id = external_id
        row.credential_id = credential.id
        await session.flush()
        return row
    raise CalendarNotFound(
        f"No {integration} calendar {external_id!r} among your connected calendars"
    )
