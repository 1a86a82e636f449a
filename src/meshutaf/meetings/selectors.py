"""Reads for meetings: lists, the meeting page, action items, balance at the table."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from meshutaf.core.db import SubqueryCount
from meshutaf.directory.models import Organisation, Person, Sector
from meshutaf.directory.selectors import current_affiliations
from meshutaf.initiatives.models import GroupMember, Membership

from . import extensions
from .models import (
    OPEN_ACTION_STATUSES,
    RSVP,
    AgendaItem,
    Attendance,
    Meeting,
    MeetingInvitee,
    MeetingStatus,
    Outcome,
    OutcomeKind,
    SpeakingTurn,
)
from .permissions import meetings_visible_to


def meeting_list(
    *, initiative, include_drafts: bool, status: str = "", when: str = ""
) -> QuerySet[Meeting]:
    meetings = Meeting.objects.filter(initiative=initiative)
    if not include_drafts:
        meetings = meetings.exclude(status=MeetingStatus.DRAFT)
    if status:
        meetings = meetings.filter(status=status)
    now = timezone.now()
    if when == "upcoming":
        meetings = meetings.filter(ends_at__gte=now).order_by("starts_at", "pk")
    elif when == "past":
        meetings = meetings.filter(ends_at__lt=now)
    return meetings.select_related("series", "group").annotate(
        attendance_count=SubqueryCount(Attendance.objects.filter(meeting=OuterRef("pk"))),
        decision_count=SubqueryCount(
            Outcome.objects.filter(meeting=OuterRef("pk"), kind=OutcomeKind.DECISION)
        ),
        action_count=SubqueryCount(
            Outcome.objects.filter(meeting=OuterRef("pk"), kind=OutcomeKind.ACTION)
        ),
    )


def upcoming_for_user(*, user, limit: int = 5) -> QuerySet[Meeting]:
    return (
        meetings_visible_to(user=user)
        .filter(ends_at__gte=timezone.now())
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("initiative")
        .order_by("starts_at", "pk")[:limit]
    )


@dataclass
class MeetingPage:
    meeting: Meeting
    agenda: list[AgendaItem]
    loose_outcomes: list[Outcome]
    invitees: list[MeetingInvitee]
    attendance: list[Attendance]
    rsvp_counts: dict
    sector_balance: list[dict]
    documents: list
    my_invitation: MeetingInvitee | None


def meeting_page(*, meeting: Meeting, user) -> MeetingPage:
    outcomes = Outcome.objects.select_related("owner").order_by("pk")
    agenda = list(
        meeting.agenda_items.select_related("presenter")
        .prefetch_related(
            Prefetch("outcomes", queryset=outcomes),
            Prefetch(
                "carried_actions",
                queryset=Outcome.objects.select_related("owner", "meeting").order_by(
                    "meeting__starts_at", "pk"
                ),
            ),
        )
        .order_by("position", "pk")
    )
    loose = list(outcomes.filter(meeting=meeting, agenda_item__isnull=True))
    invitees = list(meeting.invitees.select_related("user", "person").order_by("name", "pk"))
    attendance = list(
        meeting.attendance.select_related("person", "organisation").order_by("person__full_name")
    )
    counts = Counter(invitee.rsvp for invitee in invitees)
    return MeetingPage(
        meeting=meeting,
        agenda=agenda,
        loose_outcomes=loose,
        invitees=invitees,
        attendance=attendance,
        rsvp_counts={choice: counts.get(choice, 0) for choice in RSVP.values},
        sector_balance=sector_balance(attendance),
        documents=extensions.meeting_documents(meeting=meeting),
        my_invitation=next((i for i in invitees if i.user_id == user.pk), None),
    )


@dataclass
class PrintSheet:
    """What the printed agenda or minutes need beyond the meeting page."""

    page: MeetingPage
    part: str  # "agenda" or "minutes"
    planned: tuple[int, int]  # (hours, minutes) planned for the whole agenda
    actions: list[Outcome]
    loose_notes: list[Outcome]


def meeting_print_sheet(*, meeting: Meeting, user, part: str | None) -> PrintSheet:
    """The meeting as a sheet to print: the agenda before it, the minutes after it, unless
    `part` ("agenda" or "minutes") asks for either."""
    if part not in ("agenda", "minutes"):
        held = meeting.status == MeetingStatus.HELD or meeting.is_past
        part = "minutes" if held else "agenda"
    page = meeting_page(meeting=meeting, user=user)
    outcomes = [outcome for item in page.agenda for outcome in item.outcomes.all()]
    outcomes += page.loose_outcomes
    return PrintSheet(
        page=page,
        part=part,
        planned=divmod(sum(item.planned_minutes for item in page.agenda), 60),
        actions=[outcome for outcome in outcomes if outcome.kind == OutcomeKind.ACTION],
        loose_notes=[
            outcome for outcome in page.loose_outcomes if outcome.kind != OutcomeKind.ACTION
        ],
    )


def sector_balance(rows) -> list[dict]:
    """Counts and shares per sector of attendance rows (or speaking turns)."""
    counts = Counter(row.sector or "" for row in rows)
    total = sum(counts.values())
    labels = dict(Sector.choices)
    result = []
    for sector, count in counts.most_common():
        result.append(
            {
                "sector": sector,
                "label": labels.get(sector, "") if sector else "",
                "count": count,
                "share": round(100 * count / total) if total else 0,
            }
        )
    return result


def meeting_people(*, meeting: Meeting) -> QuerySet[Person]:
    """The people a meeting's forms offer (attendance, presenters, action-item owners):
    invitees, the meeting's group, the initiative's members (those with a directory entry) and
    whoever is already marked present. One query with subqueries."""
    wanted = (
        Q(pk__in=meeting.attendance.values("person"))
        | Q(pk__in=meeting.invitees.exclude(person=None).values("person"))
        | Q(user__in=meeting.invitees.exclude(user=None).values("user"))
        | Q(user__in=Membership.objects.filter(initiative=meeting.initiative_id).values("user"))
    )
    if meeting.group_id:
        wanted |= Q(pk__in=GroupMember.objects.filter(group=meeting.group_id).values("person"))
    return Person.objects.filter(wanted)


def attendance_candidates(*, meeting: Meeting) -> list[Person]:
    """`meeting_people` with their affiliations, by name (the meeting page asks on every visit
    by a facilitator)."""
    return list(
        meeting_people(meeting=meeting)
        .prefetch_related(current_affiliations())
        .order_by("full_name", "pk")
    )


def action_items(
    *, user, owner_only: bool = False, status: str = "", initiative=None
) -> QuerySet[Outcome]:
    """Action items the user may see: in meetings they may see; `owner_only` keeps theirs."""
    items = Outcome.objects.filter(
        kind=OutcomeKind.ACTION, meeting__in=meetings_visible_to(user=user)
    ).select_related("owner", "meeting", "initiative")
    if owner_only:
        items = items.filter(owner__user=user) if user.is_authenticated else items.none()
    if initiative is not None:
        items = items.filter(initiative=initiative)
    if status == "open":
        items = items.filter(status__in=OPEN_ACTION_STATUSES)
    elif status:
        items = items.filter(status=status)
    return items.order_by("due_date", "meeting__starts_at", "pk")


def overdue_count(items) -> int:
    today = timezone.localdate()
    return sum(1 for item in items if item.is_open and item.due_date and item.due_date < today)


def participation(*, meeting: Meeting) -> dict:
    """Speaking turns by person, organisation and sector, with the people who came but did
    not speak (the silent ones are the point of watching the balance)."""
    turns = list(
        SpeakingTurn.objects.filter(meeting=meeting).select_related("person", "organisation")
    )
    by_person = Counter(turn.person_id for turn in turns)
    people = {turn.person_id: turn.person for turn in turns}
    silent = [
        row.person
        for row in meeting.attendance.select_related("person")
        if row.person_id not in by_person
    ]
    organisations = Counter(turn.organisation_id for turn in turns)
    org_names = {
        org.pk: org.name
        for org in Organisation.objects.filter(pk__in=[k for k in organisations if k])
    }
    total = len(turns)

    def rows(counter, label):
        return [
            {
                "label": label(key),
                "count": count,
                "share": round(100 * count / total) if total else 0,
            }
            for key, count in counter.most_common()
        ]

    sectors = dict(Sector.choices)
    return {
        "total": total,
        "people": rows(by_person, lambda key: people[key].full_name),
        "organisations": rows(organisations, lambda key: org_names.get(key, "")),
        "sectors": rows(Counter(turn.sector for turn in turns), lambda key: sectors.get(key, "")),
        "silent": silent,
    }


def turn_counts(*, meeting: Meeting) -> dict[int, int]:
    return dict(
        meeting.speaking_turns.values_list("person")
        .annotate(n=Count("pk"))
        .values_list("person", "n")
    )


def sector_balance_over_time(*, initiative, since: datetime.date | None = None) -> list[dict]:
    """Per held meeting: attendance count per sector (for the initiative's balance chart)."""
    rows = Attendance.objects.filter(
        meeting__initiative=initiative, meeting__status=MeetingStatus.HELD
    )
    if since:
        rows = rows.filter(meeting__starts_at__date__gte=since)
    data: dict[int, dict] = {}
    for meeting_id, title, starts_at, sector, count in (
        rows.values_list("meeting", "meeting__title", "meeting__starts_at", "sector")
        .annotate(n=Count("pk"))
        .order_by("meeting__starts_at", "meeting")
    ):
        entry = data.setdefault(
            meeting_id,
            {"pk": meeting_id, "title": title, "date": starts_at, "segments": [], "total": 0},
        )
        entry["segments"].append({"sector": sector, "count": count})
        entry["total"] += count
    labels = dict(Sector.choices)
    for entry in data.values():
        for segment in entry["segments"]:
            segment["label"] = labels.get(segment["sector"], "") or "—"
            segment["share"] = round(100 * segment["count"] / entry["total"], 1)
        entry["segments"].sort(key=lambda segment: -segment["count"])
    return list(data.values())


# --- My meetings and the calendar -----------------------------------------------------------

# The most meetings one calendar page or API answer lists: a month of a busy facilitator is a
# few dozen; the cap only keeps a pathological range from loading everything.
MY_MEETINGS_CAP = 1000


def my_meetings_between(
    *, user, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Meeting]:
    """The meetings the user may see that overlap [start, end), across their initiatives
    (drafts only where they facilitate, as on the meeting pages), in order, with their
    initiative: one query however many there are."""
    return (
        meetings_visible_to(user=user)
        .filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("initiative")
        .order_by("starts_at", "pk")[:MY_MEETINGS_CAP]
    )


def my_meetings_overview(*, user, upcoming: int = 20, recent_days: int = 30) -> dict:
    """The next meetings (not cancelled) and the recent ones (the last `recent_days`), for
    the My meetings page: two queries."""
    now = timezone.now()
    visible = meetings_visible_to(user=user).select_related("initiative")
    return {
        "upcoming": list(
            visible.filter(ends_at__gte=now)
            .exclude(status=MeetingStatus.CANCELLED)
            .order_by("starts_at", "pk")[:upcoming]
        ),
        "recent": list(
            visible.filter(
                ends_at__lt=now, starts_at__gte=now - datetime.timedelta(days=recent_days)
            ).order_by("-starts_at", "-pk")[:upcoming]
        ),
    }
