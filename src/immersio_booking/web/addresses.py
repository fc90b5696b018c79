"""The ``{orgSlug:school}`` path segment: a slug that can name a school, never a reserved word.

Because the reserved words (``v2``, ``docs``, ``webhooks``, ...) cannot match at all, the page
routes ``/{orgSlug}`` and ``/{orgSlug}/{eventSlug}`` never answer for the API's addresses,
wherever in the app's route order they are registered.
"""

from __future__ import annotations

import re

from starlette.convertors import Convertor, register_url_convertor

from immersio_booking.kit.validation import RESERVED_SLUGS

_RESERVED = "|".join(re.escape(word) for word in sorted(RESERVED_SLUGS))


class SchoolSlug(Convertor[str]):
    regex = rf"(?!(?:{_RESERVED})(?:/|$))[a-z0-9](?:[a-z0-9-]{{0,62}}[a-z0-9])?"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("school", SchoolSlug())
