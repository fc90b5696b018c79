"""``/v2/calendars`` and ``/v2/selected-calendars`` (Cal.com v2), plus ours:
``POST /v2/calendars/caldav/credentials`` and ``POST /v2/calendars/busy-times/refresh``.
The caller is always the API key's user: their own calendars, nobody else's."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Query, Request, status

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.calendars import caldav_kind, connect, ics_feed, kinds, repository, service
from immersio_booking.calendars.schemas import (
    AppleCredentialsIn,
    BusyTimeOut,
    CalDavCredentialsIn,
    ConnectedCalendarsOut,
    CredentialOut,
    DisconnectIn,
    IcsFeedIn,
    RefreshedOut,
    SelectedCalendarIn,
    SelectedCalendarOut,
)
from immersio_booking.calendars.source import CalendarUnavailable
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.clock import Now
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.errors import BadRequest, NotFound
from immersio_booking.kit.schemas import EmptyEnvelope, Envelope, ok
from immersio_booking.kit.unsupported import checks_own_query, refuse_unsupported

router = APIRouter(tags=["Calendars"])

_TO_LOAD = re.compile(r"^calendarsToLoad\[(\d{1,3})\]\[(credentialId|externalId)\]$")


@router.get("/v2/calendars")
async def get_calendars(
    principal: AuthSubject, session: Session, settings: AppSettings
) -> Envelope[ConnectedCalendarsOut]:
    return ok(await service.connected(session, principal, settings))


def _calendars_to_load(request: Request) -> list[tuple[int, str]]:
    found: dict[int, dict[str, str]] = {}
    for name, value in request.query_params.multi_items():
        matched = _TO_LOAD.match(name)
        if matched:
            found.setdefault(int(matched[1]), {})[matched[2]] = value
        else:
            refuse_unsupported([name], ("loggedInUsersTz", "dateFrom", "dateTo"))
    out = []
    for index in sorted(found):
        item = found[index]
        if not item.get("credentialId", "").isdigit() or not item.get("externalId"):
            raise BadRequest(
                f"calendarsToLoad[{index}] needs a numeric credentialId and an externalId",
                reason="invalid_calendars_to_load",
            )
        out.append((int(item["credentialId"]), item["externalId"]))
    return out


@router.get("/v2/calendars/busy-times")
@checks_own_query
async def get_busy_times(
    request: Request,
    principal: AuthSubject,
    session: Session,
    settings: AppSettings,
    logged_in_users_tz: Annotated[str, Query(alias="loggedInUsersTz")],
    date_from: Annotated[date | None, Query(alias="dateFrom")] = None,
    date_to: Annotated[date | None, Query(alias="dateTo")] = None,
) -> Envelope[list[BusyTimeOut]]:
    """Live busy times of the caller's calendars (``calendarsToLoad[i][credentialId]`` and
    ``[externalId]``) from the start of ``dateFrom`` to the end of ``dateTo`` in
    ``loggedInUsersTz``. Without both dates: an empty list, as Cal.com answers."""
    try:
        zone = ZoneInfo(logged_in_users_tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadRequest(
            f"loggedInUsersTz {logged_in_users_tz} is not an IANA time zone",
            reason="invalid_time_zone",
        ) from exc
    to_load = _calendars_to_load(request)
    if date_from is None or date_to is None:
        return ok([])
    if date_to < date_from or (date_to - date_from).days >= settings.slots_max_range_days:
        raise BadRequest(
            f"dateTo must be on or after dateFrom, at most {settings.slots_max_range_days}"
            " days later",
            reason="invalid_range",
        )
    start = datetime.combine(date_from, time(0), zone)
    end = datetime.combine(date_to + timedelta(days=1), time(0), zone)
    return ok(await service.busy_times(session, principal, to_load, start, end, settings))


@router.post("/v2/calendars/busy-times/refresh")
async def refresh_busy_times(
    principal: AuthSubject, session: Session, settings: AppSettings, now: Now
) -> Envelope[list[RefreshedOut]]:
    """Re-read the caller's calendars into the busy-times cache now (slots use the cache)."""
    done = await service.refresh_mine(session, principal, settings, now)
    return ok([RefreshedOut.model_validate(d) for d in done])


