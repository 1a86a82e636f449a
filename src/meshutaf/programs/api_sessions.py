"""API endpoints for sessions, through the same gates and services as the pages: a cohort's
sessions (members), a session's attendance (staff read and mark), the participant's own QR
check-in, and a session's feedback (staff, only past the minimum number of answers)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema

from meshutaf.core.access import Action
from meshutaf.core.schemas import ErrorOut, Id

from . import checkin
from .models import Participant, Session
from .permissions import cohort_get_for_user, session_get_for_user
from .selectors import sessions as selectors
from .services import sessions as services

router = Router(tags=["programs"])


class SessionOut(Schema):
    id: int
    cohort_id: int
    number: int
    title: str
    kind: str
    kind_label: str
    description: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    required: bool
    facilitator: str | None
    meeting_id: int | None
    material_ids: list[int]


def _session_out(session: Session) -> SessionOut:
    return SessionOut(
        id=session.pk,
        cohort_id=session.cohort_id,
        number=session.number,
        title=session.title,
        kind=session.kind,
        kind_label=str(session.get_kind_display()),
        description=session.description,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        place=session.place,
        required=session.required,
        facilitator=session.facilitator.full_name if session.facilitator else None,
        meeting_id=session.meeting_id,
        material_ids=[document.pk for document in session.materials.all()],
    )


class AttendanceOut(Schema):
    participant_id: int
    name: str
    status: str | None
    method: str | None
    checked_in_at: datetime.datetime | None


class AttendanceIn(Schema):
    participant_id: Id
    status: str
    note: str = ""


class CheckinIn(Schema):
    token: str
    session_id: Id | None = None


class CheckinOut(Schema):
    session_id: int
    status: str
    method: str


class QuestionOut(Schema):
    code: str
    label: str
    answered: int
    mean: float | None
    distribution: dict[str, int]


class FeedbackOut(Schema):
    session_id: int
    responses: int
    needed: int
    enough: bool
    message: str
    questions: list[QuestionOut]
    comments: list[str]


@router.get("/programs/cohorts/{cohort_id}/sessions", response=list[SessionOut])
def session_list(request, cohort_id: Id):
    cohort, _role = cohort_get_for_user(user=request.user, pk=cohort_id)
    return [_session_out(session) for session in selectors.sessions_of(cohort=cohort)]


def _attendance_out(row: selectors.SheetRow) -> AttendanceOut:
    record = row.record
    return AttendanceOut(
        participant_id=row.participant.pk,
        name=row.participant.person.full_name,
        status=record.status if record else None,
        method=record.method if record else None,
        checked_in_at=record.checked_in_at if record else None,
    )


@router.get(
    "/programs/sessions/{session_id}/attendance",
    response={200: list[AttendanceOut], 403: ErrorOut},
)
def attendance_list(request, session_id: Id):
    session, _role = session_get_for_user(user=request.user, pk=session_id, action=Action.MANAGE)
    return [_attendance_out(row) for row in selectors.attendance_sheet(session=session)]


@router.post("/programs/sessions/{session_id}/attendance", response=AttendanceOut)
def attendance_mark(request, session_id: Id, payload: AttendanceIn):
    """The facilitator's marking: always accepted, and it replaces a QR check-in."""
    session, _role = session_get_for_user(user=request.user, pk=session_id, action=Action.MANAGE)
    participant = (
        Participant.objects.select_related("person")
        .filter(pk=payload.participant_id, cohort_id=session.cohort_id)
        .first()
    )
    if participant is None:
        raise ValidationError(
            {"participant_id": [_("This person does not take part in this session's cohort.")]}
        )
    services.attendance_mark(
        session=session,
        participant=participant,
        status=payload.status,
        by=request.user,
        note=payload.note,
    )
    return _attendance_out(selectors.attendance_row(session=session, participant=participant))


# 404: the code names a session the caller does not take part in.
@router.post("/programs/checkin", response={200: CheckinOut, 404: ErrorOut})
def checkin_scan(request, payload: CheckinIn):
    """The signed-in participant's check-in with the code on the screen."""
    try:
        code = checkin.read_token(payload.token, session_id=payload.session_id)
    except checkin.CheckinCodeError as error:
        raise ValidationError({"token": [error.message]}) from error
    session, _role = session_get_for_user(user=request.user, pk=code.session_id)
    record = services.attendance_checkin(session=session, user=request.user, token=payload.token)
    return CheckinOut(session_id=session.pk, status=record.status, method=record.method)


@router.get("/programs/sessions/{session_id}/feedback", response={200: FeedbackOut, 403: ErrorOut})
def feedback_results(request, session_id: Id):
    session, _role = session_get_for_user(user=request.user, pk=session_id, action=Action.MANAGE)
    results = selectors.feedback_results(cohort=session.cohort, session=session)
    return FeedbackOut(
        session_id=session.pk,
        responses=results.count,
        needed=results.needed,
        enough=results.enough,
        message=results.message,
        questions=[
            QuestionOut(
                code=question.code,
                label=question.label,
                answered=question.answered,
                mean=question.mean,
                distribution={str(score): n for score, n in question.distribution.items()},
            )
            for question in results.questions
        ],
        comments=results.comments,
    )
