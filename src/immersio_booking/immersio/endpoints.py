"""``/v2/organizations/{orgId}/immersio/…``: the connection, course mappings, the live course
list, on-demand syncs and their logs. Organization OWNER/ADMIN only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.immersio import repository, service
from immersio_booking.immersio.schemas import (
    ConnectionCheck,
    CourseMappingIn,
    CourseMappingOut,
    CourseMappingPatch,
    ImmersioCourseOut,
    IntegrationIn,
    IntegrationOut,
    SyncLogOut,
    SyncRequest,
    SyncStarted,
)
from immersio_booking.immersio.tasks import start_and_defer
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.pagination import PageParams, Pagination
from immersio_booking.kit.schemas import Envelope, ResourceId, ok
from immersio_booking.tenancy.dependencies import ReadableOrganization

router = APIRouter(prefix="/v2/organizations/{orgId}/immersio", tags=["Immersio"])


async def _administered(org: ReadableOrganization, principal: AuthSubject) -> int:
    principal.require_org_admin(org.id)
    return org.id


Tenant = Annotated[int, Depends(_administered)]


@router.put("/integration")
async def connect(
    tenant: Tenant, body: IntegrationIn, session: Session, settings: AppSettings
) -> Envelope[IntegrationOut]:
    """Connect Immersio (or change the connection). The API key is stored encrypted and never
    shown; the webhook secret is generated on first connection and shown in that answer only."""
    return ok(await service.connect(session, tenant, body, settings))


@router.get("/integration")
async def get_integration(
    tenant: Tenant, session: Session, settings: AppSettings
) -> Envelope[IntegrationOut]:
    return ok(service.out(await service.connected(session, tenant), settings))


@router.delete("/integration")
async def disconnect(
    tenant: Tenant, session: Session, settings: AppSettings
) -> Envelope[IntegrationOut]:
    return ok(await service.disconnect(session, tenant, settings))


@router.post("/integration/test")
async def test_connection(
    tenant: Tenant, session: Session, settings: AppSettings
) -> Envelope[ConnectionCheck]:
    """Ask Immersio whether the stored key works, and say what is wrong when it does not."""
    return ok(await service.check_connection(session, tenant, settings))


@router.post("/integration/webhook-secret")
async def rotate_webhook_secret(
    tenant: Tenant, session: Session, settings: AppSettings
) -> Envelope[IntegrationOut]:
    """A new webhook secret, shown once; the old one stops working at once."""
    return ok(await service.rotate_webhook_secret(session, tenant, settings))


@router.get("/courses")
async def courses(
    tenant: Tenant, session: Session, settings: AppSettings
) -> Envelope[list[ImmersioCourseOut]]:
    """The courses Immersio has now, each with whether (and to which workshop) it is mapped."""
    return ok(await service.live_courses(session, tenant, settings))


@router.post("/course-mappings", status_code=status.HTTP_201_CREATED)
async def create_mapping(
    tenant: Tenant, body: CourseMappingIn, session: Session
) -> Envelope[CourseMappingOut]:
    """Map a workshop to an Immersio course (each at most once: 409 otherwise)."""
    return ok(await service.create_mapping(session, tenant, body))


@router.get("/course-mappings")
async def list_mappings(tenant: Tenant, session: Session) -> Envelope[list[CourseMappingOut]]:
    return ok(await service.mappings(session, tenant))


@router.get("/course-mappings/{mappingId}")
async def get_mapping(
    tenant: Tenant,
    mappingId: ResourceId,  # noqa: N803
    session: Session,
) -> Envelope[CourseMappingOut]:
    return ok(await service.mapping(session, tenant, mappingId))


@router.patch("/course-mappings/{mappingId}")
async def patch_mapping(
    tenant: Tenant,
    mappingId: ResourceId,  # noqa: N803
    body: CourseMappingPatch,
    session: Session,
) -> Envelope[CourseMappingOut]:
    return ok(await service.patch_mapping(session, tenant, mappingId, body))


@router.delete("/course-mappings/{mappingId}")
async def delete_mapping(
    tenant: Tenant,
    mappingId: ResourceId,  # noqa: N803
    session: Session,
) -> Envelope[CourseMappingOut]:
    return ok(await service.delete_mapping(session, tenant, mappingId))


@router.post("/sync", status_code=status.HTTP_202_ACCEPTED)
async def start_sync(tenant: Tenant, body: SyncRequest, session: Session) -> Envelope[SyncStarted]:
    """Start a sync now (it runs in a job). While one runs, its log ids come back instead."""
    started = await start_and_defer(session, tenant, body.types)
    ids = [log.id for log in started.logs]
    return ok(
        SyncStarted(sync_log_id=ids[0], sync_log_ids=ids, already_running=started.already_running)
    )


class SyncLogPage(Envelope[list[SyncLogOut]]):
    pagination: Pagination


@router.get("/sync-logs", response_model_by_alias=True)
async def sync_logs(tenant: Tenant, session: Session, page: PageParams) -> SyncLogPage:
    """Sync logs, newest first (``take``/``skip``), one per sync type of each run."""
    rows, total = await repository.sync_logs(session, tenant, page.take, page.skip)
    return SyncLogPage(
        data=[SyncLogOut.model_validate(r) for r in rows], pagination=Pagination.of(total, page)
    )
