"""The Immersio connection and course mappings of a tenant: rules and storage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.config import Settings
from immersio_booking.immersio import repository, roster
from immersio_booking.immersio.client import (
    ImmersioClient,
    ImmersioError,
    ImmersioForbidden,
    ImmersioNotFound,
    ImmersioUnauthorized,
)
from immersio_booking.immersio.schemas import (
    ConnectionCheck,
    CourseMappingIn,
    CourseMappingOut,
    CourseMappingPatch,
    ImmersioCourseOut,
    IntegrationIn,
    IntegrationOut,
)
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.kit.errors import BadRequest, Conflict, DomainError, NotFound
from immersio_booking.kit.http import OutgoingPolicy, vetted_addresses
from immersio_booking.models import ImmersioCourseMapping, ImmersioIntegration, SyncStatus
from immersio_booking.webhooks.service import new_secret


class ImmersioUnreachable(DomainError):
    status_code = 502
    reason = "immersio_unavailable"


def _client(integration: ImmersioIntegration, settings: Settings) -> ImmersioClient:
    if integration.api_key_encrypted is None:
        raise BadRequest("No Immersio API key is stored", reason="immersio_key_missing")
    return ImmersioClient(
        integration.base_url,
        integration.immersio_org_id,
        SecretBox.of(settings).open(integration.api_key_encrypted),
        policy=OutgoingPolicy.of(settings),
    )


# The factory of the Immersio client; swap it (tests, another transport) for any ImmersioApi
# that is also an async context manager.
client_for: Callable[[ImmersioIntegration, Settings], Any] = _client


def out(
    integration: ImmersioIntegration, settings: Settings, shown_secret: str | None = None
) -> IntegrationOut:
    return IntegrationOut(
        id=integration.id,
        immersio_org_id=integration.immersio_org_id,
        base_url=integration.base_url,
        has_api_key=integration.api_key_encrypted is not None,
        sync_enabled=integration.sync_enabled,
        sync_interval_minutes=integration.sync_interval_minutes,
        sync_status=integration.sync_status,
        last_sync_at=integration.last_sync_at,
        sync_error_message=integration.sync_error_message,
        webhook_url=f"{settings.public_base_url}/webhooks/immersio/{integration.tenant_id}",
        webhook_secret=shown_secret,
        created_at=integration.created_at,
        updated_at=integration.updated_at,
    )


async def connected(session: AsyncSession, organization_id: int) -> ImmersioIntegration:
    found = await repository.integration(session, organization_id)
    if found is None:
        raise NotFound("Immersio is not connected here", reason="immersio_not_connected")
    return found


async def connect(
    session: AsyncSession, organization_id: int, body: IntegrationIn, settings: Settings
) -> IntegrationOut:
    """Create or replace the connection; the webhook secret is generated (and shown) once."""
    base_url = str(body.base_url).rstrip("/")
    await vetted_addresses(base_url, OutgoingPolicy.of(settings))
    box = SecretBox.of(settings)
    integration = await repository.integration(session, organization_id, for_update=True)
    shown: str | None = None
    if integration is None:
        if body.api_key is None:
            raise BadRequest("apiKey is required to connect", reason="immersio_key_missing")
        shown = new_secret()
        integration = ImmersioIntegration(
            tenant_id=organization_id,
            immersio_org_id=body.immersio_org_id,
            webhook_secret=box.seal(shown),
            sync_status=SyncStatus.PENDING,
        )
        session.add(integration)
    elif integration.immersio_org_id != body.immersio_org_id:
        # Another organization: nothing was synced from it yet, so every read starts in full.
        integration.sync_status = SyncStatus.PENDING
        integration.last_sync_at = None
        await session.execute(
            update(ImmersioCourseMapping)
            .where(ImmersioCourseMapping.tenant_id == organization_id)
            .values(last_student_sync=None)
        )
    integration.base_url = base_url
    integration.immersio_org_id = body.immersio_org_id
    if body.api_key is not None:
        integration.api_key_encrypted = box.seal(body.api_key)
    integration.sync_enabled = body.sync_enabled
    integration.sync_interval_minutes = body.sync_interval_minutes
    await session.flush()
    await roster.mark_workshops(session, organization_id, integration.immersio_org_id)
    await session.refresh(integration)
    return out(integration, settings, shown)


async def rotate_webhook_secret(
    session: AsyncSession, organization_id: int, settings: Settings
) -> IntegrationOut:
    integration = await connected(session, organization_id)
    shown = new_secret()
    integration.webhook_secret = SecretBox.of(settings).seal(shown)
    await session.flush()
    await session.refresh(integration)
    return out(integration, settings, shown)


async def disconnect(
    session: AsyncSession, organization_id: int, settings: Settings
) -> IntegrationOut:
    """Forget the connection; mappings, whitelists and logs stay (they are the school's)."""
    integration = await connected(session, organization_id)
    shown = out(integration, settings)
    await session.delete(integration)
    await session.flush()
    return shown


async def check_connection(
    session: AsyncSession, organization_id: int, settings: Settings
) -> ConnectionCheck:
    integration = await connected(session, organization_id)
    try:
        async with client_for(integration, settings) as api:
            found = await api.organization()
    except ImmersioUnauthorized:
        return ConnectionCheck(
            ok=False, reason="immersio_key_refused", message="Immersio refused the API key."
        )
    except ImmersioForbidden:
        return ConnectionCheck(
            ok=False,
            reason="immersio_forbidden",
            message=f"The API key may not read the Immersio organization "
            f"{integration.immersio_org_id}.",
        )
    except ImmersioNotFound:
        return ConnectionCheck(
            ok=False,
            reason="immersio_organization_unknown",
            message=f"Immersio knows no organization {integration.immersio_org_id}.",
        )
    except ImmersioError as exc:
        return ConnectionCheck(ok=False, reason="immersio_unavailable", message=exc.message)
    return ConnectionCheck(ok=True, message="Connected.", immersio_organization_name=found.name)


async def live_courses(
    session: AsyncSession, organization_id: int, settings: Settings
) -> list[ImmersioCourseOut]:
    integration = await connected(session, organization_id)
    mapped = {m.immersio_course_id: m for m in await repository.mappings(session, organization_id)}
    try:
        async with client_for(integration, settings) as api:
            courses = await api.courses()
    except ImmersioError as exc:
        raise ImmersioUnreachable(exc.message) from exc
    return [
        ImmersioCourseOut(
            id=c.id,
            name=c.name,
            language=c.language,
            level=c.level,
            updated_at=c.updated_at,
            mapped=c.id in mapped,
            event_type_id=mapped[c.id].event_type_id if c.id in mapped else None,
        )
        for c in courses
    ]


# --- course mappings ---------------------------------------------------------------------


def mapping_out(m: ImmersioCourseMapping) -> CourseMappingOut:
    return CourseMappingOut.model_validate(m)


async def _mapping(
    session: AsyncSession, organization_id: int, mapping_id: int
) -> ImmersioCourseMapping:
    found = await repository.mapping(session, organization_id, mapping_id)
    if found is None:
        raise NotFound(f"Course mapping {mapping_id} not found")
    return found


async def _flush_unique(session: AsyncSession) -> None:
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "This workshop or this Immersio course is already mapped",
            reason="course_mapping_exists",
        ) from exc


