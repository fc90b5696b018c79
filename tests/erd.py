"""The seed ERD written out by hand (never parsed from ../shared): entity → table, field → column.

Source: ``shared/seed/immersio-booking-erd.md`` (23 entities, their relationships and the 14
recommended indexes). Names follow Python conventions (``isOrganization`` → ``is_organization``);
the meaning may not change. Where the ERD's literal type would change a meaning, the documented
decision (docs/decisions/0001-erd-naming-and-types.md) wins; each such place is marked
``DEVIATION`` below.

Type families: see ``KINDS``. Nullability: ``nullable=False`` where the ERD implies a value is
always there (primary keys, a child's link to the parent it cannot exist without, one-to-one
tenant rows), ``nullable=True`` where the ERD's meaning requires that it can be absent (a root
organization has no parent, an event type belongs to a user *or* a team, ...), ``None`` where the
ERD does not say.
"""

from __future__ import annotations

from typing import NamedTuple

INTEGER = "integer"
TEXT = "text"
BOOLEAN = "boolean"
TIMESTAMPTZ = "timestamptz"
JSON = "json"
TIME = "time"
DATE = "date"

# Type family → the PostgreSQL types (information_schema.columns.data_type) that satisfy it.
KINDS: dict[str, frozenset[str]] = {
    INTEGER: frozenset({"smallint", "integer", "bigint"}),
    TEXT: frozenset({"text", "character varying"}),
    BOOLEAN: frozenset({"boolean"}),
    TIMESTAMPTZ: frozenset({"timestamp with time zone"}),
    JSON: frozenset({"jsonb"}),
    TIME: frozenset({"time without time zone"}),  # wall-clock time, no offset
    DATE: frozenset({"date"}),
}


class F(NamedTuple):
    """One ERD field: its column, type family, nullability and (FK marker) referenced key."""

    column: str
    kind: str
    nullable: bool | None = None
    references: str | None = None  # "table.column"


def pk(column: str = "id", kind: str = INTEGER) -> F:
    return F(column, kind, nullable=False)


class Entity(NamedTuple):
    table: str
    fields: dict[str, F]


