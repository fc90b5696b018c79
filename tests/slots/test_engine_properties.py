"""Properties of the slots engine over generated rules, busy time and windows (hypothesis)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from immersio_booking.slots.engine import compute_slots
from immersio_booking.slots.model import (
    BusyInterval,
    DateOverride,
    EventRules,
    HostCalendar,
    Slot,
    SlotQuery,
    WeeklyRule,
)
from immersio_booking.slots.ranges import working_ranges

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Auckland",
    "America/Los_Angeles",
]
# Rule boundaries stay out of 00:15–04:00, where DST gaps and overlaps live, so that "inside a
# working range" can be checked independently on the wall clock.
BOUNDARIES = [0, *range(240, 1441, 15)]


@st.composite
def weekly_rule(draw: st.DrawFn) -> WeeklyRule:
    start, end = sorted(
        draw(st.lists(st.sampled_from(BOUNDARIES), min_size=2, max_size=2, unique=True))
    )
    days = frozenset(draw(st.lists(st.integers(0, 6), min_size=1, max_size=7)))
    return WeeklyRule(days, start, end)


@st.composite
def scenario(draw: st.DrawFn) -> tuple[EventRules, HostCalendar, SlotQuery]:
    zone = draw(st.sampled_from(ZONES))
    first = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=draw(st.integers(0, 364)))
    days = draw(st.integers(1, 6))
    window_start = first + timedelta(minutes=draw(st.integers(0, 1439)))
    window_end = window_start + timedelta(days=days)
    rules = tuple(draw(st.lists(weekly_rule(), max_size=4)))
    overrides = []
    for _ in range(draw(st.integers(0, 3))):
        day = (window_start + timedelta(days=draw(st.integers(0, days)))).date()
        start, end = sorted(draw(st.lists(st.sampled_from(BOUNDARIES), min_size=2, max_size=2)))
        overrides.append(DateOverride(day, start, end))
    busy = []
    for _ in range(draw(st.integers(0, 12))):
        start = window_start + timedelta(minutes=15 * draw(st.integers(-8, days * 96)))
        busy.append(
            BusyInterval(
                start=start,
                end=start + timedelta(minutes=draw(st.sampled_from([15, 30, 60, 90]))),
                before_buffer=draw(st.sampled_from([0, 0, 10, 30])),
                after_buffer=draw(st.sampled_from([0, 0, 15, 45])),
                event_type_id=draw(st.sampled_from([1, 2])),
                seats=draw(st.integers(1, 2)),
                booking_uid=f"u{draw(st.integers(0, 10**6))}",
            )
        )
    event = EventRules(
        event_type_id=1,
        length=draw(st.sampled_from([15, 30, 45, 60, 90])),
        slot_interval=draw(st.sampled_from([None, 10, 15, 20, 30])),
        minimum_booking_notice=draw(st.sampled_from([0, 0, 60, 600])),
        before_buffer=draw(st.sampled_from([0, 5, 20])),
        after_buffer=draw(st.sampled_from([0, 10, 30])),
        seats_per_time_slot=draw(st.sampled_from([None, None, 1, 3])),
    )
    now = window_start + timedelta(minutes=draw(st.integers(-2000, 600)))
    host = HostCalendar(7, zone, rules, tuple(overrides), tuple(busy))
    return event, host, SlotQuery(window_start, window_end, now, draw(st.sampled_from(ZONES)))


def covered(host: HostCalendar, moment: datetime) -> bool:
    """Independent wall-clock check: is ``moment`` inside the host's working hours?"""
    local = moment.astimezone(ZoneInfo(host.time_zone))
    minute = local.hour * 60 + local.minute
    todays = [o for o in host.overrides if o.day == local.date()]
    if todays:
        return any(o.start_minute <= minute < o.end_minute for o in todays)
    return any(
        local.weekday() in r.weekdays and r.start_minute <= minute < r.end_minute
        for r in host.weekly
    )


def conflicts(event: EventRules, slot: Slot, busy: BusyInterval) -> bool:
    before, after = timedelta(minutes=event.before_buffer), timedelta(minutes=event.after_buffer)
    return (
        slot.start - before < busy.end + timedelta(minutes=busy.after_buffer)
        and busy.start - timedelta(minutes=busy.before_buffer) < slot.end + after
    )