async def create_mapping(
    session: AsyncSession, organization_id: int, body: CourseMappingIn
) -> CourseMappingOut:
    workshop = await repository.workshop(session, organization_id, body.event_type_id)
    if workshop is None:
        raise NotFound(f"Event type with id {body.event_type_id} not found")
    exists = await session.execute(
        select(ImmersioCourseMapping.id).where(
            ImmersioCourseMapping.tenant_id == organization_id,
            (ImmersioCourseMapping.event_type_id == body.event_type_id)
            | (ImmersioCourseMapping.immersio_course_id == body.immersio_course_id),
        )
    )
    if exists.first() is not None:
        raise Conflict(
            "This workshop or this Immersio course is already mapped",
            reason="course_mapping_exists",
        )
    created = ImmersioCourseMapping(
        tenant_id=organization_id,
        event_type_id=body.event_type_id,
        immersio_course_id=body.immersio_course_id,
        immersio_course_name=body.immersio_course_name,
        sync_students=body.sync_students,
    )
    session.add(created)
    await _flush_unique(session)
    integration = await repository.integration(session, organization_id)
    if integration is not None:
        await roster.mark_workshops(session, organization_id, integration.immersio_org_id)
    await session.refresh(created)
    return mapping_out(created)


async def mappings(session: AsyncSession, organization_id: int) -> list[CourseMappingOut]:
    return [mapping_out(m) for m in await repository.mappings(session, organization_id)]


async def mapping(session: AsyncSession, organization_id: int, mapping_id: int) -> CourseMappingOut:
    return mapping_out(await _mapping(session, organization_id, mapping_id))


async def patch_mapping(
    session: AsyncSession, organization_id: int, mapping_id: int, body: CourseMappingPatch
) -> CourseMappingOut:
    found = await _mapping(session, organization_id, mapping_id)
    changes = body.model_dump(exclude_unset=True)
    if "immersio_course_name" in changes:
        found.immersio_course_name = body.immersio_course_name
    if body.sync_students is not None:
        found.sync_students = body.sync_students
    await session.flush()
    await session.refresh(found)
    return mapping_out(found)


async def delete_mapping(
    session: AsyncSession, organization_id: int, mapping_id: int
) -> CourseMappingOut:
    """Unmap; the workshop's whitelist stays as it is (a later sync no longer touches it)."""
    found = await _mapping(session, organization_id, mapping_id)
    shown = mapping_out(found)
    await session.delete(found)
    await session.flush()
    return shown


async def rotate_secrets(session: AsyncSession, settings: Settings) -> int:
    """Re-encrypt every connection's API key and webhook secret under the first key
    (``immersio-booking admin rotate-keys``); returns how many secrets were rewritten."""
    box = SecretBox.of(settings)
    count = 0
    for integration in await global_lookups.immersio_integrations_to_reseal(session):
        if integration.api_key_encrypted:
            integration.api_key_encrypted = box.rotate(integration.api_key_encrypted)
            count += 1
        if integration.webhook_secret:
            integration.webhook_secret = box.rotate(integration.webhook_secret)
            count += 1
    await session.flush()
    return count
