"""Teachers out of office in the slots: who is away, who stands in, and the slots that follow.

``cover`` reads the entries of a window (and the substitutes who are not hosts); ``compute``
is pure: it runs the engine once per set of absences in force and keeps each start from the
run of its own set. The rules are written up in docs/out-of-office.md:

- a start is *lost* to an absence when the session, with the workshop's buffers, would share
  time with the absence: ``absence.start − after − length < s < absence.end + before`` (the
  same open interval a busy interval blocks in the engine);
- at a start, the hosts away are left out; in a team workshop (round robin or collective)
  each away host with a substitute who is not away then is replaced by the substitute, with
  the substitute's own hours and bookings;
- a collective workshop needs every host: an away host without a substitute leaves no slot;
  an individual workshop never takes a substitute (the workshop is the teacher's own).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import EventType, User
from immersio_booking.out_of_office import repository as out_of_office
from immersio_booking.slots import repository
from immersio_booking.slots.engine import compute_slots
from immersio_booking.slots.model import EventRules, HostCalendar, Slot, SlotQuery

MINUTE = 60


@dataclass(frozen=True)
class Absence:
    user_id: int
    start: datetime
    end: datetime
    substitute_id: int | None = None


@dataclass(frozen=True)
class Cover:
    """The absences near a window and the substitutes who are not hosts of the workshop."""

    absences: tuple[Absence, ...] = ()
    stand_ins: tuple[User, ...] = ()


async def cover(
    session: AsyncSession, et: EventType, hosts: Sequence[User], window: tuple[datetime, datetime]
) -> Cover:
    """Entries of the hosts (and of their substitutes) that can reach into ``window``."""
    low, high = window[0] - repository.REACH, window[1] + repository.REACH
    host_ids = [h.id for h in hosts]
    rows = await out_of_office.away_near(session, et.organization_id, host_ids, low, high)
    team = et.team_id is not None
    substitutes = sorted(
        {r.to_user_id for r in rows if team and r.to_user_id is not None} - set(host_ids)
    )
    if substitutes:  # a substitute away then does not stand in: their entries count too
        rows += await out_of_office.away_near(session, et.organization_id, substitutes, low, high)
    absences = tuple(
        Absence(r.user_id, r.start_time, r.end_time, r.to_user_id if team else None) for r in rows
    )
    return Cover(absences, tuple(await repository.hosts(session, substitutes)))


def _lost(absence: Absence, event: EventRules, length: int) -> tuple[float, float]:
    """The open interval of starts this absence takes from its teacher (epoch seconds)."""
    return (
        absence.start.timestamp() - event.after_buffer * MINUTE - length,
        absence.end.timestamp() + event.before_buffer * MINUTE,
    )


def _stand_in(
    event: EventRules,
    calendars: Sequence[HostCalendar],
    host_ids: Sequence[int],
    away: Sequence[Absence],
) -> list[HostCalendar]:
    """The calendars that serve a start at which the absences ``away`` are in force."""
    gone = {a.user_id for a in away}
    serving = [h for h in host_ids if h not in gone]
    for absence in away:
        if absence.user_id not in host_ids:
            continue  # a substitute's own absence: they simply do not stand in
        # An individual workshop is its teacher's own: nobody stands in.
        sub = absence.substitute_id if event.scheduling_type is not None else None
        if sub is None or sub in gone:
            if event.scheduling_type == "COLLECTIVE":
                return []  # every host must be there
            continue
        if sub not in serving:
            serving.append(sub)
    by_id = {c.host_id: c for c in calendars}
    return [by_id[h] for h in serving if h in by_id]


def compute(
    event: EventRules,
    calendars: Sequence[HostCalendar],
    host_ids: Sequence[int],
    absences: Sequence[Absence],
    query: SlotQuery,
    duration: int | None = None,
) -> list[Slot]:
    """The engine's slots with the absences applied. ``calendars`` holds the hosts' and the
    stand-ins' calendars; ``host_ids`` says who the workshop's hosts are."""
    hosts = [c for c in calendars if c.host_id in host_ids]
    if not absences:
        return compute_slots(event, hosts, query, duration)
    length = (duration or event.length) * MINUTE
    lost = [(_lost(a, event, length), a) for a in absences]

    def in_force(start: float) -> frozenset[int]:
        return frozenset(i for i, ((low, high), _) in enumerate(lost) if low < start < high)

    # Every set of absences in force somewhere: at each bound and inside each stretch between.
    bounds = sorted({b for (low, high), _ in lost for b in (low, high)})
    points = bounds + [(a + b) / 2 for a, b in zip(bounds, bounds[1:], strict=False)]
    sets: set[frozenset[int]] = {in_force(p) for p in points} | {frozenset()}
    found: list[Slot] = []
    for active in sets:
        if not active:
            runs, narrowed = hosts, query
        else:
            away = [lost[i][1] for i in active]
            runs = _stand_in(event, calendars, host_ids, away)
            low = max(lost[i][0][0] for i in active)
            high = min(lost[i][0][1] for i in active)
            # Only starts inside every one of these absences' lost intervals can be theirs.
            narrowed = replace(
                query,
                window_start=max(query.window_start, datetime.fromtimestamp(low, UTC)),
                window_end=min(query.window_end, datetime.fromtimestamp(high, UTC)),
            )
        if not runs or narrowed.window_end <= narrowed.window_start:
            continue
        found += [
            s
            for s in compute_slots(event, runs, narrowed, duration)
            if in_force(s.start.timestamp()) == active
        ]
    return sorted(found, key=lambda s: s.start)
