"""School settings: reminders (workflows) — list, create, edit, delete, through the workflows
service as ``/v2/organizations/{id}/workflows`` (OWNER/ADMIN), so timing, recipients and the
workshops a reminder runs on are checked by the API's rules and reminders are planned the same
way."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.dashboard import reminder_form
from immersio_booking.dashboard.access import Staff, StaffContext
from immersio_booking.dashboard.form_errors import FieldErrors, all_or_nothing, from_validation
from immersio_booking.dashboard.forms import checked_form
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.dashboard.school_settings import SETTINGS, school_of, settings_page
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import repository as event_types
from immersio_booking.kit.errors import BadRequest, NotFound
from immersio_booking.kit.schemas import ResourceId
from immersio_booking.workflows import repository, service
from immersio_booking.workflows.schemas import (
    TIMED_TRIGGERS,
    WorkflowCreate,
    WorkflowOut,
    WorkflowPatch,
)

WORKFLOWS = SETTINGS + "/reminders"
MOST_SHOWN = 200

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


def _school_id(staff: StaffContext) -> int:
    school = school_of(staff)
    staff.principal.require_org_admin(school.id)
    return school.id


@router.get(WORKFLOWS, response_class=HTMLResponse)
async def workflows(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    school_id = _school_id(staff)
    rows, _ = await repository.page_of(session, school_id, MOST_SHOWN, 0)
    titles = {et.id: et.title for et in await event_types.of_organization(session, school_id)}
    return settings_page(
        request,
        staff,
        "dashboard/settings_workflows.html",
        {
            "workflows": await service.out(session, rows),
            "titles": titles,
            "timed": TIMED_TRIGGERS,
        },
    )


async def _form_page(
    request: Request,
    staff: StaffContext,
    session: AsyncSession,
    workflow: WorkflowOut | None,
    entered: dict[str, Any],
    errors: FieldErrors | None = None,
) -> HTMLResponse:
    school_id = _school_id(staff)
    return settings_page(
        request,
        staff,
        "dashboard/settings_workflow.html",
        {
            "workflow": workflow,
            "entered": entered,
            "errors": errors or {},
            "workshops": await event_types.of_organization(session, school_id),
        },
        status_code=400 if errors else 200,
    )


async def _shown(session: AsyncSession, school_id: int, workflow_id: int) -> WorkflowOut:
    [shown] = await service.out(session, [await service.get(session, school_id, workflow_id)])
    return shown


async def _saved(
    session: AsyncSession, school_id: int, entered: dict[str, Any], workflow_id: int | None
) -> tuple[int | None, FieldErrors]:
    """The reminder saved (its id), or the refusals with nothing written."""
    model = WorkflowCreate if workflow_id is None else WorkflowPatch
    try:
        body = model.model_validate(reminder_form.body_of(entered))
    except ValidationError as invalid:
        return None, from_validation(invalid, reminder_form.field_of(entered))
    try:
        async with all_or_nothing(session):
            if isinstance(body, WorkflowCreate):
                return (await service.create(session, school_id, body)).id, {}
            assert workflow_id is not None
            return (await service.patch(session, school_id, workflow_id, body)).id, {}
    except (BadRequest, NotFound) as refused:
        if refused.reason == "workflow_not_found":
            raise
        return None, reminder_form.refusal(refused)


@router.get(WORKFLOWS + "/new", response_class=HTMLResponse)
async def new_workflow(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    return await _form_page(request, staff, session, None, reminder_form.entered_of(None))


@router.post(WORKFLOWS + "/new")
async def create_workflow(request: Request, staff: Staff, session: Session) -> Response:
    form = await checked_form(request)
    school_id = _school_id(staff)
    entered = reminder_form.entered_from(form)
    saved, errors = await _saved(session, school_id, entered, None)
    if saved is None:
        return await _form_page(request, staff, session, None, entered, errors)
    return RedirectResponse(f"{WORKFLOWS}/{saved}?done=saved", status_code=303)


@router.get(WORKFLOWS + "/{workflowId}", response_class=HTMLResponse)
async def workflow(
    workflowId: ResourceId,  # noqa: N803
    request: Request,
    staff: Staff,
    session: Session,
) -> HTMLResponse:
    shown = await _shown(session, _school_id(staff), workflowId)
    return await _form_page(request, staff, session, shown, reminder_form.entered_of(shown))


@router.post(WORKFLOWS + "/{workflowId}")
async def save_workflow(
    workflowId: ResourceId,  # noqa: N803
    request: Request,
    staff: Staff,
    session: Session,
) -> Response:
    form = await checked_form(request)
    school_id = _school_id(staff)
    shown = await _shown(session, school_id, workflowId)  # another school's: not found
    entered = reminder_form.entered_from(form)
    saved, errors = await _saved(session, school_id, entered, workflowId)
    if saved is None:
        return await _form_page(request, staff, session, shown, entered, errors)
    return RedirectResponse(f"{WORKFLOWS}/{saved}?done=saved", status_code=303)


@router.post(WORKFLOWS + "/{workflowId}/delete")
async def delete_workflow(
    workflowId: ResourceId,  # noqa: N803
    request: Request,
    staff: Staff,
    session: Session,
) -> Response:
    await checked_form(request)
    await service.remove(session, _school_id(staff), workflowId)
    return RedirectResponse(f"{WORKFLOWS}?done=deleted", status_code=303)
