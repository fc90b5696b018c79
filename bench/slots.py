"""Slots benchmark: engine-only time per call, then ``GET /v2/slots`` over HTTP.

One host, weekdays 09:00–17:00 (Europe/Berlin), 15-minute interval, 30-minute workshops, a
31-day window; 500 / 5,000 / 50,000 bookings in the host's history (spread over four years, so
the window holds about 2% of them). Then the same 5,000-booking host with busy times cached
from two calendars of 200 events each (``calendar_busy_times``, spread over the 120-day cache
horizon from the window's start), which slots subtract.
HTTP load comes from ``wrk`` (bench/_wrk.py), Python only seeds: p50 with one connection on one
uvicorn worker, the rate with 8 connections on two workers; each line names its target.
Run: ``make bench`` or ``.venv/bin/python bench/slots.py`` (``--calendars``: that case only;
``--quick``: the 500-booking case only).
"""

from __future__ import annotations

import random
import secrets
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

import httpx
import psycopg

import _wrk  # type: ignore[import-not-found]
from _setup import scratch_database, served  # type: ignore[import-not-found]
from immersio_booking.slots.engine import compute_slots
from immersio_booking.slots.model import (
    BusyInterval,
    EventRules,
    HostCalendar,
    SlotQuery,
    WeeklyRule,
)

WINDOW_START = datetime(2027, 3, 1, tzinfo=UTC)
WINDOW_END = WINDOW_START + timedelta(days=31)
HISTORY_START = WINDOW_START - timedelta(days=3 * 365)
HISTORY_DAYS = 4 * 365


def engine_case(busy_in_window: int) -> float:
    rng = random.Random(7)
    busy = tuple(
        BusyInterval(
            start=(s := WINDOW_START + timedelta(minutes=15 * rng.randrange(0, 31 * 96))),
            end=s + timedelta(minutes=30),
            event_type_id=2,
        )
        for _ in range(busy_in_window)
    )
    host = HostCalendar(1, "Europe/Berlin", (WeeklyRule(frozenset(range(5)), 540, 1020),), (), busy)
    event = EventRules(event_type_id=1, length=30, slot_interval=15)
    query = SlotQuery(WINDOW_START, WINDOW_END, WINDOW_START - timedelta(days=1), "Europe/Berlin")
    runs = []
    for _ in range(200):
        began = time.perf_counter()
        compute_slots(event, [host], query)
        runs.append(time.perf_counter() - began)
    return statistics.median(runs) * 1000


