"""The month view: which days of a month have a free session, and the links between months."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Month:
    first: date

    @classmethod
    def parse(cls, text: str | None, fallback: date) -> Month:
        try:
            year, month = (int(part) for part in (text or "").split("-"))
            if abs(year - fallback.year) <= 10:  # further than that is nobody's booking
                return cls(date(year, month, 1))
        except ValueError:
            pass
        return cls(fallback.replace(day=1))

    @property
    def following(self) -> Month:
        return Month((self.first + timedelta(days=32)).replace(day=1))

    @property
    def previous(self) -> Month:
        return Month((self.first - timedelta(days=1)).replace(day=1))

    @property
    def key(self) -> str:
        return self.first.strftime("%Y-%m")

    def window(self, zone: str) -> tuple[datetime, datetime]:
        tz = ZoneInfo(zone)
        start = datetime.combine(self.first, time(), tz)
        return start, datetime.combine(self.following.first, time(), tz)

    def weeks(self) -> list[list[date | None]]:
        """Monday-first weeks; days of the neighbouring months are None."""
        return [
            [day if day.month == self.first.month else None for day in week]
            for week in calendar.Calendar(0).monthdatescalendar(self.first.year, self.first.month)
        ]
