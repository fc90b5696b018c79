"""Dates on dashboard pages: in the staff member's time zone and the page's language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from fastapi import Request

from immersio_booking.dashboard.access import StaffContext
from immersio_booking.kit import when
from immersio_booking.web import i18n


def day_of(request: Request, staff: StaffContext, moment: datetime | None) -> str:
    """``moment``'s date where the staff member lives ("1 Dec 2026"); empty for None."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(staff.user.time_zone)).date()
    return format_date(local, locale=when.babel_locale(i18n.choose_language(request)))


def moment_of(request: Request, staff: StaffContext, moment: datetime | None) -> str:
    """``moment`` where the staff member lives, date and time ("1 Dec 2026, 14:05"); empty
    for None."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(staff.user.time_zone))
    language = i18n.choose_language(request)
    return f"{day_of(request, staff, moment)}, {when.time_of(local, language)}"
