"""A check-in as a calendar file (.ics) for whoever downloads it, in their own time zone.

The file follows iTIP (RFC 5546) so that a calendar holding the check-in replaces it when
it changes: every version has the same UID; its SEQUENCE counts the moves and the
cancellation (RFC 5545 3.8.7.4); a booked or moved check-in is a ``METHOD:PUBLISH`` of
the event (an organizer, no attendees), a cancelled one a ``METHOD:CANCEL`` with
``STATUS:CANCELLED`` (an organizer and the attendee it no longer concerns).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import NAMESPACE_URL, uuid5
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, vCalAddress

from app.accounts.models import User
from app.db import utcnow

from ..models import CheckIn

CHECK_IN_LENGTH = timedelta(hours=1)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _person(user: User, domain: str) -> vCalAddress:
    """A calendar address that names the person without any way to reach them: leaders
    often have no e-mail, and the file shows nobody's contact details (a URN from the
    account, the same in every file; the name they see on Headway)."""
    address = vCalAddress(f"urn:uuid:{uuid5(NAMESPACE_URL, f'https://{domain}/people/{user.id}')}")
    address.params["CN"] = user.display_name
    return address


def check_in_calendar(
    check_in: CheckIn,
    reader: User,
    *,
    summary: str,
    description: str,
    url: str,
    domain: str,
    now: datetime | None = None,
) -> bytes:
    """The event with its start in ``reader``'s time zone (and that zone's definition, so
    any calendar shows the same local time). Nothing private goes in: the words are the
    caller's, the rest is when and where, and who (by name)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Headway//Coaching//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if check_in.cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"check-in-{check_in.id}@{domain}")
    event.add("sequence", check_in.sequence)
    # With a METHOD, DTSTAMP is when this file was made; LAST-MODIFIED when the check-in last
    # changed (RFC 5545 3.8.7.2, 3.8.7.3).
    event.add("dtstamp", now or utcnow())
    event.add("created", check_in.created_at)
    event.add("last-modified", check_in.changed_at or check_in.created_at)
    event.add("dtstart", check_in.starts_at.astimezone(_zone(reader.timezone)))
    event.add("duration", CHECK_IN_LENGTH)
    event.add("status", "CANCELLED" if check_in.cancelled else "CONFIRMED")
    event.add("organizer", _person(check_in.coach, domain))
    if check_in.cancelled:
        event.add("attendee", _person(check_in.leader, domain))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
