"""Writes for a cohort's sessions: the sessions themselves, attendance (marked by the
facilitator or by scanning the rotating code), certificates, feedback and self-assessment.
Each caller has already passed the object's gate (`permissions.py`); what only the person
themselves may do (check in, answer feedback, rate themselves) takes their Participant row.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meshutaf.core.services import model_delete, model_save, model_update

from .. import checkin, feedback
from ..certificates import meets_attendance_rule
from ..models import (
    AssessmentMoment,
    AttendanceStatus,
    Certificate,
    CheckinMethod,
    Cohort,
    FeedbackKind,
    FeedbackResponse,
    Participant,
    ParticipantStatus,
    SelfAssessment,
    Session,
    SessionAttendance,
)

SESSION_FIELDS = (
    "number",
    "title",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "facilitator",
    "required",
    "meeting",
)
# Scanning the code this long after the start counts as late.
LATE_AFTER = dt.timedelta(minutes=15)
CHECKIN_DEFAULT_MINUTES = 90
CHECKIN_MAX_MINUTES = 12 * 60
# Letters and digits no one misreads (no 0/O, 1/I/L) for a code typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


# ---------------------------------------------------------------- sessions


def _check_links(*, cohort: Cohort, meeting, materials: Iterable) -> list:
    initiative_id = cohort.programme.initiative_id
    if meeting is not None and meeting.initiative_id != initiative_id:
        raise ValidationError({"meeting": _("Choose a meeting of this initiative.")})
    documents = list(materials)
    if any(document.initiative_id != initiative_id for document in documents):
        raise ValidationError(
            {"materials": _("Materials must be documents of this initiative's knowledge base.")}
        )
    return documents


@transaction.atomic
def session_create(
    *,
    cohort: Cohort,
    by,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    number: int | None = None,
    materials: Iterable = (),
    **fields: Any,
) -> Session:
    """A session of the cohort; `number` defaults to the next one. `fields` may hold
    description, place, facilitator (a Person), required, meeting (of the same initiative)."""
    documents = _check_links(cohort=cohort, meeting=fields.get("meeting"), materials=materials)
    if number is None:
        number = (
            cohort.sessions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
    session = model_save(
        Session(
            cohort=cohort,
            number=number,
            title=(title or "").strip(),
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            **fields,
        ),
        by=by,
    )
    session.materials.set(documents)
    return session


@transaction.atomic
def session_update(*, session: Session, by, data: Mapping[str, Any]) -> Session:
    """Set the session's fields present in `data`; `materials` (documents) replaces the list."""
    documents = _check_links(
        cohort=session.cohort,
        meeting=data.get("meeting", session.meeting),
        materials=data.get("materials", ()),
    )
    session, _changed = model_update(instance=session, fields=SESSION_FIELDS, data=data, by=by)
    if "materials" in data:
        session.materials.set(documents)
    return session


@transaction.atomic
def session_delete(*, session: Session, by) -> None:
    model_delete(session, by=by)


