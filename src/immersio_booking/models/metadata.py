"""Pydantic shapes of the documented JSON metadata columns (seed ERD, "Metadata Schema Details").

Keys keep the seed's spelling. Unknown keys are kept (metadata is extensible); documented keys
are type-checked and constrained.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

REGISTRATION_MODES = ("open", "whitelist", "invite_only")


class _Metadata(BaseModel):
    model_config = ConfigDict(extra="allow")


class EventTypeMetadata(_Metadata):
    """Immersio workshop configuration stored in ``EventType.metadata``."""

    immersio_course_id: str | None = None
    immersio_tenant_id: str | None = None
    workshop_type: str | None = Field(default=None, max_length=64)
    topic_category: str | None = Field(default=None, max_length=128)
    whitelist_enabled: bool = False
    registration_mode: Literal["open", "whitelist", "invite_only"] = "open"
    zoom_auto_create: bool = False
    refund_window_hours: int = Field(default=24, ge=0, le=24 * 365)
    cancellation_notice_hours: int = Field(default=0, ge=0, le=24 * 365)


class BookingContext(_Metadata):
    referrer: str | None = Field(default=None, max_length=255)
    promo_code: str | None = Field(default=None, max_length=64)


class BookingMetadata(_Metadata):
    """Immersio booking data stored in ``Booking.metadata``."""

    immersio_student_id: str | None = Field(default=None, max_length=255)
    immersio_course_id: str | None = Field(default=None, max_length=255)
    registration_source: str | None = Field(default=None, max_length=64)
    synced_to_immersio: bool = False
    synced_at: datetime | None = None
    booking_context: BookingContext | None = None


class ImmersioConfig(_Metadata):
    auto_sync_enabled: bool = False
    webhook_url: HttpUrl | None = None


class TeamMetadata(_Metadata):
    """Tenant configuration stored in ``Team.metadata``."""

    isPlatform: bool = False  # noqa: N815  (seed key)
    orgSeats: int | None = Field(default=None, ge=0)  # noqa: N815
    orgPricePerSeat: int | None = Field(default=None, ge=0)  # noqa: N815
    billingPeriod: Literal["MONTHLY", "ANNUALLY"] | None = None  # noqa: N815
    subscriptionId: str | None = None  # noqa: N815
    subscriptionItemId: str | None = None  # noqa: N815
    immersio_config: ImmersioConfig | None = None
