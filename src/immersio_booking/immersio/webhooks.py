"""``POST /webhooks/immersio/{orgId}``: Immersio's events, verified by the Standard Webhooks
scheme with the integration's webhook secret and applied at once (docs/immersio-api.md).

A bad signature or a timestamp more than five minutes away is refused (401). Each
``webhook-id`` is stored in the inbox under a unique key, so a replayed id is refused (409) by
the constraint and never applied twice.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.db.dependencies import Session
from immersio_booking.immersio import repository, roster
from immersio_booking.immersio.sync import clean_email
from immersio_booking.kit import clock
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.errors import BadRequest, Conflict, DomainError, NotFound, Unauthorized
from immersio_booking.kit.schemas import ResourceId
from immersio_booking.models import InboxEvent
from immersio_booking.webhooks.signing import standard_signature

router = APIRouter(tags=["Immersio"])
TOLERANCE_SECONDS = 300
SOURCE = "immersio"


def verified_id(secret: str, headers: Any, body: bytes, now: float) -> str:
    """The ``webhook-id`` of a correctly signed, fresh delivery; 401 otherwise."""
    message_id = headers.get("webhook-id", "")
    stamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "")
    if not message_id or not stamp.isdigit() or not signatures or len(message_id) > 200:
        raise Unauthorized("Missing or malformed webhook headers", reason="invalid_signature")
    if abs(now - int(stamp)) > TOLERANCE_SECONDS:
        raise Unauthorized("The webhook timestamp is too old or too new", reason="stale_timestamp")
    expected = standard_signature(secret, message_id, int(stamp), body)
    if not any(hmac.compare_digest(expected, given) for given in signatures.split()):
        raise Unauthorized("The webhook signature does not match", reason="invalid_signature")
    return str(message_id)


class _Data(BaseModel):
    model_config = ConfigDict(extra="ignore")


class StudentData(_Data):
    id: str = Field(min_length=1, max_length=255)
    email: str = Field(min_length=3, max_length=320)
    name: str | None = Field(default=None, max_length=255)


class StudentEvent(_Data):
    course_id: str = Field(min_length=1, max_length=255)
    student: StudentData


class CourseData(_Data):
    id: str = Field(min_length=1, max_length=255)
    name: str = Field(min_length=1, max_length=500)


class CourseEvent(_Data):
    course: CourseData


async def apply_event(
    session: AsyncSession, organization_id: int, immersio_tenant_id: str, event: dict[str, Any]
) -> str:
    """Apply one event to the tenant's whitelists and mappings; returns what was done."""
    kind = event.get("type")
    try:
        if kind in ("student.enrolled", "student.dropped"):
            data = StudentEvent.model_validate(event.get("data"))
            targets = [
                m
                for m in await repository.mappings_of_course(
                    session, organization_id, data.course_id
                )
                if m.sync_students
            ]
            email = clean_email(data.student.email)
            if email is None:
                raise BadRequest("The student's email is not valid", reason="invalid_event")
            for m in targets:
                enrolled = kind == "student.enrolled"
                await roster.remove_departed(
                    session,
                    organization_id,
                    whole=[],
                    changed=[(m.event_type_id, data.student.id)],
                    kept=[(m.event_type_id, email)] if enrolled else [],
                )
                if enrolled:
                    await roster.upsert_enrolled(
                        session,
                        organization_id,
                        [
                            roster.Enrolment(
                                m.event_type_id, email, data.student.name, data.student.id
                            )
                        ],
                    )
            return f"{kind} applied to {len(targets)} workshop(s)"
        if kind == "course.updated":
            course = CourseEvent.model_validate(event.get("data")).course
            renamed = await roster.rename_courses(
                session, organization_id, {course.id: course.name}
            )
            await roster.mark_workshops(session, organization_id, immersio_tenant_id)
            return f"course.updated applied to {renamed} mapping(s)"
    except ValidationError as exc:
        raise BadRequest(f"The {kind} event cannot be read", reason="invalid_event") from exc
    return "ignored"


@router.post("/webhooks/immersio/{orgId}")
async def immersio_webhook(
    orgId: ResourceId,  # noqa: N803
    request: Request,
    session: Session,
    settings: AppSettings,
) -> dict[str, Any]:
    """Student enrolled/dropped and course updated, from Immersio, applied before the answer."""
    integration = await repository.integration(session, orgId)
    if integration is None or not integration.webhook_secret:
        raise NotFound("Immersio is not connected here", reason="immersio_not_connected")
    body = await request.body()
    try:
        secret = SecretBox.of(settings).open(integration.webhook_secret)
    except ValueError as exc:  # sealed under a key this service no longer holds
        raise DomainError(
            "This school's Immersio connection cannot be read here; the school must connect "
            "Immersio again",
            reason="immersio_secret_unreadable",
            status_code=503,
        ) from exc
    message_id = verified_id(secret, request.headers, body, clock.timestamp())
    try:
        event = json.loads(body)
    except ValueError as exc:
        raise BadRequest("The body is not JSON", reason="invalid_event") from exc
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        raise BadRequest("The body is not an Immersio event", reason="invalid_event")
    stored = (
        await session.execute(
            insert(InboxEvent)
            .values(
                organization_id=orgId,
                source=SOURCE,
                external_id=f"{orgId}:{message_id}",
                type=event["type"][:128],
                payload=event,
                processed_at=func.now(),  # applied in this same transaction
            )
            .on_conflict_do_nothing(index_elements=["source", "organization_id", "external_id"])
            .returning(InboxEvent.id)
        )
    ).scalar_one_or_none()
    if stored is None:
        raise Conflict("This webhook id was received before", reason="webhook_replayed")
    outcome = await apply_event(session, orgId, integration.immersio_org_id, event)
    return {"received": True, "outcome": outcome}
