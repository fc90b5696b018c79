"""Wire shapes of whitelist entries."""

from __future__ import annotations

from datetime import datetime

from pydantic import EmailStr, Field

from immersio_booking.kit.schemas import ApiModel
from immersio_booking.kit.validation import PersonName


class WhitelistEntryIn(ApiModel):
    email: EmailStr
    name: PersonName | None = None
    immersio_student_id: str | None = Field(default=None, max_length=255)


class WhitelistEntryOut(ApiModel):
    id: int
    event_type_id: int
    email: str
    name: str | None
    immersio_student_id: str | None
    added_by: int | None
    source: str  # manual (a person) or immersio (the sync or Immersio's webhooks)
    created_at: datetime
