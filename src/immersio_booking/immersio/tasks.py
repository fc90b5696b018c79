"""Immersio jobs: one sync run, and the scheduler that opens due syncs (seed step 1)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.immersio import sync
from immersio_booking.immersio.schemas import ALL_SYNC_TYPES, SyncType
from immersio_booking.jobs import context
from immersio_booking.jobs.app import defer_in_transaction, job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock
from immersio_booking.kit.errors import NotFound


@job_app.task(name="immersio_sync")
async def immersio_sync(organization_id: int, log_ids: list[int]) -> dict[str, str]:
    """Run the sync whose logs were opened by ``sync.start`` (a request or the scheduler)."""
    outcomes = await sync.run(job_session, organization_id, log_ids, context.settings())
    return {kind: outcome.status for kind, outcome in outcomes.items()}


async def start_and_defer(
    session: AsyncSession, organization_id: int, types: Sequence[SyncType]
) -> sync.Started:
    """Open a sync (or find the running one) and queue its job with the same commit."""
    started = await sync.start(session, organization_id, types)
    if not started.already_running:
        await defer_in_transaction(
            session,
            immersio_sync,
            organization_id=organization_id,
            log_ids=[log.id for log in started.logs],
        )
    return started


@job_app.periodic(cron="* * * * *")
@job_app.task(name="schedule_immersio_syncs", queueing_lock="schedule_immersio_syncs")
async def schedule_immersio_syncs(timestamp: int) -> int:
    """Every minute: open a sync (all types) for each tenant whose interval has passed."""
    del timestamp
    async with job_session() as session:
        due = await global_lookups.due_immersio_integrations(session, clock.now())
    for organization_id in due:  # one transaction per tenant: one tenant's trouble stays its own
        try:
            async with job_session() as session:
                await start_and_defer(session, organization_id, ALL_SYNC_TYPES)
        except NotFound:
            continue  # disconnected in the meantime
    return len(due)
