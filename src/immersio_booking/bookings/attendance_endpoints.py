"""Attendance over HTTP: ``POST /v2/bookings/{uid}/mark-absent`` (Cal.com 2024-08-13, an API
key of the host or the school; a student's manage token does not mark attendance) and the
school's report ``GET /v2/organizations/{orgId}/attendance`` (JSON or CSV)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import AwareDatetime, EmailStr

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.bookings import access, attendance, attendance_report, output
from immersio_booking.bookings.attendance_report import Line, Report, ReportQuery
from immersio_booking.bookings.schemas import BookingOut, MarkAbsentInput
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.schemas import Envelope, ResourceId
from immersio_booking.kit.spreadsheet import Cell, csv_text

router = APIRouter(prefix="/v2/bookings", tags=["Bookings"])
report_router = APIRouter(prefix="/v2/organizations/{orgId}/attendance", tags=["Attendance"])


@router.post("/{bookingUid}/mark-absent", response_model=Envelope[BookingOut])
async def mark_absent(
    bookingUid: str,  # noqa: N803
    body: MarkAbsentInput,
    principal: AuthSubject,
    session: Session,
    request: Request,
) -> JSONResponse:
    """Mark the host and/or attendees absent (or present again), once the session started."""
    settings = app_settings(request)
    now = clock.now()
    booking, actor = await access.booking_for(
        session, bookingUid, principal, None, settings.resolved_secret_key(), now
    )
    booking = await attendance.mark_absent(session, booking, actor, body, now)
    items = await output.as_json(session, settings, [booking])
    return JSONResponse(output.envelope(items, False))


def _line(line: Line, key: str) -> dict[str, Any]:
    return {
        key: line.key,
        "workshop" if key == "eventTypeId" else "name": line.label,
        "sessions": line.sessions,
        "attended": line.attended,
        "absent": line.absent,
        "rate": line.rate,
    }


CSV_HEADER = ("scope", "eventTypeId", "workshop", "studentEmail", "studentName") + (
    "sessions",
    "attended",
    "absent",
    "rate",
)


def _csv(report: Report) -> str:
    def counts(line: Line) -> tuple[int, int, int, float | None]:
        return line.sessions, line.attended, line.absent, line.rate

    rows: list[tuple[Cell, ...]] = [
        ("workshop", w.key, w.label, None, None, *counts(w)) for w in report.by_workshop
    ]
    rows += [("student", None, None, s.key, s.label, *counts(s)) for s in report.by_student]
    return csv_text(CSV_HEADER, rows)


@report_router.get("", response_model=Envelope[dict[str, list[dict[str, Any]]]])
async def attendance_of_organization(
    orgId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
    eventTypeId: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,  # noqa: N803
    studentEmail: EmailStr | None = None,  # noqa: N803
    afterStart: AwareDatetime | None = None,  # noqa: N803
    beforeEnd: AwareDatetime | None = None,  # noqa: N803
    format: Literal["json", "csv"] = "json",
) -> Response:
    """Per workshop and per student: sessions started, seats attended, absent, and the rate.

    An attendee counts as attended unless marked absent. OWNER/ADMIN of the school only."""
    principal.require_org_admin(orgId)
    query = ReportQuery(
        eventTypeId, str(studentEmail) if studentEmail else None, afterStart, beforeEnd
    )
    report = await attendance_report.report(session, orgId, query, clock.now())
    if format == "csv":
        day = clock.now().date().isoformat()
        return Response(
            _csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="attendance-{orgId}-{day}.csv"'},
        )
    return JSONResponse(
        {
            "status": "success",
            "data": {
                "byWorkshop": [_line(w, "eventTypeId") for w in report.by_workshop],
                "byStudent": [_line(s, "email") for s in report.by_student],
            },
        }
    )
