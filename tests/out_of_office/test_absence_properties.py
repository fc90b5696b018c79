"""``slots.out_of_office.compute`` over generated teams, hours, busy time and absences."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from immersio_booking.slots.engine import compute_slots
from immersio_booking.slots.model import BusyInterval, EventRules, HostCalendar, SlotQuery
from immersio_booking.slots.out_of_office import Absence, compute
from tests.slots.test_engine_properties import calendar, team_scenario

KINDS = st.sampled_from([None, "ROUND_ROBIN", "COLLECTIVE"])
Team = tuple[EventRules, list[HostCalendar], SlotQuery]


@st.composite
def absences(draw: st.DrawFn, team: Team, people: list[int]) -> list[Absence]:
    """Up to three absences of the team's hosts near the window, each with or without one of
    ``people`` standing in, never overlapping another of the same person."""
    _, hosts, query = team
    found: list[Absence] = []
    for _ in range(draw(st.integers(0, 3))):
        who = draw(st.sampled_from([h.host_id for h in hosts]))
        start = query.window_start + timedelta(minutes=15 * draw(st.integers(-8, 400)))
        end = start + timedelta(minutes=15 * draw(st.integers(1, 200)))
        sub = draw(st.sampled_from([None, *people]))
        if sub == who or any(a.user_id == who and a.start < end and start < a.end for a in found):
            continue
        found.append(Absence(who, start, end, sub))
    return found


def lost(event: EventRules, absence: Absence, start: float, minutes: int) -> bool:
    """docs/out-of-office.md: the session with its buffers shares time with the absence."""
    low = absence.start.timestamp() - event.after_buffer * 60 - minutes * 60
    high = absence.end.timestamp() + event.before_buffer * 60
    return low < start < high


@given(st.data(), team_scenario(), KINDS)
def test_without_substitutes_an_absence_is_busy_time(
    data: st.DataObject, team: Team, kind: str | None
) -> None:
    """With nobody standing in, an absence takes exactly the starts a busy interval of the same
    time would block (in every kind of workshop)."""
    event, hosts, query = team
    event = replace(event, scheduling_type=kind)  # type: ignore[arg-type]
    away = [replace(a, substitute_id=None) for a in data.draw(absences(team, []))]
    busy = [
        replace(
            h,
            busy=(*h.busy, *(BusyInterval(a.start, a.end) for a in away if a.user_id == h.host_id)),
        )
        for h in hosts
    ]
    ids = [h.host_id for h in hosts]
    assert compute(event, hosts, ids, away, query) == compute_slots(event, busy, query)


@given(st.data(), team_scenario(), KINDS)
def test_away_hosts_never_serve_and_substitutes_serve_only_for_them(
    data: st.DataObject, team: Team, kind: str | None
) -> None:
    event, hosts, query = team
    event = replace(event, scheduling_type=kind)  # type: ignore[arg-type]
    stand_in = data.draw(calendar(query.window_start, 7, 42))
    ids = [h.host_id for h in hosts]
    away = data.draw(absences(team, [42, *ids]))
    slots = compute(event, [*hosts, stand_in], ids, away, query)
    for slot in slots:
        s = slot.start.timestamp()
        here = [a for a in away if lost(event, a, s, event.length)]
        gone = {a.user_id for a in here}
        assert not gone & set(slot.host_ids), (slot, here)
        if 42 in slot.host_ids:
            assert kind is not None and any(a.substitute_id == 42 for a in here)
        if kind == "COLLECTIVE":
            # every host is there, or the substitute of an away host
            for host in ids:
                subs = {a.substitute_id for a in here if a.user_id == host}
                assert host in slot.host_ids or subs & set(slot.host_ids), (slot, here)
