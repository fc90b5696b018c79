"""Wire shapes of schedules (Cal.com 2024-06-11)."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import Field, field_validator, model_validator

from immersio_booking.kit.schemas import ApiModel
from immersio_booking.kit.validation import ShortText, TimeZoneName, refusal

WeekDay = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEK_DAYS: tuple[WeekDay, ...] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
HHMM = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")


def _hhmm(value: str) -> str:
    if not HHMM.match(value):
        raise refusal("time_format", "must be a valid time format HH:MM (00:00–23:59, or 24:00)")
    return value


def minutes_of(value: str) -> int:
    """'HH:MM' → minutes since midnight; '24:00' and '23:59' as an end mean the end of the day."""
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


class _TimeRange(ApiModel):
    start_time: str
    end_time: str

    _check_times = field_validator("start_time", "end_time")(_hhmm)


class WeeklyAvailability(_TimeRange):
    days: list[WeekDay] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> WeeklyAvailability:
        if minutes_of(self.end_time) <= minutes_of(self.start_time):
            raise refusal("end_before_start", "endTime must be after startTime")
        if len(set(self.days)) != len(self.days):
            raise refusal("days_repeat", "days must not repeat")
        return self


class DateOverrideIn(_TimeRange):
    date: date

    @model_validator(mode="after")
    def _ordered(self) -> DateOverrideIn:
        # startTime == endTime is allowed: it makes the day unavailable.
        if minutes_of(self.end_time) < minutes_of(self.start_time):
            raise refusal("end_before_start", "endTime must not be before startTime")
        return self


def _default_availability() -> list[WeeklyAvailability]:
    return [
        WeeklyAvailability(
            days=["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
            start_time="09:00",
            end_time="17:00",
        )
    ]


class ScheduleCreate(ApiModel):
    name: ShortText
    time_zone: TimeZoneName
    is_default: bool
    availability: list[WeeklyAvailability] = Field(
        default_factory=_default_availability, max_length=100
    )
    overrides: list[DateOverrideIn] = Field(default_factory=list, max_length=1000)


class SchedulePatch(ApiModel):
    name: ShortText | None = None
    time_zone: TimeZoneName | None = None
    is_default: bool | None = None
    availability: list[WeeklyAvailability] | None = Field(default=None, max_length=100)
    overrides: list[DateOverrideIn] | None = Field(default=None, max_length=1000)


class ScheduleOut(ApiModel):
    id: int
    owner_id: int
    name: str
    time_zone: str
    availability: list[WeeklyAvailability]
    is_default: bool
    overrides: list[DateOverrideIn]
