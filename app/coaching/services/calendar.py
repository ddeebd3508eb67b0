"""A check-in as a calendar file (.ics) for whoever downloads it, in their own time zone."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event

from app.accounts.models import User
from app.db import utcnow

from ..models import CheckIn

CHECK_IN_LENGTH = timedelta(hours=1)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def check_in_calendar(
    check_in: CheckIn, reader: User, *, summary: str, description: str, url: str, domain: str
) -> bytes:
    """The event with its start in ``reader``'s time zone (and that zone's definition, so
    any calendar shows the same local time). Nothing private goes in: the words are the
    caller's, the rest is when and where."""
    calendar = Calendar()
    calendar.add("prodid", "-//Headway//Coaching//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"check-in-{check_in.id}@{domain}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", check_in.starts_at.astimezone(_zone(reader.timezone)))
    event.add("duration", CHECK_IN_LENGTH)
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
