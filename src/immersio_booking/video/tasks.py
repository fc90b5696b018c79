"""The job that does what needs a provider's API (Zoom, Google Meet): make, move and remove
the meetings of some sessions. Queued in the booking's transaction by ``video.listeners``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.jobs import context
from immersio_booking.jobs.app import defer_in_transaction, job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.video import notices
from immersio_booking.video.meetings import SessionKey, sessions_to_settle, settle
from immersio_booking.video.provider import ProviderFailed

# 2, 4, 8, … seconds between attempts: about two hours in all before the job gives up.
RETRY = procrastinate.RetryStrategy(max_attempts=12, exponential_wait=2)


def _arguments(keys: Sequence[SessionKey]) -> list[list[int]]:
    return [[k.event_type_id, k.stamp] for k in keys]


def _keys(sessions: Sequence[Sequence[int]]) -> list[SessionKey]:
    return [SessionKey(int(et), datetime.fromtimestamp(int(ts), UTC)) for et, ts in sessions]


async def queue(
    session: AsyncSession, organization_id: int, keys: Sequence[SessionKey], *, shared: bool
) -> None:
    """Queue the job in the caller's transaction. ``shared``: the caller holds the sessions'
    locks, so a job for the same sessions still waiting will see this transaction's rows (it
    waits for the locks): one waiting job is enough (queueing lock, in a SAVEPOINT because a
    conflict aborts the transaction otherwise)."""
    sessions = _arguments(keys)
    if not shared:
        await defer_in_transaction(
            session, video_meetings, organization_id=organization_id, sessions=sessions
        )
        return
    lock = "video:" + str(organization_id) + ":" + ",".join(f"{e}@{t}" for e, t in sessions)
    try:
        async with session.begin_nested():
            await defer_in_transaction(
                session,
                video_meetings,
                options={"queueing_lock": lock},
                organization_id=organization_id,
                sessions=sessions,
            )
    except AlreadyEnqueued:
        pass


@job_app.task(name="video_meetings", retry=RETRY, pass_context=True)
async def video_meetings(
    job_context: procrastinate.JobContext, organization_id: int, sessions: list[list[int]]
) -> None:
    """Settle these sessions' meetings. A provider failure rolls everything back and the job
    retries (the booking stands; a link already given stays); the admins hear of it once."""
    settings = context.settings()
    keys = _keys(sessions)
    try:
        async with job_session() as session:
            everything = await sessions_to_settle(session, organization_id, keys)
            await settle(session, organization_id, everything, settings, in_job=True)
    except ProviderFailed as failed:
        job = job_context.job
        if job.attempts == 0:
            async with job_session() as session:
                await notices.tell_admins(
                    session,
                    organization_id,
                    "a video meeting could not be made yet",
                    f"The video provider failed ({failed}). The bookings stand; the meeting is"
                    " tried again automatically, and students who already have a link keep it.",
                )
        raise