ENTITIES: dict[str, Entity] = {
    # ---------------------------------------------------------------- Cal.com core models
    "Team": Entity(
        "teams",
        {
            "id": pk(),
            "name": F("name", TEXT),
            "slug": F("slug", TEXT),  # UK: see UNIQUE (DEVIATION: scoped)
            # An organization (tenant) is a root: it has no parent.
            "parentId": F("parent_id", INTEGER, nullable=True, references="teams.id"),
            "isOrganization": F("is_organization", BOOLEAN),
            "isPlatform": F("is_platform", BOOLEAN),
            "isPrivate": F("is_private", BOOLEAN),
            "metadata": F("metadata", JSON),
            "logoUrl": F("logo_url", TEXT),
            "bio": F("bio", TEXT),
            "brandColor": F("brand_color", TEXT),
            "bannerUrl": F("banner_url", TEXT),
            "createdAt": F("created_at", TIMESTAMPTZ),
            "updatedAt": F("updated_at", TIMESTAMPTZ),
        },
    ),
    "OrganizationSettings": Entity(
        "organization_settings",
        {
            "id": pk(),
            "organizationId": F("organization_id", INTEGER, False, "teams.id"),  # FK UK
            "isAdminReviewed": F("is_admin_reviewed", BOOLEAN),
            "isOrganizationVerified": F("is_organization_verified", BOOLEAN),
            "isOrganizationConfigured": F("is_organization_configured", BOOLEAN),
            "orgAutoAcceptEmail": F("org_auto_accept_email", TEXT),
            "lockEventTypeCreation": F("lock_event_type_creation", BOOLEAN),
            "adminGetsNoSlotsNotification": F("admin_gets_no_slots_notification", BOOLEAN),
            "allowSEOIndexing": F("allow_seo_indexing", BOOLEAN),
        },
    ),
    "User": Entity(
        "users",
        {
            "id": pk(),
            "uuid": F("uuid", TEXT),  # UK
            "email": F("email", TEXT),  # UK
            "username": F("username", TEXT),
            "name": F("name", TEXT),
            "password": F("password", TEXT),
            "timeZone": F("time_zone", TEXT),
            "locale": F("locale", TEXT),
            # Platform admins belong to no organization.
            "organizationId": F("organization_id", INTEGER, nullable=True, references="teams.id"),
            "completedOnboarding": F("completed_onboarding", BOOLEAN),
            "metadata": F("metadata", JSON),
            "createdAt": F("created_at", TIMESTAMPTZ),
            "updatedAt": F("updated_at", TIMESTAMPTZ),
        },
    ),
    "Profile": Entity(
        "profiles",
        {
            "id": pk(),
            "userId": F("user_id", INTEGER, False, "users.id"),  # Profile }o--|| User
            "organizationId": F("organization_id", INTEGER, False, "teams.id"),  # }o--|| Team
            "username": F("username", TEXT),
            "uid": F("uid", TEXT),  # UK
        },
    ),
    "Membership": Entity(
        "memberships",
        {
            "id": pk(),
            "userId": F("user_id", INTEGER, False, "users.id"),
            "teamId": F("team_id", INTEGER, False, "teams.id"),
            "role": F("role", TEXT),
            "accepted": F("accepted", BOOLEAN),
            "disableImpersonation": F("disable_impersonation", BOOLEAN),
            "createdAt": F("created_at", TIMESTAMPTZ),
        },
    ),
    "EventType": Entity(
        "event_types",
        {
            "id": pk(),
            "title": F("title", TEXT),
            "slug": F("slug", TEXT),
            "description": F("description", TEXT),
            "length": F("length", INTEGER),
            "hidden": F("hidden", BOOLEAN),
            # "Personal event type" or "Team event type": one of the two is absent.
            "userId": F("user_id", INTEGER, nullable=True, references="users.id"),
            "teamId": F("team_id", INTEGER, nullable=True, references="teams.id"),
            "profileId": F("profile_id", INTEGER, references="profiles.id"),
            # EventType }o--o| Schedule: zero or one schedule.
            "scheduleId": F("schedule_id", INTEGER, nullable=True, references="schedules.id"),
            "locations": F("locations", JSON),
            "periodType": F("period_type", TEXT),
            "periodStartDate": F("period_start_date", TIMESTAMPTZ),
            "periodEndDate": F("period_end_date", TIMESTAMPTZ),
            "periodDays": F("period_days", INTEGER),
            "periodCountCalendarDays": F("period_count_calendar_days", INTEGER),
            "minimumBookingNotice": F("minimum_booking_notice", INTEGER),
            "beforeEventBuffer": F("before_event_buffer", INTEGER),
            "afterEventBuffer": F("after_event_buffer", INTEGER),
            "seatsPerTimeSlot": F("seats_per_time_slot", INTEGER),
            "seatsShowAvailabilityCount": F("seats_show_availability_count", BOOLEAN),
            "seatsShowAttendees": F("seats_show_attendees", BOOLEAN),
            "bookingFields": F("booking_fields", JSON),
            "disableGuests": F("disable_guests", BOOLEAN),
            "slotInterval": F("slot_interval", INTEGER),
            "metadata": F("metadata", JSON),
            "price": F("price", INTEGER),  # minor units
            "currency": F("currency", TEXT),
            "requiresConfirmation": F("requires_confirmation", BOOLEAN),
            "recurringEvent": F("recurring_event", JSON),
            "createdAt": F("created_at", TIMESTAMPTZ),
            "updatedAt": F("updated_at", TIMESTAMPTZ),
        },
    ),
    "Schedule": Entity(
        "schedules",
        {
            "id": pk(),
            "userId": F("user_id", INTEGER, False, "users.id"),
            "name": F("name", TEXT),
            "timeZone": F("time_zone", TEXT),
            "createdAt": F("created_at", TIMESTAMPTZ),
            "updatedAt": F("updated_at", TIMESTAMPTZ),
        },
    ),
    "Availability": Entity(
        "availability",
        {
            "id": pk(),
            "userId": F("user_id", INTEGER, references="users.id"),
            # A rule belongs to a schedule or to an event type.
            "eventTypeId": F("event_type_id", INTEGER, True, "event_types.id"),
            "scheduleId": F("schedule_id", INTEGER, True, "schedules.id"),
            "days": F("days", INTEGER),
            # DEVIATION: ERD `datetime`; wall-clock rules in the schedule's IANA zone → `time`.
            "startTime": F("start_time", TIME),
            "endTime": F("end_time", TIME),
            # DEVIATION: ERD `datetime`; a calendar day → `date`. Only date overrides have one.
            "date": F("date", DATE, nullable=True),
        },
    ),
    "Booking": Entity(
        "bookings",
        {
            "id": pk(),
            "uid": F("uid", TEXT),  # UK
            "userId": F("user_id", INTEGER, references="users.id"),
            "eventTypeId": F("event_type_id", INTEGER, references="event_types.id"),
            "title": F("title", TEXT),
            "description": F("description", TEXT),
            "startTime": F("start_time", TIMESTAMPTZ),
            "endTime": F("end_time", TIMESTAMPTZ),
            "status": F("status", TEXT),
            "paid": F("paid", BOOLEAN),
            "metadata": F("metadata", JSON),
            "location": F("location", TEXT),
            "cancellationReason": F("cancellation_reason", TEXT),
            "rejectionReason": F("rejection_reason", TEXT),
            "rescheduled": F("rescheduled", BOOLEAN),
            # Only a rescheduled booking has an original.
            "fromReschedule": F("from_reschedule", INTEGER, True, "bookings.id"),
            "createdAt": F("created_at", TIMESTAMPTZ),
            "updatedAt": F("updated_at", TIMESTAMPTZ),
        },
    ),
    "Attendee": Entity(
        "attendees",
        {
            "id": pk(),
            "bookingId": F("booking_id", INTEGER, False, "bookings.id"),
            "email": F("email", TEXT),
            "name": F("name", TEXT),
            "timeZone": F("time_zone", TEXT),
            "locale": F("locale", TEXT),
        },
    ),
    "Payment": Entity(
        "payments",
        {
            "id": pk(),
            "uid": F("uid", TEXT),  # UK
            "bookingId": F("booking_id", INTEGER, False, "bookings.id"),  # Booking ||--o| Payment
            # DEVIATION: ERD `int appId FK`, but App's key is its text slug → text FK apps.slug.
            "appId": F("app_id", TEXT, references="apps.slug"),
            "amount": F("amount", INTEGER),  # minor units
            "fee": F("fee", INTEGER),
            "currency": F("currency", TEXT),
            "success": F("success", BOOLEAN),
            "refunded": F("refunded", BOOLEAN),
            "data": F("data", JSON),
            "externalId": F("external_id", TEXT),
            "createdAt": F("created_at", TIMESTAMPTZ),
            "updatedAt": F("updated_at", TIMESTAMPTZ),
        },
    ),
    "Credential": Entity(
        "credentials",
        {
            "id": pk(),
            "type": F("type", TEXT),
            "key": F("key", JSON),
            # Owned by a user or by a team.
            "userId": F("user_id", INTEGER, True, "users.id"),
            "teamId": F("team_id", INTEGER, True, "teams.id"),
            "appId": F("app_id", TEXT, references="apps.slug"),  # DEVIATION: text FK, see Payment
            "invalid": F("invalid", BOOLEAN),
            "createdAt": F("created_at", TIMESTAMPTZ),
            "updatedAt": F("updated_at", TIMESTAMPTZ),
        },
    ),
    "App": Entity(
        "apps",
        {
            "slug": pk("slug", TEXT),  # the ERD's PK: App has no integer id
            "dirName": F("dir_name", TEXT),
            "keys": F("keys", JSON),
            "categories": F("categories", JSON),
            "enabled": F("enabled", BOOLEAN),
            "createdAt": F("created_at", TIMESTAMPTZ),
            "updatedAt": F("updated_at", TIMESTAMPTZ),
        },
    ),
    "Webhook": Entity(
        "webhooks",
        {
            "id": pk(),
            # Subscribed by a user, a team or one event type.
            "userId": F("user_id", INTEGER, True, "users.id"),
            "teamId": F("team_id", INTEGER, True, "teams.id"),
            "eventTypeId": F("event_type_id", INTEGER, True, "event_types.id"),
            "subscriberUrl": F("subscriber_url", TEXT),
            "active": F("active", BOOLEAN),
            "eventTriggers": F("event_triggers", JSON),
            "appId": F("app_id", TEXT, references="apps.slug"),  # DEVIATION: text FK, see Payment
            "secret": F("secret", TEXT),
            "createdAt": F("created_at", TIMESTAMPTZ),
        },
    ),
    "Workflow": Entity(
        "workflows",
        {
            "id": pk(),
            "name": F("name", TEXT),
            "userId": F("user_id", INTEGER, True, "users.id"),
            "teamId": F("team_id", INTEGER, True, "teams.id"),
            "trigger": F("trigger", TEXT),
            # DEVIATION: ERD `datetime time`; it is an offset amount ("24" HOUR before) → integer,
            # read with `time_unit`.
            "time": F("time", INTEGER),
            "timeUnit": F("time_unit", TEXT),
            "active": F("active", BOOLEAN),
            "createdAt": F("created_at", TIMESTAMPTZ),
            "updatedAt": F("updated_at", TIMESTAMPTZ),
        },
    ),
    "WorkflowStep": Entity(
        "workflow_steps",
        {
            "id": pk(),
            "workflowId": F("workflow_id", INTEGER, False, "workflows.id"),
            "stepNumber": F("step_number", INTEGER),
            "action": F("action", TEXT),
            "template": F("template", TEXT),
            "sendTo": F("send_to", TEXT),
            # DEVIATION: ERD `boolean reminderBody`; it is the reminder's message body → text.
            "reminderBody": F("reminder_body", TEXT),
            "emailSubject": F("email_subject", TEXT),
            "sender": F("sender", TEXT),
            "createdAt": F("created_at", TIMESTAMPTZ),
            "updatedAt": F("updated_at", TIMESTAMPTZ),
        },
    ),
    # ---------------------------------------------------------------- Immersio extensions
    "TenantLandingSettings": Entity(
        "tenant_landing_settings",
        {
            "id": pk(),
            "tenant_id": F("tenant_id", INTEGER, False, "teams.id"),  # FK UK
            "template_id": F("template_id", TEXT),
            "primary_color": F("primary_color", TEXT),
            "secondary_color": F("secondary_color", TEXT),
            "logo_url": F("logo_url", TEXT),
            "hero_image_url": F("hero_image_url", TEXT),
            "page_title": F("page_title", TEXT),
            "page_subtitle": F("page_subtitle", TEXT),
            "teacher_bio": F("teacher_bio", TEXT),
            "teacher_avatar_url": F("teacher_avatar_url", TEXT),
            "social_links": F("social_links", JSON),
            "cta_text": F("cta_text", TEXT),
            "meta_title": F("meta_title", TEXT),
            "meta_description": F("meta_description", TEXT),
            "is_published": F("is_published", BOOLEAN),
            "created_at": F("created_at", TIMESTAMPTZ),
            "updated_at": F("updated_at", TIMESTAMPTZ),
        },
    ),
    "ImmersioIntegration": Entity(
        "immersio_integrations",
        {
            "id": pk(),
            "tenant_id": F("tenant_id", INTEGER, False, "teams.id"),  # FK UK
            "immersio_org_id": F("immersio_org_id", TEXT),
            "api_key_encrypted": F("api_key_encrypted", TEXT),
            "webhook_secret": F("webhook_secret", TEXT),
            "sync_enabled": F("sync_enabled", BOOLEAN),
            "last_sync_at": F("last_sync_at", TIMESTAMPTZ),
            "sync_status": F("sync_status", TEXT),
            "sync_error_message": F("sync_error_message", TEXT),
            "created_at": F("created_at", TIMESTAMPTZ),
            "updated_at": F("updated_at", TIMESTAMPTZ),
        },
    ),
    "ImmersioCourseMapping": Entity(
        "immersio_course_mappings",
        {
            "id": pk(),
            "tenant_id": F("tenant_id", INTEGER, False, "teams.id"),
            "event_type_id": F("event_type_id", INTEGER, False, "event_types.id"),  # FK UK
            "immersio_course_id": F("immersio_course_id", TEXT),  # UK (DEVIATION: per tenant)
            "immersio_course_name": F("immersio_course_name", TEXT),
            "sync_students": F("sync_students", BOOLEAN),
            "last_student_sync": F("last_student_sync", TIMESTAMPTZ),
            "created_at": F("created_at", TIMESTAMPTZ),
            "updated_at": F("updated_at", TIMESTAMPTZ),
        },
    ),
    "WorkshopWhitelist": Entity(
        "workshop_whitelist",
        {
            "id": pk(),
            "event_type_id": F("event_type_id", INTEGER, False, "event_types.id"),
            "email": F("email", TEXT),
            "name": F("name", TEXT),
            "immersio_student_id": F("immersio_student_id", TEXT),
            "added_by": F("added_by", INTEGER, references="users.id"),
            "created_at": F("created_at", TIMESTAMPTZ),
        },
    ),
    "BookingCancellationHistory": Entity(
        "booking_cancellation_history",
        {
            "id": pk(),
            "booking_id": F("booking_id", INTEGER, False, "bookings.id"),
            "cancelled_by": F("cancelled_by", INTEGER, references="users.id"),
            "cancellation_reason": F("cancellation_reason", TEXT),
            "refund_status": F("refund_status", TEXT),
            "refund_amount": F("refund_amount", INTEGER),  # minor units
            "refund_transaction_id": F("refund_transaction_id", TEXT),
            "within_refund_window": F("within_refund_window", BOOLEAN),
            "created_at": F("created_at", TIMESTAMPTZ),
        },
    ),
    "TenantSubscription": Entity(
        "tenant_subscriptions",
        {
            "id": pk(),
            "tenant_id": F("tenant_id", INTEGER, False, "teams.id"),  # FK UK
            "plan_type": F("plan_type", TEXT),
            "max_teachers": F("max_teachers", INTEGER),
            "max_bookings_per_month": F("max_bookings_per_month", INTEGER),
            "max_event_types": F("max_event_types", INTEGER),
            "features": F("features", JSON),
            "stripe_subscription_id": F("stripe_subscription_id", TEXT),
            "billing_period": F("billing_period", TEXT),
            "current_period_start": F("current_period_start", TIMESTAMPTZ),
            "current_period_end": F("current_period_end", TIMESTAMPTZ),
            "status": F("status", TEXT),
            "created_at": F("created_at", TIMESTAMPTZ),
            "updated_at": F("updated_at", TIMESTAMPTZ),
        },
    ),
    "ImmersioSyncLog": Entity(
        "immersio_sync_logs",
        {
            "id": pk(),
            "tenant_id": F("tenant_id", INTEGER, False, "teams.id"),
            "sync_type": F("sync_type", TEXT),
            "direction": F("direction", TEXT),
            "records_processed": F("records_processed", INTEGER),
            "records_failed": F("records_failed", INTEGER),
            "status": F("status", TEXT),
            "error_details": F("error_details", JSON),
            "started_at": F("started_at", TIMESTAMPTZ),
            "completed_at": F("completed_at", TIMESTAMPTZ),
        },
    ),
}

