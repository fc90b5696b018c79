"""Every dashboard router, in the order the app includes them (before the public pages, whose
``/{orgSlug}`` would otherwise answer for ``/dashboard``)."""

from __future__ import annotations

from fastapi import APIRouter

from immersio_booking.dashboard import (
    availability,
    booking_actions,
    bookings,
    pages,
    passwords,
    school_settings,
    schools,
    settings_api_keys,
    settings_immersio,
    settings_landing,
    settings_organization,
    settings_payments,
    settings_plan,
    settings_teachers,
    settings_webhooks,
    settings_workflows,
    sign_in,
    students,
    today,
    waitlist,
    workshops,
)

ROUTERS: tuple[APIRouter, ...] = (
    pages.router,
    sign_in.router,
    passwords.router,
    schools.router,
    today.router,
    waitlist.router,
    bookings.router,
    booking_actions.router,
    workshops.router,
    availability.router,
    students.router,
    school_settings.router,
    settings_teachers.router,
    settings_organization.router,
    settings_api_keys.router,
    settings_landing.router,
    settings_webhooks.router,
    settings_workflows.router,
    settings_plan.router,
    settings_payments.router,
    settings_immersio.router,
)
