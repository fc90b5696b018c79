"""A subscription whose deliveries have failed for three days in a row is switched off, and
the organization's owners and admins are told by email."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import Settings
from immersio_booking.members.repository import admin_emails
from immersio_booking.models import DeliveryStatus, Webhook, WebhookDelivery
from immersio_booking.notifications import mailer

FAILING_FOR = timedelta(days=3)


async def failing_since(session: AsyncSession, hook: Webhook) -> datetime | None:
    """When the current run of failures began (None when the last attempt succeeded)."""
    last_success = (
        await session.execute(
            select(func.max(WebhookDelivery.last_attempt_at)).where(
                WebhookDelivery.organization_id == hook.organization_id,
                WebhookDelivery.webhook_id == hook.id,
                WebhookDelivery.status == DeliveryStatus.DELIVERED,
            )
        )
    ).scalar_one()
    statement = select(func.min(WebhookDelivery.created_at)).where(
        WebhookDelivery.organization_id == hook.organization_id,
        WebhookDelivery.webhook_id == hook.id,
        WebhookDelivery.attempts > 0,
        WebhookDelivery.status != DeliveryStatus.DELIVERED,
    )
    if last_success is not None:
        statement = statement.where(WebhookDelivery.created_at > last_success)
    since: datetime | None = (await session.execute(statement)).scalar_one()
    return since


async def disable_if_failing_too_long(
    session: AsyncSession, hook: Webhook, now: datetime, settings: Settings
) -> bool:
    since = await failing_since(session, hook)
    if since is None or now - since < FAILING_FOR:
        return False
    hook.active = False
    for email in await admin_emails(session, hook.organization_id):
        message = EmailMessage()
        message["To"] = mailer.mailbox(None, email)
        message["Subject"] = "A webhook was switched off after failing for 3 days"
        message.set_content(
            f"Every delivery to {hook.subscriber_url} has failed since {since:%Y-%m-%d %H:%M} UTC,"
            " so the subscription is now inactive. Fix the receiver, then set it active again"
            ' (PATCH the webhook with {"active": true}); failed deliveries can be sent again.\n'
        )
        await mailer.deliver(settings, message)
    return True
