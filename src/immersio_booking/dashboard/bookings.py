"""The dashboard's bookings: the filtered, paginated list (the API's listing query), its CSV
export (streamed, every cell safe to open in a spreadsheet), and one booking's page."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.bookings import listing
from immersio_booking.bookings.listing import STATUS_FILTERS, Audience, ListQuery
from immersio_booking.dashboard import booking_detail, booking_filters
from immersio_booking.dashboard.access import Staff
from immersio_booking.dashboard.booking_access import booking_of, sees_all
from immersio_booking.dashboard.booking_rows import rows_of
from immersio_booking.dashboard.rendering import page
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import repository as event_types
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import BadRequest
from immersio_booking.kit.spreadsheet import safe_cell
from immersio_booking.members import repository as members
from immersio_booking.models import Booking
from immersio_booking.web.i18n import choose_language

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

CSV_HEADER = (
    "uid",
    "status",
    "start",
    "end",
    "workshop",
    "teacher",
    "teacherEmail",
    "student",
    "studentEmail",
    "payment",
    "amount",
    "currency",
)
CSV_BATCH = 500


@router.get("/dashboard/bookings", response_class=HTMLResponse)
async def bookings(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    filters = booking_filters.read(request.query_params, staff)
    org_id = staff.organization_id
    found: list[Booking] = []
    total = 0
    if not filters.problems:
        found, total = await listing.list_in(
            session, booking_filters.audience(staff), filters.query, filters.page, clock.now()
        )
    workshops = await event_types.of_organization(session, org_id)
    if not sees_all(staff):
        workshops = [w for w in workshops if w.user_id == staff.user.id or w.team_id]
    teachers = (
        [u for u, _, _ in await members.users(session, org_id, 500, 0)] if sees_all(staff) else []
    )
    language = choose_language(request)
    pages = max(1, -(-total // booking_filters.PAGE_SIZE))
    return page(
        request,
        staff,
        "dashboard/bookings.html",
        {
            "rows": await rows_of(session, org_id, found, staff.user.time_zone, language),
            "total": total,
            "filters": filters,
            "page_number": filters.page_number,
            "pages": pages,
            "workshops": workshops,
            "teachers": teachers,
            "statuses": STATUS_FILTERS,
            "export": filters.link(page=""),
        },
        section="bookings",
        status_code=400 if filters.problems else 200,
    )


async def _csv_lines(
    sessionmaker: async_sessionmaker[AsyncSession],
    audience: Audience,
    query: ListQuery,
    zone: str,
    batch_size: int = CSV_BATCH,
) -> AsyncIterator[str]:
    """The export, a batch of rows at a time, in a session of its own (the request's is closed
    once the response starts). Each batch starts after the last row of the one before
    (``listing.list_after``): a booking made or cancelled meanwhile shifts no row, so none
    comes twice and none is skipped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_HEADER)
    yield flush()
    now = clock.now()
    last: Booking | None = None
    async with sessionmaker() as session:
        while True:
            batch = await listing.list_after(session, audience, query, last, batch_size, now)
            if not batch:
                break
            last = batch[-1]
            for row in await rows_of(session, audience.organization_id, batch, zone, "en"):
                writer.writerow(
                    [
                        safe_cell(v)
                        for v in (
                            row.uid,
                            row.status,
                            row.start.isoformat(),
                            row.end.isoformat(),
                            row.title,
                            row.teacher,
                            row.teacher_email,
                            row.student,
                            row.student_email,
                            row.payment,
                            row.amount,
                            row.currency,
                        )
                    ]
                )
            yield flush()
            session.expunge_all()


@router.get("/dashboard/bookings.csv")
async def export(request: Request, staff: Staff) -> StreamingResponse:
    filters = booking_filters.read(request.query_params, staff)
    if filters.problems:
        raise BadRequest(
            "Invalid filter: " + ", ".join(sorted(filters.problems)), reason="invalid_filter"
        )
    day = clock.now().date().isoformat()
    return StreamingResponse(
        _csv_lines(
            request.app.state.sessionmaker,
            booking_filters.audience(staff),
            filters.query,
            staff.user.time_zone,
        ),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": (
                f'attachment; filename="bookings-{staff.organization_id}-{day}.csv"'
            ),
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/dashboard/bookings/{uid}", response_class=HTMLResponse)
async def booking(request: Request, uid: str, staff: Staff, session: Session) -> HTMLResponse:
    if set(request.query_params) - {"lang", "done"}:
        raise BadRequest("Unsupported parameter", reason="unsupported")
    secret = app_settings(request).resolved_secret_key()
    found, actor = await booking_of(session, staff, uid, secret)
    return await booking_detail.detail_page(request, staff, session, found, actor)