# Every field carrying the ERD's FK marker: (table, column) → referenced "table.column".
FOREIGN_KEYS: dict[tuple[str, str], str] = {
    (entity.table, field.column): field.references
    for entity in ENTITIES.values()
    for field in entity.fields.values()
    if field.references is not None
}


class Rel(NamedTuple):
    """One relationship line of the ERD and the foreign key that implements it."""

    line: str
    parent: str  # the entity on the "one" side
    fk: tuple[str, str]  # (table, column) on the other side
    one_to_one: bool = False  # `||--o|`: the FK column is unique on its own


RELATIONSHIPS: list[Rel] = [
    # Cal.com core
    Rel("Team ||--o{ Team : parentId (sub-teams)", "Team", ("teams", "parent_id")),
    Rel(
        "Team ||--o| OrganizationSettings : organizationSettings",
        "Team",
        ("organization_settings", "organization_id"),
        one_to_one=True,
    ),
    Rel("Team ||--o{ Membership : members", "Team", ("memberships", "team_id")),
    Rel("Team ||--o{ EventType : eventTypes", "Team", ("event_types", "team_id")),
    Rel("Team ||--o{ Credential : credentials", "Team", ("credentials", "team_id")),
    Rel("Team ||--o{ Webhook : webhooks", "Team", ("webhooks", "team_id")),
    Rel("Team ||--o{ Workflow : workflows", "Team", ("workflows", "team_id")),
    Rel("User ||--o{ Membership : teams", "User", ("memberships", "user_id")),
    Rel("User ||--o{ Profile : profiles", "User", ("profiles", "user_id")),
    Rel("User ||--o{ Schedule : schedules", "User", ("schedules", "user_id")),
    Rel("User ||--o{ Credential : credentials", "User", ("credentials", "user_id")),
    Rel("User ||--o{ EventType : eventTypes", "User", ("event_types", "user_id")),
    Rel("User ||--o{ Booking : bookings (as host)", "User", ("bookings", "user_id")),
    Rel("User ||--o{ Webhook : webhooks", "User", ("webhooks", "user_id")),
    Rel("User ||--o{ Workflow : workflows", "User", ("workflows", "user_id")),
    Rel("Profile }o--|| User : user", "User", ("profiles", "user_id")),
    Rel("Profile }o--|| Team : organization", "Team", ("profiles", "organization_id")),
    Rel("EventType ||--o{ Booking : bookings", "EventType", ("bookings", "event_type_id")),
    Rel(
        "EventType ||--o{ Availability : availability",
        "EventType",
        ("availability", "event_type_id"),
    ),
    Rel("EventType }o--o| Schedule : schedule", "Schedule", ("event_types", "schedule_id")),
    Rel("EventType ||--o{ Webhook : webhooks", "EventType", ("webhooks", "event_type_id")),
    Rel("Schedule ||--o{ Availability : availability", "Schedule", ("availability", "schedule_id")),
    Rel("Booking ||--o{ Attendee : attendees", "Booking", ("attendees", "booking_id")),
    Rel("Booking ||--o| Payment : payment", "Booking", ("payments", "booking_id"), one_to_one=True),
    Rel("Booking ||--o{ Booking : fromReschedule", "Booking", ("bookings", "from_reschedule")),
    Rel("Workflow ||--o{ WorkflowStep : steps", "Workflow", ("workflow_steps", "workflow_id")),
    Rel("App ||--o{ Credential : credentials", "App", ("credentials", "app_id")),
    Rel("App ||--o{ Payment : payments", "App", ("payments", "app_id")),
    Rel("App ||--o{ Webhook : webhooks", "App", ("webhooks", "app_id")),
    # Immersio extensions
    Rel(
        "Team ||--o| TenantLandingSettings : landingSettings",
        "Team",
        ("tenant_landing_settings", "tenant_id"),
        one_to_one=True,
    ),
    Rel(
        "Team ||--o| ImmersioIntegration : immersioIntegration",
        "Team",
        ("immersio_integrations", "tenant_id"),
        one_to_one=True,
    ),
    Rel(
        "Team ||--o| TenantSubscription : subscription",
        "Team",
        ("tenant_subscriptions", "tenant_id"),
        one_to_one=True,
    ),
    Rel(
        "Team ||--o{ ImmersioCourseMapping : courseMappings",
        "Team",
        ("immersio_course_mappings", "tenant_id"),
    ),
    Rel("Team ||--o{ ImmersioSyncLog : syncLogs", "Team", ("immersio_sync_logs", "tenant_id")),
    Rel(
        "EventType ||--o{ WorkshopWhitelist : whitelist",
        "EventType",
        ("workshop_whitelist", "event_type_id"),
    ),
    Rel(
        "EventType ||--o| ImmersioCourseMapping : courseMapping",
        "EventType",
        ("immersio_course_mappings", "event_type_id"),
        one_to_one=True,
    ),
    Rel(
        "Booking ||--o{ BookingCancellationHistory : cancellationHistory",
        "Booking",
        ("booking_cancellation_history", "booking_id"),
    ),
    Rel(
        "User ||--o{ WorkshopWhitelist : addedWhitelistEntries",
        "User",
        ("workshop_whitelist", "added_by"),
    ),
    Rel(
        "User ||--o{ BookingCancellationHistory : cancelledBookings",
        "User",
        ("booking_cancellation_history", "cancelled_by"),
    ),
]


