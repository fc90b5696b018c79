"""The booking form as the page shows it, built from the workshop's bookingFields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from immersio_booking.event_types.fields import default_fields
from immersio_booking.kit.validation import ANSWER_MAX_LENGTH, NAME_MAX_LENGTH, NOTES_MAX_LENGTH
from immersio_booking.models import EventType

# Filled by the page itself (slot, zone) or not asked of students on a public page.
NOT_ASKED = frozenset({"location", "rescheduleReason", "title"})
INPUT_TYPES = {"email": "email", "phone": "tel", "url": "url", "number": "number"}


@dataclass(frozen=True)
class FormField:
    slug: str
    kind: str  # name, email, text, textarea, select, radio, checkbox, boolean, multiemail, ...
    label: str
    required: bool
    placeholder: str | None
    options: list[str]
    translatable: bool  # our own default label, which the page translates

    @property
    def input_type(self) -> str:
        return INPUT_TYPES.get(self.kind, "text")

    @property
    def max_length(self) -> int:
        """What the API accepts, so the browser stops the student first."""
        if self.kind == "name":
            return NAME_MAX_LENGTH
        if self.kind == "email":
            return 254
        return NOTES_MAX_LENGTH if self.slug == "notes" else ANSWER_MAX_LENGTH


DEFAULT_LABELS = {
    "name": "Your name",
    "email": "Email address",
    "notes": "Anything the teacher should know?",
    "guests": "Guests (emails, comma separated)",
}


def takes_guests(et: EventType) -> bool:
    """Whether a booker may bring guests: not when the school turned them off, nor in a
    workshop with seats, where each student books their own (``bookings.requests`` refuses
    guests there too)."""
    return not et.disable_guests and not et.seats_per_time_slot


def form_fields(et: EventType) -> list[FormField]:
    out = []
    for raw in et.booking_fields or default_fields():
        field: dict[str, Any] = raw
        slug = str(field.get("slug") or field.get("type") or "")
        kind = str(field.get("type") or "text")
        if kind == "splitName":
            kind, slug = "name", "name"
        if field.get("hidden") or slug in NOT_ASKED or (slug == "guests" and not takes_guests(et)):
            continue
        out.append(
            FormField(
                slug=slug,
                kind=kind,
                label=str(field.get("label") or DEFAULT_LABELS.get(slug, slug)),
                translatable=not field.get("label") and slug in DEFAULT_LABELS,
                required=bool(field.get("required")) or slug in ("name", "email"),
                placeholder=field.get("placeholder"),
                options=[str(o) for o in field.get("options") or []],
            )
        )
    return out
