"""What the waitlist pages opened from a student's email link (leave the line, take an
offered seat) show of the entry: its workshop and school, the session in the student's zone
and language, and where to book instead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.kit import clock, when
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import NotFound
from immersio_booking.models import EventType, Team
from immersio_booking.models.waitlist import WaitlistEntry
from immersio_booking.waitlist import listing
from immersio_booking.web import i18n, visitor
from immersio_booking.web.carried import address

MayUse = Callable[[str, WaitlistEntry, str | None, datetime], bool]


async def signed_entry(
    session: AsyncSession,
    request: Request,
    uid: str,
    token: str | None,
    may_use: MayUse,
    not_found: str,
) -> WaitlistEntry:
    """The entry whose signed link this is (``may_use`` checks its token); anyone else gets
    the same 404 ``not_found`` for "no such entry" and "not your link"."""
    entry = await listing.by_uid(session, uid)
    secret = app_settings(request).resolved_secret_key()
    if entry is None or not may_use(secret, entry, token, clock.now()):
        raise NotFound(not_found)
    return entry


@dataclass(frozen=True)
class EntryPage:
    workshop: EventType
    tag: str  # the visitor's locale, for dates
    context: dict[str, Any]  # what every waitlist page template is given


async def entry_page(
    session: AsyncSession,
    request: Request,
    entry: WaitlistEntry,
    token: str | None,
    not_found: str,
) -> EntryPage:
    """The entry as its page shows it; a workshop or school gone since: 404 ``not_found``."""
    et = await session.get(EventType, entry.event_type_id)
    org = await session.get(Team, entry.organization_id)
    if et is None or org is None:
        raise NotFound(not_found)
    lang = i18n.choose_language(request, entry.language)
    tag = visitor.locale_tag(request, lang)
    end = entry.start_time + timedelta(minutes=et.length)
    return EntryPage(
        workshop=et,
        tag=tag,
        context={
            "lang": lang,
            "org": org,
            "title": et.title,
            "start": entry.start_time,
            "span": when.span(entry.start_time, end, entry.time_zone, tag),
            "entry": entry,
            "token": token,
            "book_url": address(f"/{org.slug}/{et.slug}", lang=lang) if org.slug else None,
        },
    )
