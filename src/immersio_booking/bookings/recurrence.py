"""The occurrences of a recurring workshop, on the host's wall clock."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo


def occurrences(
    first: datetime, rule: dict[str, Any], count: int, time_zone: str
) -> list[datetime]:
    """``count`` starts from ``first``, weekly or monthly every ``interval``, keeping the local
    time in ``time_zone`` across DST changes (a 18:00 class stays at 18:00)."""
    tz = ZoneInfo(time_zone)
    local = first.astimezone(tz).replace(tzinfo=None)
    out = []
    for n in range(count):
        if rule["freq"] == "weekly":
            moment = local + timedelta(weeks=n * rule["interval"])
        else:
            months = local.month - 1 + n * rule["interval"]
            year, month = local.year + months // 12, months % 12 + 1
            day = min(local.day, calendar.monthrange(year, month)[1])
            moment = local.replace(year=year, month=month, day=day)
        out.append(moment.replace(tzinfo=tz).astimezone(UTC))
    return out
