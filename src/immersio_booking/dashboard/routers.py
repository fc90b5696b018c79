"""Every dashboard router, in the order the app includes them (before the public pages, whose
``/{orgSlug}`` would otherwise answer for ``/dashboard``)."""

from __future__ import annotations

from fastapi import APIRouter

from immersio_booking.dashboard import pages, settings_teachers, students

ROUTERS: tuple[APIRouter, ...] = (pages.router, students.router, settings_teachers.router)
