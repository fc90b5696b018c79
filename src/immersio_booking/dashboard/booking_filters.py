"""The filters of the dashboard's booking list, read from its query string into the API's own
``ListQuery`` (``bookings.listing``): workshop, teacher, status, dates (the staff member's
days), student (an email, else a name). A value we cannot read is refused, never ignored."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.datastructures import QueryParams

from immersio_booking.bookings.listing import STATUS_FILTERS, Audience, ListQuery
from immersio_booking.dashboard.access import StaffContext
from immersio_booking.dashboard.booking_access import sees_all
from immersio_booking.kit.errors import BadRequest
from immersio_booking.kit.pagination import Page

PAGE_SIZE = 25
FIELDS = ("workshop", "teacher", "status", "from", "to", "student", "page")
ACCEPTED = frozenset({*FIELDS, "lang"})


@dataclass(frozen=True)
class Filters:
    values: dict[str, str]  # as typed, to fill the form again and build page links
    query: ListQuery
    page_number: int
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def page(self) -> Page:
        return Page(take=PAGE_SIZE, skip=(self.page_number - 1) * PAGE_SIZE)

    def link(self, **changes: str) -> str:
        kept = {k: v for k, v in {**self.values, **changes}.items() if v}
        return urlencode(kept)


def _id(values: dict[str, str], name: str, problems: dict[str, str]) -> int | None:
    raw = values.get(name, "")
    if not raw:
        return None
    if raw.isdigit() and 0 < int(raw) < 2**63:
        return int(raw)
    problems[name] = name
    return None


def _day(values: dict[str, str], name: str, problems: dict[str, str]) -> date | None:
    raw = values.get(name, "")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems[name] = name
        return None


def read(params: QueryParams, staff: StaffContext) -> Filters:
    unknown = sorted(set(params) - ACCEPTED)
    if unknown:
        raise BadRequest(f"Unsupported parameter: {', '.join(unknown)}", reason="unsupported")
    values = {name: params.get(name, "").strip()[:320] for name in FIELDS}
    problems: dict[str, str] = {}
    workshop = _id(values, "workshop", problems)
    teacher = _id(values, "teacher", problems)
    status = values["status"]
    if status and status not in STATUS_FILTERS:
        problems["status"] = "status"
    zone = ZoneInfo(staff.user.time_zone)
    first, last = _day(values, "from", problems), _day(values, "to", problems)
    page_number = _id(values, "page", problems) or 1
    student = values["student"]
    # A teacher's list is narrowed by ``audience`` already: the teacher filter narrows it
    # further (the sessions they teach with that colleague), never widens it.
    hosts = (teacher,) if teacher is not None else ()
    query = ListQuery(
        statuses=(status,) if status and "status" not in problems else (),
        event_type_id=workshop,
        after_start=datetime.combine(first, time(0), zone) if first else None,
        before_end=datetime.combine(last + timedelta(days=1), time(0), zone) if last else None,
        attendee_email=student if "@" in student else None,
        attendee_name=student if student and "@" not in student else None,
        host_ids=hosts,
        sort_start="desc" if status in ("past", "cancelled") else "asc",
    )
    return Filters(values, query, page_number, problems)


def audience(staff: StaffContext) -> Audience:
    """The school's bookings; a teacher's narrowed to those the API lets them act on as staff
    (``hosting.staffed_by``: assigned, co-hosted, or of a team they administer), not those
    they attend as a student (their page would be "not found")."""
    if sees_all(staff):
        return Audience(staff.organization_id)
    return Audience(staff.organization_id, member=staff.principal, attending=False)
