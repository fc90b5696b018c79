"""Calendar jobs: refresh one credential's busy-times cache; every minute, queue a refresh of
each credential whose cache is older than ``IMMERSIO_CALENDAR_REFRESH_MINUTES``."""

from __future__ import annotations

from datetime import timedelta

from procrastinate.exceptions import AlreadyEnqueued

from immersio_booking import global_lookups
from immersio_booking.calendars import cache, kinds
from immersio_booking.calendars.connect import REFRESH_TASK
from immersio_booking.jobs import context
from immersio_booking.jobs.app import job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock


@job_app.task(name=REFRESH_TASK)
async def refresh_calendar_busy(organization_id: int, credential_id: int) -> str:
    """Read the credential's selected calendars into the cache (an outage keeps the old
    busy times and is recorded in its cache state; the next period tries again)."""
    async with job_session() as session:
        done = await cache.refresh(
            session, organization_id, credential_id, context.settings(), clock.now()
        )
    if done is None:
        return "gone"
    return f"error: {done.error}" if done.error else f"{done.busy_times} busy times"


@job_app.periodic(cron="* * * * *")
@job_app.task(name="schedule_calendar_refreshes", queueing_lock="schedule_calendar_refreshes")
async def schedule_calendar_refreshes(timestamp: int) -> int:
    del timestamp
    minutes = context.settings().calendar_refresh_minutes
    async with job_session() as session:
        due = await global_lookups.calendar_credentials_due(
            session, kinds.registered(), clock.now() - timedelta(minutes=minutes)
        )
    for organization_id, credential_id in due:
        try:
            await refresh_calendar_busy.configure(
                queueing_lock=f"calendar-refresh-{credential_id}"
            ).defer_async(organization_id=organization_id, credential_id=credential_id)
        except AlreadyEnqueued:
            continue
    return len(due)
