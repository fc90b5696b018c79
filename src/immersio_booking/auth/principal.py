"""Who is calling: a user with accepted memberships, or a platform admin."""

from __future__ import annotations

from dataclasses import dataclass, field

from immersio_booking.kit.errors import NotFound, RoleRequired

ADMIN_ROLES = frozenset({"OWNER", "ADMIN"})
ALL_ROLES = frozenset({"OWNER", "ADMIN", "MEMBER"})
# Higher outranks lower; a role may act for (impersonate) only its own rank or below.
ROLE_RANK = {"MEMBER": 1, "ADMIN": 2, "OWNER": 3}


def rank(role: str | None) -> int:
    return ROLE_RANK.get(role or "", 0)


@dataclass(frozen=True)
class Principal:
    user_id: int
    email: str
    organization_id: int | None
    is_platform_admin: bool = False
    # team id -> role, accepted memberships only (organizations and sub-teams)
    roles: dict[int, str] = field(default_factory=dict)
    api_key_id: int | None = None
    # Set when an org OWNER/ADMIN acts as ``user_id`` through X-Act-As-User.
    actor_user_id: int | None = None

    @property
    def is_impersonating(self) -> bool:
        return self.actor_user_id is not None

    def is_org_admin(self, organization_id: int) -> bool:
        return self.is_platform_admin or self.roles.get(organization_id) in ADMIN_ROLES

    def can_see_organization(self, organization_id: int) -> bool:
        return self.is_platform_admin or organization_id in self.roles

    def require_organization(self, organization_id: int, roles: frozenset[str] = ALL_ROLES) -> None:
        """Fail closed: outside the organization → 404 (not found); inside without role → 403."""
        if self.is_platform_admin:
            return
        role = self.roles.get(organization_id)
        if role is None:
            raise NotFound("Organization not found")
        if role not in roles:
            raise RoleRequired(
                "This action needs one of the roles "
                f"{', '.join(sorted(roles))} in the organization",
                details={"requiredRoles": sorted(roles), "role": role},
            )

    def require_org_admin(self, organization_id: int) -> None:
        self.require_organization(organization_id, ADMIN_ROLES)

    def require_platform_admin(self) -> None:
        if not self.is_platform_admin:
            raise RoleRequired(
                "Only a platform admin may do this", reason="platform_admin_required"
            )
