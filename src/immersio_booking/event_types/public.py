"""What a caller outside the school sees of a workshop: the public locations, no user metadata.

A location the school marks ``public: false`` (a back-office address, a private phone, a
meeting link meant for booked students only) is for its staff and the booked student's
confirmation, never for an anonymous reader. The hosts' ``metadata`` is the school's own
bookkeeping about its teachers.
"""

from __future__ import annotations

from typing import Any

from immersio_booking.event_types.schemas import EventTypeOut

# Locations that carry an address, number or link: shown only when marked public. The others
# (video integrations, "the attendee says where") name no place and are always shown.
PLACES = frozenset({"address", "link", "phone"})


def is_public(location: dict[str, Any]) -> bool:
    if location.get("type") in PLACES:
        return location.get("public") is True
    return location.get("public") is not False


def public_view(out: EventTypeOut) -> EventTypeOut:
    return out.model_copy(
        update={
            "locations": [loc for loc in out.locations if is_public(loc)],
            "users": [user.model_copy(update={"metadata": {}}) for user in out.users],
        }
    )
