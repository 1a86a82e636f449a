"""Reads for sessions: the cohort's timeline, a session's attendance sheet and summary, a
participant's own attendance, who meets the certificate rule, and the feedback and
self-assessment figures (always through `feedback.py`'s threshold)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .. import feedback
from ..certificates import meets_attendance_rule
from ..models import (
    AssessmentMoment,
    AttendanceStatus,
    Certificate,
    Cohort,
    Criterion,
    FeedbackKind,
    FeedbackResponse,
    Participant,
    ParticipantStatus,
    SelfAssessment,
    Session,
    SessionAttendance,
)

# A mark beside the kind's name, so the kind never rests on colour alone.
KIND_SYMBOLS = {
    "case_study": "◆",
    "field_tour": "▲",
    "expert_lecture": "●",
    "peer_learning": "■",
    "other": "○",
}
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


def sessions_of(*, cohort: Cohort) -> QuerySet[Session]:
    return (
        Session.objects.filter(cohort=cohort)
        .select_related("facilitator", "meeting")
        .prefetch_related("materials")
        .order_by("starts_at", "number", "pk")
    )


@dataclass
class TimelineEntry:
    session: Session
    symbol: str
    past: bool
    next: bool
    current: bool
    own_status: str = ""


def session_timeline(
    *, cohort: Cohort, now: dt.datetime, participant: Participant | None = None
) -> list[TimelineEntry]:
    """The sessions in order, with the one under way or next marked; a participant's own
    attendance beside each."""
    sessions = list(sessions_of(cohort=cohort))
    own: dict[int, str] = {}
    if participant is not None:
        own = dict(
            SessionAttendance.objects.filter(participant=participant).values_list(
                "session_id", "status"
            )
        )
    entries = []
    next_found = False
    for session in sessions:
        current = session.starts_at <= now <= session.ends_at
        past = session.ends_at < now
        is_next = not past and not next_found
        next_found = next_found or is_next
        entries.append(
            TimelineEntry(
                session=session,
                symbol=KIND_SYMBOLS.get(session.kind, "○"),
                past=past,
                next=is_next and not current,
                current=current,
                own_status=own.get(session.pk, ""),
            )
        )
    return entries


def active_participants(*, cohort_id: int) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(cohort_id=cohort_id)
        .exclude(status=ParticipantStatus.WITHDRAWN)
        .select_related("person")
        .order_by("person__full_name", "pk")
    )


@dataclass
class SheetRow:
    participant: Participant
    record: SessionAttendance | None

    @property
    def status(self) -> str:
        return self.record.status if self.record else ""


def attendance_sheet(*, session: Session) -> list[SheetRow]:
    """One row per active participant, with their attendance if any (two queries)."""
    records = {
        record.participant_id: record
        for record in SessionAttendance.objects.filter(session=session)
    }
    return [
        SheetRow(participant=participant, record=records.get(participant.pk))
        for participant in active_participants(cohort_id=session.cohort_id)
    ]


def attendance_row(*, session: Session, participant: Participant) -> SheetRow:
    return SheetRow(
        participant=participant,
        record=SessionAttendance.objects.filter(session=session, participant=participant).first(),
    )


def attendance_summary(*, session: Session) -> dict[str, int]:
    counts = Counter(
        SessionAttendance.objects.filter(session=session).values_list("status", flat=True)
    )
    total = active_participants(cohort_id=session.cohort_id).count()
    summary = {status: counts.get(status, 0) for status in AttendanceStatus.values}
    summary["unmarked"] = max(total - sum(counts.values()), 0)
    summary["total"] = total
    return summary


def own_attendance(*, session: Session, participant: Participant) -> SessionAttendance | None:
    return SessionAttendance.objects.filter(session=session, participant=participant).first()


@dataclass
class Eligibility:
    participant: Participant
    attended: int
    required: int
    eligible: bool
    certificate_code: str = ""
    held: int = 0  # required sessions that have begun: while fewer than `required`, the
    # cohort is still running and the rule can only be read "so far"

    @property
    def running(self) -> bool:
        return self.held < self.required

    @property
    def percent(self) -> int:
        return round(100 * self.attended / self.required) if self.required else 0


def certificate_eligibility(*, cohort: Cohort) -> list[Eligibility]:
    """Every active participant against the attendance rule, in two queries."""
    required_sessions = Session.objects.filter(cohort=cohort, required=True)
    required = required_sessions.count()
    held = required_sessions.filter(starts_at__lte=timezone.now()).count()
    participants = (
        active_participants(cohort_id=cohort.pk)
        .annotate(
            attended=Count(
                "attendance",
                filter=Q(attendance__session__required=True, attendance__status__in=ATTENDED),
            )
        )
        .select_related("certificate")
    )
    rows = []
    for participant in participants:
        certificate = getattr(participant, "certificate", None)
        rows.append(
            Eligibility(
                participant=participant,
                attended=participant.attended,
                required=required,
                eligible=meets_attendance_rule(
                    attended=participant.attended,
                    required=required,
                    share=cohort.attendance_required_share,
                ),
                certificate_code=certificate.code if certificate else "",
                held=held,
            )
        )
    return rows


def certificate_by_code(*, code: str) -> Certificate | None:
    from_code = (code or "").strip().upper()
    return (
        Certificate.objects.select_related("participant__person", "participant__cohort__programme")
        .filter(code=from_code)
        .first()
    )


# ---------------------------------------------------------------- feedback


def feedback_results(*, cohort: Cohort, session: Session | None = None) -> feedback.FeedbackResults:
    """The session's (or, without one, the final) feedback, thresholded."""
    kind = FeedbackKind.SESSION if session is not None else FeedbackKind.FINAL
    responses = FeedbackResponse.objects.filter(cohort=cohort, kind=kind, session=session)
    pairs = [
        (ratings or {}, comment) for ratings, comment in responses.values_list("ratings", "comment")
    ]
    return feedback.feedback_results(
        responses=pairs,
        questions=feedback.questions_for(kind),
        minimum=cohort.feedback_min_responses,
    )


