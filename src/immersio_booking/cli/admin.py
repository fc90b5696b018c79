"""Bootstrap commands the API cannot do for itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import BaseModel, EmailStr, ValidationError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.cli.common import (
    JsonFlag,
    admin_app,
    emit,
    fail_validation,
    in_transaction,
    load_settings,
    out,
    show,
)

# ---------------------------------------------------------------------------------------------
# Bootstrap


class PlatformAdminCreate(BaseModel):
    email: EmailStr


@admin_app.command("create-organization")
def create_organization(
    name: Annotated[str, typer.Option(help="The school's name.")],
    slug: Annotated[str, typer.Option(help="Its address: lowercase letters, digits, '-'.")],
    owner_email: Annotated[str, typer.Option(help="The OWNER's email (a new user).")],
    owner_name: Annotated[str | None, typer.Option(help="The OWNER's name.")] = None,
    plan: Annotated[str, typer.Option(help="lite, starter, growth, pro or enterprise.")] = "lite",
    as_json: JsonFlag = False,
) -> None:
    """Create a tenant with its OWNER and the owner's first API key."""
    from immersio_booking.organizations import service
    from immersio_booking.organizations.schemas import OrganizationCreate

    try:
        body = OrganizationCreate.model_validate(
            {
                "name": name,
                "slug": slug,
                "owner_email": owner_email,
                "owner_name": owner_name,
                "plan": plan,
            }
        )
    except ValidationError as exc:
        fail_validation(exc)

    async def work(session: AsyncSession) -> dict[str, Any]:
        return (await service.create_organization(session, body)).model_dump()

    created = in_transaction(work)
    emit(
        created,
        as_json,
        lambda: show(
            f"Organization {created['organization']['slug']} created",
            [
                ("Organization id", str(created["organization"]["id"])),
                ("Owner", f"{created['owner']['email']} (user {created['owner']['id']})"),
                ("API key", f"{created['api_key']}  (shown once)"),
            ],
        ),
    )


@admin_app.command("create-api-key")
def create_api_key(
    email: Annotated[str, typer.Option(help="The user's email.")],
    note: Annotated[str, typer.Option(help="What the key is for.")] = "cli",
    as_json: JsonFlag = False,
) -> None:
    """Issue a new API key for an existing user."""
    from sqlalchemy import select

    from immersio_booking.auth import service
    from immersio_booking.kit.errors import NotFound
    from immersio_booking.models import User

    async def work(session: AsyncSession) -> dict[str, Any]:
        address = email.strip().lower()
        user = (
            await session.execute(select(User).where(User.email == address))
        ).scalar_one_or_none()
        if user is None:
            raise NotFound(f"No user with email {address}", reason="user_not_found")
        _, raw = await service.issue_key(session, user, note=note)
        return {"api_key": raw, "user_id": user.id}

    issued = in_transaction(work)
    emit(
        issued,
        as_json,
        lambda: show(
            f"API key for user {issued['user_id']}",
            [("API key", f"{issued['api_key']}  (shown once)")],
        ),
    )


@admin_app.command("create-platform-admin")
def create_platform_admin(
    email: Annotated[str, typer.Option(help="Created if missing, promoted otherwise.")],
    as_json: JsonFlag = False,
) -> None:
    """Create (or promote) a platform admin, who may manage every tenant, and issue a key."""
    from sqlalchemy import select

    from immersio_booking.auth import service
    from immersio_booking.models import User

    try:
        address = PlatformAdminCreate(email=email).email.strip().lower()
    except ValidationError as exc:
        fail_validation(exc)

    async def work(session: AsyncSession) -> dict[str, Any]:
        user = (
            await session.execute(select(User).where(User.email == address))
        ).scalar_one_or_none()
        if user is None:
            user = User(email=address, name="Platform admin")
            session.add(user)
        user.is_platform_admin = True
        await session.flush()
        _, raw = await service.issue_key(session, user, note="platform admin")
        return {"api_key": raw}

    issued = in_transaction(work)
    emit(
        issued,
        as_json,
        lambda: show(
            f"Platform admin {address}", [("API key", f"{issued['api_key']}  (shown once)")]
        ),
    )


@admin_app.command("connect-stripe")
def connect_stripe(
    org: Annotated[str, typer.Option(help="The school's slug.")],
    secret_key: Annotated[str, typer.Option(help="sk_live_… / sk_test_… (or a restricted key).")],
    publishable_key: Annotated[str, typer.Option(help="pk_live_… / pk_test_…")],
    webhook_secret: Annotated[str, typer.Option(help="whsec_… of the school's endpoint.")],
    as_json: JsonFlag = False,
) -> None:
    """Connect a school's Stripe account, as PUT /v2/organizations/{orgId}/payments/stripe."""
    from sqlalchemy import select

    from immersio_booking.kit.errors import NotFound
    from immersio_booking.models import Team
    from immersio_booking.payments import credentials

    try:
        body = credentials.StripeKeysIn(
            secret_key=secret_key, publishable_key=publishable_key, webhook_secret=webhook_secret
        )
    except ValidationError as exc:
        fail_validation(exc)
    settings = load_settings()

    async def work(session: AsyncSession) -> dict[str, Any]:
        team = (
            await session.execute(
                select(Team).where(Team.slug == org, Team.is_organization.is_(True))
            )
        ).scalar_one_or_none()
        if team is None:
            raise NotFound(f"No school with slug {org}", reason="organization_not_found")
        keys = await credentials.connect(session, team.id, body, settings)
        return {"organization_id": team.id, **keys.model_dump(by_alias=True)}

    connected = in_transaction(work)
    emit(
        connected,
        as_json,
        lambda: show(
            f"Stripe connected to {org}",
            [
                ("Webhook endpoint", f"/webhooks/stripe/{connected['organization_id']}"),
                ("Secret key", connected["secretKey"]),
                ("Key works", "no" if connected["invalid"] else "yes"),
            ],
        ),
    )


@admin_app.command("rotate-keys")
def rotate_keys(as_json: JsonFlag = False) -> None:
    """Re-encrypt every stored secret with the first key of IMMERSIO_ENCRYPTION_KEYS."""
    from immersio_booking.immersio.service import rotate_secrets
    from immersio_booking.payments.credentials import rotate_all

    settings = load_settings()

    async def work(session: AsyncSession) -> dict[str, Any]:
        rotated = await rotate_all(session, settings) + await rotate_secrets(session, settings)
        return {"rotated": rotated}

    rotated = in_transaction(work)
    emit(rotated, as_json, lambda: out.print(f"{rotated['rotated']} secrets re-encrypted"))
