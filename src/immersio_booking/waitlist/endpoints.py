"""``/v2/waitlist``: join the line of a full session (public), leave it (staff), and the
school's lists per session and per workshop (``/v2/event-types/{id}/waitlist``).

HTTP in, service call, HTTP out: ``joining`` takes the locks; ``access`` decides who reads."""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from immersio_booking.auth.dependencies import AuthSubject, OptionalAuthSubject
from immersio_booking.bookings import verification
from immersio_booking.db.dependencies import Session
from immersio_booking.idempotency.replay import run_once
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import NotFound
from immersio_booking.kit.pagination import PageParams, Pagination
from immersio_booking.kit.schemas import Envelope, ResourceId, ok
from immersio_booking.ratelimits import policy
from immersio_booking.waitlist import access, joining, leaving, listing
from immersio_booking.waitlist.listing import Ranked
from immersio_booking.waitlist.schemas import (
    WaitlistEntryOut,
    WaitlistJoin,
    WaitlistJoined,
    WaitlistPage,
    WaitlistSessionOut,
    WaitlistSessionsPage,
)

router = APIRouter(prefix="/v2/waitlist", tags=["Waitlist"])
workshop_router = APIRouter(prefix="/v2/event-types/{eventTypeId}/waitlist", tags=["Waitlist"])


def _out(item: Ranked) -> WaitlistEntryOut:
    e = item.entry
    return WaitlistEntryOut(
        uid=e.uid,
        event_type_id=e.event_type_id,
        start=e.start_time,
        position=item.position,
        status=e.status,
        name=e.name,
        email=e.email,
        time_zone=e.time_zone,
        language=e.language,
        created_at=e.created_at,
        offered_at=e.offered_at,
        offer_expires_at=e.offer_expires_at,
        booking_uid=e.booking_uid,
        ended_at=e.ended_at,
    )


@router.post("", status_code=201, response_model=Envelope[WaitlistJoined])
async def join_waitlist(
    body: WaitlistJoin, principal: OptionalAuthSubject, session: Session, request: Request
) -> JSONResponse:
    """Join the waitlist of a full session of a seated workshop (public, like booking; the
    same whitelist, invitation and rate limits). First come, first served; one place in line
    per email and session. The student gets an email with a link to leave the list. Send an
    ``Idempotency-Key`` to make retries safe."""
    settings = app_settings(request)
    email = str(body.attendee.email).strip().lower()
    await policy.enforce(request, principal, *policy.booking(email, str(body.event_type_id)))

    async def before_sending(email: str) -> None:
        await policy.enforce(request, principal, *policy.verification_email(email))

    await verification.ensure_verified(
        session,
        request.app.state.sessionmaker,
        settings,
        principal,
        joining.claim_of(body),
        clock.now(),
        before_sending,
    )

    async def work() -> tuple[int, dict[str, Any]]:
        joined = await joining.join(
            session,
            principal,
            body,
            clock.now(),
            settings.resolved_secret_key(),
            settings.lock_timeout_ms,
        )
        e = joined.entry
        out = WaitlistJoined(
            uid=e.uid,
            event_type_id=e.event_type_id,
            start=e.start_time,
            position=joined.position,
            status=e.status,
        )
        return 201, ok(out).model_dump(mode="json", by_alias=True)

    who = f"user-{principal.user_id}" if principal else "anonymous"
    return await run_once(session, request, who, work, settings.lock_timeout_ms)


@router.get("")
async def session_waitlist(
    principal: AuthSubject,
    session: Session,
    page: PageParams,
    event_type_id: Annotated[int, Query(alias="eventTypeId", ge=1, le=2**63 - 1)],
    start: Annotated[AwareDatetime, Query()],
) -> WaitlistPage:
    """One session's waitlist, in line first and in order (OWNER/ADMIN or the workshop's
    hosts)."""
    et = await access.staff_workshop(session, principal, event_type_id)
    rows, total = await listing.session_line(
        session, et.organization_id, et.id, start.astimezone(UTC), page
    )
    return WaitlistPage(data=[_out(r) for r in rows], pagination=Pagination.of(total, page))


@router.delete("/{waitlistUid}")
async def remove_from_waitlist(
    waitlistUid: str,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Envelope[WaitlistEntryOut]:
    """Take a student out of line (status ``left``); a seat offered to them is released."""
    entry = await listing.by_uid(session, waitlistUid)
    if entry is None:
        raise NotFound(f"Waitlist entry with uid={waitlistUid} not found")
    await access.staff_workshop(session, principal, entry.event_type_id)
    left = await leaving.leave(session, entry, clock.now())
    return ok(_out(Ranked(left, 0)))


@workshop_router.get("")
async def workshop_waitlist(
    eventTypeId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
    page: PageParams,
) -> WaitlistSessionsPage:
    """The upcoming sessions of a workshop that have a waitlist, soonest first (a page of
    sessions), each with its entries."""
    et = await access.staff_workshop(session, principal, eventTypeId)
    sessions, total = await listing.workshop_sessions(
        session, et.organization_id, et.id, clock.now(), page
    )
    data = [
        WaitlistSessionOut(
            start=start,
            waiting_count=sum(1 for r in rows if r.position),
            entries=[_out(r) for r in rows],
        )
        for start, rows in sessions
    ]
    return WaitlistSessionsPage(data=data, pagination=Pagination.of(total, page))
