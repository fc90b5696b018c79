"""``/v2/bookings`` (Cal.com 2024-08-13): create, read, cancel, reschedule, confirm, decline.

HTTP in, service call, HTTP out: the services take the locks and publish the events."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse

from immersio_booking import global_lookups
from immersio_booking.auth.dependencies import AuthSubject, OptionalAuthSubject
from immersio_booking.auth.principal import Principal
from immersio_booking.bookings import (
    access,
    holds,
    listing,
    output,
    repository,
    service,
    verification,
)
from immersio_booking.bookings.listing_endpoints import listing_reply
from immersio_booking.bookings.listing_query import BookingsListingParams
from immersio_booking.bookings.schemas import (
    BookingCreate,
    BookingOut,
    CancelInput,
    DeclineInput,
    RescheduleInput,
)
from immersio_booking.db.dependencies import Session
from immersio_booking.idempotency.replay import run_once
from immersio_booking.kit import admission, api_versions, clock
from immersio_booking.kit.api_versions import V2024_08_13
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.schemas import ApiModel, Envelope
from immersio_booking.models import Booking
from immersio_booking.ratelimits import policy

# Cal.com 2024-08-13; the legacy handlers of these paths are in bookings/legacy.py.
router = APIRouter(
    prefix="/v2/bookings", tags=["Bookings"], route_class=api_versions.versioned(V2024_08_13)
)


def _manage_token(
    token: Annotated[str | None, Query(max_length=200)] = None,
    header: Annotated[str | None, Header(alias="X-Manage-Token", max_length=200)] = None,
) -> str | None:
    """The student's manage token, from ``?token=`` or the ``X-Manage-Token`` header."""
    return token or header


ManageToken = Annotated[str | None, Depends(_manage_token)]


class CancellationHistoryOut(ApiModel):
    id: int
    booking_id: int
    cancelled_by: int | None
    cancellation_reason: str | None
    refund_status: str
    refund_amount: int
    refund_transaction_id: str | None
    within_refund_window: bool
    created_at: datetime


def _who(principal: Principal | None) -> str:
    return f"user-{principal.user_id}" if principal else "anonymous"


async def _render(
    session: Session, request: Request, bookings: list[Booking], with_manage: bool = False
) -> list[dict[str, Any]]:
    return await output.as_json(session, app_settings(request), bookings, with_manage)


def _workshop_key(body: BookingCreate) -> str:
    """The workshop a request names, as a rate-limit subject (by id, or by its slug path)."""
    if body.event_type_id is not None:
        return str(body.event_type_id)
    owner = body.team_slug or body.username
    return f"{body.organization_slug or ''}/{owner or ''}/{body.event_type_slug or ''}"


@router.post("", status_code=201, response_model=Envelope[BookingOut | list[BookingOut]])
async def create_booking(
    body: BookingCreate, principal: OptionalAuthSubject, session: Session, request: Request
) -> JSONResponse:
    """Book a workshop (public for public workshops; staff may book for a student).

    A recurring workshop gives the whole series (all or none) as an array. Send an
    ``Idempotency-Key`` to make retries safe.
    """
    settings = app_settings(request)
    email = str(body.attendee.email).strip().lower()
    await policy.enforce(request, principal, *policy.booking(email, _workshop_key(body)))

    async def before_sending(email: str) -> None:
        await policy.enforce(request, principal, *policy.verification_email(email))

    await verification.ensure_verified(
        session,
        request.app.state.sessionmaker,
        settings,
        principal,
        body,
        clock.now(),
        before_sending,
    )
    caps = holds.caps_for(settings, principal, policy.address_hash(request))

    async def work() -> tuple[int, dict[str, Any]]:
        new = await service.book(session, principal, body, clock.now(), settings, caps)
        created = new.bookings
        items = await output.as_json(session, settings, created, True, new.payments, new.attendees)
        many = len(created) > 1 or created[0].recurring_event_id is not None
        return 201, output.envelope(items, many)

    async with admission.admitted(request, "bookings", settings.bookings_in_flight_per_process):
        return await run_once(session, request, _who(principal), work, settings.lock_timeout_ms)


@router.get("")
async def list_bookings(
    principal: AuthSubject, session: Session, request: Request, asked: BookingsListingParams
) -> JSONResponse:
    """Members see their own bookings; OWNER/ADMIN the organization's. Every Cal.com filter
    and sort (``status``, ``attendeeEmail``, ``attendeeName``, ``bookingUid``,
    ``eventTypeId(s)``, ``teamId``/``teamsIds``, ``after``/``before`` start, end, creation and
    update, ``sortStart``/``sortEnd``/``sortCreated``/``sortUpdatedAt``) is applied."""
    return await listing_reply(session, request, listing.audience_of(principal), asked)


