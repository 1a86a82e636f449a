"""The numbers of an initiative's summary report for a date range, read in a fixed number of
queries (never one per meeting), as plain dataclasses that every output format renders.

What counts, and why:
- Meetings: those *held* (status "held") whose start, in the site's time zone, falls on a day
  in the range. Decisions and the action items "opened" are the outcomes of those meetings.
- Action items "closed": closed (done or dropped) at a moment inside the range, whichever
  meeting opened them, so a three-year report shows the work finished in those years.
- Action items "overdue": as the range *ended*, not as things stand today, so a report on a
  past year does not change when an old item is closed later. An item counts when its meeting
  started by the end of the range, its due date is before the last day, and it was still open
  then: open or in progress now, or closed only after the range ended. An item marked done or
  dropped without a closing time is taken as closed.
- Key insights: marked as key and written (created) inside the range.
- Phases: every phase whose dates overlap the range; a missing date is open-ended.
"""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Min, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meshutaf.directory.models import Sector
from meshutaf.initiatives.models import Initiative, Phase
from meshutaf.knowledge.models import Document, Insight
from meshutaf.measurement.permissions import Viewer
from meshutaf.meetings.models import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    Attendance,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Outcome,
    OutcomeKind,
)

from . import scorecard
from .scorecard import FrameworkScorecard

# Ranges up to this many calendar months are shown month by month, longer ones by quarter.
MONTHLY_UP_TO = 18
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2199, 12, 31)
MAX_YEARS = 30

NO_SECTOR = ""
SECTOR_ORDER = [*Sector.values, NO_SECTOR]
SECTOR_LABELS = {**dict(Sector.choices), NO_SECTOR: gettext_lazy("Sector not recorded")}
MEETING_KIND_LABELS = dict(MeetingKind.choices)
ACTION_STATUS_LABELS = dict(ActionStatus.choices)
CLOSED_ACTION_STATUSES = (ActionStatus.DONE, ActionStatus.DROPPED)


@dataclass(frozen=True)
class MeetingRow:
    id: int
    date: datetime.date
    title: str
    kind: str
    attendance_count: int

    @property
    def kind_label(self) -> str:
        return str(MEETING_KIND_LABELS.get(self.kind, self.kind))


@dataclass(frozen=True)
class SectorCell:
    sector: str
    count: int
    share: float  # percent of the period's attendance, 0–100

    @property
    def label(self) -> str:
        return str(SECTOR_LABELS.get(self.sector, self.sector))


@dataclass(frozen=True)
class Period:
    """One bucket of the attendance chart: a calendar month or a calendar quarter."""

    start: datetime.date
    end: datetime.date  # the last day
    granularity: str  # "month" or "quarter"
    cells: list[SectorCell]
    total: int
    meeting_count: int

    @property
    def label(self) -> str:
        if self.granularity == "quarter":
            return _("Q%(quarter)s %(year)s") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        return formats.date_format(self.start, "YEAR_MONTH_FORMAT")

    @property
    def short_label(self) -> str:
        if self.granularity == "quarter":
            return self.label
        return self.start.strftime("%m/%y")


@dataclass(frozen=True)
class DecisionRow:
    text: str
    meeting_title: str
    date: datetime.date


@dataclass(frozen=True)
class ActionRow:
    text: str
    owner_name: str
    status: str
    due_date: datetime.date | None
    meeting_title: str
    meeting_date: datetime.date
    closed_on: datetime.date | None
    days_late: int | None = None  # at the end of the range, for overdue items

    @property
    def status_label(self) -> str:
        return str(ACTION_STATUS_LABELS.get(self.status, self.status))


@dataclass(frozen=True)
class InsightRow:
    title: str
    body: str
    tags: list[str]
    date: datetime.date
    meeting_title: str
    phase_name: str


@dataclass(frozen=True)
class PhaseRow:
    name: str
    order: int
    goals: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    outcome_summary: str


