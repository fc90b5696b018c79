"""Every dashboard router, in the order the app includes them (before the public pages, whose
``/{orgSlug}`` would otherwise answer for ``/dashboard``)."""

from __future__ import annotations

from fastapi import APIRouter

from immersio_booking.dashboard import pages, passwords, schools, sign_in

ROUTERS: tuple[APIRouter, ...] = (pages.router, sign_in.router, passwords.router, schools.router)
