"""The slots engine: pure functions from rules, busy time and a window to free start times.

No database, no clock, no I/O: everything it needs comes in as plain data (``slots.model``),
so the same inputs always give the same slots. The rules are written up in docs/slots.md.

Inside, instants are epoch seconds: grid starts are ints, busy bounds may be floats (a busy
interval may carry sub-second parts); Python compares and hashes equal ints and floats alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from typing import Any

from immersio_booking.slots import period
from immersio_booking.slots.model import EventRules, HostCalendar, Slot, SlotQuery
from immersio_booking.slots.ranges import Interval, intersect, working_ranges, zone

MINUTE = 60
# Zone names written with a "Z" instead of "+00:00".
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu"})

Blocked = tuple[float, float]


@dataclass(frozen=True)
class _HostView:
    """One host as one request sees it."""

    host_id: int
    ranges: list[Interval]  # merged working ranges, each with its true start
    blocked: list[Blocked]  # starts s with low < s < high conflict; merged, sorted
    seats: dict[float, int]  # seated sessions of this event type: start → seats taken
    uids: dict[float, str]  # start → the session's smallest booking uid


def _blocked(
    host: HostCalendar, event: EventRules, length: int, lower: int, upper: int
) -> tuple[list[Blocked], dict[float, int], dict[float, str]]:
    """Busy time as open intervals of blocked starts, plus the seats of seated sessions.

    A candidate [s, s + length) with buffers (B_new, A_new) conflicts with busy [bs, be) with
    buffers (B_old, A_old) iff s − B_new < be + A_old and bs − B_old < s + length + A_new,
    i.e. iff bs − B_old − A_new − length < s < be + A_old + B_new. A booking of the same seated
    event type blocks that open interval except its own start bs, where it takes seats instead.
    Only busy time that can block a start in [lower, upper) is looked at.
    """
    seated = event.seats_per_time_slot is not None
    b_new, a_new = event.before_buffer * MINUTE, event.after_buffer * MINUTE
    raw: list[Blocked] = []
    seats: dict[float, int] = {}
    uids: dict[float, str] = {}
    for busy in host.busy:
        start, end = busy.start, busy.end
        bs = (start if start.tzinfo else start.replace(tzinfo=UTC)).timestamp()
        be = (end if end.tzinfo else end.replace(tzinfo=UTC)).timestamp()
        low = bs - busy.before_buffer * MINUTE - a_new - length
        high = be + busy.after_buffer * MINUTE + b_new
        if high <= lower or low >= upper:
            continue
        if seated and busy.event_type_id == event.event_type_id:
            raw.append((low, bs))
            raw.append((bs, high))
            seats[bs] = seats.get(bs, 0) + busy.seats
            uid = busy.booking_uid
            if uid is not None:
                known = uids.get(bs)
                if known is None or uid < known:
                    uids[bs] = uid
        else:
            raw.append((low, high))
    raw.sort()
    merged: list[Blocked] = []
    for low, high in raw:
        if high <= low:
            continue
        # Open intervals: (a, b) and (b, c) leave b free, so only a real overlap merges.
        if merged and low < merged[-1][1]:
            if high > merged[-1][1]:
                merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    return merged, seats, uids


def _view(host: HostCalendar, event: EventRules, length: int, lower: int, upper: int) -> _HostView:
    ranges = working_ranges(host, lower, upper + length)
    return _HostView(host.host_id, ranges, *_blocked(host, event, length, lower, upper))


def _grid(
    ranges: list[Interval], length: int, step: int, lower: int, upper: int, offset: int = 0
) -> list[int]:
    """Starts every ``step`` from each range's start (shifted by ``offset`` seconds) that fit
    in it, kept in [lower, upper)."""
    starts: list[int] = []
    for range_start, end in ranges:
        start = range_start + offset
        # The first start on this range's grid at or after ``lower`` (ceil division).
        first = start if start >= lower else start - ((start - lower) // step) * step
        last = min(end - length, upper - 1)
        if first <= last:
            starts.extend(range(first, last + 1, step))
    return starts


def _free(candidates: list[int], view: _HostView, total: int | None) -> list[int]:
    """The sorted ``candidates`` that no busy time blocks and whose session is not full.

    One pass with a moving pointer over the merged blocked intervals: O(candidates + busy).
    """
    blocked, seats = view.blocked, view.seats
    if not blocked and not seats:
        return candidates
    free: list[int] = []
    j, m = 0, len(blocked)
    for s in candidates:
        while j < m and blocked[j][1] <= s:
            j += 1
        if j < m and blocked[j][0] < s:
            continue
        if total is not None and seats.get(s, 0) >= total:
            continue
        free.append(s)
    return free


def _bounds(event: EventRules, query: SlotQuery) -> tuple[int, int]:
    """Integer bounds on starts: ``lower <= s < upper``."""
    lower = max(
        period.epoch(query.window_start),
        period.epoch(query.now) + event.minimum_booking_notice * MINUTE,
    )
    upper = period.epoch(query.window_end)
    first, last = period.bounds(event, query)
    if first is not None:
        lower = max(lower, first)
    if last is not None:
        upper = min(upper, last)
    return math.ceil(lower), math.ceil(upper)


def compute_slots(
    event: EventRules,
    hosts: Sequence[HostCalendar],
    query: SlotQuery,
    duration: int | None = None,
) -> list[Slot]:
    """Free slots of ``event`` for ``hosts`` in the query window, sorted (see docs/slots.md).

    ``duration`` (minutes) replaces ``event.length`` when given. The window keeps starts with
    ``window_start <= s < window_end``. ``host_ids`` of a slot are sorted, except for a seated
    round-robin slot: there the host whose session the booker joins comes first.
    """
    minutes = duration or event.length
    step_minutes = event.slot_interval or minutes
    if minutes <= 0 or step_minutes <= 0 or not hosts:
        return []
    length, step = minutes * MINUTE, step_minutes * MINUTE
    offset = event.offset_start * MINUTE
    lower, upper = _bounds(event, query)
    if upper <= lower:
        return []
    total = event.seats_per_time_slot
    views = [_view(h, event, length, lower, upper) for h in hosts]
    found: list[tuple[int, tuple[int, ...]]]
    collective = event.scheduling_type == "COLLECTIVE" and len(views) > 1
    if len(views) == 1:
        view = views[0]
        starts = _free(_grid(view.ranges, length, step, lower, upper, offset), view, total)
        found = [(s, (view.host_id,)) for s in starts]
    elif collective:
        # Everyone at once: the grid of the shared ranges, free for every host.
        shared = views[0].ranges
        for view in views[1:]:
            shared = intersect(shared, view.ranges)
        starts = _grid(shared, length, step, lower, upper, offset)
        for view in views:
            starts = _free(starts, view, total)
        ids = tuple(sorted({v.host_id for v in views}))
        found = [(s, ids) for s in starts]
    else:
        # Round robin: each host's own free slots on the host's own grid, united.
        free_at: dict[int, set[int]] = {}
        for view in views:
            for s in _free(_grid(view.ranges, length, step, lower, upper, offset), view, total):
                free_at.setdefault(s, set()).add(view.host_id)
        found = [(s, tuple(sorted(free_at[s]))) for s in sorted(free_at)]
    if total is None:
        fromtimestamp, span = datetime.fromtimestamp, timedelta(seconds=length)
        return [Slot(start := fromtimestamp(s, UTC), start + span, ids) for s, ids in found]
    return _seated(found, views, total, length, chosen_first=not collective)


def _seated(
    found: list[tuple[int, tuple[int, ...]]],
    views: list[_HostView],
    total: int,
    length: int,
    chosen_first: bool,
) -> list[Slot]:
    """Seated slots: the booker joins the fullest open session among the free hosts (the
    smallest booking uid, then the smallest host id, on a tie). In round robin each host runs
    their own sessions, and the host of the chosen one is listed first: bookings go to
    ``host_ids[0]``. A collective booking is busy time of every host, so it counts once."""
    by_id = {v.host_id: v for v in views}
    fromtimestamp, span = datetime.fromtimestamp, timedelta(seconds=length)
    out: list[Slot] = []
    for s, ids in found:
        if len(ids) == 1:  # one host: its session, no choice to make
            view = by_id[ids[0]]
            booked, uid = view.seats.get(s, 0), view.uids.get(s)
        else:
            sessions = [(by_id[h].seats.get(s, 0), by_id[h].uids.get(s), h) for h in ids]
            booked, uid, chosen = min(
                sessions, key=lambda o: (-o[0], o[1] is None, o[1] or "", o[2])
            )
            if chosen_first:
                ids = (chosen, *(h for h in ids if h != chosen))
        start = fromtimestamp(s, UTC)
        out.append(Slot(start, start + span, ids, booked, total, uid))
    return out


# An instant's text in a zone, kept across requests: the same starts are asked for again and
# again (a month of a workshop, by every visitor), and writing them is most of the cost of an
# answer. It never needs invalidating: the text depends on the instant and the zone's rules
# alone, and those are loaded once per process (``zone``). Bounded: emptied when full.
_WRITTEN: dict[tuple[str, datetime], str] = {}
WRITTEN_MAX = 16384


def group_by_local_date(
    slots: Sequence[Slot], time_zone: str, with_end: bool
) -> dict[str, list[dict[str, Any]]]:
    """Cal.com's ``GET /v2/slots`` data: slots by local date in ``time_zone``, in time order.

    Times are ISO-8601 with milliseconds and the zone's offset on that instant
    (``2027-03-10T09:00:00.000+01:00``); UTC is written with ``Z``.
    """
    tz = zone(time_zone)
    utc = time_zone in UTC_NAMES
    # An instant not written before: isoformat() is its cost, so each date's text and each
    # (wall time, offset)'s text is written once per call and reused.
    dates: dict[int, str] = {}
    times: dict[tuple[int, int, int, int, timedelta | None], str] = {}

    def iso(moment: datetime) -> str:
        local = moment.astimezone(tz)
        key = (local.hour, local.minute, local.second, local.microsecond, local.utcoffset())
        clock_text = times.get(key)
        if clock_text is None:
            text = local.isoformat(timespec="milliseconds")[10:]
            clock_text = times[key] = text[:-6] + "Z" if utc else text
        day = local.toordinal()
        date_text = dates.get(day)
        if date_text is None:
            date_text = dates[day] = local.date().isoformat()
        if len(_WRITTEN) >= WRITTEN_MAX:
            _WRITTEN.clear()
        written = _WRITTEN[time_zone, moment] = date_text + clock_text
        return written

    known = _WRITTEN.get
    grouped: dict[str, list[dict[str, Any]]] = {}
    for slot in sorted(slots, key=attrgetter("start")):
        start = known((time_zone, slot.start)) or iso(slot.start)
        item: dict[str, Any] = {"start": start}
        if with_end:
            item["end"] = known((time_zone, slot.end)) or iso(slot.end)
        if slot.seats_total is not None:
            booked = slot.seats_booked or 0
            item["seatsBooked"] = booked
            item["seatsRemaining"] = slot.seats_total - booked
            item["seatsTotal"] = slot.seats_total
            item["attendeesCount"] = booked
            if slot.booking_uid:
                item["bookingUid"] = slot.booking_uid
        day = grouped.get(start[:10])
        if day is None:
            grouped[start[:10]] = [item]
        else:
            day.append(item)
    return grouped