@settings(max_examples=120, deadline=None)
@given(scenario())
def test_every_slot_is_free_inside_hours_on_the_grid_and_after_notice(
    case: tuple[EventRules, HostCalendar, SlotQuery],
) -> None:
    event, host, query = case
    slots = compute_slots(event, [host], query)
    starts = [s.start for s in slots]
    assert starts == sorted(set(starts)), "sorted, no duplicates"
    step = timedelta(minutes=event.slot_interval or event.length)
    lower = int(query.window_start.timestamp()) - 86400
    ranges = working_ranges(host, lower, int(query.window_end.timestamp()) + 86400)
    for slot in slots:
        assert slot.end - slot.start == timedelta(minutes=event.length)
        assert query.window_start <= slot.start < query.window_end
        assert slot.start >= query.now + timedelta(minutes=event.minimum_booking_notice)
        minute = slot.start
        while minute < slot.end:
            assert covered(host, minute), f"{minute} outside working hours"
            minute += timedelta(minutes=5)
        s = int(slot.start.timestamp())
        home = next(r for r in ranges if r[0] <= s and s + event.length * 60 <= r[1])
        assert (s - home[0]) % int(step.total_seconds()) == 0, "on the grid of its range"
        same_session = [
            b
            for b in host.busy
            if event.seats_per_time_slot and b.event_type_id == 1 and b.start == slot.start
        ]
        for busy in host.busy:
            if busy not in same_session:
                assert not conflicts(event, slot, busy), f"{slot.start} conflicts with {busy}"
        if event.seats_per_time_slot:
            assert slot.seats_booked == sum(b.seats for b in same_session)
            assert slot.seats_booked is not None and slot.seats_booked < event.seats_per_time_slot


@settings(max_examples=60, deadline=None)
@given(scenario(), st.randoms(use_true_random=False))
def test_stable_under_permutation_of_inputs(
    case: tuple[EventRules, HostCalendar, SlotQuery], rng: random.Random
) -> None:
    event, host, query = case
    shuffled = HostCalendar(
        host.host_id,
        host.time_zone,
        tuple(rng.sample(host.weekly, len(host.weekly))),
        tuple(rng.sample(host.overrides, len(host.overrides))),
        tuple(rng.sample(host.busy, len(host.busy))),
    )
    assert compute_slots(event, [host], query) == compute_slots(event, [shuffled], query)


@settings(max_examples=60, deadline=None)
@given(scenario(), st.sampled_from(ZONES))
def test_every_booker_sees_the_same_instants(
    case: tuple[EventRules, HostCalendar, SlotQuery], other_zone: str
) -> None:
    event, host, query = case  # the default UNLIMITED period does not depend on the booker
    elsewhere = SlotQuery(query.window_start, query.window_end, query.now, other_zone)
    assert compute_slots(event, [host], query) == compute_slots(event, [host], elsewhere)


@settings(max_examples=40, deadline=None)
@given(scenario(), scenario())
def test_round_robin_is_the_union_and_collective_within_it(
    first: tuple[EventRules, HostCalendar, SlotQuery],
    second: tuple[EventRules, HostCalendar, SlotQuery],
) -> None:
    event, a, query = first
    b = HostCalendar(8, second[1].time_zone, second[1].weekly, (), ())
    one = {s.start for s in compute_slots(event, [a], query)}
    two = {s.start for s in compute_slots(event, [b], query)}
    robin = compute_slots(
        EventRules(**{**event.__dict__, "scheduling_type": "ROUND_ROBIN"}), [a, b], query
    )
    assert {s.start for s in robin} == one | two
    collective = compute_slots(
        EventRules(**{**event.__dict__, "scheduling_type": "COLLECTIVE"}), [a, b], query
    )
    for slot in collective:
        assert slot.host_ids == (7, 8)
        assert covered(a, slot.start) and covered(b, slot.start)
        assert not any(conflicts(event, slot, busy) for busy in a.busy if busy.event_type_id != 1)