@dataclass
class Summary:
    initiative: Initiative
    date_from: datetime.date
    date_to: datetime.date
    granularity: str
    meetings: list[MeetingRow]
    attendance_total: int
    people_count: int
    sectors: list[str]
    periods: list[Period]
    sector_totals: list[SectorCell]
    decisions: list[DecisionRow]
    actions_opened: list[ActionRow]
    actions_closed: list[ActionRow]
    actions_overdue: list[ActionRow]
    key_insights: list[InsightRow]
    phases: list[PhaseRow]
    generated_at: datetime.datetime = field(default_factory=timezone.now)
    # Shared measurement's scorecards as the report's reader sees them (`scorecard.py`).
    scorecards: list[FrameworkScorecard] = field(default_factory=list)

    @property
    def meetings_held(self) -> int:
        return len(self.meetings)

    @property
    def average_attendance(self) -> float:
        return self.attendance_total / len(self.meetings) if self.meetings else 0.0

    @property
    def actions_done(self) -> int:
        return sum(1 for row in self.actions_closed if row.status == ActionStatus.DONE)

    @property
    def actions_dropped(self) -> int:
        return sum(1 for row in self.actions_closed if row.status == ActionStatus.DROPPED)

    @property
    def sector_labels(self) -> list[str]:
        return [str(SECTOR_LABELS.get(sector, sector)) for sector in self.sectors]

    @property
    def has_content(self) -> bool:
        """Whether any section beyond the headline figures has something to show."""
        return bool(
            self.meetings
            or self.phases
            or self.decisions
            or self.actions_opened
            or self.actions_closed
            or self.actions_overdue
            or self.key_insights
            or self.scorecards
        )


def report_range_validate(*, date_from: datetime.date, date_to: datetime.date) -> None:
    if not (EARLIEST <= date_from <= LATEST and EARLIEST <= date_to <= LATEST):
        raise ValidationError(
            _("Choose dates between %(first)s and %(last)s.")
            % {"first": EARLIEST.year, "last": LATEST.year},
            code="out_of_bounds",
        )
    if date_from > date_to:
        raise ValidationError(
            _("The start of the period cannot be after its end."), code="reversed"
        )
    if date_to.year - date_from.year > MAX_YEARS:
        raise ValidationError(
            _("A report can cover at most %(years)s years.") % {"years": MAX_YEARS},
            code="too_long",
        )


def report_default_range(*, initiative: Initiative) -> tuple[datetime.date, datetime.date]:
    """The span that has something to report: from the initiative's first dated activity to
    its last, never past today; today alone while nothing is recorded.

    Not the initiative's start: a roundtable founded years before anyone recorded a meeting
    here would open its first report with years of empty quarters. Activity is a meeting
    held or scheduled (not a draft or a cancelled one), an action item closed or falling
    due, an insight written and a document added; phases are plans, not activity."""
    today = timezone.localdate()
    dates: list[datetime.date] = []

    def add(*values) -> None:
        for value in values:
            if isinstance(value, datetime.datetime):
                value = timezone.localdate(value)
            if value is not None:
                dates.append(value)

    meetings = Meeting.objects.filter(
        initiative=initiative, status__in=(MeetingStatus.HELD, MeetingStatus.SCHEDULED)
    ).aggregate(first=Min("starts_at"), last=Max("starts_at"))
    add(meetings["first"], meetings["last"])
    actions = Outcome.objects.filter(initiative=initiative, kind=OutcomeKind.ACTION).aggregate(
        first_closed=Min("closed_at"),
        last_closed=Max("closed_at"),
        first_due=Min("due_date"),
        last_due=Max("due_date"),
    )
    add(*actions.values())
    for model in (Insight, Document):
        written = model.objects.filter(initiative=initiative).aggregate(
            first=Min("created_at"), last=Max("created_at")
        )
        add(written["first"], written["last"])
    if not dates:
        return today, today
    start = min(min(dates), today)
    return start, max(start, min(max(dates), today))


