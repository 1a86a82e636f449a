"""Three years of a roundtable's meetings for the demo workspace: a monthly series with
agendas, minutes, attendance, decisions, action items (done, open and overdue), insights and
speaking turns, so the meeting pages, the search, the charts and the summary report have
something real-looking to show. Part of `meshutaf demo`; the agenda, topics and insights are in
data/meetings.toml. Deterministic for a given seed."""

import datetime as dt
import random
import zoneinfo
from typing import NamedTuple

from django.utils import timezone

from meshutaf.core.access import Role
from meshutaf.demo.data import data_read, strings, text
from meshutaf.directory.models import Person
from meshutaf.initiatives.models import Initiative, Membership
from meshutaf.initiatives.services import membership_add
from meshutaf.knowledge.services import insight_create
from meshutaf.meetings import services
from meshutaf.meetings.models import ActionStatus, MeetingStatus, Outcome, OutcomeKind

ZONE = zoneinfo.ZoneInfo("Asia/Jerusalem")


class Topic(NamedTuple):
    title: str
    minutes: str  # of the meeting's main agenda item
    decision: str
    action: str


class InsightSpec(NamedTuple):
    title: str
    body: str
    tags: tuple[str, ...]
    key: bool


def agenda_template() -> list[dict[str, str | int]]:
    """The series' agenda template: items with a title and minutes."""
    return [
        {"title": text(item, "title"), "minutes": int(item["minutes"])}
        for item in data_read("meetings")["agenda"]
    ]


def main_item_title() -> str:
    """The agenda item each meeting's topic replaces."""
    return text(data_read("meetings"), "main_item")


def topics() -> tuple[Topic, ...]:
    return tuple(
        Topic(text(t, "title"), text(t, "minutes"), text(t, "decision"), text(t, "action"))
        for t in data_read("meetings")["topic"]
    )


def insights() -> tuple[InsightSpec, ...]:
    return tuple(
        InsightSpec(text(i, "title"), text(i, "body"), strings(i["tags"]), bool(i["key"]))
        for i in data_read("meetings")["insight"]
    )


def _people(initiative: Initiative) -> list[Person]:
    """The people who sit at this roundtable: its groups' members and its members' entries."""
    people = {
        member.person
        for group in initiative.groups.prefetch_related("memberships__person")
        for member in group.memberships.all()
    }
    people |= set(Person.objects.filter(user__memberships__initiative=initiative))
    return sorted(people, key=lambda person: person.pk)


def build_meetings(*, initiative: Initiative, facilitator, partner, rng: random.Random) -> None:
    """Meetings every five to seven weeks from three years ago until two upcoming ones."""
    if not Membership.objects.filter(initiative=initiative, user=partner).exists():
        membership_add(initiative=initiative, by=facilitator, user=partner, role=Role.PARTICIPANT)
    partner_person = services.person_for_user(user=partner, by=facilitator)
    series = services.series_create(
        initiative=initiative,
        by=facilitator,
        title="מליאת השולחן העגול",
        recurrence="monthly",
        duration_minutes=120,
        venue="משרד הרווחה, ירושלים",
        agenda_template=agenda_template(),
    )
    people = _people(initiative)
    meeting_topics = topics()
    main_title = main_item_title()
    today = timezone.localdate()
    day = today - dt.timedelta(days=3 * 365)
    number = 0
    while day < today + dt.timedelta(days=60):
        number += 1
        start = dt.datetime.combine(day, dt.time(10, 0), tzinfo=ZONE)
        held = start < timezone.now()
        topic, minutes, decision, action = meeting_topics[(number - 1) % len(meeting_topics)]
        meeting = services.meeting_create(
            initiative=initiative,
            by=facilitator,
            series=series,
            title=f"מליאה {number}: {topic}",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            status=MeetingStatus.HELD if held else MeetingStatus.SCHEDULED,
            description=f"הנושא המרכזי: {topic}.",
        )
        users = [
            person.user
            for person in people
            if person.user is not None
            and person.user.memberships.filter(initiative=initiative).exists()
        ]
        services.invitees_add(meeting=meeting, by=facilitator, users=users, send=False)
        if not held:
            day += dt.timedelta(days=rng.choice((35, 42, 49)))
            continue
        present = rng.sample(people, k=max(3, int(len(people) * rng.uniform(0.55, 0.9))))
        if partner_person not in present and rng.random() < 0.6:
            present.append(partner_person)
        services.attendance_set(meeting=meeting, by=facilitator, people=present)
        items = list(meeting.agenda_items.order_by("position"))
        main = next(item for item in items if item.title == main_title)
        services.agenda_item_update(
            item=main, by=facilitator, data={"title": topic, "minutes": minutes}
        )
        services.outcome_create(
            meeting=meeting,
            by=facilitator,
            kind=OutcomeKind.DECISION,
            text=decision,
            agenda_item=main,
        )
        services.outcome_create(
            meeting=meeting,
            by=facilitator,
            kind=OutcomeKind.INFORMATION,
            text=f"נכחו {len(present)} משתתפים.",
        )
        owners = [partner_person] if number % 3 == 0 else []
        owners.append(rng.choice(present))
        for owner in owners:
            item = services.outcome_create(
                meeting=meeting,
                by=facilitator,
                kind=OutcomeKind.ACTION,
                text=action,
                agenda_item=main,
                owner=owner,
                due_date=day + dt.timedelta(days=rng.choice((14, 21, 30))),
            )
            age = (today - day).days
            # Older items were mostly closed; the last few months' are still moving.
            if (age > 120 and rng.random() < 0.85) or (age > 45 and rng.random() < 0.5):
                status = ActionStatus.DONE if rng.random() < 0.9 else ActionStatus.DROPPED
                services.action_item_set_status(item=item, by=facilitator, status=status)
                closed = dt.datetime.combine(
                    day + dt.timedelta(days=rng.randint(7, 40)),
                    dt.time(12),
                    tzinfo=ZONE,
                )
                Outcome.objects.filter(pk=item.pk).update(closed_at=min(closed, timezone.now()))
            elif rng.random() < 0.3:
                services.action_item_set_status(
                    item=item, by=facilitator, status=ActionStatus.IN_PROGRESS
                )
        speakers = present[:]
        for _turn in range(rng.randint(15, 30)):
            # A few voices dominate, as they tend to.
            person = speakers[min(int(rng.expovariate(0.5)), len(speakers) - 1)]
            services.speaking_turn_add(meeting=meeting, by=facilitator, person=person)
        day += dt.timedelta(days=rng.choice((35, 42, 49)))
    for index, (title, body, tags, key) in enumerate(insights()):
        meeting = initiative.meetings.filter(status=MeetingStatus.HELD).order_by("starts_at")[
            index * 5
        ]
        insight_create(
            initiative=initiative,
            by=facilitator,
            title=title,
            body=body,
            tags=list(tags),
            is_key=key,
            meeting=meeting,
        )
