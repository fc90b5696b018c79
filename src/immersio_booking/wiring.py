"""Connects the packages that react to booking changes to ``bookings.events`` (payments to
``bookings.checkout``, calendars to ``bookings.busy_check``, webhooks to
``out_of_office.events``, the waitlist's lines to ``slots.full_sessions``, the staff invitation
to ``members.arrivals``), once per process: the API (``app.create_app``), the worker and the CLI
call ``wire`` before they serve.

The order is the order listeners run in: payments first (a refund job is queued before the
email that announces it), then video meetings (so what is queued next finds a Jitsi link made
in the same transaction), then emails, webhooks and workflows, then the waitlist (a freed
seat's offer follows the change's own news).
"""

from __future__ import annotations

from immersio_booking.bookings import events, meeting_links
from immersio_booking.calendars import listeners as calendars
from immersio_booking.members import arrivals
from immersio_booking.notifications import listeners as notifications
from immersio_booking.notifications import staff_links
from immersio_booking.out_of_office import events as out_of_office
from immersio_booking.payments import listeners as payments
from immersio_booking.slots import full_sessions
from immersio_booking.video import jitsi
from immersio_booking.video import listeners as video
from immersio_booking.video import registry as video_registry
from immersio_booking.waitlist import events as waitlist_events
from immersio_booking.waitlist import listeners as waitlist
from immersio_booking.waitlist import sessions as waitlist_sessions
from immersio_booking.webhooks import absences
from immersio_booking.webhooks import listeners as webhooks
from immersio_booking.webhooks import waitlist as waitlist_webhooks
from immersio_booking.workflows import listeners as workflows
from immersio_booking.workflows import waitlist as waitlist_workflows


def wire() -> None:
    if events.is_wired():
        return
    payments.subscribe()  # the checkout port, then its listeners
    calendars.subscribe()  # calendar kinds and the live busy check port
    video.listeners.subscribe()
    meeting_links.expect_links(video_registry.gets_meeting)  # emails wait for links on their way
    meeting_links.host_links(jitsi.host_link)  # the teacher joins as the room's moderator
    notifications.listeners.subscribe()
    webhooks.listeners.subscribe()
    workflows.listeners.subscribe()
    waitlist.subscribe()  # last: a freed seat's offer follows the change's own news
    full_sessions.install(waitlist_sessions.lines)  # /v2/slots?includeFull=true
    out_of_office.on_created(absences.absence_recorded)
    arrivals.on_joined(staff_links.invite_new_staff)  # a new teacher's invitation
    waitlist_events.subscribe(waitlist_webhooks.on_waitlist_event)
    waitlist_events.subscribe(waitlist_workflows.on_waitlist_event)
    events.mark_wired()
