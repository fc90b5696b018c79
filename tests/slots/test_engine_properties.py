"""Properties of the slots engine over generated rules, busy time and windows (hypothesis)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from immersio_booking.slots import engine
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
Case = tuple[EventRules, HostCalendar, SlotQuery]


@st.composite
def weekly_rule(draw: st.DrawFn) -> WeeklyRule:
    if draw(st.integers(0, 9)) == 0:  # sometimes around the clock: ranges without a start
        return WeeklyRule(frozenset(range(7)), 0, 1440)
    start, end = sorted(
        draw(st.lists(st.sampled_from(BOUNDARIES), min_size=2, max_size=2, unique=True))
    )
    days = frozenset(draw(st.lists(st.integers(0, 6), min_size=1, max_size=7)))
    return WeeklyRule(days, start, end)


@st.composite
def calendar(draw: st.DrawFn, window_start: datetime, days: int, host_id: int) -> HostCalendar:
    zone = draw(st.sampled_from(ZONES))
    rules = tuple(draw(st.lists(weekly_rule(), max_size=4)))
    overrides = []
    for _ in range(draw(st.integers(0, 3))):
        day = (window_start + timedelta(days=draw(st.integers(-2, days)))).date()
        start, end = sorted(draw(st.lists(st.sampled_from(BOUNDARIES), min_size=2, max_size=2)))
        overrides.append(DateOverride(day, start, end))
    busy = []
    for _ in range(draw(st.integers(0, 12))):
        start = window_start + timedelta(minutes=5 * draw(st.integers(-24, days * 288)))
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
    return HostCalendar(host_id, zone, rules, tuple(overrides), tuple(busy))


@st.composite
def event_rules(draw: st.DrawFn) -> EventRules:
    return EventRules(
        event_type_id=1,
        length=draw(st.sampled_from([15, 30, 45, 50, 60, 90])),
        slot_interval=draw(st.sampled_from([None, 10, 15, 20, 25, 30])),
        minimum_booking_notice=draw(st.sampled_from([0, 0, 60, 600])),
        before_buffer=draw(st.sampled_from([0, 5, 20])),
        after_buffer=draw(st.sampled_from([0, 10, 30])),
        seats_per_time_slot=draw(st.sampled_from([None, None, 1, 3])),
    )


@st.composite
def window(draw: st.DrawFn) -> tuple[datetime, int]:
    first = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=draw(st.integers(0, 364)))
    return first + timedelta(minutes=draw(st.integers(0, 1439))), draw(st.integers(1, 6))


def slot_query(draw: st.DrawFn, window_start: datetime, days: int) -> SlotQuery:
    now = window_start + timedelta(minutes=draw(st.integers(-2000, 600)))
    return SlotQuery(
        window_start, window_start + timedelta(days=days), now, draw(st.sampled_from(ZONES))
    )


@st.composite
def scenario(draw: st.DrawFn) -> Case:
    window_start, days = draw(window())
    host = draw(calendar(window_start, days, 7))
    return draw(event_rules()), host, slot_query(draw, window_start, days)


@st.composite
def team_scenario(draw: st.DrawFn) -> tuple[EventRules, list[HostCalendar], SlotQuery]:
    window_start, days = draw(window())
    hosts = [draw(calendar(window_start, days, host_id)) for host_id in (7, 8, 9)]
    count = draw(st.integers(2, 3))
    return draw(event_rules()), hosts[:count], slot_query(draw, window_start, days)


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
    """The conflict rule, written out as in docs/slots.md."""
    before, after = timedelta(minutes=event.before_buffer), timedelta(minutes=event.after_buffer)
    return (
        slot.start - before < busy.end + timedelta(minutes=busy.after_buffer)
        and busy.start - timedelta(minutes=busy.before_buffer) < slot.end + after
    )


def same_session(event: EventRules, slot: Slot, busy: BusyInterval) -> bool:
    return bool(
        event.seats_per_time_slot
        and busy.event_type_id == event.event_type_id
        and busy.start == slot.start
    )


def check_free_and_inside(event: EventRules, host: HostCalendar, slot: Slot) -> None:
    moment = slot.start
    while moment < slot.end:
        assert covered(host, moment), f"{moment} outside working hours of {host.host_id}"
        moment += timedelta(minutes=5)
    for busy in host.busy:
        if not same_session(event, slot, busy):
            assert not conflicts(event, slot, busy), f"{slot.start} conflicts with {busy}"
    if event.seats_per_time_slot:
        taken = sum(b.seats for b in host.busy if same_session(event, slot, b))
        assert taken < event.seats_per_time_slot, "a full session is not offered"


def on_grid(event: EventRules, host: HostCalendar, query: SlotQuery, slot: Slot) -> bool:
    step = (event.slot_interval or event.length) * 60
    lower = int(query.window_start.timestamp()) - 86400
    ranges = working_ranges(host, lower, int(query.window_end.timestamp()) + 86400)
    s = int(slot.start.timestamp())
    home = next(r for r in ranges if r[0] <= s and s + event.length * 60 <= r[1])
    return (s - home[0]) % step == 0


@settings(max_examples=150, deadline=None)
@given(scenario())
def test_every_slot_is_free_inside_hours_on_the_grid_and_after_notice(case: Case) -> None:
    event, host, query = case
    slots = compute_slots(event, [host], query)
    starts = [s.start for s in slots]
    assert starts == sorted(set(starts)), "sorted, no duplicates"
    for slot in slots:
        assert slot.end - slot.start == timedelta(minutes=event.length)
        assert slot.host_ids == (host.host_id,)
        assert query.window_start <= slot.start < query.window_end
        assert slot.start >= query.now + timedelta(minutes=event.minimum_booking_notice)
        check_free_and_inside(event, host, slot)
        assert on_grid(event, host, query, slot), f"{slot.start} off the grid of its range"
        if event.seats_per_time_slot:
            taken = [b for b in host.busy if same_session(event, slot, b)]
            assert slot.seats_booked == sum(b.seats for b in taken)
            assert slot.booking_uid == min((b.booking_uid or "" for b in taken), default=None)


@settings(max_examples=80, deadline=None)
@given(scenario(), st.randoms(use_true_random=False))
def test_stable_under_permutation_of_inputs(case: Case, rng: random.Random) -> None:
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
def test_every_booker_sees_the_same_instants(case: Case, other_zone: str) -> None:
    event, host, query = case  # the default UNLIMITED period does not depend on the booker
    elsewhere = replace(query, booker_time_zone=other_zone)
    assert compute_slots(event, [host], query) == compute_slots(event, [host], elsewhere)


@settings(max_examples=80, deadline=None)
@given(scenario(), st.integers(-2 * 1440, 2 * 1440), st.integers(-2 * 1440, 2 * 1440))
def test_the_window_and_the_notice_only_cut_never_move_the_grid(
    case: Case, cut_start: int, cut_end: int
) -> None:
    event, host, query = case
    wide = SlotQuery(
        query.window_start - timedelta(days=2),
        query.window_end + timedelta(days=2),
        query.window_start - timedelta(days=30),
        query.booker_time_zone,
    )
    everything = compute_slots(replace(event, minimum_booking_notice=0), [host], wide)
    narrow = replace(
        query,
        window_start=query.window_start + timedelta(minutes=cut_start),
        window_end=query.window_end + timedelta(minutes=cut_end),
    )
    lower = max(narrow.window_start, narrow.now + timedelta(minutes=event.minimum_booking_notice))
    expected = [s for s in everything if lower <= s.start < narrow.window_end]
    assert compute_slots(event, [host], narrow) == expected


@settings(max_examples=60, deadline=None)
@given(team_scenario(), st.randoms(use_true_random=False))
def test_round_robin_is_the_union_of_each_hosts_slots(
    team: tuple[EventRules, list[HostCalendar], SlotQuery], rng: random.Random
) -> None:
    event, hosts, query = team
    robin_event = replace(event, scheduling_type="ROUND_ROBIN")
    alone = {h.host_id: {s.start for s in compute_slots(event, [h], query)} for h in hosts}
    robin = compute_slots(robin_event, hosts, query)
    assert [s.start for s in robin] == sorted({s for starts in alone.values() for s in starts})
    for slot in robin:
        assert set(slot.host_ids) == {h for h, starts in alone.items() if slot.start in starts}
        if event.seats_per_time_slot is None:
            assert list(slot.host_ids) == sorted(slot.host_ids)
    assert compute_slots(robin_event, rng.sample(hosts, len(hosts)), query) == robin


@settings(max_examples=60, deadline=None)
@given(team_scenario(), st.randoms(use_true_random=False))
def test_collective_slots_are_free_for_every_host(
    team: tuple[EventRules, list[HostCalendar], SlotQuery], rng: random.Random
) -> None:
    event, hosts, query = team
    collective_event = replace(event, scheduling_type="COLLECTIVE")
    collective = compute_slots(collective_event, hosts, query)
    starts = [s.start for s in collective]
    assert starts == sorted(set(starts))
    ids = tuple(sorted(h.host_id for h in hosts))
    for slot in collective:
        assert slot.host_ids == ids
        assert query.window_start <= slot.start < query.window_end
        assert slot.start >= query.now + timedelta(minutes=event.minimum_booking_notice)
        for host in hosts:
            check_free_and_inside(event, host, slot)
    assert compute_slots(collective_event, rng.sample(hosts, len(hosts)), query) == collective


def written(moment: datetime, zone_name: str) -> str:
    """The text of an instant in a zone, independently: ISO-8601 with milliseconds, Z for UTC."""
    text = moment.astimezone(ZoneInfo(zone_name)).isoformat(timespec="milliseconds")
    return text[:-6] + "Z" if zone_name == "UTC" else text


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([*ZONES, "Europe/London"]),
    st.lists(st.integers(1_780_000_000_000, 1_900_000_000_000), min_size=1, max_size=40),
    st.sampled_from(["UTC", "Asia/Tokyo"]),
)
def test_times_are_written_in_the_zone_whether_written_before_or_not(
    zone_name: str, millis: list[int], carried_in: str
) -> None:
    """The texts of instants are kept across calls (engine._WRITTEN): a kept text is the one the
    zone gives that instant, whatever zone the instant arrived in, and London's +00:00 in winter
    is never UTC's Z."""
    starts = sorted({datetime.fromtimestamp(m / 1000, UTC) for m in millis})
    slots = [Slot(s.astimezone(ZoneInfo(carried_in)), s + timedelta(minutes=45)) for s in starts]
    expected: dict[str, list[dict[str, str]]] = {}
    for s in starts:
        text = written(s, zone_name)
        item = {"start": text, "end": written(s + timedelta(minutes=45), zone_name)}
        expected.setdefault(text[:10], []).append(item)
    engine._WRITTEN.clear()
    assert engine.group_by_local_date(slots, zone_name, True) == expected  # written now
    assert engine.group_by_local_date(slots, zone_name, True) == expected  # kept from before
    other = "UTC" if zone_name != "UTC" else "Europe/London"
    assert [
        s["start"] for day in engine.group_by_local_date(slots, other, False).values() for s in day
    ] == [written(s, other) for s in starts]


def test_kept_texts_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "WRITTEN_MAX", 5)
    engine._WRITTEN.clear()
    # A pure function of the instants, whatever today is: a past DST change does as well.
    first = datetime(2027, 3, 28, 0, 0, tzinfo=UTC)  # Berlin moves to summer time at 01:00Z
    slots = [Slot(first + timedelta(minutes=30 * n), first) for n in range(12)]
    for _ in range(2):
        grouped = engine.group_by_local_date(slots, "Europe/Berlin", False)
        assert [s["start"][11:] for s in grouped[first.date().isoformat()]] == [
            "01:00:00.000+01:00",
            "01:30:00.000+01:00",
            *(f"{h:02d}:{m:02d}:00.000+02:00" for h in range(3, 8) for m in (0, 30)),
        ]
        assert len(engine._WRITTEN) <= 5
