"""``/v2/event-types/{eventTypeId}/invitations``: staff invite students to an invite-only
workshop; each gets an email with a personal, signed, expiring booking link."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, status
from pydantic import EmailStr, Field

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.bookings import events, invitations
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import service as event_types
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import BadRequest, Conflict
from immersio_booking.kit.i18n import LANGUAGES
from immersio_booking.kit.schemas import ApiModel, Envelope, ResourceId, StrictApiModel, ok
from immersio_booking.models import Team

router = APIRouter(prefix="/v2/event-types/{eventTypeId}/invitations", tags=["Invitations"])


class InviteeIn(StrictApiModel):
    email: EmailStr
    name: str | None = Field(default=None, max_length=255)
    language: str | None = Field(default=None, max_length=8)


class InvitationsIn(StrictApiModel):
    invitees: list[InviteeIn]


class InvitationOut(ApiModel):
    email: str
    expires_at: datetime
    booking_url: str


@router.post("", status_code=status.HTTP_201_CREATED)
async def invite(
    eventTypeId: ResourceId,  # noqa: N803
    body: InvitationsIn,
    principal: AuthSubject,
    session: Session,
    request: Request,
) -> Envelope[list[InvitationOut]]:
    """Email each invitee a personal link that books this invite-only workshop (staff who may
    edit it). The links are also returned, for staff who hand them over another way."""
    settings = app_settings(request)
    et = await event_types.readable(session, principal, eventTypeId)
    await event_types.ensure_may_edit(session, principal, et)
    if not invitations.invite_only(et):
        raise Conflict(
            "Invitations are for invite-only workshops; set metadata.registration_mode to"
            " invite_only first",
            reason="not_invite_only",
        )
    if not body.invitees:  # after the access checks: another school gets its 404 first
        raise BadRequest("invitees must list at least one student", reason="validation_failed")
    if len(body.invitees) > settings.invitations_per_request:
        raise BadRequest(
            f"At most {settings.invitations_per_request} invitations per request",
            reason="too_many_invitations",
        )
    unknown = sorted({i.language for i in body.invitees if i.language} - set(LANGUAGES))
    if unknown:
        raise BadRequest(
            f"Unsupported language {', '.join(unknown)}; one of {', '.join(LANGUAGES)}",
            reason="validation_failed",
        )
    org = await session.get(Team, et.organization_id)
    assert org is not None and org.slug is not None
    expires = invitations.expiry(clock.now(), settings.invitation_validity_days)
    secret = settings.resolved_secret_key()
    out: dict[str, InvitationOut] = {}
    for invitee in body.invitees:
        email = str(invitee.email).strip().lower()
        if email in out:
            continue
        signed = invitations.token(secret, et, email, expires)
        url = invitations.link(settings.public_base_url, org.slug, et, email, signed)
        out[email] = InvitationOut(email=email, expires_at=expires, booking_url=url)
        invited = events.Invited(et.id, email, invitee.name, invitee.language, expires)
        await events.publish(session, invited)
    return ok(list(out.values()))
