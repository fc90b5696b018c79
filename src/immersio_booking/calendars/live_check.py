"""The live busy check the booking path asks for (``bookings.busy_check``): the hosts'
selected calendars read now, all at once, within ``IMMERSIO_CALENDAR_LIVE_CHECK_SECONDS``.
A calendar that fails or is late is left to the cache, and the fallback is logged."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.calendars import ahead, cache, kinds, repository
from immersio_booking.calendars.source import Busy
from immersio_booking.config import Settings

log = logging.getLogger(__name__)


async def live_busy(
    session: AsyncSession,
    organization_id: int,
    host_ids: Sequence[int],
    start: datetime,
    end: datetime,
    settings: Settings,
) -> dict[int, list[tuple[datetime, datetime]]]:
    known = ahead.facts(session, organization_id)
    if known is not None and known.covers(host_ids) and not known.reading.intersection(host_ids):
        return {}  # read before the locks: none of these hosts has a calendar to ask
    selected = await repository.selected_of_users(session, organization_id, host_ids)
    if not selected:
        return {}
    credentials = await repository.credentials_of_users(
        session, organization_id, host_ids, kinds.registered()
    )
    wanted = {
        c.id: (c, [s.external_id for s in selected if s.credential_id == c.id]) for c in credentials
    }
    limit = settings.calendar_live_check_seconds
    with kinds.using(settings, timeout=limit):
        tasks = {
            asyncio.create_task(cache.read_busy(credential, ids, start, end)): credential
            for credential, ids in wanted.values()
            if ids
        }
        if not tasks:
            return {}
        done, late = await asyncio.wait(tasks, timeout=limit)
    for task in late:
        task.cancel()
    found: dict[int, list[tuple[datetime, datetime]]] = {}
    for task, credential in tasks.items():
        failure = "no answer in time" if task in late else task.exception()
        if failure is not None:
            log.warning(
                "calendar_live_check_fell_back_to_cache credential=%s user=%s error=%s",
                credential.id,
                credential.user_id,
                failure,
            )
            continue
        busy: list[Busy] = task.result()
        periods = found.setdefault(credential.user_id or 0, [])
        periods += [(b.start, b.end) for b in busy]
    return found
