"""A session's waitlist: its entries in order with their status and how long an offer holds,
and taking a student out of line (``waitlist.leaving.leave``, which passes an offered seat on).

Who: the school's OWNER/ADMIN, or the workshop's teacher (``waitlist.access.staff_workshop``,
the API's rule); anyone else — another teacher, another school — gets the 404 page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.dashboard.access import Staff, StaffContext
from immersio_booking.dashboard.forms import checked_form
from immersio_booking.dashboard.languages import keep_language
from immersio_booking.dashboard.rendering import page
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock, when
from immersio_booking.kit.errors import BadRequest, Forbidden, NotFound
from immersio_booking.kit.pagination import Page
from immersio_booking.models import EventType
from immersio_booking.models.waitlist import IN_LINE, WaitlistStatus
from immersio_booking.waitlist import access, leaving, listing
from immersio_booking.web.i18n import choose_language

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

QUERY = frozenset({"eventTypeId", "start", "removed", "lang"})
# A line longer than this is a school's problem the API's pages answer; the page shows these.
SHOWN = 250


@dataclass(frozen=True)
class Row:
    uid: str
    position: int
    name: str
    email: str
    status: str
    offered_until: str
    joined: str
    removable: bool


def _start(raw: str | None) -> datetime:
    try:
        moment = datetime.fromisoformat(raw or "")
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise BadRequest(
            "start must be a date and time with its zone, like 2030-01-08T10:00:00Z",
            reason="invalid_start",
        )
    return moment.astimezone(UTC)


def _event_type_id(raw: str | None) -> int:
    if raw is None or not raw.isdigit() or not 0 < int(raw) < 2**63:
        raise BadRequest("eventTypeId must be a workshop's id", reason="invalid_event_type")
    return int(raw)


async def _workshop(session: AsyncSession, staff: StaffContext, event_type_id: int) -> EventType:
    """The workshop if this staff member may see its lines, else the 404 page (a teacher on
    another teacher's workshop is not told it exists)."""
    try:
        et = await access.staff_workshop(session, staff.principal, event_type_id)
    except Forbidden:
        raise NotFound("No such waitlist", reason="waitlist_not_found") from None
    if et.organization_id != staff.organization_id:
        raise NotFound("No such waitlist", reason="waitlist_not_found")
    return et


def _url(event_type_id: int, start: datetime, **flags: str) -> str:
    query = {"eventTypeId": str(event_type_id), "start": start.isoformat(), **flags}
    return f"/dashboard/waitlist?{urlencode(query)}"


@router.get("/dashboard/waitlist", response_class=HTMLResponse)
async def session_waitlist(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    unknown = sorted(set(request.query_params) - QUERY)
    if unknown:
        raise BadRequest(f"Unsupported parameter: {', '.join(unknown)}", reason="unsupported")
    query = request.query_params
    et = await _workshop(session, staff, _event_type_id(query.get("eventTypeId")))
    start = _start(query.get("start"))
    ranked, total = await listing.session_line(
        session, et.organization_id, et.id, start, Page(take=SHOWN, skip=0)
    )
    language = choose_language(request)
    zone = staff.user.time_zone
    rows = [
        Row(
            uid=r.entry.uid,
            position=r.position,
            name=r.entry.name,
            email=r.entry.email,
            status=r.entry.status.value,
            offered_until=(
                when.moment_in(r.entry.offer_expires_at, zone, language)
                if r.entry.offer_expires_at and r.entry.status == WaitlistStatus.OFFERED
                else ""
            ),
            joined=when.moment_in(r.entry.created_at, zone, language) if r.entry.created_at else "",
            removable=r.entry.status in IN_LINE,
        )
        for r in ranked
    ]
    end = start + timedelta(minutes=et.length)
    return page(
        request,
        staff,
        "dashboard/waitlist.html",
        {
            "workshop": et,
            "start": start.isoformat(),
            "when": when.span(start, end, zone, language),
            "rows": rows,
            "total": total,
            "waiting": sum(1 for r in rows if r.removable),
            "removed": query.get("removed"),
            "lang": language,
        },
        section="today",
    )


@router.post("/dashboard/waitlist/{uid}/remove")
async def remove(request: Request, uid: str, staff: Staff, session: Session) -> Response:
    """Take the student out of line; a seat offered to them goes on to the next."""
    form = await checked_form(request)
    entry = await listing.by_uid(session, uid)
    if entry is None or entry.organization_id != staff.organization_id:
        raise NotFound("No such waitlist", reason="waitlist_not_found")
    await _workshop(session, staff, entry.event_type_id)
    await leaving.leave(session, entry, clock.now())
    back = _url(entry.event_type_id, entry.start_time, removed="1")
    return RedirectResponse(keep_language(back, form), status_code=303)
