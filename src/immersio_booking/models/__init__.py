"""Every table, imported here so that ``Base.metadata`` knows them all."""

from immersio_booking.models.abuse import BookerEmailCode, RateLimitCounter
from immersio_booking.models.automation import (
    ReminderStatus,
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
    BookingStatus,
    IdempotencyRecord,
    RefundStatus,
    SlotReservation,
    WorkshopWhitelist,
)
from immersio_booking.models.calendars import (
    BookingReference,
    CalendarBusyTime,
    CalendarCacheState,
    DestinationCalendar,
    OutOfOfficeEntry,
    SelectedCalendar,
)
from immersio_booking.models.deliveries import (
    DeliveryStatus,
    EmailDelivery,
    EmailStatus,
    WebhookDelivery,
)
from immersio_booking.models.immersio import (
    ImmersioCourseMapping,
    ImmersioIntegration,
    ImmersioSyncLog,
    SyncLogStatus,
    SyncStatus,
)
from immersio_booking.models.inbox import InboxEvent
from immersio_booking.models.options import ConfirmationPolicyOption, EventTypeOptions
from immersio_booking.models.organizations import (
    OrganizationSettings,
    SubscriptionStatus,
    Team,
    TenantLandingSettings,
    TenantSubscription,
)
from immersio_booking.models.payments import App, Credential, Payment
from immersio_booking.models.scheduling import Availability, EventType, EventTypeHost, Schedule
from immersio_booking.models.staff import SignInFailures, StaffSession, StaffSignInLink
from immersio_booking.models.users import ApiKey, AuditEvent, Membership, Profile, User
from immersio_booking.models.waitlist import WaitlistEntry, WaitlistStatus

__all__ = [
    "ApiKey",
    "App",
    "Attendee",
    "AuditEvent",
    "Availability",
    "BookerEmailCode",
    "Booking",
    "BookingCancellationHistory",
    "BookingReference",
    "BookingStatus",
    "CalendarBusyTime",
    "CalendarCacheState",
    "ConfirmationPolicyOption",
    "Credential",
    "DeliveryStatus",
    "EmailDelivery",
    "EmailStatus",
    "DestinationCalendar",
    "EventType",
    "EventTypeHost",
    "EventTypeOptions",
    "IdempotencyRecord",
    "ImmersioCourseMapping",
    "ImmersioIntegration",
    "ImmersioSyncLog",
    "InboxEvent",
    "Membership",
    "OrganizationSettings",
    "OutOfOfficeEntry",
    "Payment",
    "Profile",
    "RateLimitCounter",
    "RefundStatus",
    "ReminderStatus",
    "Schedule",
    "SelectedCalendar",
    "SignInFailures",
    "SlotReservation",
    "StaffSession",
    "StaffSignInLink",
    "SubscriptionStatus",
    "SyncLogStatus",
    "SyncStatus",
    "Team",
    "TenantLandingSettings",
    "TenantSubscription",
    "User",
    "WaitlistEntry",
    "WaitlistStatus",
    "Webhook",
    "WebhookDelivery",
    "Workflow",
    "WorkflowEventType",
    "WorkflowReminder",
    "WorkflowStep",
    "WorkshopWhitelist",
]
