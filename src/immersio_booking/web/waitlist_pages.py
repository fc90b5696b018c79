"""The page where a student leaves a waitlist, from the signed link in their email: what they
wait for, then a confirm step (a form with a CSRF token) that takes them out of line."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import verification
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import BadRequest, DomainError, NotFound
from immersio_booking.models import EventType, Team
from immersio_booking.models.waitlist import IN_LINE, WaitlistEntry
from immersio_booking.ratelimits import policy
from immersio_booking.waitlist import joining, leaving, listing
from immersio_booking.waitlist.schemas import WaitlistJoin
from immersio_booking.web import security
from immersio_booking.web.carried import address
from immersio_booking.web.rendering import PageRoute, render
from immersio_booking.web.waitlist_entry import entry_page, signed_entry

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Token = Annotated[str | None, Query(max_length=200)]
# One answer for "no such entry" and "not your link": a stranger learns nothing.
NOT_FOUND = "This waitlist entry does not exist, or this link is not valid (it may have expired)"


async def _entry(
    session: AsyncSession, request: Request, uid: str, token: str | None
) -> WaitlistEntry:
    """The entry whose signed leave link this is; anyone else: 404."""
    return await signed_entry(session, request, uid, token, leaving.may_leave, NOT_FOUND)


@router.get("/waitlist/{uid}/leave")
async def leave_page(
    uid: str, request: Request, session: Session, token: Token = None
) -> HTMLResponse:
    entry = await _entry(session, request, uid, token)
    page = await entry_page(session, request, entry, token, NOT_FOUND)
    return render(
        request,
        "waitlist_leave.html",
        {
            **page.context,
            "in_line": entry.status in IN_LINE,
            "position": await listing.position_of(session, entry),
            "done": request.query_params.get("done") == "left",
        },
        robots="noindex",
        with_csrf=True,
    )


@router.post("/waitlist/join")
async def join_from_page(
    request: Request,
    session: Session,
    csrf: Annotated[str, Form(max_length=200)],
    event_type_id: Annotated[int, Form(alias="eventTypeId", ge=1, le=2**63 - 1)],
    start: Annotated[str | None, Form(max_length=40)] = None,
    name: Annotated[str, Form(max_length=255)] = "",
    email: Annotated[str, Form(max_length=320)] = "",
    tz: Annotated[str, Form(max_length=64)] = "UTC",
    lang: Annotated[str, Form(max_length=8)] = "en",
    invitation: Annotated[str | None, Form(max_length=200)] = None,
    code: Annotated[str | None, Form(alias="emailVerificationCode", max_length=16)] = None,
) -> Response:
    """The booking page's waitlist form without JavaScript: the same join as
    ``POST /v2/waitlist`` (the same checks, limits and email code), then back to the page,
    which says the place in line — or why not, next to the form (``?waitlistRefused=``)."""
    settings = app_settings(request)
    security.check_csrf(request, settings.resolved_secret_key(), csrf)
    et = await session.get(EventType, event_type_id)
    org = await session.get(Team, et.organization_id) if et else None
    if et is None or et.hidden or org is None or not org.slug:
        raise NotFound("This workshop does not exist or is not open for booking")
    page = f"/{org.slug}/{et.slug}"
    try:
        joined = await _join(
            request, session, event_type_id, start, name, email, tz, lang, invitation, code
        )
    except NotFound:
        raise
    except DomainError as refused:
        await session.rollback()  # nothing half-done stays (a wrong code is counted apart)
        back = address(
            page,
            tz=tz,
            lang=lang,
            date=_day_of(start, tz),
            invitation=invitation,
            name=name.strip()[:255] or None,
            email=email.strip()[:255] or None,
            waitlistRefused=refused.reason if refused.reason in REFUSALS else "generic",
        )
        return RedirectResponse(f"{back}#waitlist", status_code=303)
    day = joined.entry.start_time.astimezone(ZoneInfo(joined.entry.time_zone)).date()
    back = address(
        page,
        tz=tz,
        lang=lang,
        date=day.isoformat(),
        invitation=invitation,
        waitlisted=str(joined.position),
    )
    return RedirectResponse(f"{back}#waitlist", status_code=303)


# The refusals the booking page words itself (``_waitlist_form.html``); others: "generic".
REFUSALS = frozenset(
    {
        "session_not_full",
        "already_waiting",
        "already_booked",
        "not_whitelisted",
        "invitation_required",
        "rate_limited",
        "email_verification_required",
        "invalid_email_verification_code",
        "email_verification_code_expired",
        "email_verification_attempts_exhausted",
        "invalid",
    }
)


def _day_of(start: str | None, zone: str) -> str | None:
    try:
        moment = datetime.fromisoformat(start or "")
        return moment.astimezone(ZoneInfo(zone)).date().isoformat() if moment.tzinfo else None
    except (ValueError, KeyError):
        return None


async def _join(
    request: Request,
    session: AsyncSession,
    event_type_id: int,
    start: str | None,
    name: str,
    email: str,
    tz: str,
    lang: str,
    invitation: str | None,
    code: str | None,
) -> joining.Joined:
    settings = app_settings(request)
    try:
        body = WaitlistJoin.model_validate(
            {
                "eventTypeId": event_type_id,
                "start": start,
                "attendee": {"name": name, "email": email, "timeZone": tz, "language": lang},
                "invitationToken": invitation,
                "emailVerificationCode": (code or "").strip() or None,
            }
        )
    except ValidationError as exc:
        raise BadRequest("Check the name, the email and the session", reason="invalid") from exc
    address_email = str(body.attendee.email).lower()
    await policy.enforce(request, None, *policy.booking(address_email, str(event_type_id)))

    async def before_sending(to: str) -> None:
        await policy.enforce(request, None, *policy.verification_email(to))

    now = clock.now()
    await verification.ensure_verified(
        session,
        request.app.state.sessionmaker,
        settings,
        None,
        joining.claim_of(body),
        now,
        before_sending,
    )
    return await joining.join(
        session, None, body, now, settings.resolved_secret_key(), settings.lock_timeout_ms
    )


@router.post("/waitlist/{uid}/leave")
async def leave(
    uid: str,
    request: Request,
    session: Session,
    token: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=200)],
    lang: Annotated[str | None, Form(max_length=8)] = None,
) -> Response:
    security.check_csrf(request, app_settings(request).resolved_secret_key(), csrf)
    entry = await _entry(session, request, uid, token)
    await leaving.leave(session, entry, clock.now())
    return RedirectResponse(
        address(f"/waitlist/{uid}/leave", token=token, done="left", lang=lang), status_code=303
    )
