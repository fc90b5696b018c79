"""The school's teachers a school admin may pick (whose hours to edit, whom a new workshop is
for); a teacher picks no one but themselves."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.dashboard.access import StaffContext
from immersio_booking.members import repository as members
from immersio_booking.models import User


async def school_teachers(session: AsyncSession, staff: StaffContext) -> list[User]:
    """Accepted members of the school shown, for its OWNER/ADMIN; nobody for a teacher."""
    if not staff.is_school_admin:
        return []
    rows = await members.users(session, staff.organization_id, 500, 0)
    return [user for user, membership, _ in rows if membership is not None and membership.accepted]