def _day_bounds(date_from, date_to) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(date_to, datetime.time.max, tzinfo=zone)
    return start, end


def _month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _periods(date_from, date_to) -> tuple[str, list[tuple[datetime.date, datetime.date]]]:
    """Calendar months (or quarters for long ranges) covering the range, empty ones too, so
    the chart shows the gaps; the first and last are cut to the range."""
    months = _month_index(date_to) - _month_index(date_from) + 1
    granularity, step = ("month", 1) if months <= MONTHLY_UP_TO else ("quarter", 3)
    index = _month_index(date_from)
    index -= index % step
    buckets = []
    while index <= _month_index(date_to):
        start = datetime.date(index // 12, index % 12 + 1, 1)
        following = index + step
        end = datetime.date(following // 12, following % 12 + 1, 1) - datetime.timedelta(days=1)
        buckets.append((max(start, date_from), min(end, date_to)))
        index = following
    return granularity, buckets


def _cells(counts: dict[str, int], sectors: list[str]) -> tuple[list[SectorCell], int]:
    total = sum(counts.values())
    return [
        SectorCell(
            sector=sector,
            count=counts.get(sector, 0),
            share=round(100 * counts.get(sector, 0) / total, 1) if total else 0.0,
        )
        for sector in sectors
    ], total


def _action_row(outcome: Outcome, *, days_late: int | None = None) -> ActionRow:
    return ActionRow(
        text=outcome.text,
        owner_name=outcome.owner.full_name if outcome.owner else "",
        status=outcome.status,
        due_date=outcome.due_date,
        meeting_title=outcome.meeting.title,
        meeting_date=timezone.localdate(outcome.meeting.starts_at),
        closed_on=timezone.localdate(outcome.closed_at) if outcome.closed_at else None,
        days_late=days_late,
    )


def initiative_summary(
    *,
    initiative: Initiative,
    date_from: datetime.date,
    date_to: datetime.date,
    viewer: Viewer | None = None,
) -> Summary:
    """Everything the summary report shows, for an initiative the caller may already see.
    The scorecards need to know who reads the report (`viewer`); without one there are none."""
    report_range_validate(date_from=date_from, date_to=date_to)
    start, end = _day_bounds(date_from, date_to)

    held = Meeting.objects.filter(
        initiative=initiative,
        status=MeetingStatus.HELD,
        starts_at__gte=start,
        starts_at__lte=end,
    )
    meetings = list(held.order_by("starts_at", "pk").values("id", "title", "kind", "starts_at"))

    by_meeting: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Attendance.objects.filter(meeting__in=held.values("pk"))
        .values("meeting_id", "sector")
        .annotate(count=Count("id"))
        .order_by()
    ):
        sector = row["sector"] if row["sector"] in SECTOR_LABELS else NO_SECTOR
        counts = by_meeting[row["meeting_id"]]
        counts[sector] = counts.get(sector, 0) + row["count"]
    people_count = (
        Attendance.objects.filter(meeting__in=held.values("pk"))
        .values("person_id")
        .distinct()
        .count()
    )

    meeting_rows = [
        MeetingRow(
            id=meeting["id"],
            date=timezone.localdate(meeting["starts_at"]),
            title=meeting["title"],
            kind=meeting["kind"],
            attendance_count=sum(by_meeting.get(meeting["id"], {}).values()),
        )
        for meeting in meetings
    ]

    granularity, buckets = _periods(date_from, date_to)
    bucket_counts: list[dict[str, int]] = [defaultdict(int) for _bucket in buckets]
    bucket_meetings = [0] * len(buckets)
    bucket_starts = [bucket[0] for bucket in buckets]
    overall: dict[str, int] = defaultdict(int)
    for row in meeting_rows:
        position = _bucket_of(row.date, bucket_starts)
        bucket_meetings[position] += 1
        for sector, count in by_meeting.get(row.id, {}).items():
            bucket_counts[position][sector] += count
            overall[sector] += count
    sectors = [sector for sector in SECTOR_ORDER if overall.get(sector)]
    periods = []
    for (first_day, last_day), counts, meeting_count in zip(
        buckets, bucket_counts, bucket_meetings, strict=True
    ):
        cells, total = _cells(counts, sectors)
        periods.append(
            Period(
                start=first_day,
                end=last_day,
                granularity=granularity,
                cells=cells,
                total=total,
                meeting_count=meeting_count,
            )
        )
    sector_totals, attendance_total = _cells(overall, sectors)

    decisions, opened = [], []
    for outcome in (
        Outcome.objects.filter(
            initiative=initiative,
            kind__in=(OutcomeKind.DECISION, OutcomeKind.ACTION),
            meeting__in=held.values("pk"),
        )
        .select_related("meeting", "owner")
        .order_by("meeting__starts_at", "pk")
    ):
        if outcome.kind == OutcomeKind.DECISION:
            decisions.append(
                DecisionRow(
                    text=outcome.text,
                    meeting_title=outcome.meeting.title,
                    date=timezone.localdate(outcome.meeting.starts_at),
                )
            )
        else:
            opened.append(_action_row(outcome))

    actions = Outcome.objects.filter(initiative=initiative, kind=OutcomeKind.ACTION)
    closed = [
        _action_row(outcome)
        for outcome in actions.filter(
            status__in=CLOSED_ACTION_STATUSES, closed_at__gte=start, closed_at__lte=end
        )
        .select_related("meeting", "owner")
        .order_by("closed_at", "pk")
    ]
    overdue = [
        _action_row(outcome, days_late=(date_to - outcome.due_date).days)
        for outcome in actions.filter(
            Q(status__in=OPEN_ACTION_STATUSES)
            | Q(status__in=CLOSED_ACTION_STATUSES, closed_at__gt=end),
            meeting__starts_at__lte=end,
            due_date__lt=date_to,
        )
        .select_related("meeting", "owner")
        .order_by("due_date", "pk")
    ]

    insights = [
        InsightRow(
            title=insight.title,
            body=insight.body,
            tags=[str(tag) for tag in insight.tags] if isinstance(insight.tags, list) else [],
            date=timezone.localdate(insight.created_at),
            meeting_title=insight.meeting.title if insight.meeting else "",
            phase_name=insight.phase.name if insight.phase else "",
        )
        for insight in Insight.objects.filter(
            initiative=initiative, is_key=True, created_at__gte=start, created_at__lte=end
        )
        .select_related("meeting", "phase")
        .order_by("created_at", "pk")
    ]

    phases = [
        PhaseRow(
            name=phase.name,
            order=phase.order,
            goals=phase.goals,
            start_date=phase.start_date,
            end_date=phase.end_date,
            outcome_summary=phase.outcome_summary,
        )
        for phase in Phase.objects.filter(initiative=initiative)
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=date_to))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=date_from))
        .order_by("order", "start_date", "pk")
    ]

    return Summary(
        initiative=initiative,
        date_from=date_from,
        date_to=date_to,
        granularity=granularity,
        meetings=meeting_rows,
        attendance_total=attendance_total,
        people_count=people_count,
        sectors=sectors,
        periods=periods,
        sector_totals=sector_totals,
        decisions=decisions,
        actions_opened=opened,
        actions_closed=closed,
        actions_overdue=overdue,
        key_insights=insights,
        phases=phases,
        scorecards=scorecard.scorecards(viewer=viewer, initiative=initiative, date_to=date_to)
        if viewer is not None
        else [],
    )


def _bucket_of(day: datetime.date, starts: list[datetime.date]) -> int:
    return max(bisect.bisect_right(starts, day) - 1, 0)
