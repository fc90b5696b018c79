"""Worked examples of the slots engine (the cases docs/slots.md explains)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from immersio_booking.slots.engine import compute_slots, group_by_local_date
from immersio_booking.slots.model import Slot, SlotQuery
from immersio_booking.slots.ranges import ANCHOR_DAY
from tests import dates
from tests.slots.engine_inputs import (
    EVERY_DAY,
    busy,
    event,
    host,
    local,
    override,
    query,
    rule,
)

SUNDAY = frozenset({6})
# The examples below are worked out on a calendar where 1 February is a Monday (2021's): they
# run in the next year with that calendar, so their dates lie ahead and keep their weekdays.
# The DST examples are about the changes of 2026, past calendar facts that stay true.
YEAR = dates.year_like(2021)


def starts(slots: list[Slot], zone: str, with_offset: bool = False) -> list[str]:
    """Slot starts as local wall-clock times in ``zone`` ("MM-DD HH:MM", optionally "+hhmm")."""
    pattern = "%m-%d %H:%M%z" if with_offset else "%m-%d %H:%M"
    return [s.start.astimezone(ZoneInfo(zone)).strftime(pattern) for s in slots]


def utc(slots: list[Slot]) -> list[str]:
    return [s.start.strftime("%m-%d %H:%MZ") for s in slots]


# --- zones and offsets -------------------------------------------------------------------


def test_kolkata_host_seen_from_new_york() -> None:
    teacher = host("Asia/Kolkata", rule("18:00", "20:00"))
    slots = compute_slots(event(60), [teacher], query(f"{YEAR}-02-01", f"{YEAR}-02-02"))
    assert starts(slots, "Asia/Kolkata") == ["02-01 18:00", "02-01 19:00"]
    assert utc(slots) == ["02-01 12:30Z", "02-01 13:30Z"]
    grouped = group_by_local_date(slots, "America/New_York", with_end=True)
    assert grouped == {
        f"{YEAR}-02-01": [
            {
                "start": f"{YEAR}-02-01T07:30:00.000-05:00",
                "end": f"{YEAR}-02-01T08:30:00.000-05:00",
            },
            {
                "start": f"{YEAR}-02-01T08:30:00.000-05:00",
                "end": f"{YEAR}-02-01T09:30:00.000-05:00",
            },
        ]
    }


def test_kathmandu_quarter_hour_offset() -> None:
    teacher = host("Asia/Kathmandu", rule("09:00", "10:00"))
    slots = compute_slots(event(30), [teacher], query(f"{YEAR}-02-01", f"{YEAR}-02-02"))
    assert [s.start.isoformat() for s in slots] == [
        f"{YEAR}-02-01T03:15:00+00:00",
        f"{YEAR}-02-01T03:45:00+00:00",
    ]
    assert group_by_local_date(slots, "Asia/Kathmandu", True) == {
        f"{YEAR}-02-01": [
            {
                "start": f"{YEAR}-02-01T09:00:00.000+05:45",
                "end": f"{YEAR}-02-01T09:30:00.000+05:45",
            },
            {
                "start": f"{YEAR}-02-01T09:30:00.000+05:45",
                "end": f"{YEAR}-02-01T10:00:00.000+05:45",
            },
        ]
    }
    assert group_by_local_date(slots, "UTC", False) == {
        f"{YEAR}-02-01": [
            {"start": f"{YEAR}-02-01T03:15:00.000Z"},
            {"start": f"{YEAR}-02-01T03:45:00.000Z"},
        ]
    }


def test_new_york_spring_forward_day_is_an_hour_shorter() -> None:
    # 2026-03-08: 02:00 EST jumps to 03:00 EDT. The all-day Sunday range lasts 23 hours.
    teacher = host("America/New_York", rule("00:00", "24:00", SUNDAY))
    slots = compute_slots(event(60), [teacher], query("2026-03-07", "2026-03-10"))
    assert len(slots) == 23
    assert starts(slots, "America/New_York", with_offset=True)[:4] == [
        "03-08 00:00-0500",
        "03-08 01:00-0500",
        "03-08 03:00-0400",
        "03-08 04:00-0400",
    ]
    assert utc(slots)[0] == "03-08 05:00Z" and utc(slots)[-1] == "03-09 03:00Z"


def test_new_york_range_across_the_spring_gap_and_inside_it() -> None:
    # 01:00–04:00 on the spring-forward day is two real hours; 02:30 does not exist and is read
    # with fold=0 (the offset before the change), so 02:30–04:00 is 03:30–04:00 EDT.
    across = host("America/New_York", rule("01:00", "04:00", SUNDAY))
    slots = compute_slots(event(60), [across], query("2026-03-08", "2026-03-09"))
    assert starts(slots, "America/New_York", with_offset=True) == [
        "03-08 01:00-0500",
        "03-08 03:00-0400",
    ]
    inside = host("America/New_York", rule("02:30", "04:00", SUNDAY))
    slots = compute_slots(event(30), [inside], query("2026-03-08", "2026-03-09"))
    assert starts(slots, "America/New_York", with_offset=True) == ["03-08 03:30-0400"]


def test_new_york_fall_back_day_is_an_hour_longer() -> None:
    # 2026-11-01: 02:00 EDT falls back to 01:00 EST. The day has 25 hours and 01:00 twice.
    teacher = host("America/New_York", rule("00:00", "24:00", SUNDAY))
    slots = compute_slots(event(60), [teacher], query("2026-10-31", "2026-11-03"))
    assert len(slots) == 25
    assert starts(slots, "America/New_York", with_offset=True)[:4] == [
        "11-01 00:00-0400",
        "11-01 01:00-0400",
        "11-01 01:00-0500",
        "11-01 02:00-0500",
    ]
    short = host("America/New_York", rule("00:30", "02:30", SUNDAY))
    slots = compute_slots(event(60), [short], query("2026-11-01", "2026-11-02"))
    assert group_by_local_date(slots, "America/New_York", False) == {
        "2026-11-01": [
            {"start": "2026-11-01T00:30:00.000-04:00"},
            {"start": "2026-11-01T01:30:00.000-04:00"},
            {"start": "2026-11-01T01:30:00.000-05:00"},
        ]
    }


def test_working_hours_keep_wall_clock_across_dst() -> None:
    teacher = host("America/New_York", rule("09:00", "10:00", EVERY_DAY))
    slots = compute_slots(event(60), [teacher], query("2026-03-07", "2026-03-10"))
    assert utc(slots) == ["03-07 14:00Z", "03-08 13:00Z", "03-09 13:00Z"]
    autumn = compute_slots(event(60), [teacher], query("2026-10-31", "2026-11-03"))
    assert utc(autumn) == ["10-31 13:00Z", "11-01 14:00Z", "11-02 14:00Z"]


def test_berlin_range_seen_from_new_york_in_the_weeks_between_the_changes() -> None:
    # Europe changes on 2026-03-29, the US on 2026-03-08: for three weeks the gap is 5 hours.
    teacher = host("Europe/Berlin", rule("15:00", "16:00"))
    slots = compute_slots(event(60), [teacher], query("2026-03-06", "2026-03-31"))
    shown = {
        day: items[0]["start"]
        for day, items in group_by_local_date(slots, "America/New_York", False).items()
    }
    assert shown["2026-03-06"] == "2026-03-06T09:00:00.000-05:00"
    assert shown["2026-03-09"] == "2026-03-09T10:00:00.000-04:00"
    assert shown["2026-03-30"] == "2026-03-30T09:00:00.000-04:00"


def test_lord_howe_half_hour_dst_end_day_is_half_an_hour_longer() -> None:
    # 2026-04-05: 02:00 (+11:00) goes back to 01:30 (+10:30); 01:30 happens twice.
    teacher = host("Australia/Lord_Howe", rule("00:00", "24:00", SUNDAY))
    slots = compute_slots(event(30), [teacher], query("2026-04-03", "2026-04-07"))
    assert len(slots) == 49  # 24.5 hours of half-hour slots
    day = group_by_local_date(slots, "Australia/Lord_Howe", False)["2026-04-05"]
    assert [item["start"] for item in day[2:6]] == [
        "2026-04-05T01:00:00.000+11:00",
        "2026-04-05T01:30:00.000+11:00",
        "2026-04-05T01:30:00.000+10:30",
        "2026-04-05T02:00:00.000+10:30",
    ]


def test_lord_howe_half_hour_dst_start_day_is_half_an_hour_shorter() -> None:
    # 2026-10-04: 02:00 (+10:30) jumps to 02:30 (+11:00); there is no 02:00.
    teacher = host("Australia/Lord_Howe", rule("00:00", "24:00", SUNDAY))
    slots = compute_slots(event(30), [teacher], query("2026-10-02", "2026-10-06"))
    assert len(slots) == 47  # 23.5 hours
    assert starts(slots, "Australia/Lord_Howe", with_offset=True)[2:5] == [
        "10-04 01:00+1030",
        "10-04 01:30+1030",
        "10-04 02:30+1100",
    ]
    assert utc(slots)[0] == "10-03 13:30Z" and utc(slots)[-1] == "10-04 12:30Z"


def test_chatham_quarter_hour_offsets_in_winter_and_summer() -> None:
    teacher = host("Pacific/Chatham", rule("09:00", "10:00"))
    summer = compute_slots(event(60), [teacher], query(f"{YEAR}-02-01", f"{YEAR}-02-03"))
    assert group_by_local_date(summer, "Pacific/Chatham", False)[f"{YEAR}-02-02"] == [
        {"start": f"{YEAR}-02-02T09:00:00.000+13:45"}
    ]
    # Monday 09:00 there is 31 Jan 19:15Z, before the window: Tuesday and Wednesday remain
    assert utc(summer) == ["02-01 19:15Z", "02-02 19:15Z"]
    winter = compute_slots(event(60), [teacher], query(f"{YEAR}-07-04", f"{YEAR}-07-06"))
    assert group_by_local_date(winter, "Pacific/Chatham", False) == {
        f"{YEAR}-07-05": [{"start": f"{YEAR}-07-05T09:00:00.000+12:45"}],
        f"{YEAR}-07-06": [{"start": f"{YEAR}-07-06T09:00:00.000+12:45"}],
    }
    assert utc(winter) == ["07-04 20:15Z", "07-05 20:15Z"]


def test_host_and_booker_on_opposite_sides_of_utc() -> None:
    teacher = host("Pacific/Auckland", rule("08:00", "09:00"))
    slots = compute_slots(event(60), [teacher], query(f"{YEAR}-01-31", f"{YEAR}-02-02"))
    # Monday 08:00 in Auckland is Sunday 11:00 in Los Angeles: same instants, other dates.
    assert list(group_by_local_date(slots, "Pacific/Auckland", False)) == [
        f"{YEAR}-02-01",
        f"{YEAR}-02-02",
    ]
    grouped = group_by_local_date(slots, "America/Los_Angeles", False)
    assert grouped == {
        f"{YEAR}-01-31": [{"start": f"{YEAR}-01-31T11:00:00.000-08:00"}],
        f"{YEAR}-02-01": [{"start": f"{YEAR}-02-01T11:00:00.000-08:00"}],
    }
    seen_from_la = compute_slots(
        event(60), [teacher], query(f"{YEAR}-01-31", f"{YEAR}-02-02", booker="America/Los_Angeles")
    )
    assert seen_from_la == slots


# --- working ranges ----------------------------------------------------------------------


def test_berlin_override_replaces_rules_unavailable_day_and_end_of_day() -> None:
    teacher = host(
        "Europe/Berlin",
        rule("09:00", "11:00"),
        overrides=(
            override(f"{YEAR}-02-02", "14:00", "15:00"),
            override(f"{YEAR}-02-03", "00:00", "00:00"),
            override(f"{YEAR}-02-06", "22:00", "24:00"),
        ),
    )
    slots = compute_slots(event(60), [teacher], query(f"{YEAR}-02-01", f"{YEAR}-02-07"))
    assert starts(slots, "Europe/Berlin") == [
        "02-01 09:00",
        "02-01 10:00",
        "02-02 14:00",
        "02-04 09:00",
        "02-04 10:00",
        "02-05 09:00",
        "02-05 10:00",
        "02-06 22:00",
        "02-06 23:00",
    ]


def test_several_overrides_of_one_date_add_up() -> None:
    teacher = host(
        "Europe/Berlin",
        rule("09:00", "11:00"),
        overrides=(
            override(f"{YEAR}-02-02", "14:00", "15:00"),
            override(f"{YEAR}-02-02", "08:00", "09:00"),
            override(f"{YEAR}-02-02", "15:00", "16:00"),
        ),
    )
    slots = compute_slots(event(60), [teacher], query(f"{YEAR}-02-02", f"{YEAR}-02-03"))
    assert starts(slots, "Europe/Berlin") == ["02-02 08:00", "02-02 14:00", "02-02 15:00"]


def test_touching_ranges_merge_also_across_midnight() -> None:
    teacher = host(
        "UTC",
        rule("22:00", "24:00", EVERY_DAY),
        rule("00:00", "01:00", EVERY_DAY),
        rule("10:00", "10:30", EVERY_DAY),
        rule("10:30", "11:00", EVERY_DAY),
    )
    slots = compute_slots(
        event(90, slot_interval=30),
        [teacher],
        query(f"{YEAR}-02-01T09:00Z", f"{YEAR}-02-02T09:00Z"),
    )
    assert starts(slots, "UTC") == ["02-01 22:00", "02-01 22:30", "02-01 23:00", "02-01 23:30"]
    short = compute_slots(
        event(60), [teacher], query(f"{YEAR}-02-01T09:00Z", f"{YEAR}-02-01T12:00Z")
    )
    assert starts(short, "UTC") == ["02-01 10:00"]  # 10:00–10:30 and 10:30–11:00 are one range


def test_overrides_merge_across_midnight_too() -> None:
    teacher = host(
        "Asia/Kolkata",
        overrides=(
            override(f"{YEAR}-02-06", "22:00", "24:00"),
            override(f"{YEAR}-02-07", "00:00", "01:00"),
        ),
    )
    slots = compute_slots(
        event(90, slot_interval=30), [teacher], query(f"{YEAR}-02-06", f"{YEAR}-02-08")
    )
    assert starts(slots, "Asia/Kolkata") == [
        "02-06 22:00",
        "02-06 22:30",
        "02-06 23:00",
        "02-06 23:30",
    ]


def test_a_range_around_the_clock_keeps_one_grid_whatever_the_window() -> None:
    # Every day 00:00–24:00 is one endless range: its grid is anchored at local midnight of
    # ANCHOR_DAY, so a 25-minute interval gives the same instants for any window or `now`.
    teacher = host("UTC", rule("00:00", "24:00", EVERY_DAY))
    wide = compute_slots(event(25), [teacher], query(f"{YEAR}-02-01", f"{YEAR}-02-04"))
    narrow = compute_slots(event(25), [teacher], query(f"{YEAR}-02-02T07:13Z", f"{YEAR}-02-03"))
    later = compute_slots(
        event(25, minimum_booking_notice=7),
        [teacher],
        query(f"{YEAR}-02-01", f"{YEAR}-02-04", now=f"{YEAR}-02-02T07:13:00+00:00"),
    )
    assert narrow == [s for s in wide if s.start >= narrow[0].start and s.start.day == 2]
    assert later == [s for s in wide if s.start >= later[0].start]
    anchor = datetime(ANCHOR_DAY.year, ANCHOR_DAY.month, ANCHOR_DAY.day, tzinfo=UTC)
    assert all((s.start - anchor) % timedelta(minutes=25) == timedelta(0) for s in wide)
    # a gap ends the endless range: the grid starts again where the gap ends
    with_gap = host(
        "UTC",
        rule("00:00", "24:00", EVERY_DAY),
        overrides=(override(f"{YEAR}-01-20", "00:00", "12:00"),),
    )
    after_gap = compute_slots(event(25), [with_gap], query(f"{YEAR}-02-01", f"{YEAR}-02-04"))
    restart = datetime(YEAR, 1, 21, tzinfo=UTC)
    assert all((s.start - restart) % timedelta(minutes=25) == timedelta(0) for s in after_gap)


# --- the grid, notice, window ------------------------------------------------------------


def test_minimum_notice_drops_starts_without_shifting_the_grid() -> None:
    teacher = host("UTC", rule("09:00", "12:00"))
    slots = compute_slots(
        event(30, minimum_booking_notice=50),
        [teacher],
        query(f"{YEAR}-02-01", f"{YEAR}-02-02", now=f"{YEAR}-02-01T09:05:00+00:00"),
    )
    assert starts(slots, "UTC") == ["02-01 10:00", "02-01 10:30", "02-01 11:00", "02-01 11:30"]
    later = compute_slots(event(30), [teacher], query(f"{YEAR}-02-01T09:10Z", f"{YEAR}-02-02"))
    assert starts(later, "UTC")[0] == "02-01 09:30"  # the window's start does not move the grid


def test_interval_shorter_or_longer_than_length_and_fit_inside_range() -> None:
    teacher = host("UTC", rule("09:00", "10:30"))
    slots = compute_slots(
        event(60, slot_interval=15), [teacher], query(f"{YEAR}-02-01", f"{YEAR}-02-02")
    )
    assert starts(slots, "UTC") == ["02-01 09:00", "02-01 09:15", "02-01 09:30"]
    assert all(s.end - s.start == timedelta(minutes=60) for s in slots)
    longer_interval = compute_slots(
        event(30, slot_interval=45), [teacher], query(f"{YEAR}-02-01", f"{YEAR}-02-02")
    )
    assert starts(longer_interval, "UTC") == ["02-01 09:00", "02-01 09:45"]


def test_duration_replaces_the_length_and_the_default_step() -> None:
    teacher = host("UTC", rule("09:00", "10:30"))
    window = query(f"{YEAR}-02-01", f"{YEAR}-02-02")
    longer = compute_slots(event(60), [teacher], window, duration=90)
    assert [(s.start.strftime("%H:%M"), s.end.strftime("%H:%M")) for s in longer] == [
        ("09:00", "10:30")
    ]
    shorter = compute_slots(event(60), [teacher], window, duration=30)
    assert starts(shorter, "UTC") == ["02-01 09:00", "02-01 09:30", "02-01 10:00"]
    fixed_step = compute_slots(event(60, slot_interval=20), [teacher], window, duration=30)
    assert starts(fixed_step, "UTC") == [
        "02-01 09:00",
        "02-01 09:20",
        "02-01 09:40",
        "02-01 10:00",
    ]


def test_window_end_is_exclusive_and_empty_inputs() -> None:
    teacher = host("UTC", rule("09:00", "11:00"))
    assert starts(
        compute_slots(event(60), [teacher], query(f"{YEAR}-02-01T09:00Z", f"{YEAR}-02-01T10:00Z")),
        "UTC",
    ) == ["02-01 09:00"]
    assert compute_slots(event(60), [], query(f"{YEAR}-02-01", f"{YEAR}-02-02")) == []
    assert compute_slots(event(60), [teacher], query(f"{YEAR}-02-02", f"{YEAR}-02-01")) == []
    assert compute_slots(event(0), [teacher], query(f"{YEAR}-02-01", f"{YEAR}-02-02")) == []
    assert group_by_local_date([], "UTC", True) == {}


def test_naive_datetimes_are_read_as_utc() -> None:
    teacher = host(
        "UTC",
        rule("09:00", "11:00"),
        busy_times=(busy(datetime(YEAR, 2, 1, 9, 0), 60),),
    )
    aware = query(f"{YEAR}-02-01", f"{YEAR}-02-02")
    naive = SlotQuery(datetime(YEAR, 2, 1), datetime(YEAR, 2, 2), datetime(2020, 1, 1))
    assert compute_slots(event(60), [teacher], naive) == compute_slots(event(60), [teacher], aware)
    assert starts(compute_slots(event(60), [teacher], naive), "UTC") == ["02-01 10:00"]


# --- busy time and buffers ---------------------------------------------------------------


def test_buffers_on_both_sides_with_the_exact_formula() -> None:
    # An outside-hours booking 07:00–08:30 with a 45-minute after-buffer reaches 09:15.
    teacher = host(
        "UTC",
        rule("09:00", "13:00"),
        busy_times=(
            busy(local(f"{YEAR}-02-01T07:00", "UTC"), 90, after_buffer=45),
            busy(local(f"{YEAR}-02-01T12:00", "UTC"), 30, before_buffer=15),
        ),
    )
    slots = compute_slots(
        event(30, slot_interval=15, before_buffer=15, after_buffer=10),
        [teacher],
        query(f"{YEAR}-02-01", f"{YEAR}-02-02"),
    )
    # s − 15 < 08:30 + 45 ⇔ s < 09:30 blocked; 12:00 − 15 < s + 30 + 10 ⇔ s > 11:05 blocked
    assert starts(slots, "UTC") == [
        "02-01 09:30",
        "02-01 09:45",
        "02-01 10:00",
        "02-01 10:15",
        "02-01 10:30",
        "02-01 10:45",
        "02-01 11:00",
    ]
    # without buffers only the real overlap blocks: 11:45, 12:00 and 12:15 are taken
    noon = busy(local(f"{YEAR}-02-01T12:00", "UTC"), 30)
    plain = compute_slots(
        event(30, slot_interval=15),
        [host("UTC", rule("09:00", "13:00"), busy_times=(noon,))],
        query(f"{YEAR}-02-01", f"{YEAR}-02-02"),
    )
    assert starts(plain, "UTC")[-4:] == ["02-01 11:00", "02-01 11:15", "02-01 11:30", "02-01 12:30"]


def test_busy_touching_a_slot_does_not_block_it() -> None:
    teacher = host(
        "UTC",
        rule("09:00", "12:00"),
        busy_times=(busy(local(f"{YEAR}-02-01T10:00", "UTC"), 60),),
    )
    slots = compute_slots(event(60), [teacher], query(f"{YEAR}-02-01", f"{YEAR}-02-02"))
    assert starts(slots, "UTC") == ["02-01 09:00", "02-01 11:00"]


# --- seats -------------------------------------------------------------------------------


def test_seats_count_show_uid_hide_full_and_other_types_block() -> None:
    nine, ten, eleven = (local(f"{YEAR}-02-01T{h}:00", "UTC") for h in ("09", "10", "11"))
    teacher = host(
        "UTC",
        rule("09:00", "13:00"),
        busy_times=(
            busy(nine, 60, event_type_id=1, booking_uid="b"),
            busy(nine, 60, event_type_id=1, booking_uid="a"),
            busy(ten, 60, event_type_id=1, booking_uid="c", seats=3),
            busy(eleven, 60, event_type_id=2, booking_uid="other"),
        ),
    )
    slots = compute_slots(
        event(60, seats_per_time_slot=3), [teacher], query(f"{YEAR}-02-01", f"{YEAR}-02-02")
    )
    assert [(s.start.hour, s.seats_booked, s.seats_remaining, s.booking_uid) for s in slots] == [
        (9, 2, 1, "a"),
        (12, 0, 3, None),
    ]
    assert group_by_local_date(slots, "UTC", False) == {
        f"{YEAR}-02-01": [
            {
                "start": f"{YEAR}-02-01T09:00:00.000Z",
                "seatsBooked": 2,
                "seatsRemaining": 1,
                "seatsTotal": 3,
                "attendeesCount": 2,
                "bookingUid": "a",
            },
            {
                "start": f"{YEAR}-02-01T12:00:00.000Z",
                "seatsBooked": 0,
                "seatsRemaining": 3,
                "seatsTotal": 3,
                "attendeesCount": 0,
            },
        ]
    }
    # the same bookings block when the workshop is not seated
    plain = compute_slots(event(60), [teacher], query(f"{YEAR}-02-01", f"{YEAR}-02-02"))
    assert starts(plain, "UTC") == ["02-01 12:00"]
    # a session of the same workshop at another start blocks by overlap
    offset = compute_slots(
        event(60, seats_per_time_slot=3, slot_interval=30),
        [teacher],
        query(f"{YEAR}-02-01", f"{YEAR}-02-02"),
    )
    assert starts(offset, "UTC") == ["02-01 09:00", "02-01 12:00"]


def test_seats_with_buffers_the_session_start_stays_open() -> None:
    nine = local(f"{YEAR}-02-01T09:00", "UTC")
    teacher = host(
        "UTC",
        rule("09:00", "12:00"),
        busy_times=(busy(nine, 60, event_type_id=1, booking_uid="s", before_buffer=30),),
    )
    slots = compute_slots(
        event(60, seats_per_time_slot=2, after_buffer=30, slot_interval=30),
        [teacher],
        query(f"{YEAR}-02-01", f"{YEAR}-02-02"),
    )
    # 09:00 is the session itself (its own buffers do not count against it); 09:30 overlaps
    # it; 10:00 only touches its end (s − B_new = 10:00 is not < be + A_old = 10:00).
    assert [(starts([s], "UTC")[0], s.seats_booked) for s in slots] == [
        ("02-01 09:00", 1),
        ("02-01 10:00", 0),
        ("02-01 10:30", 0),
        ("02-01 11:00", 0),
    ]


def test_round_robin_seats_per_host_fill_the_open_session_first() -> None:
    ten = local(f"{YEAR}-02-01T10:00", "UTC")
    full = host(
        "UTC",
        rule("09:00", "12:00"),
        host_id=1,
        busy_times=(busy(ten, 60, event_type_id=1, booking_uid="a1", seats=2),),
    )
    partly = host(
        "UTC",
        rule("09:00", "12:00"),
        host_id=2,
        busy_times=(busy(ten, 60, event_type_id=1, booking_uid="b1"),),
    )
    empty = host("UTC", rule("09:00", "12:00"), host_id=3)
    rules = event(60, seats_per_time_slot=2, scheduling_type="ROUND_ROBIN")
    slots = compute_slots(rules, [full, partly, empty], query(f"{YEAR}-02-01", f"{YEAR}-02-02"))
    at_ten = next(s for s in slots if s.start == ten)
    # host 1's session is full; the booker joins host 2's session before host 3 starts one;
    # the host of the joined session comes first (a booking goes to host_ids[0])
    assert (at_ten.host_ids, at_ten.seats_booked, at_ten.booking_uid) == ((2, 3), 1, "b1")
    at_nine = slots[0]
    assert (at_nine.host_ids, at_nine.seats_booked, at_nine.booking_uid) == ((1, 2, 3), 0, None)


def test_collective_seats_count_a_shared_booking_once() -> None:
    ten = local(f"{YEAR}-02-01T10:00", "UTC")
    booking = busy(ten, 60, event_type_id=1, booking_uid="ten")
    ana = host("UTC", rule("09:00", "11:00"), host_id=1, busy_times=(booking,))
    ben = host("UTC", rule("09:00", "11:00"), host_id=2, busy_times=(booking,))
    collective = compute_slots(
        event(60, seats_per_time_slot=2, scheduling_type="COLLECTIVE"),
        [ben, ana],
        query(f"{YEAR}-02-01", f"{YEAR}-02-02"),
    )
    assert [(s.start.hour, s.host_ids, s.seats_booked, s.booking_uid) for s in collective] == [
        (9, (1, 2), 0, None),
        (10, (1, 2), 1, "ten"),
    ]


# --- booking window ----------------------------------------------------------------------


def test_rolling_business_days_over_a_weekend_and_calendar_days() -> None:
    teacher = host("UTC", rule("09:00", "10:00", EVERY_DAY))
    friday = f"{YEAR}-02-05T06:00:00+00:00"
    business = compute_slots(
        event(60, period_type="ROLLING", period_days=2),
        [teacher],
        query(f"{YEAR}-02-05", f"{YEAR}-02-15", now=friday),
    )
    # day 0 Friday, day 1 Monday, day 2 Tuesday; the weekend inside stays bookable
    assert starts(business, "UTC") == [
        "02-05 09:00",
        "02-06 09:00",
        "02-07 09:00",
        "02-08 09:00",
        "02-09 09:00",
    ]
    calendar = compute_slots(
        event(60, period_type="ROLLING", period_days=2, period_count_calendar_days=True),
        [teacher],
        query(f"{YEAR}-02-05", f"{YEAR}-02-15", now=friday),
    )
    assert starts(calendar, "UTC") == ["02-05 09:00", "02-06 09:00", "02-07 09:00"]


def test_rolling_counts_from_today_in_the_booker_zone() -> None:
    teacher = host("UTC", rule("09:00", "10:00", EVERY_DAY))
    window = (f"{YEAR}-02-05", f"{YEAR}-02-15")
    now = f"{YEAR}-02-05T12:00:00+00:00"  # Friday noon in London, already Saturday in Auckland
    rolling = event(60, period_type="ROLLING", period_days=0, period_count_calendar_days=True)
    london = compute_slots(rolling, [teacher], query(*window, now=now, booker="Europe/London"))
    assert starts(london, "UTC") == []  # today (Friday) ends at midnight; 09:00 has passed
    auckland = compute_slots(rolling, [teacher], query(*window, now=now, booker="Pacific/Auckland"))
    # Auckland's Saturday (today there, day 0) ends at 11:00 UTC on Saturday
    assert starts(auckland, "UTC") == ["02-06 09:00"]
    # business days from a Saturday: day 1 is Monday, so Sunday and Monday stay bookable
    weekend = compute_slots(
        event(60, period_type="ROLLING", period_days=1),
        [teacher],
        query(*window, now=f"{YEAR}-02-06T08:00:00+00:00", booker="UTC"),
    )
    assert starts(weekend, "UTC") == ["02-06 09:00", "02-07 09:00", "02-08 09:00"]


def test_range_period_in_the_period_zone() -> None:
    # The dates 2–3 February are read in Tokyo (+09:00): from 1 Feb 15:00Z to 3 Feb 15:00Z.
    teacher = host("UTC", rule("14:00", "17:00", EVERY_DAY))
    slots = compute_slots(
        event(
            60,
            period_type="RANGE",
            period_start_date=date(YEAR, 2, 2),
            period_end_date=date(YEAR, 2, 3),
            period_time_zone="Asia/Tokyo",
        ),
        [teacher],
        query(f"{YEAR}-01-30", f"{YEAR}-02-10"),
    )
    assert utc(slots) == [
        "02-01 15:00Z",
        "02-01 16:00Z",
        "02-02 14:00Z",
        "02-02 15:00Z",
        "02-02 16:00Z",
        "02-03 14:00Z",
    ]


# --- teams -------------------------------------------------------------------------------


def test_collective_needs_everyone_round_robin_anyone() -> None:
    ana = host(
        "UTC",
        rule("09:00", "12:00"),
        host_id=1,
        busy_times=(busy(local(f"{YEAR}-02-01T10:00", "UTC"), 60),),
    )
    ben = host("Europe/London", rule("10:00", "13:00"), host_id=2)
    window = query(f"{YEAR}-02-01", f"{YEAR}-02-02")
    collective = compute_slots(event(60, scheduling_type="COLLECTIVE"), [ana, ben], window)
    assert [(starts([s], "UTC")[0], s.host_ids) for s in collective] == [("02-01 11:00", (1, 2))]
    robin = compute_slots(event(60, scheduling_type="ROUND_ROBIN"), [ben, ana], window)
    assert [(starts([s], "UTC")[0], s.host_ids) for s in robin] == [
        ("02-01 09:00", (1,)),
        ("02-01 10:00", (2,)),
        ("02-01 11:00", (1, 2)),
        ("02-01 12:00", (2,)),
    ]


def test_collective_grid_starts_at_the_shared_range_round_robin_at_each_host() -> None:
    # Kolkata 14:00–17:00 is 08:30–11:30Z; Berlin 09:00–13:00 is 08:00–12:00Z.
    ana = host("Asia/Kolkata", rule("14:00", "17:00"), host_id=1)
    ben = host("Europe/Berlin", rule("09:00", "13:00"), host_id=2)
    window = query(f"{YEAR}-02-01", f"{YEAR}-02-02")
    collective = compute_slots(event(60, scheduling_type="COLLECTIVE"), [ana, ben], window)
    assert utc(collective) == ["02-01 08:30Z", "02-01 09:30Z", "02-01 10:30Z"]
    robin = compute_slots(event(60, scheduling_type="ROUND_ROBIN"), [ana, ben], window)
    assert [(utc([s])[0], s.host_ids) for s in robin] == [
        ("02-01 08:00Z", (2,)),
        ("02-01 08:30Z", (1,)),
        ("02-01 09:00Z", (2,)),
        ("02-01 09:30Z", (1,)),
        ("02-01 10:00Z", (2,)),
        ("02-01 10:30Z", (1,)),
        ("02-01 11:00Z", (2,)),
    ]


# --- the formatter -----------------------------------------------------------------------


def test_formatter_offsets_z_ends_and_grouping_by_the_booker_date() -> None:
    teacher = host("UTC", rule("23:00", "24:00"), rule("00:00", "01:00"))
    slots = compute_slots(event(60), [teacher], query(f"{YEAR}-02-01", f"{YEAR}-02-03"))
    assert utc(slots) == ["02-01 00:00Z", "02-01 23:00Z", "02-02 00:00Z", "02-02 23:00Z"]
    assert group_by_local_date(slots, "Etc/UTC", True)[f"{YEAR}-02-02"] == [
        {"start": f"{YEAR}-02-02T00:00:00.000Z", "end": f"{YEAR}-02-02T01:00:00.000Z"},
        {"start": f"{YEAR}-02-02T23:00:00.000Z", "end": f"{YEAR}-02-03T00:00:00.000Z"},
    ]
    kathmandu = group_by_local_date(slots, "Asia/Kathmandu", True)
    assert list(kathmandu) == [f"{YEAR}-02-01", f"{YEAR}-02-02", f"{YEAR}-02-03"]
    assert kathmandu[f"{YEAR}-02-02"] == [
        {"start": f"{YEAR}-02-02T04:45:00.000+05:45", "end": f"{YEAR}-02-02T05:45:00.000+05:45"},
        {"start": f"{YEAR}-02-02T05:45:00.000+05:45", "end": f"{YEAR}-02-02T06:45:00.000+05:45"},
    ]
    # input order does not matter: the formatter sorts by start
    assert group_by_local_date(list(reversed(slots)), "Asia/Kathmandu", True) == kathmandu
    london = group_by_local_date(slots, "Europe/London", False)
    assert london[f"{YEAR}-02-01"][0] == {"start": f"{YEAR}-02-01T00:00:00.000+00:00"}
