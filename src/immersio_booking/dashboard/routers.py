"""Every dashboard router, in the order the app includes them (before the public pages, whose
``/{orgSlug}`` would otherwise answer for ``/dashboard``)."""

from __future__ import annotations

from fastapi import APIRouter

from immersio_booking.dashboard import booking_actions, bookings, pages, today

ROUTERS: tuple[APIRouter, ...] = (
    pages.router,
    today.router,
    bookings.router,
    booking_actions.router,
)
