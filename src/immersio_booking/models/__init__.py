"""Every table, imported here so that ``Base.metadata`` knows them all."""

from immersio_booking.models.abuse import BookerEmailCode, RateLimitCounter
from immersio_booking.models.automation import (
    Webhook,
    Workflow,
    WorkflowEventType,
    WorkflowReminder,
    WorkflowStep,
)
from immersio_booking.models.bookings import (
    Attendee,
    Booking,
    BookingCancellationHistory,
    IdempotencyRecord,
    SlotReservation,
    WorkshopWhitelist,
)
from immersio_booking.models.deliveries import WebhookDelivery
from immersio_booking.models.immersio import (
    ImmersioCourseMapping,
    ImmersioIntegration,
    ImmersioSyncLog,
)
from immersio_booking.models.inbox import InboxEvent
from immersio_booking.models.organizations import (
    OrganizationSettings,
    Team,
    TenantLandingSettings,
    TenantSubscription,
)
from immersio_booking.models.payments import App, Credential, Payment
from immersio_booking.models.scheduling import Availability, EventType, EventTypeHost, Schedule
from immersio_booking.models.users import ApiKey, AuditEvent, Membership, Profile, User

__all__ = [
    "ApiKey",
    "App",
    "Attendee",
    "AuditEvent",
    "Availability",
    "Booking",
    "BookerEmailCode",
    "BookingCancellationHistory",
    "Credential",
    "EventType",
    "EventTypeHost",
    "IdempotencyRecord",
    "ImmersioCourseMapping",
    "InboxEvent",
    "ImmersioIntegration",
    "ImmersioSyncLog",
    "Membership",
    "OrganizationSettings",
    "Payment",
    "Profile",
    "RateLimitCounter",
    "Schedule",
    "SlotReservation",
    "Team",
    "TenantLandingSettings",
    "TenantSubscription",
    "User",
    "Webhook",
    "WebhookDelivery",
    "Workflow",
    "WorkflowEventType",
    "WorkflowReminder",
    "WorkflowStep",
    "WorkshopWhitelist",
]
