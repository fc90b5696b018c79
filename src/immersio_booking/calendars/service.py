"""The caller's own calendars (``/v2/calendars``, ``/v2/selected-calendars``): a teacher sees,
selects and disconnects only their own credentials; anything else is "not found"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.calendars import cache, connect, destination, kinds, repository
from immersio_booking.calendars.schemas import (
    BusyTimeOut,
    CalendarErrorOut,
    CalendarOut,
    ConnectedCalendarOut,
    ConnectedCalendarsOut,
    CredentialOut,
    DestinationCalendarOut,
    IntegrationOut,
    SelectedCalendarIn,
    SelectedCalendarOut,
)
from immersio_booking.calendars.source import CalendarUnavailable, ListedCalendar
from immersio_booking.config import Settings
from immersio_booking.kit.errors import BadRequest, NotFound
from immersio_booking.models import Credential, SelectedCalendar, User

TITLES = {
    "caldav_calendar": ("caldav", "CalDAV"),
    "apple_calendar": ("apple-calendar", "Apple Calendar"),
    "ics-feed_calendar": ("ics-feed", "ICS Feed"),
    "google_calendar": ("google-calendar", "Google Calendar"),
}


@dataclass(frozen=True)
class Caller:
    organization_id: int
    user: User


async def caller(session: AsyncSession, principal: Principal) -> Caller:
    if principal.organization_id is None:
        raise BadRequest(
            "Calendars belong to a teacher of an organization", reason="organization_required"
        )
    user = await session.get(User, principal.user_id)
    if user is None:
        raise NotFound("User not found")
    return Caller(principal.organization_id, user)


async def own_credential(
    session: AsyncSession, who: Caller, credential_id: int, for_update: bool = False
) -> Credential:
    found = await repository.credential_of_user(
        session, who.organization_id, who.user.id, credential_id, kinds.registered(), for_update
    )
    if found is None:
        raise NotFound(
            f"Calendar credential with id={credential_id} not found",
            reason="calendar_credential_not_found",
        )
    return found


def _calendar_out(
    credential: Credential, listed: ListedCalendar, selected: set[str]
) -> CalendarOut:
    return CalendarOut(
        external_id=listed.external_id,
        integration=credential.type,
        name=listed.name,
        primary=listed.primary,
        read_only=listed.read_only,
        is_selected=listed.external_id in selected,
        credential_id=credential.id,
    )


async def connected(
    session: AsyncSession, principal: Principal, settings: Settings
) -> ConnectedCalendarsOut:
    """Each connected credential with its calendars, read live; a calendar that does not
    answer shows its selected calendars and the error."""
    who = await caller(session, principal)
    credentials = await repository.credentials_of_users(
        session, who.organization_id, [who.user.id], kinds.registered()
    )
    chosen = await repository.selected_of_users(session, who.organization_id, [who.user.id])
    states = await repository.cache_states(
        session, who.organization_id, [c.id for c in credentials]
    )
    out = []
    for credential in credentials:
        selected = {s.external_id for s in chosen if s.credential_id == credential.id}
        error = None
        try:
            with kinds.using(settings, timeout=settings.calendar_live_check_seconds * 2):
                listed = await kinds.source_for(credential.type).calendars(credential)
        except CalendarUnavailable as exc:
            error = CalendarErrorOut(message=str(exc))
            listed = [ListedCalendar(e, e, False, False) for e in sorted(selected)]
        calendars = [_calendar_out(credential, c, selected) for c in listed]
        slug, title = TITLES.get(credential.type, (credential.app_id or "", credential.type))
        state = states.get(credential.id)
        out.append(
            ConnectedCalendarOut(
                integration=IntegrationOut(
                    type=credential.type, slug=slug, name=title, title=title
                ),
                credential_id=credential.id,
                primary=next((c for c in calendars if c.primary), None),
                calendars=calendars,
                error=error,
                cache=None
                if state is None
                else {
                    "refreshedAt": state.refreshed_at,
                    "coversUntil": state.covers_until,
                    "lastError": state.last_error,
                },
            )
        )
    return ConnectedCalendarsOut(
        connected_calendars=out,
        destination_calendar=await _destination_out(session, who, out),
    )


async def _destination_out(
    session: AsyncSession, who: Caller, connected: list[ConnectedCalendarOut]
) -> DestinationCalendarOut | None:
    """The caller's chosen destination, else the one their sessions go to by default, from the
    calendars just listed (``destination.destination_for`` chooses the same way)."""
    stored = await destination.stored_destination(
        session, who.organization_id, user_id=who.user.id, event_type_id=None
    )
    listed = [c for entry in connected if entry.error is None for c in entry.calendars]
    if stored is not None:
        named = next(
            (
                c.name
                for c in listed
                if c.credential_id == stored.credential_id and c.external_id == stored.external_id
            ),
            None,
        )
        return DestinationCalendarOut(
            id=stored.id,
            integration=stored.integration,
            external_id=stored.external_id,
            name=named,
            primary_email=stored.primary_email,
            user_id=who.user.id,
            credential_id=stored.credential_id,
        )
    writable = set(destination.writable_types())
    for entry in connected:
        if entry.integration.type not in writable or entry.error is not None:
            continue
        chosen = destination.default_calendar(entry.calendars)
        if chosen is not None:
            return DestinationCalendarOut(
                id=None,
                integration=entry.integration.type,
                external_id=chosen.external_id,
                name=chosen.name,
                user_id=who.user.id,
                credential_id=entry.credential_id,
            )
    return None


async def busy_times(
    session: AsyncSession,
    principal: Principal,
    to_load: list[tuple[int, str]],
    start: datetime,
    end: datetime,
    settings: Settings,
) -> list[BusyTimeOut]:
    """Live busy times of the caller's calendars named in ``to_load`` (credential, external id)."""
    who = await caller(session, principal)
    by_credential: dict[int, list[str]] = {}
    for credential_id, external_id in to_load:
        by_credential.setdefault(credential_id, []).append(external_id)
    found: list[BusyTimeOut] = []
    for credential_id, external_ids in by_credential.items():
        credential = await own_credential(session, who, credential_id)
        try:
            with kinds.using(settings):
                busy = await cache.read_busy(credential, external_ids, start, end)
        except CalendarUnavailable as exc:
            raise connect.refused_or_unreachable(exc, "calendar") from exc
        found += [BusyTimeOut(start=b.start, end=b.end, source=credential.type) for b in busy]
    return sorted(found, key=lambda b: (b.start, b.end))


