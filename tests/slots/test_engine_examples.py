"""Worked examples of the slots engine (the cases docs/slots.md explains)."""

from __future__ import annotations

from immersio_booking.slots.engine import compute_slots, group_by_local_date
from immersio_booking.slots.model import Slot
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


def starts(slots: list[Slot], zone: str) -> list[str]:
    from zoneinfo import ZoneInfo

    return [s.start.astimezone(ZoneInfo(zone)).strftime("%m-%d %H:%M") for s in slots]


def test_kolkata_host_seen_from_new_york() -> None:
    teacher = host("Asia/Kolkata", rule("18:00", "20:00"))
    slots = compute_slots(event(60), [teacher], query("2027-02-01", "2027-02-02"))
    assert starts(slots, "Asia/Kolkata") == ["02-01 18:00", "02-01 19:00"]
    grouped = group_by_local_date(slots, "America/New_York", with_end=True)
    assert grouped == {
        "2027-02-01": [
            {"start": "2027-02-01T07:30:00.000-05:00", "end": "2027-02-01T08:30:00.000-05:00"},
            {"start": "2027-02-01T08:30:00.000-05:00", "end": "2027-02-01T09:30:00.000-05:00"},
        ]
    }


def test_kathmandu_quarter_hour_offset() -> None:
    teacher = host("Asia/Kathmandu", rule("09:00", "10:00"))
    slots = compute_slots(event(30), [teacher], query("2027-02-01", "2027-02-02"))
    assert [s.start.isoformat() for s in slots] == [
        "2027-02-01T03:15:00+00:00",
        "2027-02-01T03:45:00+00:00",
    ]
    assert group_by_local_date(slots, "Asia/Kathmandu", False)["2027-02-01"][0] == {
        "start": "2027-02-01T09:00:00.000+05:45"
    }
    assert group_by_local_date(slots, "UTC", False)["2027-02-01"][0] == {
        "start": "2027-02-01T03:15:00.000Z"
    }


def test_new_york_spring_forward_day_is_an_hour_shorter() -> None:
    # 2026-03-08: 02:00 EST jumps to 03:00 EDT. An all-day range is 23 hours long.
    teacher = host("America/New_York", rule("00:00", "24:00", EVERY_DAY))
    slots = compute_slots(
        event(60), [teacher], query("2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z")
    )
    assert len(slots) == 23
    assert starts(slots, "America/New_York")[:4] == [
        "03-08 00:00",
        "03-08 01:00",
        "03-08 03:00",
        "03-08 04:00",
    ]


def test_new_york_fall_back_day_is_an_hour_longer() -> None:
    # 2026-11-01: 02:00 EDT falls back to 01:00 EST. The day has 25 hours and 01:00 twice.
    teacher = host("America/New_York", rule("00:00", "24:00", EVERY_DAY))
    slots = compute_slots(
        event(60), [teacher], query("2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z")
    )
    assert len(slots) == 25
    assert starts(slots, "America/New_York")[:4] == [
        "11-01 00:00",
        "11-01 01:00",
        "11-01 01:00",
        "11-01 02:00",
    ]


def test_working_hours_keep_wall_clock_across_dst() -> None:
    teacher = host("America/New_York", rule("09:00", "10:00", EVERY_DAY))
    slots = compute_slots(event(60), [teacher], query("2026-03-07", "2026-03-10"))
    assert [s.start.strftime("%d %H:%M") for s in slots] == ["07 14:00", "08 13:00", "09 13:00"]


def test_lord_howe_half_hour_dst_and_chatham() -> None:
    # Lord Howe moves by 30 minutes (+11:00 → +10:30 on 2026-04-05 at 02:00).
    teacher = host("Australia/Lord_Howe", rule("00:00", "24:00", EVERY_DAY))
    slots = compute_slots(
        event(30), [teacher], query("2026-04-04T13:00:00Z", "2026-04-05T13:30:00Z")
    )
    assert len(slots) == 49  # 24.5 hours of half-hour slots
    chatham = host("Pacific/Chatham", rule("09:00", "10:00"))
    slots = compute_slots(event(60), [chatham], query("2027-02-01", "2027-02-03"))
    assert group_by_local_date(slots, "Pacific/Chatham", False)["2027-02-02"][0] == {
        "start": "2027-02-02T09:00:00.000+13:45"
    }


