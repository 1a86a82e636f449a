"""The summary's numbers on a small history: what falls inside the range and what does not."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from meshutaf.knowledge.models import Document, Insight
from meshutaf.reports.selectors import initiative_summary, report_default_range
from tests.factories import InitiativeFactory, PhaseFactory

from .conftest import FROM, TO
from .factories import (
    ActionFactory,
    AttendanceFactory,
    InsightFactory,
    MeetingFactory,
    local,
)


@pytest.fixture
def summary(history):
    return initiative_summary(initiative=history.initiative, date_from=FROM, date_to=TO)


def test_meetings_held_in_range_only(summary):
    assert [row.title for row in summary.meetings] == ["Roundtable Alpha", "מפגש מרץ", "סיכום"]
    assert [row.date for row in summary.meetings] == [
        datetime.date(2024, 1, 15),
        datetime.date(2024, 3, 10),
        datetime.date(2024, 6, 30),
    ]
    assert [row.attendance_count for row in summary.meetings] == [3, 3, 1]
    assert summary.meetings[1].kind == "forum"
    assert summary.meetings_held == 3
    assert summary.attendance_total == 7
    assert summary.people_count == 6  # Dana came twice
    assert summary.average_attendance == pytest.approx(7 / 3)


def test_attendance_by_sector_per_month(summary):
    assert summary.granularity == "month"
    assert [period.start for period in summary.periods] == [
        datetime.date(2024, month, 1) for month in range(1, 7)
    ]
    assert summary.periods[-1].end == datetime.date(2024, 6, 30)
    # Sectors in the directory's order, those with nobody left out, "not recorded" last.
    assert summary.sectors == ["government", "civil_society", "business", "academia", ""]
    january, february, march = summary.periods[:3]
    assert [cell.count for cell in january.cells] == [2, 1, 0, 0, 0]
    assert [cell.share for cell in january.cells] == [66.7, 33.3, 0, 0, 0]
    assert january.meeting_count == 1
    assert february.total == 0
    assert [cell.count for cell in march.cells] == [1, 0, 1, 0, 1]
    assert [cell.count for cell in summary.periods[5].cells] == [0, 0, 0, 1, 0]
    assert [cell.count for cell in summary.sector_totals] == [3, 1, 1, 1, 1]
    assert summary.sector_totals[0].share == pytest.approx(42.9)
    assert str(summary.sector_labels[-1]) == "Sector not recorded"


def test_decisions_and_action_items(summary, history):
    assert [row.text for row in summary.decisions] == ["Adopt the action framework", "החלטה אחרונה"]
    assert summary.decisions[0].meeting_title == "Roundtable Alpha"
    assert summary.decisions[1].date == datetime.date(2024, 6, 30)

    assert [row.text for row in summary.actions_opened] == [
        "Send the draft",
        "Map the residents",
        "Plan the launch",
    ]
    assert summary.actions_opened[1].owner_name == "יוסף כהן"
    assert summary.actions_opened[2].status_label == "In progress"

    assert [row.text for row in summary.actions_closed] == ["Send the draft", "Dropped in May"]
    assert summary.actions_closed[0].closed_on == datetime.date(2024, 2, 5)
    assert (summary.actions_done, summary.actions_dropped) == (1, 1)

    # Overdue as the range ended: still open, or closed only after the end.
    assert [row.text for row in summary.actions_overdue] == [
        "Closed after the range",
        "Map the residents",
    ]
    assert summary.actions_overdue[1].days_late == (TO - datetime.date(2024, 3, 1)).days


def test_overdue_is_judged_at_the_end_of_the_range(history):
    early = initiative_summary(
        initiative=history.initiative, date_from=FROM, date_to=datetime.date(2024, 2, 15)
    )
    # "Send the draft" was due 1 February and closed on the 5th: not overdue by the 15th.
    # "Map the residents" is due 1 March: not yet due on 15 February.
    assert [row.text for row in early.actions_overdue] == ["Closed after the range"]


def test_key_insights_and_phases(summary):
    assert [row.title for row in summary.key_insights] == [
        "Residents trust the municipality more than expected"
    ]
    insight = summary.key_insights[0]
    assert insight.tags == ["trust", "עירייה"]
    assert insight.meeting_title == "Roundtable Alpha"
    assert insight.date == datetime.date(2024, 2, 1)
    assert [row.name for row in summary.phases] == ["פורום שותפים", "Working teams", "Launch"]
    assert summary.phases[0].goals == "Agree on a work plan"


def test_quarters_for_long_ranges(history):
    summary = initiative_summary(
        initiative=history.initiative,
        date_from=datetime.date(2022, 2, 10),
        date_to=datetime.date(2024, 7, 5),
    )
    assert summary.granularity == "quarter"
    assert summary.periods[0].start == datetime.date(2022, 2, 10)  # cut to the range
    assert summary.periods[0].end == datetime.date(2022, 3, 31)
    assert summary.periods[1].start == datetime.date(2022, 4, 1)
    assert summary.periods[-1].start == datetime.date(2024, 7, 1)
    assert summary.periods[-1].end == datetime.date(2024, 7, 5)
    assert len(summary.periods) == 11
    assert summary.periods[0].label == "Q1 2022"
    by_start = {period.start: period for period in summary.periods}
    assert by_start[datetime.date(2023, 10, 1)].total == 1  # the evening of 31 December 2023
    assert by_start[datetime.date(2024, 1, 1)].total == 6
    assert by_start[datetime.date(2024, 4, 1)].total == 1
    assert by_start[datetime.date(2024, 7, 1)].total == 1  # just after midnight, 1 July


@pytest.mark.parametrize(
    ("date_to", "granularity"),
    [(datetime.date(2024, 6, 30), "month"), (datetime.date(2024, 7, 1), "quarter")],
)
def test_eighteen_months_is_the_longest_monthly_range(initiative, date_to, granularity):
    summary = initiative_summary(
        initiative=initiative, date_from=datetime.date(2023, 1, 1), date_to=date_to
    )
    assert summary.granularity == granularity


def test_a_single_day(history):
    day = datetime.date(2024, 6, 30)
    summary = initiative_summary(initiative=history.initiative, date_from=day, date_to=day)
    assert [row.title for row in summary.meetings] == ["סיכום"]
    assert len(summary.periods) == 1
    assert summary.periods[0].start == summary.periods[0].end == day


def test_empty_initiative(initiative):
    summary = initiative_summary(initiative=initiative, date_from=FROM, date_to=TO)
    assert summary.meetings == []
    assert summary.attendance_total == 0
    assert summary.sectors == []
    assert all(period.total == 0 and period.cells == [] for period in summary.periods)
    assert summary.average_attendance == 0


@pytest.mark.parametrize(
    ("date_from", "date_to", "message"),
    [
        (datetime.date(2024, 2, 1), datetime.date(2024, 1, 31), "cannot be after its end"),
        (datetime.date(1800, 1, 1), datetime.date(2024, 1, 31), "Choose dates between"),
        (datetime.date(2024, 1, 1), datetime.date(9999, 12, 31), "Choose dates between"),
        (datetime.date(1950, 1, 1), datetime.date(2024, 1, 31), "at most 30 years"),
    ],
)
def test_bad_ranges_are_refused(initiative, date_from, date_to, message):
    with pytest.raises(ValidationError, match=message):
        initiative_summary(initiative=initiative, date_from=date_from, date_to=date_to)


def test_the_message_is_translated(initiative):
    from django.utils import translation

    with translation.override("he"), pytest.raises(ValidationError) as error:
        initiative_summary(
            initiative=initiative,
            date_from=datetime.date(2024, 2, 1),
            date_to=datetime.date(2024, 1, 1),
        )
    assert error.value.messages  # a message, in whatever the catalogue has


@time_machine.travel(local(2024, 5, 20), tick=False)
def test_default_range_is_the_span_with_activity(initiative):
    """Not the initiative's start: a roundtable started in 2014 whose first recorded meeting
    is in 2023 gets a report from 2023, not 39 empty quarters first."""
    today = datetime.date(2024, 5, 20)
    initiative.start_date = datetime.date(2014, 3, 1)
    initiative.save()
    # Nothing recorded yet: today alone.
    assert report_default_range(initiative=initiative) == (today, today)
    # A phase and a draft or cancelled meeting are plans, not activity.
    PhaseFactory(initiative=initiative, start_date=datetime.date(2014, 3, 1))
    MeetingFactory(initiative=initiative, status="draft", starts_at=local(2015, 1, 1))
    MeetingFactory(initiative=initiative, status="cancelled", starts_at=local(2016, 1, 1))
    assert report_default_range(initiative=initiative) == (today, today)

    first = MeetingFactory(initiative=initiative, starts_at=local(2023, 9, 3))
    assert report_default_range(initiative=initiative) == (
        datetime.date(2023, 9, 3),
        datetime.date(2023, 9, 3),
    )
    # The last activity ends the range: here an action item closed in January.
    ActionFactory(meeting=first, status="done", closed_at=local(2024, 1, 10))
    assert report_default_range(initiative=initiative) == (
        datetime.date(2023, 9, 3),
        datetime.date(2024, 1, 10),
    )
    # An item falling due belongs in the report (it may be overdue by then).
    ActionFactory(meeting=first, due_date=datetime.date(2024, 2, 1))
    # Insights and documents are activity too, whatever their meeting.
    insight = InsightFactory(initiative=initiative)
    Insight.objects.filter(pk=insight.pk).update(created_at=local(2023, 6, 1))
    document = Document.objects.create(
        initiative=initiative, title="Protocol", file="documents/x.pdf", file_type="pdf"
    )
    Document.objects.filter(pk=document.pk).update(created_at=local(2024, 3, 15))
    assert report_default_range(initiative=initiative) == (
        datetime.date(2023, 6, 1),
        datetime.date(2024, 3, 15),
    )
    # Scheduled meetings to come end the range today, not in the future.
    MeetingFactory(initiative=initiative, status="scheduled", starts_at=local(2024, 9, 1))
    assert report_default_range(initiative=initiative) == (datetime.date(2023, 6, 1), today)
    # Another initiative's activity does not count.
    MeetingFactory(starts_at=local(2020, 1, 1))
    assert report_default_range(initiative=initiative)[0] == datetime.date(2023, 6, 1)


@time_machine.travel(local(2024, 5, 20), tick=False)
def test_default_range_of_future_activity_is_today(initiative):
    MeetingFactory(initiative=initiative, status="scheduled", starts_at=local(2024, 9, 1))
    today = datetime.date(2024, 5, 20)
    assert report_default_range(initiative=initiative) == (today, today)


def test_default_range_reads_a_fixed_number_of_queries(history, django_assert_num_queries):
    with django_assert_num_queries(4):
        report_default_range(initiative=history.initiative)


def test_query_count_does_not_grow_with_meetings(db, django_assert_num_queries):
    def summary_with(count):
        initiative = InitiativeFactory()
        for day in range(count):
            meeting = MeetingFactory(initiative=initiative, starts_at=local(2024, 1, 1 + day % 28))
            AttendanceFactory(meeting=meeting, sector="government")
        return initiative

    small, large = summary_with(3), summary_with(30)
    with django_assert_num_queries(8):
        initiative_summary(initiative=small, date_from=FROM, date_to=TO)
    with django_assert_num_queries(8):
        initiative_summary(initiative=large, date_from=FROM, date_to=TO)