class Unique(NamedTuple):
    """A unique constraint or unique index: its columns in order and, if partial, its predicate
    (a fragment of ``pg_get_expr(indpred)``); ``where=None`` means it must not be partial."""

    table: str
    columns: tuple[str, ...]
    where: str | None = None


# The ERD's UK markers, its one-to-one relationships and the uniqueness the entity descriptions
# state, as implemented (docs/decisions/0001).
UNIQUE: dict[str, Unique] = {
    "Team.slug UK": Unique("teams", ("slug",), where="is_organization"),
    # DEVIATION (Team.slug): unique among organizations (partial index above) and within the
    # parent team for sub-teams.
    "Team.slug UK (sub-teams)": Unique(
        "teams", ("parent_id", "slug"), where="parent_id IS NOT NULL"
    ),
    "OrganizationSettings.organizationId UK": Unique("organization_settings", ("organization_id",)),
    "User.uuid UK": Unique("users", ("uuid",)),
    "User.email UK": Unique("users", ("email",)),
    "Profile.uid UK": Unique("profiles", ("uid",)),
    "Profile: username unique per organization": Unique(
        "profiles", ("organization_id", "username")
    ),
    "Booking.uid UK": Unique("bookings", ("uid",)),
    "Payment.uid UK": Unique("payments", ("uid",)),
    "Booking ||--o| Payment": Unique("payments", ("booking_id",)),
    "TenantLandingSettings.tenant_id UK": Unique("tenant_landing_settings", ("tenant_id",)),
    "ImmersioIntegration.tenant_id UK": Unique("immersio_integrations", ("tenant_id",)),
    "TenantSubscription.tenant_id UK": Unique("tenant_subscriptions", ("tenant_id",)),
    "ImmersioCourseMapping.event_type_id UK": Unique(
        "immersio_course_mappings", ("event_type_id",)
    ),
    # DEVIATION: Immersio course ids come from each tenant's own Immersio organization, so the
    # course id is unique per tenant (plus the plain idx_coursemap_course index).
    "ImmersioCourseMapping.immersio_course_id UK": Unique(
        "immersio_course_mappings", ("tenant_id", "immersio_course_id")
    ),
    # DEVIATION: the recommended idx_whitelist_email index is unique (an email is listed once).
    "WorkshopWhitelist (event_type_id, email)": Unique(
        "workshop_whitelist", ("event_type_id", "email")
    ),
}


