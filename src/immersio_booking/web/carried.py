"""What the student's pages carry from one to the next (booking → payment → confirmation →
manage, and back to the booking page to choose another time): the page's language, the zone
times are read in, and embed mode with the host page's origin, so a student who booked inside
``/embed.js``'s frame stays in it, in their language, until a page has to leave the frame."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query

from immersio_booking.models import Booking
from immersio_booking.web import security

# The page parameters that say "inside the embed": ``embed=1`` and the host page's origin.
EmbedParam = Annotated[str | None, Query(max_length=1)]
OriginParam = Annotated[str | None, Query(max_length=255)]


def address(path: str, **params: str | None) -> str:
    """``path`` with the parameters that have a value."""
    given = {key: value for key, value in params.items() if value}
    return f"{path}?{urlencode(given)}" if given else path


@dataclass(frozen=True)
class Carried:
    lang: str
    zone: str
    embedded: bool
    embedder: str | None  # the host page's origin (booking:success is posted only there)

    @classmethod
    def of(cls, lang: str, zone: str, embed: str | None, origin: str | None) -> Carried:
        embedded = embed == "1"
        return cls(lang, zone, embedded, security.embedding_origin(origin) if embedded else None)

    def framed(self) -> dict[str, str | None]:
        """The parameters of a page shown in the same place (inside the frame, if embedded)."""
        return {**self.top(), "embed": "1" if self.embedded else None, "origin": self.embedder}

    def top(self) -> dict[str, str | None]:
        """The parameters of a page that opens outside the frame (the manage page refuses to be
        framed: its cancel button must not be clickjacked): language and zone only."""
        return {"tz": self.zone, "lang": self.lang}

    def booking_page(self, path: str, booking: Booking | None = None) -> str:
        """The workshop's booking page ``path``, in this frame, language and zone; choosing
        again for ``booking`` inside the embed keeps what the host page said of the student
        (their Immersio id and the course page), so the new booking is theirs as the first."""
        said: dict[str, Any] = booking.metadata_ if booking and self.embedded else {}
        context = said.get("booking_context")
        referrer = context.get("referrer") if isinstance(context, dict) else None
        student_id = said.get("immersio_student_id")
        return address(
            path,
            **self.framed(),
            studentId=str(student_id) if student_id else None,
            referrer=str(referrer) if referrer else None,
        )
