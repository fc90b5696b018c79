"""The booking page ``/{orgSlug}/{eventSlug}``: month, free days, sessions, the form.

Reading works without JavaScript (days and sessions are links and radio buttons rendered
here); booking posts the form as JSON to ``POST /v2/bookings`` with ``booking.js``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse

from immersio_booking.bookings import verification
from immersio_booking.bookings.access import MANAGE
from immersio_booking.bookings.invitations import invite_only
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import repository as event_types
from immersio_booking.kit import clock, signing
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.errors import NotFound
from immersio_booking.landing import service as landing
from immersio_booking.ratelimits import policy
from immersio_booking.web import i18n, security, workshops
from immersio_booking.web.booking_forms import form_fields
from immersio_booking.web.landing_pages import OrgSlug, school_at
from immersio_booking.web.month import Month
from immersio_booking.web.rendering import PageRoute, render
from immersio_booking.whitelist.service import whitelist_required

router = APIRouter(route_class=PageRoute, include_in_schema=False)

ShortParam = Annotated[str | None, Query(max_length=255)]


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


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
) -> HTMLResponse:
    await policy.enforce(request, None, *policy.BOOKING_PAGES)
    # Booking pages work whether or not the school publishes a landing page (the embed needs
    # only the workshop), and are indexed only when the landing page is too.
    school = await school_at(session, orgSlug)
    org, page = school.org, school.page
    et = await event_types.by_slug(session, org.id, eventSlug)
    if et is None or et.hidden:
        raise NotFound("This workshop does not exist or is not open for booking")
    zone = workshops.visitor_zone(tz)
    now = clock.now()
    today = now.astimezone(ZoneInfo(zone)).date()
    # Moving a booking needs its manage token (checked here too, so a guessed uid does not
    # show the page as if that booking's time were free).
    secret = settings.resolved_secret_key()
    valid = bool(reschedule and token and signing.verify(secret, MANAGE, reschedule, token, now))
    reschedule = reschedule if valid else None
    embedder = security.embedding_origin(origin) if embed == "1" else None
    selected = _day(day)
    shown = Month.parse(month, selected or today)
    free = await workshops.shown_sessions(session, et, shown.window(zone), zone, now, reschedule)
    if not free and month is None and selected is None:  # nothing left this month: the next
        shown = shown.following
        free = await workshops.shown_sessions(
            session, et, shown.window(zone), zone, now, reschedule
        )
    if selected not in free:
        selected = min(free) if free else None
    index = school.published and school.allows_indexing
    here = f"/{org.slug}/{et.slug}"
    kept = {
        "tz": zone,
        "reschedule": reschedule,
        "token": token if reschedule else None,
        "embed": "1" if embed == "1" else None,
        "email": email,
        "name": name,
        "studentId": student_id,
        "referrer": referrer,
        "invitation": invitation,
        "origin": embedder,
        "lang": i18n.choose_language(request, et.options.interface_language),
    }
    kept = {key: value for key, value in kept.items() if value}

    def link(month_key: str, day: date | None = None) -> str:
        """This page for another month or day, keeping the visitor's zone, language, embed."""
        chosen = {"month": month_key, "date": day.isoformat() if day else None}
        return f"{here}?{urlencode({**kept, **{k: v for k, v in chosen.items() if v}})}"

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
            "earliest": Month(today.replace(day=1)),
            "free": free,
            "selected": selected,
            "sessions": free.get(selected, []) if selected else [],
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
            "here": here,
            "robots": "index,follow" if index else "noindex,nofollow",
        },
        framable=True,
        robots=None if index else "noindex",
    )
