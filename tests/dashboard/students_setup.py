"""Students for the dashboard tests: an entry the Immersio sync put on a workshop's list,
written as the sync writes it (the sync itself has its own tests)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.models import WorkshopWhitelist
from tests.factories import Tenant


async def synced_from_immersio(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: Tenant,
    event_type_id: int,
    **entry: str,
) -> None:
    """``entry``: its email, and name and immersio_student_id when given."""
    async with transaction(sessionmaker) as session:
        session.add(
            WorkshopWhitelist(
                organization_id=tenant.id, event_type_id=event_type_id, source="immersio", **entry
            )
        )
