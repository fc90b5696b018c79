"""FastAPI factory: routers, exception handlers, middleware, lifespan."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from sqlalchemy.ext.asyncio import AsyncEngine

from immersio_booking.auth.endpoints import router as auth_router
from immersio_booking.bookings.attendance_endpoints import report_router as attendance_router
from immersio_booking.bookings.attendance_endpoints import router as attendance_marks_router
from immersio_booking.bookings.edit_endpoints import router as booking_edits_router
from immersio_booking.bookings.endpoints import router as bookings_router
from immersio_booking.bookings.invitation_endpoints import router as invitations_router
from immersio_booking.bookings.legacy import router as legacy_bookings_router
from immersio_booking.bookings.legacy_slots import router as legacy_reservations_router
from immersio_booking.bookings.listing_endpoints import router as organization_bookings_router
from immersio_booking.bookings.read_endpoints import router as booking_reads_router
from immersio_booking.bookings.reservations import router as reservations_router
from immersio_booking.calendars.destination_endpoints import router as destination_calendars_router
from immersio_booking.calendars.endpoints import router as calendars_router
from immersio_booking.calendars.google_endpoints import router as google_calendar_router
from immersio_booking.config import Settings, get_settings
from immersio_booking.dashboard.routers import ROUTERS as DASHBOARD_ROUTERS
from immersio_booking.dashboard.students import UPLOAD_PATH as STUDENTS_UPLOAD_PATH
from immersio_booking.db.session import make_engine, make_sessionmaker, resolve_database_url
from immersio_booking.event_types.endpoints import router as event_types_router
from immersio_booking.event_types.legacy import router as legacy_event_types_router
from immersio_booking.immersio.endpoints import router as immersio_router
from immersio_booking.immersio.webhooks import router as immersio_webhooks_router
from immersio_booking.kit import error_handlers, openapi
from immersio_booking.kit.body_limit import BodyLimitMiddleware
from immersio_booking.kit.observability import ObservabilityMiddleware, configure_logging
from immersio_booking.kit.replica import ReplicaReads
from immersio_booking.kit.unsupported import only_declared_query
from immersio_booking.landing.endpoints import router as landing_router
from immersio_booking.members.endpoints import router as members_router
from immersio_booking.members.me import router as me_router
from immersio_booking.notifications.calendar_link_endpoints import router as calendar_links_router
from immersio_booking.ops.endpoints import router as ops_router
from immersio_booking.organizations.endpoints import router as organizations_router
from immersio_booking.out_of_office.endpoints import router as out_of_office_router
from immersio_booking.payments.endpoints import router as payments_router
from immersio_booking.payments.offline import router as mark_paid_router
from immersio_booking.payments.webhooks import router as payment_webhooks_router
from immersio_booking.schedules.endpoints import router as schedules_router
from immersio_booking.schedules.member_schedules import router as member_schedules_router
from immersio_booking.schedules.timezones import router as timezones_router
from immersio_booking.slots.endpoints import router as slots_router
from immersio_booking.slots.legacy import router as legacy_slots_router
from immersio_booking.subscriptions.endpoints import router as subscriptions_router
from immersio_booking.teams.endpoints import router as teams_router
from immersio_booking.teams.my_teams import router as my_teams_router
from immersio_booking.video.endpoints import router as video_router
from immersio_booking.waitlist.endpoints import router as waitlist_router
from immersio_booking.waitlist.endpoints import workshop_router as workshop_waitlist_router
from immersio_booking.web import (
    assets,
    booking_pages,
    landing_pages,
    manage_pages,
    payment_pages,
    waitlist_offer_pages,
    waitlist_pages,
)
from immersio_booking.web.rendering import STATIC
from immersio_booking.webhooks.endpoints import router as webhooks_router
from immersio_booking.whitelist.endpoints import router as whitelist_router
from immersio_booking.whitelist.files import UPLOAD_PATH as WHITELIST_UPLOAD_PATH
from immersio_booking.whitelist.files import router as whitelist_files_router
from immersio_booking.wiring import wire
from immersio_booking.workflows.endpoints import router as workflows_router

CAL_API_HEADERS = [
    "cal-api-version",
    "authorization",
    "content-type",
    "x-cal-client-id",
    "x-cal-secret-key",
    "idempotency-key",
    "x-act-as-user",
    "x-request-id",
]


# The replica serves only anonymous slot reads, each a few short statements: a small pool.
REPLICA_POOL_SIZE = 5


def _replica(settings: Settings) -> ReplicaReads | None:
    """The read replica's engine (IMMERSIO_READ_REPLICA_URL), or None without one."""
    if not settings.read_replica_url:
        return None
    engine = make_engine(
        settings.read_replica_url,
        pool_size=REPLICA_POOL_SIZE,
        max_overflow=REPLICA_POOL_SIZE,
        read_only=True,
    )
    return ReplicaReads(
        engine,
        make_sessionmaker(engine, settings),
        retry_seconds=settings.read_replica_retry_seconds,
    )


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.json_logs)
    wire()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = engine is None
        app.state.engine = engine or make_engine(
            resolve_database_url(settings),
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )
        app.state.sessionmaker = make_sessionmaker(app.state.engine, settings)
        app.state.replica = _replica(settings)
        if own_engine:
            # A served process: what start-up loaded (modules, routes, models) lives as long as
            # the process, so the collector's full passes stop walking it. Without this a full
            # pass over ~300k objects stalled a request now and then (slots p99, bench/slots.py).
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            if app.state.replica is not None:
                await app.state.replica.engine.dispose()
            if own_engine:
                await app.state.engine.dispose()

    app = FastAPI(
        title="Immersio Booking",
        version="0.1.0",
        description="Workshops for language schools and tutors; Cal.com API v2 on the wire.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    if engine is not None:  # tests hand over an engine and may skip the lifespan
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine, settings)
    error_handlers.install(app)
    openapi.install(app)
    # An oversized body is refused before the app reads it (inside CORS and the request log,
    # so browsers can read the 413 and it is counted).
    app.add_middleware(
        BodyLimitMiddleware,
        limit=settings.max_request_body_bytes,
        upload_limit=settings.max_upload_bytes,
        upload_paths=[WHITELIST_UPLOAD_PATH, STUDENTS_UPLOAD_PATH],
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["*"],
        allow_headers=CAL_API_HEADERS,
        expose_headers=["x-request-id", "retry-after"],
    )
    app.add_middleware(ObservabilityMiddleware)
    # Mounted before the routers, so /{orgSlug}/{eventSlug} never answers for /static/...
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (
        ops_router,
        auth_router,
        me_router,
        organizations_router,
        landing_router,
        subscriptions_router,
        members_router,
        out_of_office_router,
        # Legacy (Cal.com 2024-04-15) handlers answer the same paths for other versions:
        # kit/api_versions.py picks the route by the cal-api-version header.
        legacy_event_types_router,
        event_types_router,  # before teams: /teams/event-types is not /teams/{teamId}
        teams_router,
        my_teams_router,
        schedules_router,
        timezones_router,
        member_schedules_router,
        slots_router,
        legacy_slots_router,
        reservations_router,
        legacy_reservations_router,
        booking_reads_router,  # before bookings: /bookings/by-seat/{seatUid} is not a uid
        bookings_router,
        legacy_bookings_router,
        calendar_links_router,
        booking_edits_router,
        attendance_marks_router,
        attendance_router,
        organization_bookings_router,
        calendars_router,
        destination_calendars_router,
        google_calendar_router,
        mark_paid_router,
        whitelist_files_router,  # before the whitelist: /whitelist/export is not an entry
        whitelist_router,
        waitlist_router,
        workshop_waitlist_router,
        invitations_router,
        payments_router,
        payment_webhooks_router,
        webhooks_router,
        workflows_router,
        immersio_router,
        immersio_webhooks_router,
        video_router,
    ):
        # An undeclared query parameter is refused, never ignored (kit/unsupported.py).
        app.include_router(router, dependencies=[Depends(only_declared_query)])
    # Public pages last: /{orgSlug} and /{orgSlug}/{eventSlug} must not shadow the API. Pages
    # keep accepting unknown query keys: shared links carry utm_*, fbclid and the like.
    for router in (
        *DASHBOARD_ROUTERS,
        assets.router,
        manage_pages.router,
        waitlist_pages.router,
        waitlist_offer_pages.router,
        payment_pages.router,
        landing_pages.router,
        booking_pages.router,
    ):
        app.include_router(router)
    return app
