"""Wire shapes of out-of-office entries (Cal.com's ``/v2/me/ooo``, camelCase on the wire)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, Field

from immersio_booking.kit.schemas import ApiModel, StrictApiModel
from immersio_booking.kit.validation import NOTES_MAX_LENGTH, checked_text

# The same five as OOO_REASONS of the table (tests/out_of_office/test_api.py checks).
Reason = Literal["unspecified", "vacation", "travel", "sick", "public_holiday"]


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _notes(value: str) -> str:
    return str(checked_text(value, "notes", NOTES_MAX_LENGTH))


# An instant with its offset ("Z" or "+01:00"); a time without one names no instant (400).
Instant = Annotated[AwareDatetime, AfterValidator(_utc)]
Notes = Annotated[str, Field(max_length=NOTES_MAX_LENGTH), AfterValidator(_notes)]
UserId = Annotated[int, Field(ge=1, le=9223372036854775807)]


class OutOfOfficeCreate(StrictApiModel):
    start: Instant
    end: Instant
    reason: Reason = "unspecified"
    notes: Notes | None = None
    to_user_id: UserId | None = None


class OutOfOfficePatch(StrictApiModel):
    """Only the fields sent change; ``toUserId: null`` removes the substitute."""

    start: Instant | None = None
    end: Instant | None = None
    reason: Reason | None = None
    notes: Notes | None = None
    to_user_id: UserId | None = None


class OutOfOfficeOut(ApiModel):
    id: int
    uuid: str
    user_id: int
    to_user_id: int | None
    start: datetime
    end: datetime
    reason: str
    notes: str | None
