"""Who is using the dashboard: the signed-in staff member, their school and their role.

``Staff`` is the dependency every dashboard page takes. Without a valid session the page
answers with a redirect to the sign-in page (``SignInRequired``, handled by
``DashboardRoute``). A teacher (MEMBER) reaching a page of the school's staff gets the
"not found" page, as the API answers for what is not theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth import staff_sessions
from immersio_booking.auth.principal import ADMIN_ROLES, Principal
from immersio_booking.auth.staff_sessions import Lifetime, SignedIn
from immersio_booking.config import Settings
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import NotFound
from immersio_booking.models import Team, User


class SchoolRequired(Exception):
    """A platform admin on a page of a school before choosing one: the school list first."""


class SignInRequired(Exception):
    """No valid session: the page sends the browser to sign in, then back to ``next``."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def lifetime(settings: Settings) -> Lifetime:
    return Lifetime(
        idle=timedelta(minutes=settings.staff_session_idle_minutes),
        absolute=timedelta(hours=settings.staff_session_max_hours),
    )


@dataclass(frozen=True)
class StaffContext:
    principal: Principal
    user: User
    session_id: int
    # The school shown; None for a platform admin who has not picked one yet.
    school: Team | None
    role: str | None  # OWNER / ADMIN / MEMBER in ``school``; None for a platform admin

    @property
    def is_school_admin(self) -> bool:
        return self.principal.is_platform_admin or self.role in ADMIN_ROLES

    @property
    def organization_id(self) -> int:
        """The school's id; pages that need one are reached only once a school is chosen."""
        return self.chosen_school().id

    def chosen_school(self) -> Team:
        """The school shown; a platform admin who has not picked one is sent to the school
        list, anyone else (no longer a member of any school) is told the page does not exist."""
        if self.school is None:
            if self.principal.is_platform_admin:
                raise SchoolRequired
            raise NotFound("Choose a school first")
        return self.school

    def require_school_admin(self) -> None:
        """Pages of the school's staff (settings, every teacher's bookings): a teacher is told
        the page does not exist, as the API tells a stranger."""
        if not self.is_school_admin:
            raise NotFound("This page does not exist")


def _requested_path(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def current_staff(request: Request, session: AsyncSession) -> StaffContext | None:
    """The signed-in staff member of this request, or None."""
    settings = app_settings(request)
    found: SignedIn | None = await staff_sessions.signed_in(
        session, request.cookies.get(staff_sessions.COOKIE), clock.now(), lifetime(settings)
    )
    if found is None:
        return None
    school_id = found.organization_id
    role = found.principal.roles.get(school_id) if school_id is not None else None
    if school_id is not None and role is None and not found.principal.is_platform_admin:
        school_id = None  # no longer a member of that school
    school = await session.get(Team, school_id) if school_id is not None else None
    # The services scope by the principal's organization: the school shown is the one acted in
    # (a platform admin's chosen school, a teacher of several schools' current one).
    principal = replace(found.principal, organization_id=school.id if school else None)
    return StaffContext(principal, found.user, found.session_id, school, role)


async def _required_staff(request: Request, session: Session) -> StaffContext:
    staff = await current_staff(request, session)
    if staff is None:
        raise SignInRequired(_requested_path(request))
    request.state.principal = staff.principal
    return staff


Staff = Annotated[StaffContext, Depends(_required_staff)]
