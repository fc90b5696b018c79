"""Students: each workshop's whitelist — who is on it and where each entry came from (added
by hand or by the Immersio sync), add and remove one, import a CSV file with every refused
row shown, export the list. School staff only; the same services as the API's whitelist."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from immersio_booking.dashboard.access import Staff, StaffContext
from immersio_booking.dashboard.dates import day_of
from immersio_booking.dashboard.forms import checked_form, field_problems
from immersio_booking.dashboard.rendering import page
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import repository as event_type_rows
from immersio_booking.event_types import service as event_types
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import BadRequest, Conflict, NotFound
from immersio_booking.kit.schemas import ResourceId
from immersio_booking.models import EventType
from immersio_booking.whitelist import entries, files, repository
from immersio_booking.whitelist.files import ImportResult, PayloadTooLarge
from immersio_booking.whitelist.schemas import WhitelistEntryIn
from immersio_booking.whitelist.service import whitelist_required

PREFIX = "/dashboard/students"
# The body limit lets the import carry up to ``max_upload_bytes``, as the API's import.
UPLOAD_PATH = r"/dashboard/students/[^/]+/import"
FIELDS = ("email", "name", "immersio_student_id")

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


async def _workshop(session: AsyncSession, staff: StaffContext, event_type_id: int) -> EventType:
    """A workshop of the school shown; anything else (another school's) is "not found"."""
    staff.require_school_admin()
    et = await event_types.readable(session, staff.principal, event_type_id)
    if et.organization_id != staff.organization_id:
        raise NotFound(f"Event type with id {event_type_id} not found")
    return et


@router.get(PREFIX, response_class=HTMLResponse)
async def workshops(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    staff.require_school_admin()
    school = staff.organization_id
    sizes = await repository.sizes(session, school)
    rows = [
        {"workshop": et, "students": sizes.get(et.id, 0), "restricted": whitelist_required(et)}
        for et in await event_type_rows.of_organization(session, school)
    ]
    return page(request, staff, "dashboard/students.html", {"rows": rows}, section="students")


async def _list_page(
    request: Request,
    staff: StaffContext,
    session: AsyncSession,
    et: EventType,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    rows = [
        {"entry": e, "added": day_of(request, staff, e.created_at)}
        for e in await repository.whitelist(session, et.organization_id, et.id)
    ]
    return page(
        request,
        staff,
        "dashboard/student_list.html",
        {
            "workshop": et,
            "restricted": whitelist_required(et),
            "rows": rows,
            "done": request.query_params.get("done"),
            "errors": {},
            "entered": {},
            **context,
        },
        section="students",
        status_code=status_code,
    )


@router.get(PREFIX + "/{eventTypeId}", response_class=HTMLResponse)
async def student_list(
    eventTypeId: ResourceId,  # noqa: N803
    request: Request,
    staff: Staff,
    session: Session,
) -> HTMLResponse:
    et = await _workshop(session, staff, eventTypeId)
    return await _list_page(request, staff, session, et)


@router.post(PREFIX + "/{eventTypeId}")
async def add_student(
    eventTypeId: ResourceId,  # noqa: N803
    request: Request,
    staff: Staff,
    session: Session,
) -> Response:
    form = await checked_form(request)
    et = await _workshop(session, staff, eventTypeId)
    entered = {f: str(form.get(f) or "").strip() for f in FIELDS}
    try:
        body = WhitelistEntryIn.model_validate({k: v or None for k, v in entered.items()})
        await entries.add(session, staff.principal, et, body)
    except ValidationError as invalid:
        errors = {
            field: "invalid_email" if field == "email" else "invalid_value"
            for field in field_problems(invalid)
        }
    except Conflict as taken:
        errors = {"email": taken.reason}
    else:
        return RedirectResponse(f"{PREFIX}/{et.id}?done=added", status_code=303)
    return await _list_page(
        request, staff, session, et, status_code=400, errors=errors, entered=entered
    )


@router.post(PREFIX + "/{eventTypeId}/entries/{entryId}/remove")
async def remove_student(
    eventTypeId: ResourceId,  # noqa: N803
    entryId: ResourceId,  # noqa: N803
    request: Request,
    staff: Staff,
    session: Session,
) -> Response:
    await checked_form(request)
    et = await _workshop(session, staff, eventTypeId)
    await entries.remove(session, staff.principal, et, entryId)
    return RedirectResponse(f"{PREFIX}/{et.id}?done=removed", status_code=303)


async def _upload(upload: object, limit: int) -> bytes:
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise BadRequest("Choose a CSV file", reason="file_missing")
    raw = await upload.read(limit + 1)
    if len(raw) > limit:
        raise PayloadTooLarge(f"The file is larger than {limit} bytes")
    return raw


@router.post(PREFIX + "/{eventTypeId}/import")
async def import_students(
    eventTypeId: ResourceId,  # noqa: N803
    request: Request,
    staff: Staff,
    session: Session,
) -> Response:
    form = await checked_form(request)
    et = await _workshop(session, staff, eventTypeId)
    try:
        raw = await _upload(form.get("file"), app_settings(request).max_upload_bytes)
        result: ImportResult = await files.import_file(session, staff.principal, et, raw)
    except (BadRequest, PayloadTooLarge) as refused:
        return await _list_page(
            request, staff, session, et, status_code=400, errors={"file": refused.reason}
        )
    return await _list_page(request, staff, session, et, imported=result)


@router.get(PREFIX + "/{eventTypeId}/export")
async def export_students(
    eventTypeId: ResourceId,  # noqa: N803
    staff: Staff,
    session: Session,
) -> Response:
    et = await _workshop(session, staff, eventTypeId)
    return Response(
        files.export_text(await repository.whitelist(session, et.organization_id, et.id)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="students-{et.id}.csv"'},
    )
