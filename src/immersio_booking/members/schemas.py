"""Wire shapes of organization users (teachers, staff) and memberships."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import EmailStr, Field

from immersio_booking.kit.schemas import ApiModel
from immersio_booking.kit.validation import MetadataCaps, PersonName, Slug, TimeZoneName

Role = Literal["OWNER", "ADMIN", "MEMBER"]
Locale = Field(default=None, pattern=r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$", max_length=16)


class ProfileOut(ApiModel):
    id: int
    organization_id: int
    user_id: int
    username: str


class OrganizationUserOut(ApiModel):
    id: int
    uuid: str
    email: str
    username: str | None
    name: str | None
    time_zone: str
    locale: str | None
    default_schedule_id: int | None
    metadata: dict[str, Any]
    created_date: datetime
    organization_id: int | None
    role: str | None
    accepted: bool
    profile: ProfileOut | None


class OrganizationUserCreate(ApiModel):
    email: EmailStr
    name: PersonName | None = None
    username: Slug | None = None
    time_zone: TimeZoneName = "Europe/London"
    locale: str | None = Locale
    organization_role: Role = "MEMBER"
    auto_accept: bool = True
    metadata: Annotated[dict[str, Any] | None, MetadataCaps] = None
    # Ours, not Cal.com's (whose validator drops unknown keys): false = no dashboard invitation.
    send_invitation: bool = True


class OrganizationUserPatch(ApiModel):
    name: PersonName | None = None
    username: Slug | None = None
    time_zone: TimeZoneName | None = None
    locale: str | None = Locale
    organization_role: Role | None = None
    metadata: Annotated[dict[str, Any] | None, MetadataCaps] = None


class MembershipUser(ApiModel):
    username: str | None
    name: str | None
    email: str


class MembershipOut(ApiModel):
    id: int
    user_id: int
    team_id: int
    accepted: bool
    role: str
    disable_impersonation: bool
    created_at: datetime
    user: MembershipUser


class MembershipCreate(ApiModel):
    user_id: int = Field(ge=1)
    role: Role = "MEMBER"
    accepted: bool = False
    disable_impersonation: bool = False


class OrganizationMembershipCreate(MembershipCreate):
    """The school's own membership: joining it invites the person to the dashboard
    (``members.arrivals``) unless ``sendInvitation`` is false; a sub-team's has no such field."""

    send_invitation: bool = True


class MembershipPatch(ApiModel):
    role: Role | None = None
    accepted: bool | None = None
    disable_impersonation: bool | None = None


class OrganizationMembershipPatch(MembershipPatch):
    """The school's own membership: accepting one that waited invites the person to the
    dashboard (``members.arrivals``) unless ``sendInvitation`` is false."""

    send_invitation: bool = True
