"""iCalendar (RFC 5545) for meetings: the attachment of an invitation and the subscribable
feeds. Events carry their time zone (with a VTIMEZONE), a stable UID and a SEQUENCE that
rises on every change, so calendars update the event rather than adding a second one."""

import datetime
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Meeting, MeetingStatus

PRODUCT_ID = "-//Meshutaf//Meetings//EN"


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "meshutaf.local"


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{_domain()}"


def meeting_event(meeting: Meeting) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.local_start)
    event.add("dtend", meeting.local_end)
    event.add("summary", meeting.title)
    event.add("sequence", meeting.sequence)
    event.add("last-modified", meeting.updated_at)
    url = settings.SITE_URL + meeting.get_absolute_url()
    event.add("url", url)
    location = meeting.venue or meeting.online_url
    if location:
        event.add("location", location)
    description = [meeting.description] if meeting.description else []
    if meeting.online_url:
        description.append(_("Online: %(link)s") % {"link": meeting.online_url})
    description.append(url)
    event.add("description", "\n\n".join(description))
    status = {
        MeetingStatus.CANCELLED: "CANCELLED",
        MeetingStatus.DRAFT: "TENTATIVE",
    }.get(meeting.status, "CONFIRMED")
    event.add("status", status)
    return event


def calendar_bytes(meetings, *, name: str, method: str = "PUBLISH") -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    # Ask subscribers to refresh hourly (Outlook and Apple honour one or the other).
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    calendar.add_missing_timezones()
    return calendar.to_ical()
