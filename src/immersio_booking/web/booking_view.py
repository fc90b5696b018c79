"""A booking as the student's pages (confirmation, payment, manage) show it: its time from
start to end in the student's zone (``?tz=`` else the zone they booked in), its teacher, where
and how to join, where the emails go, the "Add to calendar" links and a status in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import meeting_links, repository, service
from immersio_booking.bookings.meeting_links import MeetingLink
from immersio_booking.kit import clock, when
from immersio_booking.kit.errors import BadRequest
from immersio_booking.kit.i18n import base_language
from immersio_booking.landing import service as landing
from immersio_booking.models import Attendee, Booking, BookingStatus, EventType, Team, User
from immersio_booking.notifications.messages import Place
from immersio_booking.web import calendar_links, i18n

# The "Join" button shows from this long before the start until the end.
JOIN_OPENS_BEFORE = timedelta(minutes=10)


def status_of(booking: Booking) -> str:
    """The booking's state as the pages name it (``_status.html`` words it): never the wire
    value ("accepted")."""
    if booking.status == BookingStatus.ACCEPTED:
        return "confirmed"
    if booking.status == BookingStatus.PENDING:
        return "awaiting_payment" if booking.awaits_payment else "awaiting_approval"
    if booking.status == BookingStatus.REJECTED:
        return "declined"
    return "cancelled"


@dataclass(frozen=True)
class Join:
    """The "Join" block of the manage page, decided on the server's clock: ``soon`` before
    the button opens (``opens`` says when), ``open`` from 10 minutes before the start until the
    end, ``over`` after it; ``waiting`` while the link is still being made."""

    state: str
    url: str | None
    opens: datetime
    ends: datetime


def _join(booking: Booking, link: MeetingLink | None, coming: bool, now: datetime) -> Join | None:
    if booking.status != BookingStatus.ACCEPTED or (link is None and not coming):
        return None
    opens = booking.start_time - JOIN_OPENS_BEFORE
    if now >= booking.end_time:
        state = "over"
    elif link is None:
        state = "waiting"
    else:
        state = "open" if now >= opens else "soon"
    return Join(state, link.url if link else None, opens, booking.end_time)


@dataclass(frozen=True)
class Shown:
    """A booking as its pages show it: in the visitor's (else the attendee's) zone."""

    booking: Booking
    et: EventType | None
    org: Team
    zone: str
    palette: landing.Palette
    lang: str
    # The locale the times are written in: the student's own (``en-GB``: 24-hour clock)
    # when it is in the page's language, else the page's language.
    locale: str
    link: MeetingLink | None
    teacher: User | None
    student: Attendee | None

    @property
    def title(self) -> str:
        return self.et.title if self.et else self.booking.title

    @property
    def place(self) -> Place:
        return Place.of(
            self.booking.location,
            self.link,
            self.lang,
            link_coming=meeting_links.awaits_link(self.booking.location, self.et),
        )

    def zone_label(self, at: datetime) -> str:
        """``Paris, UTC+1``: the zone by its city and its offset at ``at``."""
        return when.zone_name(self.zone, at, self.locale, joiner=", ")

    def context(self, token: str | None) -> dict[str, Any]:
        zone = ZoneInfo(self.zone)
        place = self.place
        join = _join(self.booking, self.link, place.link_coming, clock.now())
        return {
            "booking": self.booking,
            "et": self.et,
            "org": self.org,
            "title": self.title,
            "palette": self.palette,
            "start": self.booking.start_time.astimezone(zone),
            "span": when.span(
                self.booking.start_time, self.booking.end_time, self.zone, self.locale
            ),
            "zone": self.zone,
            "zone_label": self.zone_label(self.booking.start_time),
            # A teacher without a name is shown as the school, never by their email address.
            "teacher": (self.teacher.name or self.org.name) if self.teacher else None,
            "student": self.student,
            "status": status_of(self.booking),
            "calendar": calendar_links.links(self.booking, self.title, place, token),
            "place": place,
            "join": join,
            "join_opens": when.time_of(join.opens.astimezone(zone), self.locale) if join else None,
            "token": token,
            "lang": self.lang,
        }


def _zone(asked: str | None, booked_in: str | None) -> str:
    """``?tz=`` when it names a zone (a typo is refused, never read as UTC), else the zone
    the student booked in."""
    if asked:
        zone = when.resolve_zone(asked)
        if zone is None:
            raise BadRequest(f"Unknown time zone: {asked}", reason="unknown_time_zone")
        return zone
    return when.resolve_zone(booked_in) or "UTC"


def _locale(lang: str, own: str | None, request: Request) -> str:
    """The tag times are written in: the student's stored locale, else the browser's first
    one, when it is in the page's language (``en-GB`` reads 24-hour times); else ``lang``."""
    browser = request.headers.get("accept-language", "").split(",")[0].split(";")[0].strip()
    for tag in (own, browser):
        if tag and base_language(tag) == lang and len(tag) > len(lang):
            return tag
    return lang


async def shown(session: AsyncSession, request: Request, booking: Booking, tz: str | None) -> Shown:
    """``booking`` as its pages show it; the caller has checked the visitor may see it."""
    et = await service.event_type_of(session, booking)
    org = await session.get(Team, booking.organization_id)
    assert org is not None
    people = (await repository.attendees_of(session, booking.organization_id, [booking.id])).get(
        booking.id, []
    )
    student = people[0] if people else None
    zone = _zone(tz, student.time_zone if student else None)
    # The student's own language, unless the address asks for another one.
    booked_in = i18n.language_from_header(student.locale if student else None)
    lang = (
        booked_in
        if booked_in and "lang" not in request.query_params
        else i18n.choose_language(request, et.options.interface_language if et else None)
    )
    locale = _locale(lang, student.locale if student else None, request)
    link = await meeting_links.link_of(session, booking.organization_id, booking.id)
    teacher = await session.get(User, booking.user_id) if booking.user_id else None
    palette = landing.palette(await landing.settings_of(session, org.id), org.brand_color)
    return Shown(booking, et, org, zone, palette, lang, locale, link, teacher, student)