@router.post("/v2/calendars/caldav/credentials", status_code=status.HTTP_201_CREATED)
async def connect_caldav(
    body: CalDavCredentialsIn, principal: AuthSubject, session: Session, settings: AppSettings
) -> Envelope[CredentialOut]:
    """Connect any CalDAV account (ours; Cal.com has Apple only)."""
    who = await service.caller(session, principal)
    credential = await connect.connect_caldav(
        session,
        who.user,
        who.organization_id,
        caldav_kind.CalDavSource(),
        str(body.url),
        body.username,
        body.password,
        settings,
    )
    return ok(CredentialOut.model_validate(credential))


@router.post("/v2/calendars/apple/credentials", status_code=status.HTTP_201_CREATED)
async def connect_apple(
    body: AppleCredentialsIn, principal: AuthSubject, session: Session, settings: AppSettings
) -> Envelope[CredentialOut]:
    """Connect an iCloud calendar with an app-specific password."""
    who = await service.caller(session, principal)
    credential = await connect.connect_caldav(
        session,
        who.user,
        who.organization_id,
        caldav_kind.AppleSource(),
        settings.apple_caldav_url,
        body.username,
        body.password,
        settings,
    )
    return ok(CredentialOut.model_validate(credential))


@router.post("/v2/calendars/ics-feed/save", status_code=status.HTTP_201_CREATED)
async def save_ics_feed(
    body: IcsFeedIn, principal: AuthSubject, session: Session, settings: AppSettings
) -> Envelope[CredentialOut]:
    who = await service.caller(session, principal)
    credential = await connect.save_ics_feeds(
        session, who.user, who.organization_id, [str(u) for u in body.urls], settings
    )
    return ok(CredentialOut.model_validate(credential))


@router.get("/v2/calendars/ics-feed/check")
async def check_ics_feeds(
    principal: AuthSubject, session: Session, settings: AppSettings
) -> EmptyEnvelope:
    """Every ICS feed of the caller still reads (else 400 ``ics_feed_unreadable``)."""
    who = await service.caller(session, principal)
    credentials = await repository.credentials_of_users(
        session, who.organization_id, [who.user.id], [ics_feed.ICS_FEED]
    )
    if not credentials:
        raise NotFound("No ICS feed is connected", reason="ics_feed_not_connected")
    for credential in credentials:
        with kinds.using(settings):
            for index, url in enumerate(ics_feed.urls_of(credential)):
                try:
                    await ics_feed.fetch(url)
                except CalendarUnavailable as exc:
                    raise BadRequest(
                        f"Feed {index} of credential {credential.id} could not be read: {exc}",
                        reason="ics_feed_unreadable",
                        details={"credentialId": credential.id, "index": index},
                    ) from exc
    return EmptyEnvelope()


@router.post("/v2/calendars/{calendar}/disconnect")
async def disconnect(
    calendar: str, body: DisconnectIn, principal: AuthSubject, session: Session
) -> Envelope[CredentialOut]:
    return ok(await service.disconnect(session, principal, calendar, body.id))


@router.post("/v2/selected-calendars")
async def select_calendar(
    body: SelectedCalendarIn, principal: AuthSubject, session: Session, settings: AppSettings
) -> Envelope[SelectedCalendarOut]:
    return ok(await service.select(session, principal, body, settings))


@router.delete("/v2/selected-calendars")
async def unselect_calendar(
    principal: AuthSubject,
    session: Session,
    integration: Annotated[str, Query(min_length=1, max_length=64)],
    external_id: Annotated[str, Query(alias="externalId", min_length=1, max_length=2048)],
    credential_id: Annotated[int, Query(alias="credentialId", ge=1, le=9223372036854775807)],
) -> Envelope[SelectedCalendarOut]:
    body = SelectedCalendarIn(
        integration=integration, external_id=external_id, credential_id=credential_id
    )
    return ok(await service.unselect(session, principal, body))
