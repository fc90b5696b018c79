"""The booking page ``/{orgSlug}/{eventSlug}``: month, free days, sessions, the form.

Reading works without JavaScript (days and sessions are links and radio buttons rendered
here); booking posts the form as JSON to ``POST /v2/bookings`` with ``booking.js``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.bookings import verification
from immersio_booking.bookings.access import MANAGE
from immersio_booking.bookings.invitations import invite_only
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import repository as event_types
from immersio_booking.kit import clock as clock_
from immersio_booking.kit import signing, when
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.errors import NotFound
from immersio_booking.kit.replica import public_read
from immersio_booking.landing import service as landing
from immersio_booking.models import Booking, EventType
from immersio_booking.ratelimits import policy
from immersio_booking.web import i18n, security, visitor, workshops
from immersio_booking.web.booking_forms import form_fields
from immersio_booking.web.landing_pages import OrgSlug, school_at
from immersio_booking.web.month import Month
from immersio_booking.web.rendering import PageRoute, render
from immersio_booking.web.workshop_facts import facts_of
from immersio_booking.web.workshops import FreeSession
from immersio_booking.whitelist.service import whitelist_required

router = APIRouter(route_class=PageRoute, include_in_schema=False)

ShortParam = Annotated[str | None, Query(max_length=255)]


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _moment(text: str | None) -> datetime | None:
    """A session start from a link (``?slot=``, the landing page's times); None if unreadable."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None
    return moment if moment and moment.tzinfo else None


def _position(text: str | None) -> int | None:
    """The place in line the no-JS waitlist form came back with (``?waitlisted=``)."""
    return int(text) if text and text.isdigit() and int(text) > 0 else None


async def _moved_booking(session: AsyncSession, et: EventType, uid: str | None) -> Booking | None:
    """The booking being moved (its token already checked), when it is one of ``et``'s."""
    booking = await global_lookups.booking_by_uid(session, uid) if uid else None
    return booking if booking and booking.event_type_id == et.id else None


@router.get("/{orgSlug:school}/{eventSlug}")
async def booking_page(
    orgSlug: OrgSlug,  # noqa: N803
    eventSlug: Annotated[str, Path(max_length=255)],  # noqa: N803
    request: Request,
    session: Session,
    settings: AppSettings,
    tz: Annotated[str | None, Query(max_length=64)] = None,
    month: Annotated[str | None, Query(max_length=7)] = None,
    day: Annotated[str | None, Query(alias="date", max_length=10)] = None,
    reschedule: ShortParam = None,
    token: ShortParam = None,
    embed: Annotated[str | None, Query(max_length=1)] = None,
    email: ShortParam = None,
    name: ShortParam = None,
    student_id: Annotated[str | None, Query(alias="studentId", max_length=255)] = None,
    referrer: Annotated[str | None, Query(max_length=255)] = None,
    invitation: Annotated[str | None, Query(max_length=200)] = None,
    origin: Annotated[str | None, Query(max_length=255)] = None,
    previous_tz: Annotated[str | None, Query(alias="previousTz", max_length=64)] = None,
    clock: Annotated[str | None, Query(max_length=2)] = None,
    slot: Annotated[str | None, Query(max_length=40)] = None,
    waitlisted: Annotated[str | None, Query(max_length=6)] = None,
    waitlist_refused: Annotated[str | None, Query(alias="waitlistRefused", max_length=64)] = None,
) -> HTMLResponse:
    await policy.enforce(request, None, *policy.BOOKING_PAGES)
    # Booking pages work whether or not the school publishes a landing page (the embed needs
    # only the workshop), and are indexed only when the landing page is too.
    school = await school_at(session, orgSlug)
    org, page = school.org, school.page
    et = await event_types.by_slug(session, org.id, eventSlug)
    if et is None or et.hidden:
        raise NotFound("This workshop does not exist or is not open for booking")
    lang = i18n.choose_language(request, et.options.interface_language)
    tag = visitor.locale_tag(request, lang)
    clock = clock if clock in visitor.CLOCKS else None
    hour12 = visitor.uses_12_hours(clock, tag)
    zones = visitor.zone_choice(tz, previous_tz)
    zone = zones.zone
    now = clock_.now()
    today = now.astimezone(ZoneInfo(zone)).date()
    # Moving a booking needs its manage token (checked here too, so a guessed uid does not
    # show the page as if that booking's time were free).
    secret = settings.resolved_secret_key()
    valid = bool(reschedule and token and signing.verify(secret, MANAGE, reschedule, token, now))
    current = await _moved_booking(session, et, reschedule if valid else None)
    reschedule = current.uid if current else None
    current_start = current.start_time.astimezone(ZoneInfo(zone)) if current else None
    embedder = security.embedding_origin(origin) if embed == "1" else None
    chosen = _moment(slot)
    selected = (
        _day(day)
        or (chosen.astimezone(ZoneInfo(zone)).date() if chosen else None)
        or (current_start.date() if current_start else None)
    )
    this_month = Month(today.replace(day=1))
    shown = Month.parse(month, selected or today)
    if shown.first < this_month.first:  # no month in the past
        shown = this_month
    opening = month is None and selected is None

    async def free_in(on: AsyncSession) -> tuple[Month, dict[date, list[FreeSession]]]:
        if opening:
            return await workshops.opening_month(on, et, shown, zone, now, reschedule)
        window = shown.window(zone)
        return shown, await workshops.shown_sessions(on, et, window, zone, now, reschedule)

    # The read replica shows the sessions (kit/replica.py), except to a visitor moving a
    # booking: its own seat counts as free, and it may have been booked a moment ago.
    shown, free = await (free_in(session) if reschedule else public_read(request, session, free_in))
    earliest = shown if opening else this_month
    if et.seats_per_time_slot and not reschedule:
        free = await workshops.with_full_sessions(session, et, free, shown.window(zone), zone, now)
    if selected not in free:
        selected = min(free) if free else None
    shown_day = free.get(selected, []) if selected else []
    sessions = [s for s in shown_day if not s.full]
    full = [s for s in shown_day if s.full]
    picked = next((s.start for s in sessions if chosen and s.start == chosen), None)
    index = school.published and school.allows_indexing
    here = f"/{org.slug}/{et.slug}"
    kept = {
        "tz": zone,
        "clock": clock,
        "reschedule": reschedule,
        "token": token if reschedule else None,
        "embed": "1" if embed == "1" else None,
        "email": email,
        "name": name,
        "studentId": student_id,
        "referrer": referrer,
        "invitation": invitation,
        "origin": embedder,
        "lang": lang,
    }
    kept = {key: value for key, value in kept.items() if value}

    def link(month_key: str, day: date | None = None, **changed: str) -> str:
        """This page for another month or day, keeping the visitor's zone, language, embed."""
        asked = {"month": month_key, "date": day.isoformat() if day else None, **changed}
        return f"{here}?{urlencode({**kept, **{k: v for k, v in asked.items() if v}})}"

    def clock_time(moment: datetime) -> str:
        return when.time_of(moment, tag, hour12=hour12)

    base = settings.public_base_url
    return render(
        request,
        "booking.html",
        {
            "org": org,
            "page": page,
            "et": et,
            "palette": landing.palette(page, org.brand_color),
            "zone": zone,
            "month": shown,
            "earliest": earliest,
            "free": free,
            "selected": selected,
            "sessions": sessions,
            "full_sessions": full,
            "waitlisted": _position(waitlisted),
            # Why the no-JS waitlist form was refused (a reason; the page has the words).
            "waitlist_refused": waitlist_refused,
            "picked": picked,
            "current_start": current_start,
            "current_span": when.span(
                current.start_time, current.end_time, zone, tag, hour12=hour12
            )
            if current
            else None,
            "facts": await facts_of(session, et, org.name, lang),
            "zone_name": when.zone_name(zone, now, tag),
            "zone_refused": zones.refused,
            "zone_options": visitor.zone_options(tag, now),
            "hour12": hour12,
            "clock_time": clock_time,
            "lang": lang,
            "booking_tag": visitor.booking_tag(tag, lang, clock),
            "fields": form_fields(et),
            "whitelist": whitelist_required(et),
            # Checked when booking (POST /v2/bookings), not here: the page only carries it.
            "invite_only": invite_only(et),
            "invitation": invitation,
            "verify_email": verification.required(et),
            "topic": workshops.topic_of(et),
            "reschedule": reschedule,
            "token": token,
            "embedded": embed == "1",
            "prefill": {"email": email or "", "name": name or ""},
            "student_id": student_id,
            "referrer": referrer,
            "embedder": embedder,
            "canonical": f"{base}{here}",
            "link": link,
            "kept": kept,
            "here": here,
            "robots": "index,follow" if index else "noindex,nofollow",
        },
        framable=True,
        robots=None if index else "noindex",
        with_csrf=bool(full),
    )
