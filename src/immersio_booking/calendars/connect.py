"""Connecting a teacher's calendar: the credentials are tried first (a refusal is 400
``calendar_credentials_refused``, a server that cannot be reached 400 ``calendar_unreachable``),
then stored sealed, every calendar they open is selected, and a refresh of the busy-times
cache is queued in the same transaction."""

from __future__ import annotations

import json

from procrastinate.exceptions import AlreadyEnqueued
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.calendars import ics_feed, kinds, repository, sealing
from immersio_booking.calendars.caldav_kind import CalDavSource
from immersio_booking.calendars.source import CalendarUnavailable, ListedCalendar
from immersio_booking.config import Settings
from immersio_booking.jobs.app import defer_in_transaction
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.kit.errors import BadRequest
from immersio_booking.models import Credential, SelectedCalendar, User

REFRESH_TASK = "refresh_calendar_busy"


def refused_or_unreachable(exc: CalendarUnavailable, what: str) -> BadRequest:
    if exc.refused:
        return BadRequest(
            f"The {what} refused these credentials: check the username and password"
            " (Apple needs an app-specific password).",
            reason="calendar_credentials_refused",
        )
    return BadRequest(f"The {what} could not be read: {exc}", reason="calendar_unreachable")


async def queue_refresh(session: AsyncSession, credential: Credential) -> None:
    """Queue one refresh of the credential's cache (at most one waits at a time)."""
    try:
        async with (await session.connection()).begin_nested():
            await defer_in_transaction(
                session,
                REFRESH_TASK,
                options={"queueing_lock": f"calendar-refresh-{credential.id}"},
                organization_id=credential.organization_id,
                credential_id=credential.id,
            )
    except AlreadyEnqueued:
        return


async def select_all(
    session: AsyncSession, credential: Credential, listed: list[ListedCalendar]
) -> None:
    assert credential.user_id is not None
    for calendar in listed:
        known = await repository.selected_one(
            session,
            credential.organization_id,
            credential.user_id,
            credential.type,
            calendar.external_id,
        )
        if known is None:
            session.add(
                SelectedCalendar(
                    organization_id=credential.organization_id,
                    user_id=credential.user_id,
                    integration=credential.type,
                    external_id=calendar.external_id,
                    credential_id=credential.id,
                )
            )
    await session.flush()


async def connect_caldav(
    session: AsyncSession,
    user: User,
    organization_id: int,
    source: CalDavSource,
    url: str,
    username: str,
    password: str,
    settings: Settings,
) -> Credential:
    """Connect (or re-connect with a new password) a CalDAV account of ``user``."""
    what = "Apple calendar" if source.credential_type == "apple_calendar" else "CalDAV server"
    try:
        with kinds.using(settings):
            listed = await source.probe(url, username, password)
    except CalendarUnavailable as exc:
        raise refused_or_unreachable(exc, what) from exc
    box = SecretBox.of(settings)
    same = [
        c
        for c in await repository.credentials_of_users(
            session, organization_id, [user.id], [source.credential_type]
        )
        if c.key.get("username") == username and c.key.get("url") == url
    ]
    credential = same[0] if same else None
    if credential is None:
        credential = Credential(
            organization_id=organization_id,
            user_id=user.id,
            type=source.credential_type,
            app_id=source.app_id,
        )
        session.add(credential)
    credential.key = sealing.sealed_key(
        box, {"password": password}, url=url, username=username, timeZone=user.time_zone
    )
    credential.invalid = False
    await session.flush()
    await select_all(session, credential, listed)
    await queue_refresh(session, credential)
    return credential


async def save_ics_feeds(
    session: AsyncSession, user: User, organization_id: int, urls: list[str], settings: Settings
) -> Credential:
    """One credential holding the feeds at ``urls``, each read once first."""
    names: dict[str, str] = {}
    for index, url in enumerate(urls):
        try:
            with kinds.using(settings):
                feed = await ics_feed.fetch(url)
        except CalendarUnavailable as exc:
            raise BadRequest(
                f"The ICS feed at urls[{index}] could not be read: {exc}",
                reason="ics_feed_unreadable",
                details={"index": index},
            ) from exc
        names[ics_feed.feed_id(url)] = feed.name
    credential = Credential(
        organization_id=organization_id,
        user_id=user.id,
        type=ics_feed.ICS_FEED,
        app_id="ics-feed",
        key=sealing.sealed_key(
            SecretBox.of(settings),
            {"urls": json.dumps(urls)},
            names=names,
            timeZone=user.time_zone,
        ),
    )
    session.add(credential)
    await session.flush()
    with kinds.using(settings):
        listed = await ics_feed.IcsFeedSource().calendars(credential)
    await select_all(session, credential, listed)
    await queue_refresh(session, credential)
    return credential
