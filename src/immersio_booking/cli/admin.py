"""Bootstrap commands the API cannot do for itself."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import BaseModel, EmailStr, ValidationError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.cli.common import (
    JsonFlag,
    admin_app,
    emit,
    err,
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


@admin_app.command("login-link")
def login_link(
    email: Annotated[str, typer.Option(help="The staff member's email.")],
    as_json: JsonFlag = False,
) -> None:
    """Print a one-time dashboard sign-in link (15 minutes) for an existing user: the first
    sign-in of a school's owner, tests, a locked-out admin."""
    from sqlalchemy import select

    from immersio_booking.auth import sign_in_links
    from immersio_booking.kit import clock
    from immersio_booking.kit.errors import NotFound
    from immersio_booking.models import User

    settings = load_settings()
    address = email.strip().lower()

    async def work(session: AsyncSession) -> dict[str, Any]:
        user = (
            await session.execute(select(User).where(User.email == address))
        ).scalar_one_or_none()
        if user is None:
            raise NotFound(f"No user with email {address}", reason="user_not_found")
        url = await sign_in_links.sign_in_url(
            session, user.id, settings.public_base_url, clock.now()
        )
        return {"url": url, "user_id": user.id}

    issued = in_transaction(work)
    emit(issued, as_json, lambda: out.print(issued["url"], highlight=False, soft_wrap=True))


SECRET_KEY_ENV = "IMMERSIO_STRIPE_SECRET_KEY"
WEBHOOK_SECRET_ENV = "IMMERSIO_STRIPE_WEBHOOK_SECRET"


def _stripe_secrets(from_stdin: bool, webhook_from_stdin: bool) -> tuple[str, str]:
    """The secret key and the webhook secret: lines of stdin (secret key first) when asked,
    else the environment; never the command line, which ``ps`` and shell history show."""
    lines = iter(sys.stdin.read().splitlines()) if from_stdin or webhook_from_stdin else iter(())
    found = {}
    for name, env, stdin in (
        ("secret key", SECRET_KEY_ENV, from_stdin),
        ("webhook secret", WEBHOOK_SECRET_ENV, webhook_from_stdin),
    ):
        value = next(lines, "").strip() if stdin else os.environ.get(env, "").strip()
        if not value:
            where = "a line of stdin" if stdin else f"{env} (or --{name.replace(' ', '-')}-stdin)"
            err.print(f"[red]error:[/red] the Stripe {name} is missing: give it in {where}.")
            raise typer.Exit(2)
        found[name] = value
    return found["secret key"], found["webhook secret"]


def _refuse_on_command_line(value: str | None) -> str | None:
    if value is not None:
        raise typer.BadParameter(
            "secrets on the command line are visible to every user (ps) and kept in shell"
            f" history: pass it on stdin (--secret-key-stdin, --webhook-secret-stdin) or in"
            f" {SECRET_KEY_ENV} / {WEBHOOK_SECRET_ENV}"
        )
    return value


@admin_app.command("connect-stripe")
def connect_stripe(
    org: Annotated[str, typer.Option(help="The school's slug.")],
    publishable_key: Annotated[str, typer.Option(help="pk_live_… / pk_test_…")],
    secret_key_stdin: Annotated[
        bool,
        typer.Option(
            help=f"Read the secret key (sk_…/rk_…) from stdin's first line, not {SECRET_KEY_ENV}."
        ),
    ] = False,
    webhook_secret_stdin: Annotated[
        bool,
        typer.Option(
            help=f"Read the webhook secret (whsec_…) from stdin's next line, not"
            f" {WEBHOOK_SECRET_ENV}."
        ),
    ] = False,
    secret_key: Annotated[
        str | None, typer.Option(hidden=True, callback=_refuse_on_command_line)
    ] = None,
    webhook_secret: Annotated[
        str | None, typer.Option(hidden=True, callback=_refuse_on_command_line)
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Connect a school's Stripe account, as PUT /v2/organizations/{orgId}/payments/stripe.

    The secret key and the webhook secret come from IMMERSIO_STRIPE_SECRET_KEY and
    IMMERSIO_STRIPE_WEBHOOK_SECRET, or from stdin with --secret-key-stdin /
    --webhook-secret-stdin (one per line, the secret key first)."""
    from sqlalchemy import select

    from immersio_booking.kit.errors import NotFound
    from immersio_booking.models import Team
    from immersio_booking.payments import credentials

    del secret_key, webhook_secret  # refused by their callback when given
    key, hook_secret = _stripe_secrets(secret_key_stdin, webhook_secret_stdin)
    try:
        body = credentials.StripeKeysIn(
            secret_key=key, publishable_key=publishable_key, webhook_secret=hook_secret
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
    """Re-encrypt every stored secret with the first key of IMMERSIO_ENCRYPTION_KEYS: Stripe
    and Zoom credentials, Immersio API keys and webhook secrets, webhook subscriptions' secrets,
    calendar credentials."""
    from immersio_booking.calendars import sealing as calendar_credentials
    from immersio_booking.immersio import service as immersio
    from immersio_booking.payments import credentials
    from immersio_booking.video import zoom
    from immersio_booking.webhooks import service as webhooks

    settings = load_settings()

    async def work(session: AsyncSession) -> dict[str, Any]:
        rotated = 0
        for rotate in (
            credentials.rotate_all,
            zoom.rotate_all,
            immersio.rotate_secrets,
            webhooks.rotate_secrets,
            calendar_credentials.rotate_all,
        ):
            rotated += await rotate(session, settings)
        return {"rotated": rotated}

    rotated = in_transaction(work)
    emit(rotated, as_json, lambda: out.print(f"{rotated['rotated']} secrets re-encrypted"))