async def _target(
    session: Session, request: Request, uid: str, principal: Principal | None, token: str | None
) -> tuple[Booking, access.Actor]:
    return await access.booking_for(
        session, uid, principal, token, app_settings(request).resolved_secret_key(), clock.now()
    )


@router.get("/{bookingUid}", response_model=Envelope[BookingOut | list[BookingOut]])
async def get_booking(
    bookingUid: str,  # noqa: N803
    principal: OptionalAuthSubject,
    session: Session,
    request: Request,
    token: ManageToken,
) -> JSONResponse:
    """A booking (with a key of its school, or its manage token); a series uid gives them all."""
    booking = await global_lookups.booking_by_uid(session, bookingUid)
    if booking is None:
        series = await global_lookups.series_by_uid(session, bookingUid)
        if series:
            await access.actor_for(
                session,
                series[0],
                principal,
                token,
                app_settings(request).resolved_secret_key(),
                clock.now(),
            )
            return JSONResponse(output.envelope(await _render(session, request, series), True))
    booking, _ = await _target(session, request, bookingUid, principal, token)
    return JSONResponse(output.envelope(await _render(session, request, [booking]), False))


@router.post("/{bookingUid}/cancel", response_model=Envelope[BookingOut | list[BookingOut]])
async def cancel_booking(
    bookingUid: str,  # noqa: N803
    body: CancelInput,
    principal: OptionalAuthSubject,
    session: Session,
    request: Request,
    token: ManageToken,
) -> JSONResponse:
    """Cancel (student with the manage token, host, or school). The seat is free at once."""
    settings = app_settings(request)

    async def work() -> tuple[int, dict[str, Any]]:
        booking, actor = await _target(session, request, bookingUid, principal, token)
        cancelled = await service.cancel(session, booking, actor, body, clock.now())
        items = await _render(session, request, cancelled)
        return 200, output.envelope(items, body.cancel_subsequent_bookings)

    return await run_once(session, request, _who(principal), work, settings.lock_timeout_ms)


@router.post("/{bookingUid}/reschedule", status_code=201, response_model=Envelope[BookingOut])
async def reschedule_booking(
    bookingUid: str,  # noqa: N803
    body: RescheduleInput,
    principal: OptionalAuthSubject,
    session: Session,
    request: Request,
    token: ManageToken,
) -> JSONResponse:
    """Move to a new start: a new booking (``rescheduledFromUid``), the old one cancelled."""
    settings = app_settings(request)

    async def work() -> tuple[int, dict[str, Any]]:
        booking, actor = await _target(session, request, bookingUid, principal, token)
        new = await service.reschedule(
            session, booking, actor, principal, body, clock.now(), settings
        )
        items = await _render(session, request, [new], with_manage=not actor.is_staff)
        return 201, output.envelope(items, False)

    return await run_once(session, request, _who(principal), work, settings.lock_timeout_ms)


@router.post("/{bookingUid}/confirm", response_model=Envelope[BookingOut])
async def confirm_booking(
    bookingUid: str,  # noqa: N803
    principal: AuthSubject,
    session: Session,
    request: Request,
) -> JSONResponse:
    """Accept a pending request (host or school)."""
    settings = app_settings(request)

    async def work() -> tuple[int, dict[str, Any]]:
        booking, actor = await _target(session, request, bookingUid, principal, None)
        booking = await service.confirm(session, booking, actor)
        return 200, output.envelope(await _render(session, request, [booking]), False)

    return await run_once(session, request, _who(principal), work, settings.lock_timeout_ms)


@router.post("/{bookingUid}/decline", response_model=Envelope[BookingOut])
async def decline_booking(
    bookingUid: str,  # noqa: N803
    principal: AuthSubject,
    session: Session,
    request: Request,
    body: DeclineInput | None = None,
) -> JSONResponse:
    """Refuse a pending request (host or school); a paid request is refunded in full."""
    settings = app_settings(request)

    async def work() -> tuple[int, dict[str, Any]]:
        booking, actor = await _target(session, request, bookingUid, principal, None)
        declined = await service.decline(
            session, booking, actor, body.reason if body else None, clock.now()
        )
        return 200, output.envelope(await _render(session, request, [declined]), False)

    return await run_once(session, request, _who(principal), work, settings.lock_timeout_ms)


@router.get("/{bookingUid}/cancellation-history")
async def cancellation_history(
    bookingUid: str,  # noqa: N803
    principal: OptionalAuthSubject,
    session: Session,
    request: Request,
    token: ManageToken,
) -> Envelope[list[CancellationHistoryOut]]:
    booking, _ = await _target(session, request, bookingUid, principal, token)
    rows = await repository.history(session, booking.organization_id, booking.id)
    return Envelope(data=[CancellationHistoryOut.model_validate(r) for r in rows])
