"""``/v2/organizations/{orgId}/workflows``: reminders and messages on booking events.

Members of the organization read them; OWNER and ADMIN create, change and delete them. POST and
PATCH also take Cal.com's v2 workflow body (``workflows/calcom_shape.py``) and then answer in
Cal.com's shape.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, status
from pydantic import Discriminator

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.pagination import PageParams, Pagination
from immersio_booking.kit.schemas import BRANCH, Envelope, ResourceId, branch, ok
from immersio_booking.models import Team
from immersio_booking.tenancy.dependencies import ReadableOrganization
from immersio_booking.workflows import calcom_shape, repository, service
from immersio_booking.workflows.calcom_shape import (
    CalcomWorkflowCreate,
    CalcomWorkflowOut,
    CalcomWorkflowPatch,
)
from immersio_booking.workflows.schemas import (
    WorkflowCreate,
    WorkflowOut,
    WorkflowPage,
    WorkflowPatch,
)

router = APIRouter(prefix="/v2/organizations/{orgId}/workflows", tags=["Workflows"])


async def _administered(org: ReadableOrganization, principal: AuthSubject) -> Team:
    principal.require_org_admin(org.id)
    return org


AdministeredOrganization = Annotated[Team, Depends(_administered)]


def _shape(value: Any) -> str:
    """The tag of the body's branch: Cal.com's shape or ours."""
    return BRANCH + ("calcom" if calcom_shape.is_calcom_body(value) else "ours")


CreateBody = Annotated[
    Annotated[WorkflowCreate, branch("ours")] | Annotated[CalcomWorkflowCreate, branch("calcom")],
    Discriminator(_shape),
]
PatchBody = Annotated[
    Annotated[WorkflowPatch, branch("ours")] | Annotated[CalcomWorkflowPatch, branch("calcom")],
    Discriminator(_shape),
]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_workflow(
    org: AdministeredOrganization, body: CreateBody, session: Session
) -> Envelope[WorkflowOut] | Envelope[CalcomWorkflowOut]:
    """A workflow with its ordered steps; reminders are planned at once for the upcoming
    accepted bookings it applies to. Cal.com's body is answered in Cal.com's shape."""
    if isinstance(body, CalcomWorkflowCreate):
        workflow = await service.create(session, org.id, calcom_shape.create_input(body))
        return ok(calcom_shape.workflow_out((await service.out(session, [workflow]))[0]))
    workflow = await service.create(session, org.id, body)
    return ok((await service.out(session, [workflow]))[0])


@router.get("")
async def list_workflows(
    org: ReadableOrganization, session: Session, page: PageParams
) -> WorkflowPage:
    rows, total = await repository.page_of(session, org.id, page.take, page.skip)
    return WorkflowPage(
        data=await service.out(session, rows), pagination=Pagination.of(total, page)
    )


@router.get("/{workflowId}")
async def get_workflow(
    org: ReadableOrganization,
    workflowId: ResourceId,  # noqa: N803
    session: Session,
) -> Envelope[WorkflowOut]:
    return ok((await service.out(session, [await service.get(session, org.id, workflowId)]))[0])


@router.patch("/{workflowId}")
async def update_workflow(
    org: AdministeredOrganization,
    workflowId: ResourceId,  # noqa: N803
    body: PatchBody,
    session: Session,
) -> Envelope[WorkflowOut] | Envelope[CalcomWorkflowOut]:
    """Change what is given; ``steps`` replaces the list (matched by ``stepNumber``). Reminders
    that no longer apply are cancelled and missing ones planned. Cal.com's body is answered in
    Cal.com's shape."""
    if isinstance(body, CalcomWorkflowPatch):
        [current] = await service.out(session, [await service.get(session, org.id, workflowId)])
        ours = calcom_shape.patch_input(body, current)
        workflow = await service.patch(session, org.id, workflowId, ours)
        return ok(calcom_shape.workflow_out((await service.out(session, [workflow]))[0]))
    workflow = await service.patch(session, org.id, workflowId, body)
    return ok((await service.out(session, [workflow]))[0])


@router.delete("/{workflowId}")
async def delete_workflow(
    org: AdministeredOrganization,
    workflowId: ResourceId,  # noqa: N803
    session: Session,
) -> Envelope[WorkflowOut]:
    """Delete the workflow; its reminders still waiting are cancelled."""
    return ok(await service.remove(session, org.id, workflowId))
