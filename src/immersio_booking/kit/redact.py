"""What logs may show of a secret-bearing text: phone numbers cut to their last two digits,
and every link's query values and booking ids replaced (manage, view and invitation tokens)."""

from __future__ import annotations

import re

HIDDEN = "[redacted]"
_URL = re.compile(r"https?://[^\s<>\"']+")
_QUERY_VALUE = re.compile(r"([?&][^=&#\s]+=)[^&#\s]*")
_BOOKING = re.compile(r"(/booking/|/payment/)[^/?#\s]+")
# An international number (+ then 7 or more digits, spaces, dots, dashes, brackets), or a run of
# 9 or more digits; dates and times never match (too few digits in a row, no +).
_PHONE = re.compile(r"\+\d[\d ().-]{5,}\d|(?<!\d)\d{9,}(?!\d)")


def phone(number: str) -> str:
    """``+33612345678`` → ``+*********78``: enough to tell two numbers apart, not to dial."""
    digits = sum(c.isdigit() for c in number)
    seen = 0
    out = []
    for c in number:
        if c.isdigit():
            seen += 1
            out.append(c if seen > digits - 2 else "*")
        else:
            out.append(c)
    return "".join(out)


def _link(match: re.Match[str]) -> str:
    url = _QUERY_VALUE.sub(lambda m: m.group(1) + HIDDEN, match.group(0))
    return _BOOKING.sub(lambda m: m.group(1) + HIDDEN, url)


def text(body: str) -> str:
    """``body`` with its links' secrets and its phone numbers hidden."""
    return _PHONE.sub(lambda m: phone(m.group(0)), _URL.sub(_link, body))
