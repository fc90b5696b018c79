"""The slots engine: pure functions from rules, busy time and a window to free start times.

No database, no clock, no I/O: everything it needs comes in as plain data (``slots.model``),
so the same inputs always give the same slots. The rules are written up in docs/slots.md.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from immersio_booking.slots import period
from immersio_booking.slots.model import EventRules, HostCalendar, Slot, SlotQuery
from immersio_booking.slots.ranges import Interval, intersect, working_ranges, zone

MINUTE = 60


@dataclass(frozen=True)
class _Blocker:
    """Starts in the open interval (low, high) conflict, except ``exempt`` (a seat of the same
    seated session, which counts instead of blocking)."""

    low: int
    high: int
    exempt: int | None


@dataclass
class _Session:
    seats: int
    uid: str | None


def _grid(ranges: list[Interval], length: int, step: int) -> list[int]:
    starts: list[int] = []
    for start, end in ranges:
        s = start
        while s + length <= end:
            starts.append(s)
            s += step
    return starts


def _blockers(
    host: HostCalendar, event: EventRules, length: int, lower: int, upper: int
) -> tuple[list[_Blocker], dict[int, _Session]]:
    """Busy intervals as blocked start ranges; seats of the same seated session counted apart.

    A candidate [s, s+length) with buffers (B_new, A_new) conflicts with busy [bs, be) with
    buffers (B_old, A_old) iff s − B_new < be + A_old and bs − B_old < s + length + A_new,
    i.e. iff bs − B_old − A_new − length < s < be + A_old + B_new.
    """
    seated = event.seats_per_time_slot is not None
    blockers: list[_Blocker] = []
    sessions: dict[int, _Session] = {}
    for busy in host.busy:
        bs, be = period.epoch(busy.start), period.epoch(busy.end)
        low = bs - busy.before_buffer * MINUTE - event.after_buffer * MINUTE - length
        high = be + busy.after_buffer * MINUTE + event.before_buffer * MINUTE
        if high <= lower or low >= upper:
            continue
        same_session = seated and busy.event_type_id == event.event_type_id
        blockers.append(_Blocker(low, high, bs if same_session else None))
        if same_session:
            found = sessions.get(bs)
            if found is None:
                sessions[bs] = _Session(busy.seats, busy.booking_uid)
            else:
                found.seats += busy.seats
                if busy.booking_uid and (found.uid is None or busy.booking_uid < found.uid):
                    found.uid = busy.booking_uid
    blockers.sort(key=lambda b: (b.low, b.high, b.exempt or 0))
    return blockers, sessions


def _free(candidates: list[int], blockers: list[_Blocker]) -> set[int]:
    """Candidates (sorted) not inside any blocker, by one sweep: O((n + m) log m)."""
    free: set[int] = set()
    active: list[tuple[int, int]] = []  # heap of (high, exempt or -1)
    exempt_count: dict[int, int] = {}
    i = 0
    for s in candidates:
        while i < len(blockers) and blockers[i].low < s:
            b = blockers[i]
            heapq.heappush(active, (b.high, -1 if b.exempt is None else b.exempt))
            if b.exempt is not None:
                exempt_count[b.exempt] = exempt_count.get(b.exempt, 0) + 1
            i += 1
        while active and active[0][0] <= s:
            _, exempt = heapq.heappop(active)
            if exempt != -1:
                exempt_count[exempt] -= 1
        if len(active) - exempt_count.get(s, 0) == 0:
            free.add(s)
    return free


def _bounds(event: EventRules, query: SlotQuery) -> tuple[int, int]:
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
    return lower, upper


def compute_slots(
    event: EventRules,
    hosts: Sequence[HostCalendar],
    query: SlotQuery,
    duration: int | None = None,
) -> list[Slot]:
    """Free slots of ``event`` for ``hosts`` in the query window (see docs/slots.md)."""
    length = (duration or event.length) * MINUTE
    step = (event.slot_interval or duration or event.length) * MINUTE
    lower, upper = _bounds(event, query)
    if upper <= lower or not hosts:
        return []
    # Ranges are read a little wider than the window: a range that starts before the window
    # still sets the grid for the starts inside it.
    reach_low, reach_high = lower - 86400, upper + 86400
    ranges = {h.host_id: working_ranges(h, reach_low, reach_high) for h in hosts}
    busy = {h.host_id: _blockers(h, event, length, reach_low, reach_high) for h in hosts}
    hosts_at: dict[int, list[int]] = {}
    if event.scheduling_type == "COLLECTIVE" and len(hosts) > 1:
        shared = ranges[hosts[0].host_id]
        for h in hosts[1:]:
            shared = intersect(shared, ranges[h.host_id])
        candidates = [s for s in _grid(shared, length, step) if lower <= s < upper]
        free = set(candidates)
        for h in hosts:
            free &= _free(candidates, busy[h.host_id][0])
        ids = sorted(h.host_id for h in hosts)
        hosts_at = dict.fromkeys(free, ids)
    else:
        for h in hosts:
            candidates = sorted(
                {s for s in _grid(ranges[h.host_id], length, step) if lower <= s < upper}
            )
            for s in _free(candidates, busy[h.host_id][0]):
                hosts_at.setdefault(s, []).append(h.host_id)
    if event.scheduling_type == "COLLECTIVE" and len(hosts) > 1:
        # Every host is on the same booking: one session, seen through each host once.
        merged: dict[int, _Session] = {}
        for h in hosts:
            for start, found in busy[h.host_id][1].items():
                known = merged.get(start)
                if known is None or found.seats > known.seats:
                    merged[start] = found
        sessions = {h.host_id: merged for h in hosts}
    else:
        # Each host runs their own session: a start is open when any free host has a seat.
        sessions = {h.host_id: busy[h.host_id][1] for h in hosts}
    return _slots(event, hosts_at, sessions, length)


def _slots(
    event: EventRules,
    hosts_at: dict[int, list[int]],
    sessions: dict[int, dict[int, _Session]],
    length: int,
) -> list[Slot]:
    out: list[Slot] = []
    total = event.seats_per_time_slot
    for s in sorted(hosts_at):
        start = datetime.fromtimestamp(s, UTC)
        end = datetime.fromtimestamp(s + length, UTC)
        host_ids = tuple(sorted(hosts_at[s]))
        if total is None:
            out.append(Slot(start, end, host_ids))
            continue
        # Hosts whose session at s still has a seat; a full session is not offered.
        open_hosts = [
            (session.seats if session else 0, session.uid if session else None, host_id)
            for host_id in host_ids
            if (session := sessions[host_id].get(s)) is None or session.seats < total
        ]
        if not open_hosts:
            continue
        # A booker joins the fullest open session (groups fill up before new ones start); its
        # host comes first, the one a booking is made with.
        booked, uid, chosen = min(open_hosts, key=lambda o: (-o[0], o[1] or "", o[2]))
        ids = (chosen, *(h for _, _, h in open_hosts if h != chosen))
        out.append(Slot(start, end, ids, booked, total, uid))
    return out


def _iso(moment: datetime, time_zone: str) -> str:
    if time_zone == "UTC":
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return moment.astimezone(zone(time_zone)).isoformat(timespec="milliseconds")


def group_by_local_date(
    slots: Sequence[Slot], time_zone: str, with_end: bool
) -> dict[str, list[dict[str, Any]]]:
    """Cal.com's ``GET /v2/slots`` data: slots by local date in ``time_zone``, in time order."""
    tz = zone(time_zone)
    grouped: dict[str, list[dict[str, Any]]] = {}
    for slot in sorted(slots, key=lambda s: s.start):
        item: dict[str, Any] = {"start": _iso(slot.start, time_zone)}
        if with_end:
            item["end"] = _iso(slot.end, time_zone)
        if slot.seats_total is not None:
            item["seatsBooked"] = slot.seats_booked
            item["seatsRemaining"] = slot.seats_remaining
            item["seatsTotal"] = slot.seats_total
            item["attendeesCount"] = slot.seats_booked
            if slot.booking_uid:
                item["bookingUid"] = slot.booking_uid
        grouped.setdefault(slot.start.astimezone(tz).date().isoformat(), []).append(item)
    return grouped