def seed(url: str, bookings: int) -> int:
    """A tenant, a host with a schedule and a workshop, and ``bookings`` in its history."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    rng = random.Random(bookings)
    with psycopg.connect(conninfo) as conn:
        org = conn.execute(
            "INSERT INTO teams (name, slug, is_organization, is_platform, is_private, metadata)"
            " VALUES ('Bench', %s, true, false, false, '{}') RETURNING id",
            (f"bench-{secrets.token_hex(3)}",),
        ).fetchone()[0]  # type: ignore[index]
        conn.execute("UPDATE teams SET organization_id = id WHERE id = %s", (org,))
        user = conn.execute(
            "INSERT INTO users (uuid, email, username, time_zone, organization_id,"
            " completed_onboarding, metadata, is_platform_admin)"
            " VALUES (gen_random_uuid()::text, %s, 'host', 'Europe/Berlin', %s, true, '{}', false)"
            " RETURNING id",
            (f"host-{secrets.token_hex(3)}@bench.example.com", org),
        ).fetchone()[0]  # type: ignore[index]
        schedule = conn.execute(
            "INSERT INTO schedules (organization_id, user_id, name, time_zone)"
            " VALUES (%s, %s, 'Hours', 'Europe/Berlin') RETURNING id",
            (org, user),
        ).fetchone()[0]  # type: ignore[index]
        conn.execute(
            "INSERT INTO availability (organization_id, user_id, schedule_id, days, start_time,"
            " end_time) VALUES (%s, %s, %s, 62, '09:00', '17:00')",
            (org, user, schedule),
        )
        conn.execute("UPDATE users SET default_schedule_id = %s WHERE id = %s", (schedule, user))
        event_type = conn.execute(
            "INSERT INTO event_types (organization_id, user_id, title, slug, length, hidden,"
            " locations, period_type, minimum_booking_notice, before_event_buffer,"
            " after_event_buffer, seats_show_availability_count, seats_show_attendees,"
            " booking_fields, disable_guests, slot_interval, metadata, price, currency,"
            " requires_confirmation, extra)"
            " VALUES (%s, %s, 'Bench', 'bench', 30, false, '[]', 'UNLIMITED', 0, 0, 0, true,"
            " false, '[]', false, 15, '{}', 0, 'usd', false, '{}') RETURNING id",
            (org, user),
        ).fetchone()[0]  # type: ignore[index]
        with conn.cursor().copy(
            "COPY bookings (organization_id, uid, user_id, event_type_id, title, start_time,"
            " end_time, status, paid, metadata, rescheduled) FROM STDIN"
        ) as copy:
            for _ in range(bookings):
                start = HISTORY_START + timedelta(
                    days=rng.randrange(HISTORY_DAYS), minutes=15 * rng.randrange(32, 64)
                )
                copy.write_row(
                    (
                        org,
                        secrets.token_urlsafe(12),
                        user,
                        event_type,
                        "b",
                        start,
                        start + timedelta(minutes=30),
                        "accepted",
                        False,
                        "{}",
                        False,
                    )
                )
        conn.execute("ANALYZE bookings")
    return int(event_type)


CALENDARS = 2
EVENTS_PER_CALENDAR = 200
HORIZON_DAYS = 120


def seed_calendars(url: str, event_type: int) -> int:
    """Two selected CalDAV calendars of the workshop's host with 200 cached busy events each
    (30 to 120 minutes, in working hours); returns how many fall in the slots window."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    rng = random.Random(event_type)
    in_window = 0
    with psycopg.connect(conninfo) as conn:
        org, user = conn.execute(
            "SELECT organization_id, user_id FROM event_types WHERE id = %s", (event_type,)
        ).fetchone()  # type: ignore[misc]
        credential = conn.execute(
            "INSERT INTO credentials (organization_id, user_id, type, key, app_id, invalid)"
            " VALUES (%s, %s, 'caldav_calendar', '{}', 'caldav', false) RETURNING id",
            (org, user),
        ).fetchone()[0]  # type: ignore[index]
        rows = []
        for calendar in range(CALENDARS):
            external_id = f"https://caldav.example.com/host/cal-{calendar}/"
            conn.execute(
                "INSERT INTO selected_calendars (organization_id, user_id, integration,"
                " external_id, credential_id) VALUES (%s, %s, 'caldav_calendar', %s, %s)",
                (org, user, external_id, credential),
            )
            for _ in range(EVENTS_PER_CALENDAR):
                start = WINDOW_START + timedelta(
                    days=rng.randrange(HORIZON_DAYS), minutes=15 * rng.randrange(32, 64)
                )
                end = start + timedelta(minutes=30 * rng.randrange(1, 5))
                in_window += start < WINDOW_END
                rows.append((org, user, credential, external_id, start, end))
        with conn.cursor().copy(
            "COPY calendar_busy_times (organization_id, user_id, credential_id, external_id,"
            " start_time, end_time) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        conn.execute("ANALYZE calendar_busy_times")
    return in_window


def paths(event_type: int) -> list[str]:
    """The 31-day query, its first day shifted by 0..6 days: requests differ, sizes match."""
    found = []
    for shift in range(7):
        first = WINDOW_START + timedelta(days=shift)
        last = first + timedelta(days=30)
        found.append(
            f"/v2/slots?eventTypeId={event_type}&start={first.date().isoformat()}"
            f"&end={last.date().isoformat()}&timeZone=Europe/Berlin"
        )
    return found


def warm_up(base: str, event_type: int) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        for path in paths(event_type) * 3:
            client.get(path).raise_for_status()


def cache_query_ms(url: str, event_type: int) -> float:
    """Median time of the query slots add for calendars (slots/calendar_busy.py), in SQL."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo) as conn:
        org, user = conn.execute(
            "SELECT organization_id, user_id FROM event_types WHERE id = %s", (event_type,)
        ).fetchone()  # type: ignore[misc]
        runs = []
        for _ in range(200):
            began = time.perf_counter()
            conn.execute(
                "SELECT DISTINCT user_id, start_time, end_time FROM calendar_busy_times"
                " WHERE organization_id = %s AND user_id = ANY(%s)"
                " AND start_time < %s AND end_time > %s",
                (org, [user], WINDOW_END + timedelta(days=1), WINDOW_START - timedelta(days=1)),
            ).fetchall()
            runs.append(time.perf_counter() - began)
    return statistics.median(runs) * 1000


SINGLE_SECONDS = 5
LOADED_SECONDS = 10
LOADED_CONNECTIONS = 8
TARGET_P50_MS = 5.0
TARGET_RPS = 300.0


def single(base: str, label: str, event_type: int) -> None:
    """One client, one connection: the latency of one request on an idle server."""
    warm_up(base, event_type)
    one = _wrk.run(base, paths(event_type), connections=1, seconds=SINGLE_SECONDS)
    assert one["non2xx"] == 0 and one["socket_errors"] == 0, one
    print(
        f"  {label}: p50 {one['p50_ms']:.1f} ms, p99 {one['p99_ms']:.1f} ms"
        f" (1 client, 1 worker; target p50 <= {TARGET_P50_MS:.0f} ms);"
        f" service CPU {one['cpu_ms_per_request']:.2f} ms per request"
    )


def loaded(base: str, label: str, event_type: int) -> None:
    """``LOADED_CONNECTIONS`` connections on 2 uvicorn workers: the rate."""
    warm_up(base, event_type)
    many = _wrk.run(
        base,
        paths(event_type),
        connections=LOADED_CONNECTIONS,
        seconds=LOADED_SECONDS,
        threads=2,
    )
    assert many["non2xx"] == 0 and many["socket_errors"] == 0, many
    print(
        f"  {label}: {many['rps']:.0f} req/s, p50 {many['p50_ms']:.1f} ms,"
        f" p99 {many['p99_ms']:.1f} ms ({LOADED_CONNECTIONS} connections, 2 workers;"
        f" target >= {TARGET_RPS:.0f} req/s); service CPU"
        f" {many['cpu_ms_per_request']:.2f} ms per request"
    )


def main() -> None:
    only_calendars = "--calendars" in sys.argv[1:]
    quick = "--quick" in sys.argv[1:]
    if not only_calendars:
        print("slots engine, one host, 31 days, 15-min grid, 30-min workshops (median of 200)")
        for busy in (0, 10, 100, 500):
            print(f"  {busy:>5} bookings in the window: {engine_case(busy):.3f} ms per call")
    with scratch_database() as (url, data_dir):
        cases = [
            (f"{history:>6} in history", seed(url, history))
            for history in (() if only_calendars else (500,) if quick else (500, 5_000, 50_000))
        ]
        if only_calendars:  # else the 5,000-booking case above is the one without calendars
            cases.append(("  5000 in history, no calendars", seed(url, 5_000)))
        calendars = seed(url, 5_000)
        in_window = seed_calendars(url, calendars)
        if not quick:
            cases.append(
                (
                    f"  5000 in history + {CALENDARS} calendars x {EVENTS_PER_CALENDAR} events"
                    f" ({in_window} in the window)",
                    calendars,
                )
            )
        print("GET /v2/slots over HTTP (wrk), 31-day windows, Europe/Berlin")
        with served(url, data_dir, workers=1) as base:
            for label, event_type in cases:
                single(base, label, event_type)
        with served(url, data_dir, workers=2) as base:
            for label, event_type in cases:
                loaded(base, label, event_type)
        print(f"  the calendar busy-times query alone: {cache_query_ms(url, calendars):.2f} ms")


if __name__ == "__main__":
    main()
