"""A small initiative history, January–June 2024, with meetings, attendance, outcomes,
insights and phases placed on both sides of the range's edges."""

import datetime
from types import SimpleNamespace

import pytest

from tests.factories import InitiativeFactory, PersonFactory, PhaseFactory

from .factories import (
    ActionFactory,
    AttendanceFactory,
    InsightFactory,
    MeetingFactory,
    OutcomeFactory,
    local,
)

FROM = datetime.date(2024, 1, 1)
TO = datetime.date(2024, 6, 30)


@pytest.fixture
def history(initiative):
    dana = PersonFactory(full_name="Dana Levi")
    yosef = PersonFactory(full_name="יוסף כהן")
    first = MeetingFactory(
        initiative=initiative, title="Roundtable Alpha", starts_at=local(2024, 1, 15)
    )
    second = MeetingFactory(
        initiative=initiative, title="מפגש מרץ", kind="forum", starts_at=local(2024, 3, 10)
    )
    # The last evening of the range, local time.
    last = MeetingFactory(
        initiative=initiative, title="סיכום", starts_at=local(2024, 6, 30, 21, 30)
    )
    # Just outside: the evening before the range, and just after midnight after it (which is
    # still 30 June in UTC).
    before = MeetingFactory(
        initiative=initiative, title="Before", starts_at=local(2023, 12, 31, 23, 30)
    )
    after = MeetingFactory(initiative=initiative, title="After", starts_at=local(2024, 7, 1, 0, 30))
    cancelled = MeetingFactory(
        initiative=initiative, title="Cancelled", status="cancelled", starts_at=local(2024, 2, 1)
    )
    MeetingFactory(
        initiative=initiative, title="Scheduled", status="scheduled", starts_at=local(2024, 4, 1)
    )
    elsewhere = MeetingFactory(title="Elsewhere", starts_at=local(2024, 2, 2))

    AttendanceFactory(meeting=first, person=dana, sector="government")
    AttendanceFactory(meeting=first, sector="government")
    AttendanceFactory(meeting=first, person=yosef, sector="civil_society")
    AttendanceFactory(meeting=second, person=dana, sector="government")
    AttendanceFactory(meeting=second, sector="business")
    AttendanceFactory(meeting=second, sector="")
    AttendanceFactory(meeting=last, sector="academia")
    for meeting in (before, after, cancelled, elsewhere):
        AttendanceFactory(meeting=meeting, sector="media")

    OutcomeFactory(meeting=first, text="Adopt the action framework")
    OutcomeFactory(meeting=last, text="החלטה אחרונה")
    OutcomeFactory(meeting=cancelled, text="Never decided")
    OutcomeFactory(meeting=elsewhere, text="Another initiative's decision")

    done = ActionFactory(
        meeting=first,
        text="Send the draft",
        owner=dana,
        due_date=datetime.date(2024, 2, 1),
        status="done",
        closed_at=local(2024, 2, 5),
    )
    late = ActionFactory(
        meeting=first, text="Map the residents", owner=yosef, due_date=datetime.date(2024, 3, 1)
    )
    not_yet_due = ActionFactory(
        meeting=second,
        text="Plan the launch",
        owner=dana,
        due_date=datetime.date(2024, 8, 1),
        status="in_progress",
    )
    closed_later = ActionFactory(
        meeting=before,
        text="Closed after the range",
        owner=dana,
        due_date=datetime.date(2024, 1, 10),
        status="done",
        closed_at=local(2024, 9, 1),
    )
    dropped = ActionFactory(
        meeting=before,
        text="Dropped in May",
        owner=dana,
        status="dropped",
        closed_at=local(2024, 5, 5),
    )
    ActionFactory(
        meeting=before,
        text="Old and closed",
        owner=dana,
        due_date=datetime.date(2023, 12, 1),
        status="done",
        closed_at=local(2023, 12, 20),
    )
    ActionFactory(
        meeting=after, text="Opened after the range", owner=dana, due_date=datetime.date(2024, 6, 1)
    )
    ActionFactory(meeting=elsewhere, owner=dana, due_date=datetime.date(2024, 1, 1))

    key = InsightFactory(
        initiative=initiative,
        title="Residents trust the municipality more than expected",
        body="שורה ראשונה\nשורה שנייה",
        tags=["trust", "עירייה"],
        meeting=first,
        created_at=local(2024, 2, 1),
    )
    InsightFactory(initiative=initiative, title="Old insight", created_at=local(2023, 6, 1))
    InsightFactory(
        initiative=initiative, title="Not key", is_key=False, created_at=local(2024, 2, 1)
    )
    InsightFactory(title="Elsewhere insight", created_at=local(2024, 2, 1))

    PhaseFactory(
        initiative=initiative,
        order=1,
        name="Mapping",
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2023, 12, 31),
    )
    forum = PhaseFactory(
        initiative=initiative,
        order=2,
        name="פורום שותפים",
        goals="Agree on a work plan",
        start_date=datetime.date(2023, 10, 1),
        end_date=datetime.date(2024, 2, 29),
    )
    teams = PhaseFactory(
        initiative=initiative, order=3, name="Working teams", start_date=datetime.date(2024, 5, 1)
    )
    undated = PhaseFactory(initiative=initiative, order=4, name="Launch")
    PhaseFactory(initiative=initiative, order=5, name="Later", start_date=datetime.date(2024, 7, 1))
    PhaseFactory(initiative=InitiativeFactory(), name="Other initiative's phase")

    return SimpleNamespace(
        initiative=initiative,
        meetings=[first, second, last],
        actions={
            "done": done,
            "late": late,
            "not_yet_due": not_yet_due,
            "closed_later": closed_later,
            "dropped": dropped,
        },
        insight=key,
        phases=[forum, teams, undated],
    )
