"""The weekly hours form: one row per day with as many ranges as the day has (plus an empty
one to fill), read back into the ``availability`` of ``PATCH /v2/schedules`` and validated by
its schema; ranges of one day that overlap are refused here, next to the range."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from immersio_booking.dashboard.form_errors import (
    FieldError,
    FieldErrors,
    FormInvalid,
    field_error,
)
from immersio_booking.schedules.schemas import (
    WEEK_DAYS,
    SchedulePatch,
    WeekDay,
    WeeklyAvailability,
    minutes_of,
)

MAX_RANGES = 12  # per day


@dataclass(frozen=True)
class TimeRange:
    start: str
    end: str


@dataclass
class Week:
    """The ranges of each day as typed (a day's list may hold blank ranges)."""

    days: dict[WeekDay, list[TimeRange]] = field(
        default_factory=lambda: {day: [] for day in WEEK_DAYS}
    )

    def rows(self, day: WeekDay) -> list[TimeRange]:
        """What the form shows for ``day``: its ranges, then one blank to fill."""
        return [*self.days[day], TimeRange("", "")][:MAX_RANGES]


def field_name(day: WeekDay, index: int, part: str) -> str:
    return f"{day.lower()}-{index}-{part}"


def of_rules(rules: list[WeeklyAvailability]) -> Week:
    week = Week()
    for rule in rules:
        for day in rule.days:
            week.days[day].append(TimeRange(rule.start_time, rule.end_time))
    for ranges in week.days.values():
        ranges.sort(key=lambda r: minutes_of(r.start))
    return week


def end_text(value: str) -> str:
    # A time input cannot say 24:00; its last minute means the end of the day (schedules/rules).
    return "24:00" if value == "23:59" else value


def submitted(form: FormData) -> Week:
    week = Week()
    for day in WEEK_DAYS:
        for index in range(MAX_RANGES):
            start = form.get(field_name(day, index, "start"))
            end = form.get(field_name(day, index, "end"))
            if start is None and end is None:
                break
            typed = TimeRange(
                start.strip() if isinstance(start, str) else "",
                end.strip() if isinstance(end, str) else "",
            )
            if typed.start or typed.end:
                week.days[day].append(typed)
    return week


def copy_day(week: Week, source: WeekDay, targets: list[WeekDay]) -> Week:
    """``source``'s ranges on each of ``targets`` (their own ranges replaced)."""
    ranges = [r for r in week.days[source] if r.start or r.end]
    for day in targets:
        if day != source:
            week.days[day] = list(ranges)
    return week


def add_range(week: Week, day: WeekDay) -> Week:
    if len(week.days[day]) < MAX_RANGES - 1:
        week.days[day].append(TimeRange("", ""))
    return week


def availability(week: Week) -> list[WeeklyAvailability]:
    """The week as the schedule's rules, validated; ``FormInvalid`` names the fields."""
    errors: FieldErrors = {}
    items: list[dict[str, Any]] = []
    places: list[tuple[WeekDay, int]] = []
    for day in WEEK_DAYS:
        for index, item in enumerate(week.days[day]):
            if not item.start and not item.end:
                continue
            if not item.start or not item.end:
                missing = "start" if not item.start else "end"
                errors[field_name(day, index, missing)] = FieldError("both_times")
                continue
            items.append({"days": [day], "startTime": item.start, "endTime": end_text(item.end)})
            places.append((day, index))
    try:
        rules = SchedulePatch.model_validate({"availability": items}).availability or []
    except ValidationError as exc:
        for problem in exc.errors():
            loc = problem["loc"]
            if len(loc) >= 2 and loc[0] == "availability" and isinstance(loc[1], int):
                day, index = places[loc[1]]
                part = "start" if "startTime" in loc else "end"
                errors.setdefault(field_name(day, index, part), field_error(problem))
        raise FormInvalid(errors) from exc
    for day in WEEK_DAYS:
        placed = sorted(
            (
                (minutes_of(rule.start_time), minutes_of(rule.end_time), index)
                for rule, (rule_day, index) in zip(rules, places, strict=True)
                if rule_day == day
            )
        )
        for (_, previous_end, _), (start, _, index) in zip(placed, placed[1:], strict=False):
            if start < previous_end:
                errors.setdefault(field_name(day, index, "start"), FieldError("overlap"))
    if errors:
        raise FormInvalid(errors)
    return rules