def test_host_and_booker_on_opposite_sides_of_utc() -> None:
    teacher = host("Pacific/Auckland", rule("08:00", "09:00"))
    slots = compute_slots(event(60), [teacher], query("2027-01-31", "2027-02-02"))
    # Monday 08:00 in Auckland is Sunday 11:00 in Los Angeles: same instants, other dates.
    assert list(group_by_local_date(slots, "Pacific/Auckland", False)) == [
        "2027-02-01",
        "2027-02-02",
    ]
    grouped = group_by_local_date(slots, "America/Los_Angeles", False)
    assert grouped["2027-01-31"] == [{"start": "2027-01-31T11:00:00.000-08:00"}]
    assert grouped["2027-02-01"] == [{"start": "2027-02-01T11:00:00.000-08:00"}]


def test_berlin_override_replaces_rules_unavailable_day_and_end_of_day() -> None:
    teacher = host(
        "Europe/Berlin",
        rule("09:00", "11:00"),
        overrides=(
            override("2027-02-02", "14:00", "15:00"),
            override("2027-02-03", "00:00", "00:00"),
            override("2027-02-06", "22:00", "24:00"),
        ),
    )
    slots = compute_slots(event(60), [teacher], query("2027-02-01", "2027-02-07"))
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


def test_touching_ranges_merge_also_across_midnight() -> None:
    teacher = host(
        "UTC",
        rule("22:00", "24:00", EVERY_DAY),
        rule("00:00", "01:00", EVERY_DAY),
        rule("10:00", "10:30", EVERY_DAY),
        rule("10:30", "11:00", EVERY_DAY),
    )
    slots = compute_slots(
        event(90, slot_interval=30), [teacher], query("2027-02-01T09:00Z", "2027-02-02T09:00Z")
    )
    assert starts(slots, "UTC") == ["02-01 22:00", "02-01 22:30", "02-01 23:00", "02-01 23:30"]
    short = compute_slots(event(60), [teacher], query("2027-02-01T09:00Z", "2027-02-01T12:00Z"))
    assert starts(short, "UTC") == ["02-01 10:00"]  # 10:00–10:30 and 10:30–11:00 are one range


def test_minimum_notice_drops_starts_without_shifting_the_grid() -> None:
    teacher = host("UTC", rule("09:00", "12:00"))
    slots = compute_slots(
        event(30, minimum_booking_notice=50),
        [teacher],
        query("2027-02-01", "2027-02-02", now="2027-02-01T09:05:00+00:00"),
    )
    assert starts(slots, "UTC") == ["02-01 10:00", "02-01 10:30", "02-01 11:00", "02-01 11:30"]
    later = compute_slots(event(30), [teacher], query("2027-02-01T09:10Z", "2027-02-02"))
    assert starts(later, "UTC")[0] == "02-01 09:30"  # the window's start does not move the grid


def test_interval_shorter_than_length_and_fit_inside_range() -> None:
    teacher = host("UTC", rule("09:00", "10:30"))
    slots = compute_slots(event(60, slot_interval=15), [teacher], query("2027-02-01", "2027-02-02"))
    assert starts(slots, "UTC") == ["02-01 09:00", "02-01 09:15", "02-01 09:30"]
    longer = compute_slots(event(60), [teacher], query("2027-02-01", "2027-02-02"), duration=90)
    assert [(s.start.hour, s.end.hour, s.end.minute) for s in longer] == [(9, 10, 30)]


def test_buffers_on_both_sides_with_the_exact_formula() -> None:
    # An outside-hours booking 07:00–08:30 with a 45-minute after-buffer reaches 09:15.
    teacher = host(
        "UTC",
        rule("09:00", "13:00"),
        busy_times=(
            busy(local("2027-02-01T07:00", "UTC"), 90, after_buffer=45),
            busy(local("2027-02-01T12:00", "UTC"), 30, before_buffer=15),
        ),
    )
    slots = compute_slots(
        event(30, slot_interval=15, before_buffer=15, after_buffer=10),
        [teacher],
        query("2027-02-01", "2027-02-02"),
    )
    # s - 15 < 08:30 + 45 → s < 09:30 blocked; 12:00 - 15 < s + 30 + 10 → s > 11:05 blocked
    assert starts(slots, "UTC") == [
        "02-01 09:30",
        "02-01 09:45",
        "02-01 10:00",
        "02-01 10:15",
        "02-01 10:30",
        "02-01 10:45",
        "02-01 11:00",
    ]


