"""The reviewed place for reads of tenant-owned rows that do not name an organization.

Everywhere else a query over a tenant-owned table takes ``organization_id`` and filters by it
(``tests/tenancy/test_scoping.py`` fails on a new one that does not). The functions here start
from a key that is unique across tenants, because the caller does not know the tenant yet: a
public link, a job argument, the authenticated user, a periodic sweep over every tenant. Each
docstring says what proves the caller may see the row; the caller must do that check right
after the lookup, and from then on it works inside the row's ``organization_id``.

Adding a function here is a security decision: say in its docstring why it is safe, and have it
reviewed. Layering: every domain may use it (auth too, which ``tenancy`` imports), so it is a
module of its own that imports only ``models``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import (
    Booking,
    CalendarCacheState,
    Credential,
    EventType,
    ImmersioIntegration,
    ImmersioSyncLog,
    Membership,
    SelectedCalendar,
    SyncStatus,
    Team,
    Webhook,
)


async def booking_by_uid(session: AsyncSession, uid: str) -> Booking | None:
    """A booking by its uid, from a manage link (``/booking/{uid}``) or ``/v2/bookings/{uid}``.

    Safe because the uid alone grants nothing: the caller checks right after that the booking's
    signed manage token matches (``bookings.access``), or that the principal may see the
    booking's organization (host, admin); otherwise it answers 404 as if the uid did not exist.
    """
    return (await session.execute(select(Booking).where(Booking.uid == uid))).scalar_one_or_none()


async def series_by_uid(session: AsyncSession, recurring_id: str) -> list[Booking]:
    """The bookings of a recurring series by its series uid (``/v2/bookings/{uid}`` with the
    series uid), oldest first.

    Safe for the same reason as ``booking_by_uid``: the caller checks access to the series'
    organization (the principal's tenant) before showing any of them, else 404.
    """
    rows = await session.execute(
        select(Booking)
        .where(Booking.recurring_event_id == recurring_id)
        .order_by(Booking.start_time)
    )
    return list(rows.scalars())


async def public_event_type(session: AsyncSession, event_type_id: int) -> EventType | None:
    """A workshop by id for public reads (``/v2/slots``, booking pages), before any tenant is
    known.

    Safe because a workshop's public data is published on purpose (its landing and booking
    pages show it to anyone); the caller then works inside ``event_type.organization_id`` and
    applies the workshop's own visibility rules (hidden, private link).
    """
    return await session.get(EventType, event_type_id)


async def accepted_roles_of_user(session: AsyncSession, user_id: int) -> dict[int, str]:
    """Team id → role of every accepted membership of one user, across organizations.

    Safe because ``user_id`` is the authenticated user (the API key just checked, or the target
    of an impersonation the actor was allowed); it builds that user's own principal.
    """
    rows = await session.execute(
        select(Membership.team_id, Membership.role).where(
            Membership.user_id == user_id, Membership.accepted.is_(True)
        )
    )
    return {int(team_id): str(role) for team_id, role in rows.all()}


async def memberships_of_user(session: AsyncSession, user_id: int) -> list[tuple[Membership, bool]]:
    """Every membership of one user with whether its team is an organization (``/v2/me``).

    Safe because ``user_id`` is the caller's own principal: a user sees their own memberships.
    """
    rows = await session.execute(
        select(Membership, Team.is_organization)
        .join(Team, Team.id == Membership.team_id)
        .where(Membership.user_id == user_id)
        .order_by(Membership.id)
    )
    return [(m, bool(is_org)) for m, is_org in rows.all()]


async def due_immersio_integrations(session: AsyncSession, now: datetime) -> list[int]:
    """Tenants whose periodic Immersio sync is due (the minute scheduler).

    Safe because it returns only tenant ids, to the scheduler, which then opens one transaction
    per tenant and works inside it; nothing of a tenant leaves to a caller.
    """
    interval = func.make_interval(0, 0, 0, 0, 0, ImmersioIntegration.sync_interval_minutes)
    # The last attempt, failed ones included: a broken connection is retried on its interval,
    # not every minute.
    last_started = (
        select(func.max(ImmersioSyncLog.started_at))
        .where(ImmersioSyncLog.tenant_id == ImmersioIntegration.tenant_id)
        .correlate(ImmersioIntegration)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(ImmersioIntegration.tenant_id).where(
            ImmersioIntegration.sync_enabled.is_(True),
            ImmersioIntegration.api_key_encrypted.is_not(None),
            ImmersioIntegration.sync_status != SyncStatus.SYNCING,
            last_started.is_(None) | (last_started + interval <= now),
        )
    )
    return list(rows.scalars())


_CLAIM_DELIVERIES = """
WITH own AS (
    SELECT id FROM webhook_deliveries
    WHERE id = :own AND status = 'pending'{own_due}
    FOR UPDATE {own_lock}
), others AS (
    SELECT id FROM webhook_deliveries
    WHERE status = 'pending' AND next_attempt_at <= :now AND id <> :own
    ORDER BY next_attempt_at
    LIMIT :others
    FOR UPDATE SKIP LOCKED
)
SELECT d.id, d.organization_id, d.uid, d.destination, d.webhook_id, d.body, d.attempts,
       d.last_attempt_at, d.last_status_code, d.last_response,
       w.subscriber_url, w.secret, w.payload_template, w.active
