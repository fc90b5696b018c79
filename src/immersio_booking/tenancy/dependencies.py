"""The organization named by ``{orgId}``, resolved before the body is read.

Because it is a dependency, a caller outside the organization gets 404 before any validation of
the request body: another tenant learns nothing, not even which bodies would be valid.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.schemas import ResourceId
from immersio_booking.models import Team
from immersio_booking.tenancy import repository


async def _readable_organization(
    orgId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Team:
    return await repository.readable_organization(session, principal, orgId)


ReadableOrganization = Annotated[Team, Depends(_readable_organization)]
