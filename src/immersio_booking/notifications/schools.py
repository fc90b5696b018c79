"""Whom an email comes from: the school, by name, at the configured sender address
(``IMMERSIO_MAIL_FROM``'s address; never another domain, so SPF and DKIM still pass), with
replies going to the school's contact address, else to the teacher concerned."""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import Settings
from immersio_booking.landing import service as landing
from immersio_booking.models import Team
from immersio_booking.notifications import mailer


@dataclass(frozen=True)
class School:
    name: str
    accent: str | None
    contact: Address | None

    def sender(self, settings: Settings, name: str | None = None) -> Address:
        """``"School name" <configured address>``; ``name`` (a workflow's sender) instead."""
        return mailer.sender(settings, name or self.name or None)

    def reply_to(
        self, teacher_name: str | None = None, teacher_email: str | None = None
    ) -> Address | None:
        """The school's contact address, else the teacher's, else none."""
        if self.contact is not None:
            return self.contact
        if teacher_email:
            return mailer.mailbox(teacher_name, teacher_email)
        return None


async def school_of(session: AsyncSession, organization_id: int | None) -> School:
    """The school ``organization_id`` as its emails show it (its name, colour and contact)."""
    org = await session.get(Team, organization_id) if organization_id else None
    if org is None:
        return School("", None, None)
    page = await landing.settings_of(session, org.id)
    contact = mailer.mailbox(org.name, org.contact_email) if org.contact_email else None
    return School(org.name, landing.palette(page, org.brand_color).primary, contact)
