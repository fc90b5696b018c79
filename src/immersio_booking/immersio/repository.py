"""Every query of the Immersio integration; each filtered by the tenant."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import (
    EventType,
    ImmersioCourseMapping,
    ImmersioIntegration,
    ImmersioSyncLog,
    Membership,
    SyncLogStatus,
    User,
)


async def integration(
    session: AsyncSession, organization_id: int, *, for_update: bool = False
) -> ImmersioIntegration | None:
    statement = select(ImmersioIntegration).where(ImmersioIntegration.tenant_id == organization_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def mappings(session: AsyncSession, organization_id: int) -> list[ImmersioCourseMapping]:
    rows = await session.execute(
        select(ImmersioCourseMapping)
        .where(ImmersioCourseMapping.tenant_id == organization_id)
        .order_by(ImmersioCourseMapping.id)
    )
    return list(rows.scalars())


async def mapping(
    session: AsyncSession, organization_id: int, mapping_id: int
) -> ImmersioCourseMapping | None:
    return (
        await session.execute(
            select(ImmersioCourseMapping).where(
                ImmersioCourseMapping.tenant_id == organization_id,
                ImmersioCourseMapping.id == mapping_id,
            )
        )
    ).scalar_one_or_none()


async def mappings_of_course(
    session: AsyncSession, organization_id: int, course_id: str
) -> list[ImmersioCourseMapping]:
    rows = await session.execute(
        select(ImmersioCourseMapping).where(
            ImmersioCourseMapping.tenant_id == organization_id,
            ImmersioCourseMapping.immersio_course_id == course_id,
        )
    )
    return list(rows.scalars())


async def workshop(
    session: AsyncSession, organization_id: int, event_type_id: int
) -> EventType | None:
    return (
        await session.execute(
            select(EventType).where(
                EventType.organization_id == organization_id, EventType.id == event_type_id
            )
        )
    ).scalar_one_or_none()


async def sync_logs(
    session: AsyncSession, organization_id: int, take: int, skip: int
) -> tuple[list[ImmersioSyncLog], int]:
    where = ImmersioSyncLog.tenant_id == organization_id
    total = (await session.execute(select(func.count()).where(where))).scalar_one()
    rows = await session.execute(
        select(ImmersioSyncLog)
        .where(where)
        .order_by(ImmersioSyncLog.started_at.desc(), ImmersioSyncLog.id.desc())
        .limit(take)
        .offset(skip)
    )
    return list(rows.scalars()), total


async def running_logs(session: AsyncSession, organization_id: int) -> list[ImmersioSyncLog]:
    rows = await session.execute(
        select(ImmersioSyncLog)
        .where(
            ImmersioSyncLog.tenant_id == organization_id,
            ImmersioSyncLog.status == SyncLogStatus.RUNNING,
        )
        .order_by(ImmersioSyncLog.id)
    )
    return list(rows.scalars())


async def logs_by_id(
    session: AsyncSession, organization_id: int, ids: Sequence[int]
) -> list[ImmersioSyncLog]:
    rows = await session.execute(
        select(ImmersioSyncLog)
        .where(ImmersioSyncLog.tenant_id == organization_id, ImmersioSyncLog.id.in_(ids))
        .order_by(ImmersioSyncLog.id)
    )
    return list(rows.scalars())


async def organization_emails(
    session: AsyncSession, organization_id: int, emails: Sequence[str]
) -> set[str]:
    """Which of ``emails`` belong to accepted members of the organization."""
    rows = await session.execute(
        select(func.lower(User.email))
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.team_id == organization_id,
            Membership.accepted.is_(True),
            func.lower(User.email).in_([e.lower() for e in emails]),
        )
    )
    return set(rows.scalars())


async def set_status(session: AsyncSession, organization_id: int, **values: object) -> None:
    await session.execute(
        update(ImmersioIntegration)
        .where(ImmersioIntegration.tenant_id == organization_id)
        .values(**values)
    )


async def last_success_start(
    session: AsyncSession, organization_id: int, sync_type: str
) -> datetime | None:
    """When the last fully successful sync of ``sync_type`` started: the incremental cursor."""
    found: datetime | None = (
        await session.execute(
            select(func.max(ImmersioSyncLog.started_at)).where(
                ImmersioSyncLog.tenant_id == organization_id,
                ImmersioSyncLog.sync_type == sync_type,
                ImmersioSyncLog.status == SyncLogStatus.SUCCESS,
            )
        )
    ).scalar_one()
    return found
