"""Whitelist files: ``POST /v2/event-types/{eventTypeId}/whitelist/import`` (CSV in the body:
``email,name,immersio_student_id``) and ``GET …/whitelist/export`` (the same columns).

An import keeps every valid row and reports each refused one by its line number; a row whose
email is already on the list is reported, not changed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from email_validator import EmailNotValidError, validate_email
from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.auth.principal import Principal
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import service as event_types
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.errors import BadRequest, DomainError
from immersio_booking.kit.schemas import ApiModel, Envelope, ResourceId, ok
from immersio_booking.kit.spreadsheet import csv_text
from immersio_booking.kit.validation import NAME_MAX_LENGTH, is_one_line
from immersio_booking.models import EventType, WorkshopWhitelist
from immersio_booking.whitelist import repository

router = APIRouter(prefix="/v2/event-types/{eventTypeId}/whitelist", tags=["Whitelist"])
COLUMNS = ("email", "name", "immersio_student_id")
# The body limit lets this path carry up to ``max_upload_bytes`` (not the general limit).
UPLOAD_PATH = r"/v2/event-types/[^/]+/whitelist/import"


class PayloadTooLarge(DomainError):
    status_code = 413
    reason = "file_too_large"


class RowError(ApiModel):
    line: int
    email: str | None
    reason: str
    message: str


class ImportResult(ApiModel):
    imported: int
    refused: int
    errors: list[RowError]


async def _file(request: Request, limit: int) -> bytes:
    """The uploaded file, read as it streams in; reading stops at the first byte past
    ``limit`` (a declared length over it is refused before reading anything)."""
    too_large = PayloadTooLarge(
        f"The file is larger than {limit} bytes", details={"maxBytes": limit}
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _rows(text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "email" not in header:
        raise BadRequest(
            "The first line must name the columns: email,name,immersio_student_id",
            reason="csv_header_missing",
        )
    reader.fieldnames = header
    return [
        (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k in COLUMNS})
        for row in reader
    ]


async def import_file(
    session: AsyncSession, principal: Principal, et: EventType, raw: bytes
) -> ImportResult:
    """Add the students of a CSV file (UTF-8, header line first) to ``et``'s list: every
    valid row is kept, every refused one reported by its line (the API and the dashboard)."""
    await event_types.ensure_may_edit(session, principal, et)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRequest("The file is not UTF-8 text", reason="csv_not_utf8") from exc
    try:
        rows = _rows(text)
    except csv.Error as exc:
        raise BadRequest(f"The file is not CSV: {exc}", reason="csv_invalid") from exc
    errors: list[RowError] = []
    accepted: dict[str, dict[str, object]] = {}
    line_of: dict[str, int] = {}
    for line, row in rows:
        given = row.get("email", "")
        try:
            email = validate_email(given, check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            errors.append(
                RowError(line=line, email=given or None, reason="invalid_email", message=str(exc))
            )
            continue
        if email in accepted:
            errors.append(
                RowError(
                    line=line,
                    email=email,
                    reason="duplicate_in_file",
                    message="already on an earlier line",
                )
            )
            continue
        name = row.get("name") or None
        student = row.get("immersio_student_id") or None
        if (name and len(name) > NAME_MAX_LENGTH) or (student and len(student) > 255):
            errors.append(
                RowError(
                    line=line,
                    email=email,
                    reason="value_too_long",
                    message=f"name takes at most {NAME_MAX_LENGTH} characters and"
                    " immersio_student_id at most 255",
                )
            )
            continue
        if name and not is_one_line(name):
            errors.append(
                RowError(
                    line=line,
                    email=email,
                    reason="invalid_name",
                    message="name must be one line without control characters",
                )
            )
            continue
        line_of[email] = line
        accepted[email] = {
            "organization_id": et.organization_id,
            "event_type_id": et.id,
            "email": email,
            "name": name,
            "immersio_student_id": student,
            "added_by": principal.user_id,
            "source": "manual",
        }
    inserted: set[str] = set()
    if accepted:
        result = await session.execute(
            insert(WorkshopWhitelist)
            .values(list(accepted.values()))
            .on_conflict_do_nothing(index_elements=["event_type_id", "email"])
            .returning(WorkshopWhitelist.email)
        )
        inserted = set(result.scalars())
    for email in accepted.keys() - inserted:
        errors.append(
            RowError(
                line=line_of[email],
                email=email,
                reason="already_whitelisted",
                message=f"{email} is already on this workshop's list",
            )
        )
    errors.sort(key=lambda e: e.line)
    return ImportResult(imported=len(inserted), refused=len(errors), errors=errors)


def export_text(entries: Iterable[WorkshopWhitelist]) -> str:
    """The list as CSV with the columns an import reads; a cell a spreadsheet would run as a
    formula is written as text (``kit.spreadsheet``)."""
    return csv_text(
        COLUMNS, ([e.email, e.name or "", e.immersio_student_id or ""] for e in entries)
    )


@router.post("/import")
async def import_whitelist(
    eventTypeId: ResourceId,  # noqa: N803
    request: Request,
    principal: AuthSubject,
    session: Session,
    settings: AppSettings,
) -> Envelope[ImportResult]:
    """Add the students of a CSV file (UTF-8, header line first) to the list."""
    et = await event_types.readable(session, principal, eventTypeId)
    await event_types.ensure_may_edit(session, principal, et)
    raw = await _file(request, settings.max_upload_bytes)
    return ok(await import_file(session, principal, et, raw))


@router.get("/export", response_class=Response)
async def export_whitelist(
    eventTypeId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Response:
    """The list as CSV, with the same columns an import reads."""
    et = await event_types.readable(session, principal, eventTypeId)
    return Response(
        export_text(await repository.whitelist(session, et.organization_id, et.id)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="whitelist-{et.id}.csv"'},
    )
