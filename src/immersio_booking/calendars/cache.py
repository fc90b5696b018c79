"""The busy-times cache: one credential's selected calendars read from now to the booking
horizon into ``calendar_busy_times``, with ``calendar_cache_states`` saying when and how it
went. Slots read only this cache; a failed read keeps the previous busy times and records the
error (a refused credential is marked ``invalid``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.calendars import kinds, repository
from immersio_booking.calendars.source import Busy, CalendarUnavailable
from immersio_booking.config import Settings
from immersio_booking.kit.locks import lock, lock_key
from immersio_booking.models import CalendarCacheState, Credential

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refreshed:
    credential_id: int
    busy_times: int
    error: str | None


async def read_busy(
    credential: Credential, external_ids: list[str], start: datetime, end: datetime
) -> list[Busy]:
    if not external_ids:
        return []
    return await kinds.source_for(credential.type).busy(credential, external_ids, start, end)


async def refresh(
    session: AsyncSession,
    organization_id: int,
    credential_id: int,
    settings: Settings,
    now: datetime,
) -> Refreshed | None:
    """Re-read one credential (None: it no longer exists or is not a calendar)."""
    credential = await repository.calendar_credential(
        session, organization_id, credential_id, kinds.registered()
    )
    if credential is None:
        return None
    selected = await repository.selected_of_credential(session, organization_id, credential.id)
    until = now + timedelta(days=settings.calendar_busy_horizon_days)
    error: str | None = None
    found: list[Busy] = []
    try:
        with kinds.using(settings):
            found = await read_busy(credential, [s.external_id for s in selected], now, until)
    except CalendarUnavailable as exc:
        error = str(exc)
        credential.invalid = credential.invalid or exc.refused
        log.warning(
            "calendar_refresh_failed credential=%s type=%s error=%s",
            credential.id,
            credential.type,
            error,
        )
    key = lock_key("calendar-cache", credential.id)
    await lock(session, key, timeout_ms=settings.lock_timeout_ms)
    state = await repository.cache_state(session, organization_id, credential.id)
    if state is None:
        state = CalendarCacheState(organization_id=organization_id, credential_id=credential.id)
        session.add(state)
    if error is None:
        await repository.replace_busy(
            session, organization_id, credential, [(b.external_id, b.start, b.end) for b in found]
        )
        state.refreshed_at, state.covers_until = now, until
        credential.invalid = False
    state.last_error = error
    await session.flush()
    return Refreshed(credential.id, len(found), error)
