"""The locale tags a booking keeps for its people: a language, maybe a region, maybe the hour
cycle the person reads (BCP 47 with the Unicode ``-u-hc-`` extension): ``en``, ``en-GB``,
``es-419``, ``en-US-u-hc-h23``, ``fr-u-hc-h12``.

Only this much of BCP 47 is read, so what a page showed a person (the browser's region, the
12/24-hour toggle) is what their emails show; anything else is not a tag we keep."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LocaleTag", "parse", "with_hour_cycle", "HOUR_CYCLES"]

HOUR_CYCLES = ("h11", "h12", "h23", "h24")  # h11/h12: a 12-hour clock; h23/h24: 24-hour

_TAG = re.compile(
    r"(?P<language>[a-z]{2,3})(?:-(?P<region>[a-z]{2}|\d{3}))?"
    r"(?:-u-hc-(?P<cycle>h11|h12|h23|h24))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LocaleTag:
    language: str  # "en", lower-cased
    region: str | None  # "GB", "419", upper-cased
    hour_cycle: str | None  # "h23"

    @property
    def regional(self) -> str:
        """The language with its region, without the hour cycle: ``en-GB``."""
        return f"{self.language}-{self.region}" if self.region else self.language

    @property
    def twelve_hours(self) -> bool | None:
        """Whether the tag asks for a 12-hour clock; ``None`` when it says nothing."""
        return None if self.hour_cycle is None else self.hour_cycle in ("h11", "h12")

    def __str__(self) -> str:
        return self.regional + (f"-u-hc-{self.hour_cycle}" if self.hour_cycle else "")


def parse(tag: str | None) -> LocaleTag | None:
    """``en-gb-u-hc-h23`` → ``LocaleTag("en", "GB", "h23")``; ``None`` for what is not
    language[-region][-u-hc-cycle] (``en_US`` reads as ``en-US``, as Python spells it)."""
    found = _TAG.fullmatch((tag or "").strip().replace("_", "-"))
    if found is None:
        return None
    region, cycle = found["region"], found["cycle"]
    return LocaleTag(
        found["language"].lower(),
        region.upper() if region else None,
        cycle.lower() if cycle else None,
    )


def with_hour_cycle(tag: LocaleTag, twelve_hours: bool | None) -> LocaleTag:
    """``tag`` read on the clock a person chose (``h12`` or ``h23``); unchanged for ``None``."""
    if twelve_hours is None:
        return tag
    return LocaleTag(tag.language, tag.region, "h12" if twelve_hours else "h23")
