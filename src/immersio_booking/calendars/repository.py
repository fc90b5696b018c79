"""Every query of the calendars package: a teacher's calendar credentials, the calendars they
selected, and the cached busy times with their cache state. Always in one tenant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import (
    CalendarBusyTime,
    CalendarCacheState,
    Credential,
    SelectedCalendar,
)


async def credentials_of_users(
    session: AsyncSession, organization_id: int, user_ids: Sequence[int], types: Sequence[str]
) -> list[Credential]:
    rows = await session.execute(
        select(Credential)
        .where(
            Credential.organization_id == organization_id,
            Credential.user_id.in_(user_ids),
            Credential.type.in_(types),
        )
        .order_by(Credential.id)
    )
    return list(rows.scalars())


async def credential_of_user(
    session: AsyncSession,
    organization_id: int,
    user_id: int,
    credential_id: int,
    types: Sequence[str],
    for_update: bool = False,
) -> Credential | None:
    """The user's own calendar credential; another user's (or tenant's) is not found."""
    statement = select(Credential).where(
        Credential.organization_id == organization_id,
        Credential.user_id == user_id,
        Credential.id == credential_id,
        Credential.type.in_(types),
    )
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def selected_of_users(
    session: AsyncSession, organization_id: int, user_ids: Sequence[int]
) -> list[SelectedCalendar]:
    rows = await session.execute(
        select(SelectedCalendar)
        .where(
            SelectedCalendar.organization_id == organization_id,
            SelectedCalendar.user_id.in_(user_ids),
        )
        .order_by(SelectedCalendar.id)
    )
    return list(rows.scalars())


async def selected_one(
    session: AsyncSession,
    organization_id: int,
    user_id: int,
    integration: str,
    external_id: str,
) -> SelectedCalendar | None:
    return (
        await session.execute(
            select(SelectedCalendar).where(
                SelectedCalendar.organization_id == organization_id,
                SelectedCalendar.user_id == user_id,
                SelectedCalendar.integration == integration,
                SelectedCalendar.external_id == external_id,
            )
        )
    ).scalar_one_or_none()


async def forget_busy(
    session: AsyncSession, organization_id: int, credential_id: int, external_id: str | None
) -> None:
    """Drop cached busy times of a credential (of one of its calendars when named)."""
    statement = delete(CalendarBusyTime).where(
        CalendarBusyTime.organization_id == organization_id,
        CalendarBusyTime.credential_id == credential_id,
    )
    if external_id is not None:
        statement = statement.where(CalendarBusyTime.external_id == external_id)
    await session.execute(statement)


async def cache_state(
    session: AsyncSession, organization_id: int, credential_id: int
) -> CalendarCacheState | None:
    return (
        await session.execute(
            select(CalendarCacheState).where(
                CalendarCacheState.organization_id == organization_id,
                CalendarCacheState.credential_id == credential_id,
            )
        )
    ).scalar_one_or_none()


async def cache_states(
    session: AsyncSession, organization_id: int, credential_ids: Sequence[int]
) -> dict[int, CalendarCacheState]:
    rows = await session.execute(
        select(CalendarCacheState).where(
            CalendarCacheState.organization_id == organization_id,
            CalendarCacheState.credential_id.in_(credential_ids),
        )
    )
    return {s.credential_id: s for s in rows.scalars()}


async def selected_of_credential(
    session: AsyncSession, organization_id: int, credential_id: int
) -> list[SelectedCalendar]:
    rows = await session.execute(
        select(SelectedCalendar)
        .where(
            SelectedCalendar.organization_id == organization_id,
            SelectedCalendar.credential_id == credential_id,
        )
        .order_by(SelectedCalendar.id)
    )
    return list(rows.scalars())


async def replace_busy(
    session: AsyncSession,
    organization_id: int,
    credential: Credential,
    periods: Sequence[tuple[str, datetime, datetime]],
) -> None:
    """The credential's cached busy times become ``periods`` (external id, start, end)."""
    await forget_busy(session, organization_id, credential.id, None)
    if periods:
        await session.execute(
            insert(CalendarBusyTime),
            [
                {
                    "organization_id": organization_id,
                    "user_id": credential.user_id,
                    "credential_id": credential.id,
                    "external_id": external_id,
                    "start_time": start,
                    "end_time": end,
                }
                for external_id, start, end in periods
            ],
        )


async def calendar_credential(
    session: AsyncSession, organization_id: int, credential_id: int, types: Sequence[str]
) -> Credential | None:
    """A teacher's calendar credential by id, in this tenant (jobs name it by id)."""
    return (
        await session.execute(
            select(Credential).where(
                Credential.organization_id == organization_id,
                Credential.id == credential_id,
                Credential.user_id.is_not(None),
                Credential.type.in_(types),
            )
        )
    ).scalar_one_or_none()
