"""One booking's page: what it is, who comes, its payment, its history (cancellations and
refunds, the chain of reschedules, the emails and the webhook deliveries about it) and the
actions staff may take, each one through ``bookings.service`` or ``payments.offline``."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import cancellation, meeting_links, repository
from immersio_booking.bookings.access import Actor
from immersio_booking.bookings.service import event_type_of
from immersio_booking.dashboard.access import StaffContext
from immersio_booking.dashboard.booking_rows import rows_of
from immersio_booking.dashboard.rendering import page
from immersio_booking.kit import clock, when
from immersio_booking.models import Booking, BookingStatus, User
from immersio_booking.notifications import email_records
from immersio_booking.web.i18n import choose_language
from immersio_booking.webhooks import service as webhooks


def _moment(moment: datetime, zone: str, language: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    day = format_date(local.date(), "medium", locale=when.babel_locale(language))
    return f"{day} {when.time_of(local, language)}"


async def detail_page(
    request: Request,
    staff: StaffContext,
    session: AsyncSession,
    booking: Booking,
    actor: Actor,
    problem: dict[str, Any] | None = None,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
    language: str | None = None,
) -> HTMLResponse:
    org_id = booking.organization_id
    language = language or choose_language(request)
    zone = staff.user.time_zone
    et = await event_type_of(session, booking)
    payment = await repository.payment_of(session, org_id, booking.id)
    chain = await repository.reschedule_chain(session, booking)
    history = await repository.history(session, org_id, booking.id)
    cancelled_by = {
        h.cancelled_by: await session.get(User, h.cancelled_by) for h in history if h.cancelled_by
    }
    link = await meeting_links.link_of(session, org_id, booking.id)
    [row] = await rows_of(session, org_id, [booking], zone, language)
    active = booking.status in cancellation.ACTIVE
    refund = await cancellation.refund_for(session, booking, et, actor, clock.now())
    context = {
        "booking": booking,
        "row": row,
        "workshop": et,
        "attendees": (await repository.attendees_of(session, org_id, [booking.id])).get(
            booking.id, []
        ),
        "payment": payment,
        "history": [(h, cancelled_by.get(h.cancelled_by or 0)) for h in history],
        "chain": [(b, when.span(b.start_time, b.end_time, zone, language)) for b in chain],
        "emails": await email_records.of_booking(session, org_id, booking.id),
        "deliveries": await webhooks.deliveries_of_booking(session, org_id, booking.uid),
        "join_url": link.url if link else None,
        "moment": lambda m: _moment(m, zone, language),
        "can": {
            "cancel": active,
            "reschedule": active,
            "decide": booking.status == BookingStatus.PENDING,
            "mark_paid": actor.is_admin and payment is not None and not booking.paid,
        },
        "refund": refund,
        "problem": problem or {},
        "done": request.query_params.get("done"),
        "lang": language,
        **(extra or {}),
    }
    return page(
        request,
        staff,
        "dashboard/booking.html",
        context,
        section="bookings",
        status_code=status_code,
    )