async def select(
    session: AsyncSession, principal: Principal, body: SelectedCalendarIn, settings: Settings
) -> SelectedCalendarOut:
    who = await caller(session, principal)
    credential = await own_credential(session, who, body.credential_id)
    if body.integration != credential.type:
        raise BadRequest(
            f"integration {body.integration} is not the kind of credential"
            f" {credential.id} ({credential.type})",
            reason="integration_mismatch",
        )
    try:
        with kinds.using(settings):
            listed = await kinds.source_for(credential.type).calendars(credential)
    except CalendarUnavailable as exc:
        raise connect.refused_or_unreachable(exc, "calendar") from exc
    calendar = next((c for c in listed if c.external_id == body.external_id), None)
    if calendar is None:
        raise NotFound(
            f"This credential has no calendar {body.external_id}", reason="calendar_not_found"
        )
    await connect.select_all(session, credential, [calendar])
    await connect.queue_refresh(session, credential)
    return SelectedCalendarOut(
        user_id=who.user.id,
        integration=credential.type,
        external_id=calendar.external_id,
        credential_id=credential.id,
    )


async def unselect(
    session: AsyncSession, principal: Principal, body: SelectedCalendarIn
) -> SelectedCalendarOut:
    who = await caller(session, principal)
    credential = await own_credential(session, who, body.credential_id)
    row: SelectedCalendar | None = await repository.selected_one(
        session, who.organization_id, who.user.id, body.integration, body.external_id
    )
    if row is None or row.credential_id != credential.id:
        raise NotFound("This calendar is not selected", reason="selected_calendar_not_found")
    await session.delete(row)
    await repository.forget_busy(session, who.organization_id, credential.id, body.external_id)
    await session.flush()
    return SelectedCalendarOut(
        user_id=who.user.id,
        integration=row.integration,
        external_id=row.external_id,
        credential_id=credential.id,
    )


def credential_type_of(calendar: str) -> str:
    kind = f"{calendar}_calendar"
    if not kinds.is_calendar(kind):
        known = ", ".join(k.removesuffix("_calendar") for k in kinds.registered())
        raise BadRequest(
            f"Invalid calendar type {calendar}; available calendars are: {known}",
            reason="calendar_kind_unknown",
        )
    return kind


async def disconnect(
    session: AsyncSession, principal: Principal, calendar: str, credential_id: int
) -> CredentialOut:
    """Remove the credential with its selected calendars, cached busy times and cache state."""
    kind = credential_type_of(calendar)
    who = await caller(session, principal)
    credential = await own_credential(session, who, credential_id, for_update=True)
    if credential.type != kind:
        raise NotFound(
            f"Calendar credential with id={credential_id} not found",
            reason="calendar_credential_not_found",
        )
    out = CredentialOut.model_validate(credential)
    await session.delete(credential)
    await session.flush()
    return out


async def refresh_mine(
    session: AsyncSession, principal: Principal, settings: Settings, now: datetime
) -> list[cache.Refreshed]:
    """Re-read every calendar credential of the caller now (the on-demand refresh)."""
    who = await caller(session, principal)
    credentials = await repository.credentials_of_users(
        session, who.organization_id, [who.user.id], kinds.registered()
    )
    done = []
    for credential in credentials:
        refreshed = await cache.refresh(session, who.organization_id, credential.id, settings, now)
        if refreshed is not None:
            done.append(refreshed)
    return done
