"""School settings: the plan and its use — teachers, workshops and this month's bookings
against the plan's limits, counted as the services count them when they refuse one more
(members, event types, bookings' eligibility); the subscription as ``GET /v2/organizations/
{id}/subscription`` answers it."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from immersio_booking.bookings import eligibility
from immersio_booking.dashboard.access import Staff
from immersio_booking.dashboard.dates import day_of
from immersio_booking.dashboard.routing import DashboardRoute
from immersio_booking.dashboard.school_settings import SETTINGS, school_of, settings_page
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import repository as event_types
from immersio_booking.kit import clock
from immersio_booking.members import repository as members
from immersio_booking.subscriptions import service

PLAN = SETTINGS + "/plan"
# The plan's switches shown, in this order (translated by the page).
FEATURES = ("custom_branding", "webhooks", "workflows", "immersio_sync", "remove_branding")

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


@dataclass(frozen=True)
class Use:
    key: str  # teachers / workshops / bookings
    used: int
    limit: int | None  # None: unlimited

    @property
    def full(self) -> bool:
        return self.limit is not None and self.used >= self.limit


@router.get(PLAN, response_class=HTMLResponse)
async def plan(request: Request, staff: Staff, session: Session) -> HTMLResponse:
    school = school_of(staff)
    row, is_default = await service.effective(session, school.id)
    subscription = service.to_out(row, is_default)
    now = clock.now()
    uses = [
        Use("teachers", await members.count_users(session, school.id), row.max_teachers),
        Use("workshops", await event_types.count(session, school.id), row.max_event_types),
        Use(
            "bookings",
            await eligibility.bookings_in_month(session, school.id, now.year, now.month, now),
            row.max_bookings_per_month,
        ),
    ]
    return settings_page(
        request,
        staff,
        "dashboard/settings_plan.html",
        {
            "subscription": subscription,
            "uses": uses,
            "features": [(f, bool(subscription.features.get(f))) for f in FEATURES],
            "templates": subscription.features.get("landing_templates") or [],
            "period_end": day_of(request, staff, subscription.current_period_end),
            "inactive": row.status in service.INACTIVE_STATUSES,
        },
    )
