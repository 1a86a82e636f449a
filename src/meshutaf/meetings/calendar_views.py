"""My meetings across initiatives, the month and week calendar of them, and the calendar
subscriptions (the secret ICS feeds, which work without a login: the address is the key).
Every meeting listed comes through `meetings_visible_to`, the gate of the meeting pages."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from meshutaf.initiatives.permissions import initiative_get_for_user, initiatives_visible_to

from . import calendar, calendar_grid, selectors, services
from .models import CalendarFeed, MeetingStatus
from .permissions import meetings_visible_to

# --- My meetings ----------------------------------------------------------------------------


def _feed_address(request, feed: CalendarFeed) -> str:
    return request.build_absolute_uri(reverse("meetings:feed", args=[feed.token]))


@login_required
def my_meetings(request):
    """My upcoming and recent meetings in every initiative I belong to, with the address to
    subscribe to them in a calendar application."""
    overview = selectors.my_meetings_overview(user=request.user)
    language = get_language() or ""
    if request.user.wants_hebrew_dates(language):
        for meeting in (*overview["upcoming"], *overview["recent"]):
            meeting.hebrew_date = calendar_grid.hebrew_day(
                timezone.localtime(meeting.starts_at).date(), language
            ).full
    feed = services.calendar_feed_get(user=request.user)
    return render(
        request,
        "meetings/my_meetings.html",
        {**overview, "feed_address": _feed_address(request, feed)},
    )


@login_required
def my_calendar(request):
    """A month (`?month=YYYY-MM`) or a week (`?view=week&week=YYYY-MM-DD`, any day of it) of my
    meetings. A value that is not a month or a date gets a message and today's month or week;
    never an error page."""
    language = get_language() or "he"
    first = calendar_grid.first_weekday(language, formats.get_format("FIRST_DAY_OF_WEEK"))
    today = timezone.localdate()
    view = "week" if request.GET.get("view") == "week" else "month"
    problem = ""
    if view == "month":
        asked = request.GET.get("month")
        month = calendar_grid.parse_month(asked) if asked else today.replace(day=1)
        if month is None:
            problem = _(
                "“%(value)s” is not a month this calendar can show (write it as YYYY-MM, "
                "e.g. %(example)s); here is this month."
            ) % {
                "value": asked[:20] if asked else "",
                "example": today.strftime("%Y-%m"),
            }
            month = today.replace(day=1)
        weeks = calendar_grid.month_weeks(month.year, month.month, first)
        days = [day for week in weeks for day in week]
        anchor = month
        previous = calendar_grid.add_months(month, -1)
        following = calendar_grid.add_months(month, 1)
    else:
        asked = request.GET.get("week")
        day = calendar_grid.parse_day(asked) if asked else today
        if day is None:
            problem = _(
                "“%(value)s” is not a date this calendar can show (write it as YYYY-MM-DD, "
                "e.g. %(example)s); here is this week."
            ) % {
                "value": asked[:20] if asked else "",
                "example": today.isoformat(),
            }
            day = today
        days = calendar_grid.week_days(day, first)
        weeks = [days]
        anchor = days[0]
        previous = days[0] - datetime.timedelta(days=7)
        following = days[0] + datetime.timedelta(days=7)
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(days[0], datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        days[-1] + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    by_day: dict[datetime.date, list] = {}
    for meeting in selectors.my_meetings_between(user=request.user, start=start, end=end):
        by_day.setdefault(max(timezone.localtime(meeting.starts_at).date(), days[0]), []).append(
            meeting
        )
    hebrew = request.user.wants_hebrew_dates(language)
    cells = [
        [
            {
                "date": day,
                "in_month": view == "week" or day.month == anchor.month,
                "today": day == today,
                "hebrew": calendar_grid.hebrew_day(day, language) if hebrew else None,
                "weekday": WEEKDAYS[day.weekday()],
                "meetings": by_day.get(day, []),
            }
            for day in week
        ]
        for week in weeks
    ]
    in_range = previous.year >= calendar_grid.MIN_YEAR and following.year <= calendar_grid.MAX_YEAR
    return render(
        request,
        "meetings/my_calendar.html",
        {
            "view": view,
            "weeks": cells,
            "anchor": anchor,
            "first_day": days[0],
            "last_day": days[-1],
            "today": today,
            "headers": [
                (WEEKDAYS[day.weekday()], WEEKDAYS_ABBR[day.weekday()]) for day in weeks[0]
            ],
            "previous": previous if in_range else None,
            "following": following if in_range else None,
            "problem": problem,
            "hebrew_span": (
                calendar_grid.hebrew_span(days[0], days[-1], language) if hebrew else ""
            ),
            "count": sum(len(meetings) for meetings in by_day.values()),
        },
    )


# --- Calendar feeds -------------------------------------------------------------------------


@login_required
def calendar_page(request):
    if request.method == "POST":
        reset = request.POST.get("reset", "")
        feed = None
        if reset.isdigit() and len(reset) < 18:  # anything else is not one of the user's feeds
            feed = CalendarFeed.objects.filter(user=request.user, pk=int(reset)).first()
        if feed is None:
            messages.error(request, _("Choose one of your calendar addresses."))
        else:
            services.calendar_feed_reset(feed=feed)
            messages.success(request, _("A new address was made; the old one no longer works."))
        return redirect("meetings:calendar")
    initiatives = list(initiatives_visible_to(user=request.user).order_by("name"))
    personal, by_initiative = services.calendar_feeds_for(
        user=request.user, initiatives=initiatives
    )
    feeds = [(initiative, by_initiative[initiative.pk]) for initiative in initiatives]
    return render(
        request,
        "meetings/calendar.html",
        {"personal": personal, "feeds": feeds, "base": request.build_absolute_uri("/")[:-1]},
    )


def calendar_feed(request, token: str):
    """A calendar subscription (no login: the secret address is the key). Re-checks the
    user's access on every request, so leaving an initiative empties its feed."""
    feed = (
        CalendarFeed.objects.select_related("user", "initiative").filter(token=token).first()
        if 20 <= len(token) <= 64
        else None
    )
    if feed is None or not feed.user.is_active:
        raise Http404
    meetings = meetings_visible_to(user=feed.user).exclude(status=MeetingStatus.DRAFT)
    if feed.initiative_id is not None:
        initiative = initiative_get_for_user(user=feed.user, pk=feed.initiative_id).obj
        meetings = meetings.filter(initiative=initiative)
        name = initiative.name
    else:
        # "My meetings": where I am invited, plus the initiatives I belong to.
        name = _("My meetings — Meshutaf")
    since = timezone.now() - datetime.timedelta(days=400)
    meetings = meetings.filter(starts_at__gte=since).order_by("starts_at")[:2000]
    response = HttpResponse(
        calendar.calendar_bytes(meetings, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=900"
    return response