class Index(NamedTuple):
    """A recommended index: its table, the column list exactly as ``pg_indexes.indexdef``
    prints it (order and DESC matter), its predicate and whether it is unique."""

    table: str
    columns: str
    where: str | None = None
    unique: bool = False


INDEXES: dict[str, Index] = {
    "idx_team_is_org": Index("teams", "is_organization", where="(is_organization = true)"),
    "idx_team_parent": Index("teams", "parent_id"),
    "idx_user_org": Index("users", "organization_id"),
    "idx_profile_user_org": Index("profiles", "user_id, organization_id"),
    "idx_eventtype_team": Index("event_types", "team_id"),
    "idx_eventtype_user": Index("event_types", "user_id"),
    "idx_booking_eventtype": Index("bookings", "event_type_id"),
    "idx_booking_user": Index("bookings", "user_id"),
    "idx_booking_status": Index("bookings", "status"),
    "idx_booking_time": Index("bookings", "start_time, end_time"),
    # DEVIATION: unique (see UNIQUE).
    "idx_whitelist_email": Index("workshop_whitelist", "event_type_id, email", unique=True),
    "idx_coursemap_tenant": Index("immersio_course_mappings", "tenant_id"),
    "idx_coursemap_course": Index("immersio_course_mappings", "immersio_course_id"),
    "idx_synclog_tenant": Index("immersio_sync_logs", "tenant_id, started_at DESC"),
}