def test_seats_count_show_uid_hide_full_and_other_types_block() -> None:
    nine, ten, eleven = (local(f"2027-02-01T{h}:00", "UTC") for h in ("09", "10", "11"))
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
        event(60, seats_per_time_slot=3), [teacher], query("2027-02-01", "2027-02-02")
    )
    assert [(s.start.hour, s.seats_booked, s.seats_remaining, s.booking_uid) for s in slots] == [
        (9, 2, 1, "a"),
        (12, 0, 3, None),
    ]
    item = group_by_local_date(slots, "UTC", False)["2027-02-01"][0]
    assert item == {
        "start": "2027-02-01T09:00:00.000Z",
        "seatsBooked": 2,
        "seatsRemaining": 1,
        "seatsTotal": 3,
        "attendeesCount": 2,
        "bookingUid": "a",
    }
    # the same bookings block when the workshop is not seated
    plain = compute_slots(event(60), [teacher], query("2027-02-01", "2027-02-02"))
    assert starts(plain, "UTC") == ["02-01 12:00"]
    # a session of the same workshop at another start blocks by overlap
    offset = compute_slots(
        event(60, seats_per_time_slot=3, slot_interval=30),
        [teacher],
        query("2027-02-01", "2027-02-02"),
    )
    assert "02-01 09:30" not in starts(offset, "UTC")


def test_rolling_business_days_over_a_weekend_and_calendar_days() -> None:
    teacher = host("UTC", rule("09:00", "10:00", EVERY_DAY))
    friday = "2027-02-05T06:00:00+00:00"
    business = compute_slots(
        event(60, period_type="ROLLING", period_days=2),
        [teacher],
        query("2027-02-05", "2027-02-15", now=friday),
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
        query("2027-02-05", "2027-02-15", now=friday),
    )
    assert starts(calendar, "UTC") == ["02-05 09:00", "02-06 09:00", "02-07 09:00"]
    # "today" is the booker's today: in Auckland it is already Saturday
    auckland = compute_slots(
        event(60, period_type="ROLLING", period_days=0, period_count_calendar_days=True),
        [teacher],
        query(
            "2027-02-05", "2027-02-15", now="2027-02-05T12:00:00+00:00", booker="Pacific/Auckland"
        ),
    )
    # Auckland's Saturday (today there, day 0) ends at 11:00 UTC on Saturday
    assert starts(auckland, "UTC") == ["02-06 09:00"]


def test_range_period_in_the_schedule_zone() -> None:
    from datetime import date

    teacher = host("Asia/Tokyo", rule("08:00", "09:00", EVERY_DAY))
    slots = compute_slots(
        event(
            60,
            period_type="RANGE",
            period_start_date=date(2027, 2, 2),
            period_end_date=date(2027, 2, 3),
            period_time_zone="Asia/Tokyo",
        ),
        [teacher],
        query("2027-01-30", "2027-02-10"),
    )
    assert starts(slots, "Asia/Tokyo") == ["02-02 08:00", "02-03 08:00"]


def test_collective_needs_everyone_round_robin_anyone() -> None:
    ana = host(
        "UTC",
        rule("09:00", "12:00"),
        host_id=1,
        busy_times=(busy(local("2027-02-01T10:00", "UTC"), 60),),
    )
    ben = host("Europe/London", rule("10:00", "13:00"), host_id=2)
    window = query("2027-02-01", "2027-02-02")
    collective = compute_slots(event(60, scheduling_type="COLLECTIVE"), [ana, ben], window)
    assert [(starts([s], "UTC")[0], s.host_ids) for s in collective] == [("02-01 11:00", (1, 2))]
    robin = compute_slots(event(60, scheduling_type="ROUND_ROBIN"), [ana, ben], window)
    assert [(starts([s], "UTC")[0], s.host_ids) for s in robin] == [
        ("02-01 09:00", (1,)),
        ("02-01 10:00", (2,)),
        ("02-01 11:00", (1, 2)),
        ("02-01 12:00", (2,)),
    ]


def test_window_end_is_exclusive_and_empty_inputs() -> None:
    teacher = host("UTC", rule("09:00", "11:00"))
    assert starts(
        compute_slots(event(60), [teacher], query("2027-02-01T09:00Z", "2027-02-01T10:00Z")), "UTC"
    ) == ["02-01 09:00"]
    assert compute_slots(event(60), [], query("2027-02-01", "2027-02-02")) == []
    assert group_by_local_date([], "UTC", True) == {}


def test_round_robin_seats_per_host_fill_the_open_session_first() -> None:
    ten = local("2027-02-01T10:00", "UTC")
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
    slots = compute_slots(rules, [full, partly, empty], query("2027-02-01", "2027-02-02"))
    at_ten = next(s for s in slots if s.start == ten)
    # host 1's session is full; the booker joins host 2's session before host 3 starts one
    assert (at_ten.host_ids, at_ten.seats_booked, at_ten.booking_uid) == ((2, 3), 1, "b1")
