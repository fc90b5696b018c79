"""The join link of a booking, and what a person reads where a session takes place.

The video providers (``video/``) write one ``BookingReference`` per seat whose ``type`` ends in
``_video``; this module only reads them: :func:`links_of` loads the live links of many
bookings in one query. A booking's ``location`` keeps what the workshop configured (Cal.com's
``integrations:<app>`` key for a video app); a person never reads that key: :func:`where`
gives the link once it exists, else a human label (:func:`label_of`), in English or French.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import Settings
from immersio_booking.db.session import Remembered
from immersio_booking.models import BookingReference, EventType

INTEGRATION_PREFIX = "integrations:"
VIDEO_SUFFIX = "_video"
# A reference to a video meeting (not a calendar event): its type ends in ``_video``.
IS_VIDEO = BookingReference.type.endswith(VIDEO_SUFFIX, autoescape=True)

# Human names of Cal.com's video integrations; anything else is named from its key.
_JITSI = {"en": "Online video call (Jitsi Meet)", "fr": "Appel vidéo en ligne (Jitsi Meet)"}
LABELS: dict[str, dict[str, str]] = {
    "cal-video": _JITSI,
    "jitsi": _JITSI,
    "zoom": {"en": "Zoom", "fr": "Zoom"},
    "google-meet": {"en": "Google Meet", "fr": "Google Meet"},
    "office365-video": {"en": "Microsoft Teams", "fr": "Microsoft Teams"},
    "whatsapp-video": {"en": "WhatsApp", "fr": "WhatsApp"},
    "facetime-video": {"en": "FaceTime", "fr": "FaceTime"},
    "webex-video": {"en": "Webex", "fr": "Webex"},
    "skype-video": {"en": "Skype", "fr": "Skype"},
    "whereby-video": {"en": "Whereby", "fr": "Whereby"},
    "element-call-video": {"en": "Element Call", "fr": "Element Call"},
    "eightxeight-video": {"en": "8x8", "fr": "8x8"},
}
_ONLINE = {"en": "Online video call ({name})", "fr": "Appel vidéo en ligne ({name})"}


@dataclass(frozen=True)
class MeetingLink:
    """The live video meeting of a booking (every seat of a session shares it)."""

    url: str
    type: str  # the reference type: jitsi_video, zoom_video, google_meet_video, ...
    meeting_id: str | None
    password: str | None


async def links_of(
    session: AsyncSession,
    organization_id: int,
    booking_ids: Sequence[int],
    *,
    removed: bool = False,
) -> dict[int, MeetingLink]:
    """The live join link of each of ``booking_ids`` that has one, in one query. ``removed``:
    else the link a booking had, its reference since marked deleted (a cancelled seat's)."""
    if not booking_ids:
        return {}
    query = select(BookingReference).where(
        BookingReference.organization_id == organization_id,
        BookingReference.booking_id.in_(booking_ids),
        IS_VIDEO,
        BookingReference.meeting_url.is_not(None),
    )
    if not removed:
        query = query.where(BookingReference.deleted.is_(False))
    rows = await session.execute(
        # One link per booking: a live one before removed ones; should two providers have
        # left one, the newest wins.
        query.order_by(
            BookingReference.booking_id, BookingReference.deleted.desc(), BookingReference.id
        )
    )
    return {
        ref.booking_id: MeetingLink(
            url=ref.meeting_url or "",
            type=ref.type,
            meeting_id=ref.meeting_id,
            password=ref.meeting_password,
        )
        for ref in rows.scalars()
        if ref.meeting_url
    }


# The video references written in this transaction (``video``'s settling, ``written``).
_WRITTEN: Remembered[list[BookingReference]] = Remembered("meeting_links.written")


def written(session: AsyncSession, references: Sequence[BookingReference]) -> None:
    """``references`` were written (or changed) in the session's transaction."""
    kept = _WRITTEN.get(session, None)
    if kept is None:
        kept = []
        _WRITTEN.put(session, None, kept)
    kept.extend(references)


def links_made_now(
    session: AsyncSession, booking_ids: Sequence[int]
) -> dict[int, MeetingLink] | None:
    """``links_of`` for bookings made in this transaction, without a query: only a reference
    written in it (``written``) can be theirs. None when this transaction wrote none (then
    ask ``links_of``: the transaction may have ended)."""
    written_now = _WRITTEN.get(session, None)
    if written_now is None:
        return None
    wanted = set(booking_ids)
    found: dict[int, MeetingLink] = {}
    live = [
        r
        for r in written_now
        if r.booking_id in wanted
        and r.type.endswith(VIDEO_SUFFIX)
        and r.meeting_url
        and not r.deleted
    ]
    for ref in sorted(live, key=lambda r: r.id or 0):  # the newest wins, as in ``links_of``
        found[ref.booking_id] = MeetingLink(
            url=ref.meeting_url or "",
            type=ref.type,
            meeting_id=ref.meeting_id,
            password=ref.meeting_password,
        )
    return found


async def link_of(
    session: AsyncSession, organization_id: int, booking_id: int, *, removed: bool = False
) -> MeetingLink | None:
    return (await links_of(session, organization_id, [booking_id], removed=removed)).get(booking_id)


def integration_of(location: str | None) -> str | None:
    """The video app of an ``integrations:<app>`` location, else None."""
    if location and location.startswith(INTEGRATION_PREFIX):
        return location[len(INTEGRATION_PREFIX) :].strip() or None
    return None


def label_of(location: str | None, language: str = "en") -> str | None:
    """What a person reads for ``location``: a video app's human name, else the location."""
    app = integration_of(location)
    if app is None:
        return location if location and not location.startswith(INTEGRATION_PREFIX) else None
    lang = language if language in _ONLINE else "en"
    if app in LABELS:
        return LABELS[app][lang]
    name = app.removesuffix("-video").removesuffix("-conferencing").replace("-", " ").title()
    return _ONLINE[lang].format(name=name)


def provider_label(link: MeetingLink, language: str = "en") -> str:
    """The human name of the app that made ``link`` (``zoom_video`` → Zoom)."""
    app = link.type.removesuffix(VIDEO_SUFFIX).replace("_", "-")
    return label_of(INTEGRATION_PREFIX + app, language) or app


def place_name(location: str | None, link: MeetingLink | None, language: str = "en") -> str | None:
    """The name of where a session happens: the location's own words (an address, a phone,
    a link the school gave), else the name of its video app."""
    if link is not None and (location is None or integration_of(location)):
        return provider_label(link, language)
    return label_of(location, language)


def where(location: str | None, link: MeetingLink | None, language: str = "en") -> str | None:
    """Where a person goes: the join link once it exists, else the label of the location."""
    return link.url if link else label_of(location, language)


def api_location(location: str | None, link: MeetingLink | None) -> str | None:
    """``location`` (and ``meetingUrl``) as Cal.com's API answers them: the meeting's URL once
    one exists, else the stored value."""
    return link.url if link else location


# The port the video package fills at wiring (``expect_links``): which sessions get a meeting.
# Until a provider is wired, no link is ever coming, so no email waits for one.
_expected: list[Callable[[str | None, EventType | None], bool]] = []


def expect_links(predicate: Callable[[str | None, EventType | None], bool] | None) -> None:
    """Install (None: remove) what says which sessions get a meeting made for them."""
    _expected[:] = [predicate] if predicate else []


def awaits_link(location: str | None, et: EventType | None) -> bool:
    """Whether a meeting is made for this session, so that a missing link is on its way."""
    return any(predicate(location, et) for predicate in _expected)


# The teacher's own way into a meeting (``host_links``), filled at wiring by the video package:
# a self-hosted Jitsi with room tokens gives the host a moderator's link; others, the same link.
HostLinker = Callable[[MeetingLink, Settings, datetime, str | None, str | None], str]
_host_linkers: list[HostLinker] = []


def host_links(linker: HostLinker | None) -> None:
    """Install (None: remove) what turns a meeting's link into its host's link."""
    _host_linkers[:] = [linker] if linker else []


def for_host(
    link: MeetingLink | None,
    settings: Settings,
    until: datetime,
    name: str | None = None,
    email: str | None = None,
) -> MeetingLink | None:
    """The link the teacher joins ``link``'s meeting with (valid until ``until``), for what
    only the teacher reads: their copy of an email, their invitation, their calendar."""
    if link is None or not _host_linkers:
        return link
    return replace(link, url=_host_linkers[0](link, settings, until, name, email))