FROM webhook_deliveries d
JOIN (SELECT id FROM own UNION ALL SELECT id FROM others) claimed ON claimed.id = d.id
LEFT JOIN webhooks w ON w.id = d.webhook_id AND w.organization_id = d.organization_id
"""


async def claim_webhook_deliveries(
    session: AsyncSession, own: int, now: datetime, size: int, *, wait_for_own: bool
) -> Sequence[Row[Any]]:
    """Delivery ``own`` when pending, and up to ``size - 1`` other pending deliveries due by
    ``now`` of any tenant, row-locked (``SKIP LOCKED``: rows another worker holds are left to
    it; ``wait_for_own`` waits for ``own`` instead, and takes it only if still due), each with
    its subscription's URL, sealed
    secret, payload template and active flag.

    Safe because the caller is the ``deliver_webhook`` job (``own`` is its argument, which only
    our code defers with the delivery): like the periodic sweeps, the worker serves every
    tenant. The subscription is joined on the delivery's own tenant, and each delivery is then
    handled inside its ``organization_id``.
    """
    # Waiting for ``own``: the batch that held it either rolled back (``own`` still due: send
    # it) or made its attempt (a failure moved ``next_attempt_at`` on: its retry job is queued,
    # sending now would be a second attempt at once).
    statement = text(
        _CLAIM_DELIVERIES.format(
            own_lock="" if wait_for_own else "SKIP LOCKED",
            own_due=" AND next_attempt_at <= :now" if wait_for_own else "",
        )
    )
    rows = await session.execute(statement, {"own": own, "now": now, "others": size - 1})
    return rows.all()


async def credentials_to_reseal(session: AsyncSession) -> Sequence[Credential]:
    """Every tenant's stored credential, for ``immersio-booking admin rotate-keys``.

    Safe because only the operator's key rotation calls it: the rows are re-encrypted in place
    and never leave the process.
    """
    return (await session.execute(select(Credential))).scalars().all()


async def webhooks_to_reseal(session: AsyncSession) -> Sequence[Webhook]:
    """Every subscription that has a signing secret, for ``admin rotate-keys``.

    Safe for the same reason as ``credentials_to_reseal``: re-encrypted in place, never shown.
    """
    return (
        (await session.execute(select(Webhook).where(Webhook.secret.is_not(None)))).scalars().all()
    )


async def immersio_integrations_to_reseal(session: AsyncSession) -> Sequence[ImmersioIntegration]:
    """Every Immersio connection, for ``admin rotate-keys`` (its API key and webhook secret).

    Safe for the same reason as ``credentials_to_reseal``: re-encrypted in place, never shown.
    """
    return (await session.execute(select(ImmersioIntegration))).scalars().all()


async def calendar_credentials_due(
    session: AsyncSession, types: Sequence[str], stale_before: datetime
) -> list[tuple[int, int]]:
    """(tenant, credential) of every teacher's calendar credential with selected calendars
    whose busy-times cache was last refreshed before ``stale_before`` (or never), for the
    periodic refresh.

    Safe because it returns only ids, to the scheduler, which queues one refresh per
    credential; the refresh reads the credential again inside its tenant.
    """
    selected = select(SelectedCalendar.id).where(SelectedCalendar.credential_id == Credential.id)
    rows = await session.execute(
        select(Credential.organization_id, Credential.id)
        .outerjoin(CalendarCacheState, CalendarCacheState.credential_id == Credential.id)
        .where(
            Credential.type.in_(types),
            Credential.user_id.is_not(None),
            selected.exists(),
            CalendarCacheState.refreshed_at.is_(None)
            | (CalendarCacheState.refreshed_at < stale_before),
        )
        .order_by(Credential.id)
    )
    return [(org_id, credential_id) for org_id, credential_id in rows.all()]
