"""Who reads and edits a workshop's lines: an OWNER/ADMIN of its school (or of its team), or
one of its hosts. Another tenant's workshop is not found (404), never forbidden."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import ADMIN_ROLES, Principal
from immersio_booking.event_types import service as event_types
from immersio_booking.kit.errors import Forbidden
from immersio_booking.models import EventType
from immersio_booking.slots import service as slots


async def staff_workshop(
    session: AsyncSession, principal: Principal, event_type_id: int
) -> EventType:
    et = await event_types.readable(session, principal, event_type_id)
    if principal.is_org_admin(et.organization_id) or principal.is_platform_admin:
        return et
    if et.team_id is not None and principal.roles.get(et.team_id) in ADMIN_ROLES:
        return et
    if et.user_id == principal.user_id or principal.user_id in await slots.host_ids(session, et):
        return et
    raise Forbidden(
        "Only the school's OWNER/ADMIN or the workshop's hosts see its waitlist",
        reason="not_workshop_host",
    )