# Tables that are not tenant-owned (docs/architecture.md): tenants themselves, users (platform
# admins have no organization), the app catalogue, API keys and the audit log (both may be
# platform-wide), Alembic's bookkeeping, and idempotency records: they belong to a caller (an
# anonymous booker too), often before any tenant is known (a 404 is replayed as well), and they
# expire after 24 hours (docs/decisions/0001); inbox events, which include the platform's own
# Stripe events (no tenant; tenant events carry organization_id). Procrastinate's tables are
# skipped by prefix.
NOT_TENANT_OWNED: frozenset[str] = frozenset(
    {
        "teams",
        "users",
        "apps",
        "api_keys",
        "audit_events",
        "alembic_version",
        "idempotency_records",
        "inbox_events",
        "rate_limit_counters",
        # A user's signed-in browser, like their API keys: a platform admin's has no school.
        "staff_sessions",
        # A user's one-time sign-in links, same reason; the sign-in failure counters are keyed
        # by an email typed (perhaps no one's) or a client address, before anyone is known.
        "staff_sign_in_links",
        "sign_in_failures",
    }
)

# The Immersio extension tables to which the ERD gives `tenant_id`; every other tenant-owned
# table carries `organization_id` (the same key under the house name).
TENANT_ID_TABLES: frozenset[str] = frozenset(
    {
        "tenant_landing_settings",
        "immersio_integrations",
        "immersio_course_mappings",
        "tenant_subscriptions",
        "immersio_sync_logs",
    }
)

# Apps the migrations seed into `apps` (at least these).
SEEDED_APPS: frozenset[str] = frozenset(
    {"stripe", "immersio", "zoom", "caldav", "google-calendar", "daily-video"}
)
