"""Set-up shared by the workflow tests: a workflow body, the reminders and jobs of a booking,
and moving a job's time to now (time passes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs


def step(action: str = "EMAIL_ATTENDEE", number: int = 1, **fields: Any) -> dict[str, Any]:
    return {"stepNumber": number, "action": action, **fields}


def body(trigger: str = "BEFORE_EVENT", **fields: Any) -> dict[str, Any]:
    timed = trigger in ("BEFORE_EVENT", "AFTER_EVENT")
    return {
        "name": f"{trigger} reminder",
        "trigger": trigger,
        **({"time": 24, "timeUnit": "HOUR"} if timed else {}),
        "isActiveOnAll": True,
        "steps": [step()],
        **fields,
    }


async def create_workflow(
    client: httpx.AsyncClient, tenant: Tenant, **fields: Any
) -> dict[str, Any]:
    return data(  # type: ignore[no-any-return]
        await client.post(
            f"/v2/organizations/{tenant.id}/workflows", headers=tenant.headers, json=body(**fields)
        ),
        201,
    )


@dataclass(frozen=True)
class PlannedReminder:
    id: int
    trigger: str
    status: str
    scheduled_for: datetime
    outcome: str | None
    job_id: int | None
    job_status: str | None
    job_scheduled_at: datetime | None


async def reminders_of(
    sessionmaker: async_sessionmaker[AsyncSession], booking_uid: str
) -> list[PlannedReminder]:
    async with sessionmaker() as session:
        rows = await session.execute(
            text(
                "SELECT r.id, r.trigger, r.status, r.scheduled_for, r.outcome, r.job_id,"
                " j.status::text, j.scheduled_at"
                " FROM workflow_reminders r JOIN bookings b ON b.id = r.booking_id"
                " LEFT JOIN procrastinate_jobs j ON j.id = r.job_id"
                " WHERE b.uid = :uid ORDER BY r.id"
            ),
            {"uid": booking_uid},
        )
        return [PlannedReminder(*row) for row in rows.all()]


async def time_passes(sessionmaker: async_sessionmaker[AsyncSession], *job_ids: int) -> None:
    """The moment of these reminder jobs has come: they may run now."""
    async with sessionmaker() as session:
        await session.execute(
            text(
                "UPDATE procrastinate_jobs SET scheduled_at = now() - interval '1 second'"
                " WHERE id = ANY(:ids) AND status = 'todo'"
            ),
            {"ids": list(job_ids)},
        )
        await session.commit()


async def when_due(
    sessionmaker: async_sessionmaker[AsyncSession], database_url: str, *job_ids: int | None
) -> None:
    """Time passes for these planned jobs (each must exist) and the worker runs what is due."""
    assert all(job_id is not None for job_id in job_ids), job_ids
    await time_passes(sessionmaker, *(job_id for job_id in job_ids if job_id is not None))
    await run_jobs(database_url)
