"""``/v2/me/ooo`` and ``/v2/organizations/{orgId}/users/{userId}/ooo`` (Cal.com's shapes)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, status

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.errors import BadRequest
from immersio_booking.kit.pagination import PageParams
from immersio_booking.kit.schemas import Envelope, ResourceId, ok
from immersio_booking.kit.unsupported import checks_own_query, refuse_unsupported
from immersio_booking.out_of_office import repository, service
from immersio_booking.out_of_office.schemas import (
    OutOfOfficeCreate,
    OutOfOfficeOut,
    OutOfOfficePatch,
)
from immersio_booking.out_of_office.service import Owner
from immersio_booking.tenancy.dependencies import ReadableOrganization

router = APIRouter(tags=["Out of office"])

LIST_PARAMETERS = frozenset({"take", "skip", "sortStart", "sortEnd"})
Order = Literal["asc", "desc"]


def _sort(request: Request, name: str) -> Order | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    if value not in ("asc", "desc"):
        raise BadRequest(f'{name} must be either "asc" or "desc".', reason="validation_failed")
    return value  # type: ignore[return-value]


async def _listed(
    request: Request, session: Session, owner: Owner, page: PageParams
) -> list[OutOfOfficeOut]:
    refuse_unsupported(request.query_params, LIST_PARAMETERS)
    rows = await repository.entries_of(
        session,
        owner.organization_id,
        owner.user.id,
        page.take,
        page.skip,
        _sort(request, "sortStart"),
        _sort(request, "sortEnd"),
    )
    return [service.entry_out(row) for row in rows]


async def _me(principal: AuthSubject, session: Session) -> Owner:
    return await service.me(session, principal)


async def _member(
    org: ReadableOrganization,
    userId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Owner:
    return await service.member_of(session, principal, org.id, userId)


Me = Annotated[Owner, Depends(_me)]
OrgMember = Annotated[Owner, Depends(_member)]
ME = "/v2/me/ooo"
MEMBER = "/v2/organizations/{orgId}/users/{userId}/ooo"


@router.get(ME)
@checks_own_query
async def list_my_entries(
    request: Request, owner: Me, session: Session, page: PageParams
) -> Envelope[list[OutOfOfficeOut]]:
    """The caller's out-of-office entries (``take``/``skip``, ``sortStart``/``sortEnd``)."""
    return ok(await _listed(request, session, owner, page))


@router.post(ME, status_code=status.HTTP_201_CREATED)
async def create_my_entry(
    owner: Me, body: OutOfOfficeCreate, session: Session
) -> Envelope[OutOfOfficeOut]:
    """The caller is away from ``start`` to ``end``; ``toUserId`` stands in for team workshops."""
    return ok(service.entry_out(await service.create(session, owner, body)))


@router.patch(ME + "/{oooId}")
async def update_my_entry(
    owner: Me,
    oooId: ResourceId,  # noqa: N803
    body: OutOfOfficePatch,
    session: Session,
) -> Envelope[OutOfOfficeOut]:
    return ok(service.entry_out(await service.update(session, owner, oooId, body)))


@router.delete(ME + "/{oooId}")
async def delete_my_entry(
    owner: Me,
    oooId: ResourceId,  # noqa: N803
    session: Session,
) -> Envelope[OutOfOfficeOut]:
    return ok(await service.delete(session, owner, oooId))


@router.get(MEMBER)
@checks_own_query
async def list_member_entries(
    request: Request, owner: OrgMember, session: Session, page: PageParams
) -> Envelope[list[OutOfOfficeOut]]:
    """A member's entries: the member themself, or the school's OWNER/ADMIN."""
    return ok(await _listed(request, session, owner, page))


@router.post(MEMBER, status_code=status.HTTP_201_CREATED)
async def create_member_entry(
    owner: OrgMember, body: OutOfOfficeCreate, session: Session
) -> Envelope[OutOfOfficeOut]:
    return ok(service.entry_out(await service.create(session, owner, body)))


@router.patch(MEMBER + "/{oooId}")
async def update_member_entry(
    owner: OrgMember,
    oooId: ResourceId,  # noqa: N803
    body: OutOfOfficePatch,
    session: Session,
) -> Envelope[OutOfOfficeOut]:
    return ok(service.entry_out(await service.update(session, owner, oooId, body)))


@router.delete(MEMBER + "/{oooId}")
async def delete_member_entry(
    owner: OrgMember,
    oooId: ResourceId,  # noqa: N803
    session: Session,
) -> Envelope[OutOfOfficeOut]:
    return ok(await service.delete(session, owner, oooId))
