"""Request and response bodies of the Immersio API routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AnyHttpUrl, Field, field_validator

from immersio_booking.kit.schemas import ApiModel
from immersio_booking.kit.validation import refusal

SyncType = Literal["courses", "students", "teachers"]
ALL_SYNC_TYPES: list[SyncType] = ["courses", "students", "teachers"]
ExternalId = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9_.:\-]+$")]


class IntegrationIn(ApiModel):
    """Connect (or update the connection to) an Immersio organization. ``apiKey`` may be left
    out on an update to keep the stored one."""

    immersio_org_id: ExternalId
    base_url: AnyHttpUrl
    api_key: str | None = Field(default=None, min_length=1, max_length=1000)
    sync_enabled: bool = False
    sync_interval_minutes: int = Field(default=60, ge=5, le=7 * 24 * 60)

    @field_validator("base_url")
    @classmethod
    def _no_path_query(cls, value: AnyHttpUrl) -> AnyHttpUrl:
        if value.query or value.fragment:
            raise refusal("url_query", "the base URL takes no query or fragment")
        return value


class IntegrationOut(ApiModel):
    id: int
    immersio_org_id: str
    base_url: str
    has_api_key: bool
    sync_enabled: bool
    sync_interval_minutes: int
    sync_status: str
    last_sync_at: datetime | None
    sync_error_message: str | None
    webhook_url: str
    # Shown only in the answer that generated it (first connection or rotation).
    webhook_secret: str | None = None
    created_at: datetime
    updated_at: datetime


class ConnectionCheck(ApiModel):
    ok: bool
    reason: str | None = None
    message: str
    immersio_organization_name: str | None = None


class CourseMappingIn(ApiModel):
    event_type_id: int = Field(ge=1, le=9223372036854775807)
    immersio_course_id: ExternalId
    immersio_course_name: str | None = Field(default=None, max_length=500)
    sync_students: bool = True


class CourseMappingPatch(ApiModel):
    immersio_course_name: str | None = Field(default=None, max_length=500)
    sync_students: bool | None = None


class CourseMappingOut(ApiModel):
    id: int
    event_type_id: int
    immersio_course_id: str
    immersio_course_name: str | None
    sync_students: bool
    last_student_sync: datetime | None
    created_at: datetime
    updated_at: datetime


class ImmersioCourseOut(ApiModel):
    id: str
    name: str
    language: str | None
    level: str | None
    updated_at: datetime | None
    mapped: bool
    event_type_id: int | None


class SyncRequest(ApiModel):
    types: list[SyncType] = Field(default_factory=lambda: list(ALL_SYNC_TYPES), min_length=1)


class SyncStarted(ApiModel):
    """The sync log id (the first of the run's logs, one per type) and whether this request
    joined a sync that was already running instead of starting one."""

    sync_log_id: int
    sync_log_ids: list[int]
    already_running: bool


class SyncLogOut(ApiModel):
    id: int
    sync_type: str
    direction: str
    records_processed: int
    records_failed: int
    status: str
    error_details: dict[str, Any] | list[Any] | None
    started_at: datetime
    completed_at: datetime | None
