"""Authentication rules: key checks, impersonation, key issuing and revoking."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.auth import keys, repository
from immersio_booking.auth.principal import ADMIN_ROLES, Principal, rank
from immersio_booking.kit import clock
from immersio_booking.kit.errors import Forbidden, NotFound, Unauthorized
from immersio_booking.models import ApiKey, AuditEvent, User

# Writing last_used_at on every request would turn every read into a write; once a minute is enough.
TOUCH_EVERY = timedelta(minutes=1)


def _principal_of(user: User, roles: dict[int, str], key_id: int | None) -> Principal:
    return Principal(
        user_id=user.id,
        email=user.email,
        organization_id=user.organization_id,
        is_platform_admin=user.is_platform_admin,
        roles=roles,
        api_key_id=key_id,
    )


async def authenticate(session: AsyncSession, raw_key: str) -> Principal:
    found = await repository.key_with_user(session, keys.hash_key(raw_key))
    if found is None:
        raise Unauthorized("Invalid API key", reason="invalid_api_key")
    api_key, user = found
    now = clock.now()
    if api_key.revoked_at is not None:
        raise Unauthorized("This API key has been revoked", reason="api_key_revoked")
    if api_key.expires_at is not None and api_key.expires_at <= now:
        raise Unauthorized("This API key has expired", reason="api_key_expired")
    if api_key.last_used_at is None or now - api_key.last_used_at > TOUCH_EVERY:
        await repository.touch_key(session, api_key.id, now)
    roles = await global_lookups.accepted_roles_of_user(session, user.id)
    return _principal_of(user, roles, api_key.id)


def _outranks_actor(actor: Principal, org_id: int, target_roles: dict[int, str]) -> bool:
    """Does the target hold, in any team, a role above what the actor holds there (its role in
    the team itself or in the organization, whichever is higher)?"""
    if actor.is_platform_admin:
        return False
    org_rank = rank(actor.roles.get(org_id))
    return any(
        rank(role) > max(org_rank, rank(actor.roles.get(team_id)))
        for team_id, role in target_roles.items()
    )


async def act_as(session: AsyncSession, actor: Principal, target_user_id: int) -> Principal:
    """An organization OWNER/ADMIN acting as one of its members (``X-Act-As-User``): only as
    someone of the same role or lower, and never as a platform admin."""
    target = await repository.get_user(session, target_user_id)
    org_id = target.organization_id if target else None
    if target is None or org_id is None or not actor.can_see_organization(org_id):
        raise NotFound("User to act as not found", reason="act_as_user_not_found")
    if not actor.is_platform_admin and actor.roles.get(org_id) not in ADMIN_ROLES:
        raise Forbidden(
            "Only an organization OWNER or ADMIN may act as another user",
            reason="impersonation_not_allowed",
        )
    membership = await repository.membership(session, org_id, target.id, org_id)
    if membership is None:
        raise NotFound("User to act as not found", reason="act_as_user_not_found")
    if target.is_platform_admin:
        raise Forbidden(
            "Nobody may act as a platform admin", reason="act_as_platform_admin_not_allowed"
        )
    if membership.disable_impersonation:
        raise Forbidden("This user has disabled impersonation", reason="impersonation_disabled")
    roles = await global_lookups.accepted_roles_of_user(session, target.id)
    # The role of an unaccepted membership counts too: accepting it later must not lift it.
    if _outranks_actor(actor, org_id, {**roles, org_id: membership.role}):
        raise Forbidden(
            "You may act only as a user whose role is the same as yours or lower",
            reason="act_as_higher_role_not_allowed",
        )
    session.add(
        AuditEvent(
            organization_id=org_id,
            actor_user_id=actor.user_id,
            subject_user_id=target.id,
            action="impersonation",
            data={},
        )
    )
    principal = _principal_of(target, roles, actor.api_key_id)
    return Principal(**{**principal.__dict__, "actor_user_id": actor.user_id})


async def issue_key(
    session: AsyncSession, user: User, note: str | None = None, expires_at: datetime | None = None
) -> tuple[ApiKey, str]:
    raw = keys.generate_key()
    api_key = ApiKey(
        user_id=user.id,
        organization_id=user.organization_id,
        hashed_key=keys.hash_key(raw),
        prefix=keys.visible_prefix(raw),
        note=note,
        expires_at=expires_at,
    )
    session.add(api_key)
    await session.flush()
    return api_key, raw


async def revoke_key(session: AsyncSession, principal: Principal, key_id: int) -> ApiKey:
    api_key = await repository.key_of_user(session, principal.user_id, key_id)
    if api_key is None:
        raise NotFound("API key not found")
    if api_key.revoked_at is None:
        api_key.revoked_at = clock.now()
        await session.flush()
    return api_key


async def rotate_key(
    session: AsyncSession, principal: Principal, expires_at: datetime | None
) -> str:
    """The calling key is revoked and a new one (same note) takes its place. The row is locked
    first, so two refreshes racing with one key make one new key, and the loser gets a 401."""
    if principal.api_key_id is None:
        raise Unauthorized("Only an API key can be refreshed", reason="missing_api_key")
    api_key = await repository.key_of_user(
        session, principal.user_id, principal.api_key_id, for_update=True
    )
    if api_key is None or api_key.revoked_at is not None:
        raise Unauthorized("This API key has been revoked", reason="api_key_revoked")
    user = await repository.get_user(session, principal.user_id)
    assert user is not None
    api_key.revoked_at = clock.now()
    _, raw = await issue_key(session, user, api_key.note, expires_at)
    return raw


async def revoke_all_keys(session: AsyncSession, user_id: int) -> int:
    """Every live key of the user stops working (a member removed from the organization)."""
    revoked = await repository.revoke_keys_of_user(session, user_id, clock.now())
    await session.flush()
    return revoked


def refuse_while_impersonating(principal: Principal) -> None:
    """API keys are the user's own: an admin acting as the user may not see, make or revoke
    them (a key made so would outlive the impersonation and carry no trace of it)."""
    if principal.is_impersonating:
        raise Forbidden(
            "API keys cannot be listed, created or revoked while acting as another user",
            reason="api_keys_while_impersonating",
        )
