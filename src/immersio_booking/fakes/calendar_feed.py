"""A teacher's calendar published as an ICS feed, for ``make run``'s demo school: the demo's
Kenji also teaches at another school, so his evening classes there (a weekly recurring event)
and a one-off meeting tomorrow are busy times the booking page leaves out."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Response
from icalendar import Calendar, Event

from immersio_booking.kit import clock

DEMO_PORT = 8300
DEMO_URL = f"http://127.0.0.1:{DEMO_PORT}/kenji.ics"
DEMO_ZONE = "Asia/Tokyo"


def kenji_feed(now: datetime) -> bytes:
    zone = ZoneInfo(DEMO_ZONE)
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    feed = Calendar()
    feed.add("prodid", "-//Immersio Booking//demo feed//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", "Kenji - other school")
    classes = Event()
    classes.add("uid", "kenji-other-school-classes@demo.immersio-booking")
    classes.add("summary", "Classes at another school")
    classes.add("dtstart", datetime.combine(monday, time(14), zone))
    classes.add("dtend", datetime.combine(monday, time(15, 30), zone))
    classes.add("rrule", {"freq": "weekly", "byday": ["MO", "WE", "FR"]})
    classes.add("dtstamp", now)
    feed.add_component(classes)
    meeting = Event()
    meeting.add("uid", f"kenji-meeting-{today.isoformat()}@demo.immersio-booking")
    meeting.add("summary", "Staff meeting")
    meeting.add("dtstart", datetime.combine(today + timedelta(days=1), time(10), zone))
    meeting.add("dtend", datetime.combine(today + timedelta(days=1), time(11), zone))
    meeting.add("dtstamp", now)
    feed.add_component(meeting)
    return bytes(feed.to_ical())


def create_feed_server() -> FastAPI:
    app = FastAPI(title="Demo calendar feed", openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/kenji.ics")
    async def kenji() -> Response:
        return Response(kenji_feed(clock.now()), media_type="text/calendar; charset=utf-8")

    return app
