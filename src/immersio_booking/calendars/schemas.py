"""Cal.com v2 shapes of ``/v2/calendars`` and ``/v2/selected-calendars``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AnyHttpUrl, Field, field_validator

from immersio_booking.kit.schemas import ApiModel, StrictApiModel


class CalDavCredentialsIn(StrictApiModel):
    url: AnyHttpUrl
    username: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class AppleCredentialsIn(StrictApiModel):
    username: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class IcsFeedIn(StrictApiModel):
    urls: list[AnyHttpUrl] = Field(min_length=1, max_length=10)
    read_only: bool = True

    @field_validator("read_only")
    @classmethod
    def _read_only(cls, value: bool) -> bool:
        if not value:
            raise ValueError("ICS feeds can only be read: readOnly must be true")
        return value


class CredentialOut(ApiModel):
    """What Cal.com answers about a saved or removed credential (never its secrets)."""

    id: int
    type: str
    user_id: int | None
    team_id: int | None
    app_id: str | None
    invalid: bool


class CalendarOut(ApiModel):
    external_id: str
    integration: str
    name: str
    primary: bool | None
    read_only: bool
    is_selected: bool
    credential_id: int


class IntegrationOut(ApiModel):
    type: str
    slug: str
    name: str
    title: str
    variant: str = "calendar"
    categories: list[str] = ["calendar"]


class CalendarErrorOut(ApiModel):
    message: str


class ConnectedCalendarOut(ApiModel):
    integration: IntegrationOut
    credential_id: int
    primary: CalendarOut | None
    calendars: list[CalendarOut]
    error: CalendarErrorOut | None = None
    cache: dict[str, Any] | None = None


class DestinationCalendarOut(ApiModel):
    """Where the caller's sessions are written: the calendar they chose (``id`` set), else the
    default one (``id`` null: the primary writable calendar of their first writable credential)."""

    id: int | None
    integration: str
    external_id: str
    name: str | None
    primary_email: str | None = None
    user_id: int
    event_type_id: int | None = None
    credential_id: int | None


class ConnectedCalendarsOut(ApiModel):
    connected_calendars: list[ConnectedCalendarOut]
    destination_calendar: DestinationCalendarOut | None = None


class BusyTimeOut(ApiModel):
    start: datetime
    end: datetime
    source: str | None = None


class SelectedCalendarIn(StrictApiModel):
    integration: str = Field(min_length=1, max_length=64)
    external_id: str = Field(min_length=1, max_length=2048)
    credential_id: int = Field(ge=1, le=9223372036854775807)


class SelectedCalendarOut(ApiModel):
    user_id: int
    integration: str
    external_id: str
    credential_id: int | None


class RefreshedOut(ApiModel):
    credential_id: int
    busy_times: int
    error: str | None


class DisconnectIn(StrictApiModel):
    id: int = Field(ge=1, le=9223372036854775807)