@transaction.atomic
def session_checkin_open(
    *, session: Session, by, minutes: int = CHECKIN_DEFAULT_MINUTES, now: dt.datetime | None = None
) -> Session:
    """Participants may check in by scanning the screen's code for the next `minutes`."""
    if not 1 <= int(minutes) <= CHECKIN_MAX_MINUTES:
        raise ValidationError(
            _("Check-in can be open for between 1 minute and %(hours)s hours.")
            % {"hours": CHECKIN_MAX_MINUTES // 60}
        )
    session.checkin_open_until = (now or timezone.now()) + dt.timedelta(minutes=int(minutes))
    return model_save(session, by=by, update_fields=["checkin_open_until"])


@transaction.atomic
def session_checkin_close(*, session: Session, by) -> Session:
    session.checkin_open_until = None
    return model_save(session, by=by, update_fields=["checkin_open_until"])


def checkin_is_open(session: Session, now: dt.datetime | None = None) -> bool:
    return session.checkin_open_until is not None and (now or timezone.now()) <= (
        session.checkin_open_until
    )


# ---------------------------------------------------------------- attendance


def _active(participant: Participant, session: Session) -> None:
    if participant.cohort_id != session.cohort_id:
        raise ValidationError(_("This person does not take part in this session's cohort."))
    if participant.status == ParticipantStatus.WITHDRAWN:
        raise ValidationError(_("This participant has withdrawn from the cohort."))


@transaction.atomic
def attendance_mark(
    *, session: Session, participant: Participant, status: str, by, note: str = ""
) -> SessionAttendance:
    """The facilitator's marking. It always works (check-in open or not, before or after a
    scan) and replaces whatever a scan recorded: the person in the room decides."""
    _active(participant, session)
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": _("Choose present, late, excused or absent.")})
    record = (
        SessionAttendance.objects.select_for_update()
        .filter(session=session, participant=participant)
        .first()
    )
    if record is None:
        record = SessionAttendance(session=session, participant=participant)
    record.status = status
    record.method = CheckinMethod.FACILITATOR
    record.marked_by = by
    record.note = (note or "").strip()[:300]
    return model_save(record, by=by)


@transaction.atomic
def attendance_checkin(
    *, session: Session, user, token: str, now: dt.datetime | None = None
) -> SessionAttendance:
    """The signed-in participant scanned the session's code: present, or late from
    LATE_AFTER past the start. A second scan changes nothing, and a scan never replaces
    the facilitator's marking."""
    moment = now or timezone.now()
    try:
        checkin.read_token(token, session_id=session.pk, now=moment.timestamp())
    except checkin.CheckinCodeError as error:
        raise ValidationError(error.message, code=error.reason) from error
    if not checkin_is_open(session, moment):
        raise ValidationError(
            _("Check-in for this session is closed. Ask the facilitator to mark you."),
            code="closed",
        )
    participant = (
        Participant.objects.filter(cohort_id=session.cohort_id, user=user)
        .exclude(status=ParticipantStatus.WITHDRAWN)
        .first()
        if user is not None and user.is_authenticated
        else None
    )
    if participant is None:
        raise ValidationError(
            _("You are not a participant of this cohort, so you cannot check in to its sessions."),
            code="not_participant",
        )
    existing = SessionAttendance.objects.filter(session=session, participant=participant).first()
    if existing is not None:
        return existing
    status = (
        AttendanceStatus.LATE
        if moment > session.starts_at + LATE_AFTER
        else (AttendanceStatus.PRESENT)
    )
    try:
        with transaction.atomic():
            return model_save(
                SessionAttendance(
                    session=session,
                    participant=participant,
                    status=status,
                    method=CheckinMethod.QR,
                    checked_in_at=moment,
                ),
                by=user,
            )
    except (IntegrityError, ValidationError):
        # Two scans at once: the other one was recorded first.
        return SessionAttendance.objects.get(session=session, participant=participant)


# ---------------------------------------------------------------- certificates


def attended_required(*, participant: Participant) -> tuple[int, int]:
    """(required sessions attended, required sessions): present or late counts as
    attended; excused and absent do not (see certificates.py)."""
    required = Session.objects.filter(cohort_id=participant.cohort_id, required=True)
    attended = SessionAttendance.objects.filter(
        participant=participant,
        session__in=required,
        status__in=(AttendanceStatus.PRESENT, AttendanceStatus.LATE),
    ).count()
    return attended, required.count()


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@transaction.atomic
def certificate_issue(*, participant: Participant, by) -> Certificate:
    """A certificate for one participant who meets the cohort's attendance rule."""
    existing = Certificate.objects.filter(participant=participant).first()
    if existing is not None:
        return existing
    if participant.status == ParticipantStatus.WITHDRAWN:
        raise ValidationError(_("This participant has withdrawn from the cohort."))
    attended, required = attended_required(participant=participant)
    share = participant.cohort.attendance_required_share
    if not meets_attendance_rule(attended=attended, required=required, share=share):
        raise ValidationError(
            _(
                "%(name)s attended %(attended)s of %(required)s required sessions; a "
                "certificate needs %(percent)s%%."
            )
            % {
                "name": participant.person.full_name,
                "attended": attended,
                "required": required,
                "percent": int(share * 100),
            }
        )
    return Certificate.objects.create(participant=participant, code=_new_code(), issued_by=by)


@transaction.atomic
def certificates_issue(*, cohort: Cohort, by) -> list[Certificate]:
    """Certificates for every participant who meets the rule and has none yet."""
    issued = []
    participants = (
        Participant.objects.filter(cohort=cohort, certificate__isnull=True)
        .exclude(status=ParticipantStatus.WITHDRAWN)
        .select_related("person", "cohort")
    )
    for participant in participants:
        attended, required = attended_required(participant=participant)
        if meets_attendance_rule(
            attended=attended, required=required, share=cohort.attendance_required_share
        ):
            issued.append(certificate_issue(participant=participant, by=by))
    return issued


# ---------------------------------------------------------------- feedback


def _programme_ended(cohort: Cohort, moment: dt.datetime) -> bool:
    last = cohort.sessions.order_by("-starts_at").values_list("starts_at", flat=True).first()
    return cohort.phase == "completed" or (last is not None and last <= moment)


@transaction.atomic
def feedback_submit(
    *,
    participant: Participant,
    ratings: Mapping[str, object],
    comment: str = "",
    session: Session | None = None,
    now: dt.datetime | None = None,
) -> FeedbackResponse:
    """The participant's one answer to a session's feedback (once it has begun) or to the
    programme's final feedback (once its last session has begun). Stored with a keyed hash
    of who answered, never the participant."""
    moment = now or timezone.now()
    cohort = participant.cohort
    if participant.status == ParticipantStatus.WITHDRAWN:
        raise ValidationError(_("This participant has withdrawn from the cohort."))
    if session is not None:
        if session.cohort_id != participant.cohort_id:
            raise ValidationError(_("This session belongs to another cohort."))
        if session.starts_at > moment:
            raise ValidationError(_("Feedback on a session opens when the session begins."))
        kind = FeedbackKind.SESSION
    else:
        if not _programme_ended(cohort, moment):
            raise ValidationError(
                _("The programme's final feedback opens when its last session begins.")
            )
        kind = FeedbackKind.FINAL
    questions = feedback.questions_for(kind)
    try:
        clean = feedback.ratings_clean(ratings, questions.values)
    except ValueError as error:
        raise ValidationError(
            {str(error): _("Answer every question with a rating from 1 to 5.")}
        ) from error
    key = feedback.respondent_key(
        participant_id=participant.pk, session_id=session.pk if session else None
    )
    if FeedbackResponse.objects.filter(
        cohort=cohort, session=session, kind=kind, respondent_key=key
    ).exists():
        raise ValidationError(_("You have already answered this feedback. Thank you!"))
    comment_text = (comment or "").strip()
    if len(comment_text) > 4000:
        raise ValidationError({"comment": _("Keep the comment under 4,000 characters.")})
    return FeedbackResponse.objects.create(
        cohort=cohort,
        session=session,
        kind=kind,
        respondent_key=key,
        ratings=clean,
        comment=comment_text,
    )


def feedback_answered(*, participant: Participant, session: Session | None) -> bool:
    key = feedback.respondent_key(
        participant_id=participant.pk, session_id=session.pk if session else None
    )
    return FeedbackResponse.objects.filter(
        cohort_id=participant.cohort_id, session=session, respondent_key=key
    ).exists()


# ---------------------------------------------------------------- self-assessment


def self_assessment_open(*, participant: Participant, moment: str, now: dt.datetime) -> bool:
    """ "Before" until the first session has ended; "after" and "then" once the last session
    has begun (the end of the programme)."""
    cohort = participant.cohort
    if moment == AssessmentMoment.BEFORE:
        first_end = cohort.sessions.order_by("starts_at").values_list("ends_at", flat=True).first()
        return first_end is None or now <= first_end
    return _programme_ended(cohort, now)


@transaction.atomic
def self_assessment_save(
    *,
    participant: Participant,
    moment: str,
    ratings: Mapping[str, object],
    now: dt.datetime | None = None,
) -> SelfAssessment:
    """The participant's own rating of themselves on each of the cohort's rubric criteria,
    1–5, at one moment; saving again replaces it while that moment is open."""
    if moment not in AssessmentMoment.values:
        raise ValidationError({"moment": _("Choose before, after or looking back.")})
    version = participant.cohort.rubric_version
    if version is None:
        raise ValidationError(_("This cohort has no rubric to rate yourself against."))
    if not self_assessment_open(participant=participant, moment=moment, now=now or timezone.now()):
        if moment == AssessmentMoment.BEFORE:
            raise ValidationError(
                _("The self-assessment before the programme closed when its first session ended.")
            )
        raise ValidationError(
            _("The self-assessment at the end opens when the programme's last session begins.")
        )
    codes = list(version.criteria.order_by("order", "pk").values_list("code", flat=True))
    try:
        clean = feedback.ratings_clean(ratings, codes)
    except ValueError as error:
        raise ValidationError(
            {str(error): _("Rate yourself on every criterion from 1 to 5.")}
        ) from error
    record, _created = SelfAssessment.objects.update_or_create(
        participant=participant, moment=moment, defaults={"ratings": clean}
    )
    return record


@transaction.atomic
def self_assessments_save(
    *,
    participant: Participant,
    answers: Mapping[str, Mapping[str, object]],
    now: dt.datetime | None = None,
) -> list[SelfAssessment]:
    """Several moments at once ("after" and "then" at the end): all saved, or none."""
    return [
        self_assessment_save(participant=participant, moment=moment, ratings=ratings, now=now)
        for moment, ratings in answers.items()
    ]
