"""Queries of workflows, their steps, event types and reminders; every query names the
organization."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.db.session import Remembered
from immersio_booking.models import (
    Booking,
    BookingStatus,
    EventType,
    ReminderStatus,
    Workflow,
    WorkflowEventType,
    WorkflowReminder,
    WorkflowStep,
)


async def workflow(
    session: AsyncSession, organization_id: int, workflow_id: int, *, for_update: bool = False
) -> Workflow | None:
    statement = select(Workflow).where(
        Workflow.organization_id == organization_id, Workflow.id == workflow_id
    )
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def page_of(
    session: AsyncSession, organization_id: int, take: int, skip: int
) -> tuple[list[Workflow], int]:
    rows = await session.execute(
        select(Workflow)
        .where(Workflow.organization_id == organization_id)
        .order_by(Workflow.id)
        .limit(take)
        .offset(skip)
    )
    total = await session.execute(
        select(func.count())
        .select_from(Workflow)
        .where(Workflow.organization_id == organization_id)
    )
    return list(rows.scalars()), total.scalar_one()


async def steps_of(
    session: AsyncSession, organization_id: int, workflow_ids: Sequence[int]
) -> dict[int, list[WorkflowStep]]:
    out: dict[int, list[WorkflowStep]] = {i: [] for i in workflow_ids}
    if not workflow_ids:
        return out
    rows = await session.execute(
        select(WorkflowStep)
        .where(
            WorkflowStep.organization_id == organization_id,
            WorkflowStep.workflow_id.in_(workflow_ids),
        )
        .order_by(WorkflowStep.workflow_id, WorkflowStep.step_number)
    )
    for step in rows.scalars():
        out[step.workflow_id].append(step)
    return out


async def event_type_ids_of(
    session: AsyncSession, organization_id: int, workflow_ids: Sequence[int]
) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {i: [] for i in workflow_ids}
    if not workflow_ids:
        return out
    rows = await session.execute(
        select(WorkflowEventType.workflow_id, WorkflowEventType.event_type_id)
        .where(
            WorkflowEventType.organization_id == organization_id,
            WorkflowEventType.workflow_id.in_(workflow_ids),
        )
        .order_by(WorkflowEventType.event_type_id)
    )
    for workflow_id, event_type_id in rows.all():
        out[workflow_id].append(event_type_id)
    return out


async def known_event_type_ids(
    session: AsyncSession, organization_id: int, ids: Iterable[int]
) -> set[int]:
    wanted = set(ids)
    if not wanted:
        return set()
    rows = await session.execute(
        select(EventType.id).where(
            EventType.organization_id == organization_id, EventType.id.in_(wanted)
        )
    )
    return set(rows.scalars())


async def set_event_types(
    session: AsyncSession, workflow: Workflow, event_type_ids: Iterable[int]
) -> None:
    await session.execute(
        delete(WorkflowEventType).where(
            WorkflowEventType.organization_id == workflow.organization_id,
            WorkflowEventType.workflow_id == workflow.id,
        )
    )
    for event_type_id in sorted(set(event_type_ids)):
        session.add(
            WorkflowEventType(
                organization_id=workflow.organization_id,
                workflow_id=workflow.id,
                event_type_id=event_type_id,
            )
        )
    await session.flush()


# Every active workflow running on a workshop, by (school, workshop): read before a booking's
# locks, for ``applicable`` under them.
_ACTIVE_ON: Remembered[list[Workflow]] = Remembered("workflows.active_on")


def _active_on_query(
    organization_id: int, event_type_id: int | None, triggers: Sequence[str] | None
) -> Select[Workflow]:
    runs_on_event_type = (
        select(WorkflowEventType.id)
        .where(
            WorkflowEventType.organization_id == organization_id,
            WorkflowEventType.workflow_id == Workflow.id,
            WorkflowEventType.event_type_id == event_type_id,
        )
        .exists()
    )
    statement = select(Workflow).where(
        Workflow.organization_id == organization_id,
        Workflow.active.is_(True),
        or_(Workflow.is_active_on_all.is_(True), runs_on_event_type),
    )
    if triggers is not None:
        statement = statement.where(Workflow.trigger.in_(triggers))
    return statement.order_by(Workflow.id)


def any_active_on(organization_id: int, event_type_id: int) -> ColumnElement[bool]:
    """Whether any workflow runs on the workshop (read before a booking's locks)."""
    return _active_on_query(organization_id, event_type_id, None).exists()


async def keep_active_on(
    session: AsyncSession, organization_id: int, event_type_id: int, any_active: bool
) -> None:
    """Keep, for the transaction, the active workflows (any trigger) of the workshop: none
    without a query when ``any_active`` (read with ``any_active_on``) says so."""
    found = (
        list(
            (
                await session.execute(_active_on_query(organization_id, event_type_id, None))
            ).scalars()
        )
        if any_active
        else []
    )
    _ACTIVE_ON.put(session, (organization_id, event_type_id), found)


async def applicable(
    session: AsyncSession, booking: Booking, triggers: Sequence[str]
) -> list[Workflow]:
    """Active workflows with one of ``triggers`` that run on the booking's event type."""
    return await applicable_on(session, booking.organization_id, booking.event_type_id, triggers)


async def applicable_on(
    session: AsyncSession,
    organization_id: int,
    event_type_id: int | None,
    triggers: Sequence[str],
) -> list[Workflow]:
    """Active workflows with one of ``triggers`` that run on event type ``event_type_id`` (the
    ones kept for this transaction before a booking's locks, when there are)."""
    kept = _ACTIVE_ON.get(session, (organization_id, event_type_id))
    if kept is not None:
        return [w for w in kept if w.trigger in triggers]
    statement = _active_on_query(organization_id, event_type_id, triggers)
    return list((await session.execute(statement)).scalars())


async def runs_on(session: AsyncSession, workflow: Workflow, event_type_id: int | None) -> bool:
    if workflow.is_active_on_all:
        return True
    if event_type_id is None:
        return False
    found = await session.execute(
        select(WorkflowEventType.id).where(
            WorkflowEventType.organization_id == workflow.organization_id,
            WorkflowEventType.workflow_id == workflow.id,
            WorkflowEventType.event_type_id == event_type_id,
        )
    )
    return found.first() is not None


async def upcoming_accepted_bookings(
    session: AsyncSession, workflow: Workflow, ending_after: datetime
) -> list[Booking]:
    """Accepted bookings of the workflow's event types that end after ``ending_after``."""
    statement = select(Booking).where(
        Booking.organization_id == workflow.organization_id,
        Booking.status == BookingStatus.ACCEPTED,
        Booking.end_time > ending_after,
    )
    if not workflow.is_active_on_all:
        chosen = select(WorkflowEventType.event_type_id).where(
            WorkflowEventType.organization_id == workflow.organization_id,
            WorkflowEventType.workflow_id == workflow.id,
        )
        statement = statement.where(Booking.event_type_id.in_(chosen))
    rows = await session.execute(statement.order_by(Booking.start_time, Booking.id))
    return list(rows.scalars())


async def reminders_of_bookings(
    session: AsyncSession,
    organization_id: int,
    booking_ids: Sequence[int],
    statuses: Sequence[ReminderStatus],
) -> list[WorkflowReminder]:
    if not booking_ids:
        return []
    rows = await session.execute(
        select(WorkflowReminder)
        .where(
            WorkflowReminder.organization_id == organization_id,
            WorkflowReminder.booking_id.in_(booking_ids),
            WorkflowReminder.status.in_(statuses),
        )
        .order_by(WorkflowReminder.id)
        .with_for_update()
    )
    return list(rows.scalars())


async def reminders_of_steps(
    session: AsyncSession,
    organization_id: int,
    step_ids: Sequence[int],
    *,
    scheduled_or_of_bookings: Sequence[int] = (),
) -> list[WorkflowReminder]:
    """The steps' reminders still waiting, and those of ``scheduled_or_of_bookings`` that were
    sent or skipped (they must not be planned twice)."""
    if not step_ids:
        return []
    rows = await session.execute(
        select(WorkflowReminder)
        .where(
            WorkflowReminder.organization_id == organization_id,
            WorkflowReminder.workflow_step_id.in_(step_ids),
            or_(
                WorkflowReminder.status == ReminderStatus.SCHEDULED,
                WorkflowReminder.booking_id.in_(scheduled_or_of_bookings)
                & (WorkflowReminder.status != ReminderStatus.CANCELLED),
            ),
        )
        .order_by(WorkflowReminder.id)
        .with_for_update()
    )
    return list(rows.scalars())
