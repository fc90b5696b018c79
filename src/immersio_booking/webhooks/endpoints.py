"""Webhook subscriptions: ``/v2/webhooks`` (the caller's), ``/v2/event-types/{id}/webhooks``
and ``/v2/organizations/{orgId}/webhooks`` (organization-wide)."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Depends, status

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import service as event_types
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.errors import BadRequest
from immersio_booking.kit.pagination import PageParams
from immersio_booking.kit.schemas import Envelope, ResourceId, ok
from immersio_booking.tenancy.dependencies import ReadableOrganization
from immersio_booking.webhooks import service
from immersio_booking.webhooks.schemas import DeliveryOut, WebhookCreate, WebhookOut, WebhookPatch
from immersio_booking.webhooks.service import Owner

router = APIRouter(tags=["Webhooks"])


async def _user_owner(principal: AuthSubject) -> Owner:
    if principal.organization_id is None or principal.organization_id not in principal.roles:
        raise BadRequest(
            "Webhooks belong to a user of an organization", reason="organization_required"
        )
    return Owner(principal.organization_id, user_id=principal.user_id)


async def _event_type_owner(
    eventTypeId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Owner:
    et = await event_types.readable(session, principal, eventTypeId)
    await event_types.ensure_may_edit(session, principal, et)
    return Owner(et.organization_id, event_type_id=et.id)


async def _organization_owner(org: ReadableOrganization, principal: AuthSubject) -> Owner:
    principal.require_org_admin(org.id)
    return Owner(org.id, team_id=org.id)


def _routes(prefix: str, owner_of: Callable[..., Awaitable[Owner]]) -> None:
    """The same five routes for each kind of owner."""
    OwnerDep = Annotated[Owner, Depends(owner_of)]  # noqa: N806

    @router.post(prefix, status_code=status.HTTP_201_CREATED, name=f"create {prefix}")
    async def create(
        owner: OwnerDep, body: WebhookCreate, session: Session, settings: AppSettings
    ) -> Envelope[WebhookOut]:
        """Subscribe a URL to triggers; the secret (generated when absent) is shown once."""
        return ok(await service.create(session, owner, body, settings))

    @router.get(prefix, name=f"list {prefix}")
    async def listing(
        owner: OwnerDep, session: Session, page: PageParams
    ) -> Envelope[list[WebhookOut]]:
        return ok(
            [service.out(w) for w in await service.listing(session, owner, page.take, page.skip)]
        )

    @router.get(prefix + "/{webhookId}", name=f"get {prefix}")
    async def get(owner: OwnerDep, webhookId: str, session: Session) -> Envelope[WebhookOut]:  # noqa: N803
        return ok(service.out(await service.get(session, owner, webhookId)))

    @router.patch(prefix + "/{webhookId}", name=f"patch {prefix}")
    async def patch(
        owner: OwnerDep,
        webhookId: str,  # noqa: N803
        body: WebhookPatch,
        session: Session,
        settings: AppSettings,
    ) -> Envelope[WebhookOut]:
        return ok(await service.patch(session, owner, webhookId, body, settings))

    @router.get(prefix + "/{webhookId}/deliveries", name=f"deliveries {prefix}")
    async def deliveries(
        owner: OwnerDep,
        webhookId: str,  # noqa: N803
        session: Session,
        page: PageParams,
    ) -> Envelope[list[DeliveryOut]]:
        """Deliveries, newest first: status, attempts, last response code and first bytes."""
        rows = await service.deliveries(session, owner, webhookId, page.take, page.skip)
        return ok([service.delivery_out(d) for d in rows])

    @router.post(
        prefix + "/{webhookId}/deliveries/{deliveryId}/redeliver", name=f"redeliver {prefix}"
    )
    async def redeliver(
        owner: OwnerDep,
        webhookId: str,  # noqa: N803
        deliveryId: str,  # noqa: N803
        session: Session,
    ) -> Envelope[DeliveryOut]:
        return ok(
            service.delivery_out(await service.redeliver(session, owner, webhookId, deliveryId))
        )

    @router.delete(prefix + "/{webhookId}", name=f"delete {prefix}")
    async def delete(owner: OwnerDep, webhookId: str, session: Session) -> Envelope[WebhookOut]:  # noqa: N803
        return ok(await service.remove(session, owner, webhookId))


_routes("/v2/webhooks", _user_owner)
_routes("/v2/event-types/{eventTypeId}/webhooks", _event_type_owner)
_routes("/v2/organizations/{orgId}/webhooks", _organization_owner)


@router.delete("/v2/event-types/{eventTypeId}/webhooks")
async def delete_all_event_type_webhooks(
    owner: Annotated[Owner, Depends(_event_type_owner)], session: Session
) -> Envelope[str]:
    """Remove every subscription of the workshop (Cal.com answers with a sentence)."""
    return ok(f"{await service.remove_all(session, owner)} webhooks deleted")
