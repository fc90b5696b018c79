"""The query string of the booking listings (Cal.com ``GetBookingsInput_2024_08_13``), read
once for ``/v2/bookings``, ``/v2/organizations/{orgId}/bookings`` and its teams' listings.

Every parameter Cal.com defines is declared here and applied by ``listing``; anything else is
refused by the routers' ``only_declared_query`` (``kit/unsupported.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query
from pydantic import AwareDatetime

from immersio_booking.bookings.listing import STATUS_FILTERS, ListQuery, SortOrder
from immersio_booking.kit.errors import BadRequest
from immersio_booking.kit.pagination import Page

MAX_ID = 2**63 - 1
Ids = Annotated[str | None, Query(max_length=2000)]
Instant = AwareDatetime | None


@dataclass(frozen=True)
class BookingsListing:
    query: ListQuery
    page: Page


def _ids(name: str, raw: str | None) -> tuple[int, ...]:
    """A comma list of ids (``?eventTypeIds=100,200``): each one a positive integer."""
    if raw is None:
        return ()
    parts = [part.strip() for part in raw.split(",")]
    if not all(part.isdigit() and 1 <= int(part) <= MAX_ID for part in parts):
        raise BadRequest(
            f"{name} must be a comma-separated list of ids, e.g. {name}=100,200",
            reason="validation_failed",
            details={"fields": [name]},
        )
    return tuple(dict.fromkeys(int(part) for part in parts))


def _statuses(raw: str | None) -> tuple[str, ...]:
    statuses = tuple(s.strip() for s in raw.split(",") if s.strip()) if raw else ()
    if any(s not in STATUS_FILTERS for s in statuses):
        raise BadRequest(
            "Invalid status. Allowed are " + ", ".join(STATUS_FILTERS),
            reason="validation_failed",
            details={"fields": ["status"]},
        )
    return statuses


def _listing(
    status: Annotated[str | None, Query(max_length=100)] = None,
    attendeeEmail: Annotated[str | None, Query(max_length=320)] = None,  # noqa: N803
    attendeeName: Annotated[str | None, Query(min_length=1, max_length=200)] = None,  # noqa: N803
    bookingUid: Annotated[str | None, Query(min_length=1, max_length=64)] = None,  # noqa: N803
    eventTypeIds: Ids = None,  # noqa: N803
    eventTypeId: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,  # noqa: N803
    teamsIds: Ids = None,  # noqa: N803
    # Not named teamId in Python: the team listing's path has a {teamId} of its own.
    team_id: Annotated[int | None, Query(alias="teamId", ge=1, le=MAX_ID)] = None,
    afterStart: Instant = None,  # noqa: N803
    beforeEnd: Instant = None,  # noqa: N803
    afterCreatedAt: Instant = None,  # noqa: N803
    beforeCreatedAt: Instant = None,  # noqa: N803
    afterUpdatedAt: Instant = None,  # noqa: N803
    beforeUpdatedAt: Instant = None,  # noqa: N803
    sortStart: SortOrder | None = None,  # noqa: N803
    sortEnd: SortOrder | None = None,  # noqa: N803
    sortCreated: SortOrder | None = None,  # noqa: N803
    sortUpdatedAt: SortOrder | None = None,  # noqa: N803
    take: Annotated[int, Query(ge=1, le=250)] = 100,
    skip: Annotated[int, Query(ge=0)] = 0,
) -> BookingsListing:
    # Unencoded "+" of managed-user emails arrives as a space (Cal.com turns it back).
    email = "+".join(attendeeEmail.split()) if attendeeEmail else None
    query = ListQuery(
        statuses=_statuses(status),
        attendee_email=email,
        event_type_id=eventTypeId,
        after_start=afterStart,
        before_end=beforeEnd,
        sort_start=sortStart,
        attendee_name=attendeeName,
        booking_uid=bookingUid,
        event_type_ids=_ids("eventTypeIds", eventTypeIds),
        team_id=team_id,
        team_ids=_ids("teamsIds", teamsIds),
        after_created_at=afterCreatedAt,
        before_created_at=beforeCreatedAt,
        after_updated_at=afterUpdatedAt,
        before_updated_at=beforeUpdatedAt,
        sort_end=sortEnd,
        sort_created=sortCreated,
        sort_updated_at=sortUpdatedAt,
    )
    return BookingsListing(query, Page(take=take, skip=skip))


BookingsListingParams = Annotated[BookingsListing, Depends(_listing)]
"""The filters, sorts and page of a booking listing, as a FastAPI dependency."""
