"""Taking part: attendance per session, certificates, feedback and self-assessment.

Feedback is anonymous to facilitators: a response stores a keyed hash of who answered (so
nobody answers twice), never the participant; and no figure or comment is shown until at
least the cohort's threshold of people answered (`feedback_min_responses`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meshutaf.core.models import TimeStampedModel

from .cohorts import Cohort, Participant, Session


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class CheckinMethod(models.TextChoices):
    QR = "qr", _("QR code")
    FACILITATOR = "facilitator", _("Marked by the facilitator")


class SessionAttendance(TimeStampedModel):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    method = models.CharField(_("how"), max_length=12, choices=CheckinMethod.choices)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="programs_attendance_once"
            )
        ]


class Certificate(models.Model):
    """A certificate of completion, issued once the attendance rule is met; its code lets
    anyone holding the PDF confirm it on the site."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(_("verification code"), max_length=24, unique=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.code


class FeedbackKind(models.TextChoices):
    SESSION = "session", _("After a session")
    FINAL = "final", _("End of the programme")


class FeedbackResponse(TimeStampedModel):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="feedback")
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="feedback"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FeedbackKind.choices)
    respondent_key = models.CharField(max_length=64, editable=False)
    ratings = models.JSONField(_("ratings"), default=dict)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["cohort", "session", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "session", "kind", "respondent_key"],
                name="programs_feedback_once",
            ),
            models.UniqueConstraint(
                fields=["cohort", "kind", "respondent_key"],
                condition=Q(session__isnull=True),
                name="programs_final_feedback_once",
            ),
            models.CheckConstraint(
                condition=(Q(kind="session") & Q(session__isnull=False))
                | (Q(kind="final") & Q(session__isnull=True)),
                name="programs_feedback_kind",
            ),
        ]


class AssessmentMoment(models.TextChoices):
    BEFORE = "before", _("Before the programme")
    AFTER = "after", _("After the programme")
    THEN = "then", pgettext_lazy("retrospective self-assessment", "Looking back: where I was")


class SelfAssessment(TimeStampedModel):
    """A participant's rating of themselves on the rubric's criteria. "Then" is asked at the
    end, about the start: comparing it with "after" corrects for the response shift (people
    rate their starting point lower once they know more)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="self_assessments"
    )
    moment = models.CharField(_("when"), max_length=8, choices=AssessmentMoment.choices)
    ratings = models.JSONField(_("ratings"), default=dict)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "moment"], name="programs_self_assessment_once"
            )
        ]