@dataclass
class FeedbackBlock:
    session: Session | None
    results: feedback.FeedbackResults
    title: str = ""


def cohort_feedback(*, cohort: Cohort) -> list[FeedbackBlock]:
    """Each session's feedback, then the final, in one query for all the answers."""
    by_session: dict[int | None, list[tuple[dict, str]]] = {}
    for session_id, ratings, comment in FeedbackResponse.objects.filter(cohort=cohort).values_list(
        "session_id", "ratings", "comment"
    ):
        by_session.setdefault(session_id, []).append((ratings or {}, comment))
    blocks = []
    for session in Session.objects.filter(cohort=cohort).order_by("starts_at", "number", "pk"):
        blocks.append(
            FeedbackBlock(
                session=session,
                results=feedback.feedback_results(
                    responses=by_session.get(session.pk, []),
                    questions=feedback.SessionQuestion,
                    minimum=cohort.feedback_min_responses,
                ),
            )
        )
    blocks.append(
        FeedbackBlock(
            session=None,
            results=feedback.feedback_results(
                responses=by_session.get(None, []),
                questions=feedback.FinalQuestion,
                minimum=cohort.feedback_min_responses,
            ),
        )
    )
    return blocks


# ---------------------------------------------------------------- self-assessment


def criteria_of(*, cohort: Cohort) -> list[Criterion]:
    if cohort.rubric_version_id is None:
        return []
    return list(
        Criterion.objects.filter(version_id=cohort.rubric_version_id).order_by("order", "pk")
    )


@dataclass
class ShiftView:
    summary: feedback.ShiftSummary
    names: dict[str, str] = field(default_factory=dict)
    own: dict[str, dict[str, int]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def self_assessment_view(*, cohort: Cohort, participant: Participant | None = None) -> ShiftView:
    """For a participant, their own ratings and changes; without one, the cohort's means,
    each left empty until the cohort's feedback threshold of people answered."""
    criteria = criteria_of(cohort=cohort)
    codes = [criterion.code for criterion in criteria]
    records = SelfAssessment.objects.filter(participant__cohort=cohort)
    if participant is not None:
        records = records.filter(participant=participant)
    by_participant: dict[int, dict[str, dict[str, int]]] = {}
    for participant_id, moment, ratings in records.values_list(
        "participant_id", "moment", "ratings"
    ):
        by_participant.setdefault(participant_id, {})[moment] = ratings or {}
    summary = feedback.self_assessment_shift(
        by_participant=by_participant,
        criteria=codes,
        minimum=1 if participant is not None else cohort.feedback_min_responses,
    )
    own = by_participant.get(participant.pk, {}) if participant is not None else {}
    notices = []
    if participant is None:
        for moment, label in AssessmentMoment.choices:
            if summary.message(moment):
                notices.append(f"{label}: {summary.message(moment)}")
    return ShiftView(
        summary=summary, names={c.code: c.name for c in criteria}, own=own, notices=notices
    )
