"""Pages of a cohort's sessions: the timeline, a session, attendance on a phone, the rotating
check-in code and the participant's scan, certificates (with their public check), feedback
and self-assessment. Thin: gate, then a selector or a service, then the template."""

from __future__ import annotations

import copy
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from meshutaf.core.access import Action
from meshutaf.core.exports import csv_writer
from meshutaf.core.qr import qr_svg

from . import certificates, checkin, feedback
from .models import AssessmentMoment, AttendanceStatus, Participant, Session
from .permissions import (
    cohort_get_for_user,
    participant_for,
    participant_get_for_user,
    session_get_for_user,
    staff,
)
from .selectors import sessions as selectors
from .services import sessions as services
from .session_forms import CheckinOpenForm, FeedbackForm, SelfAssessmentForm, SessionForm


def _frame(cohort, page_title: str, **context) -> dict:
    return {
        "initiative": cohort.programme.initiative,
        "cohort": cohort,
        "nav": "sessions",
        "page_title": page_title,
        **context,
    }


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _int_or_zero(value) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 0


def _participant_or_403(user, cohort) -> Participant:
    participant = participant_for(user=user, cohort=cohort)
    if participant is None:
        raise PermissionDenied(_("Only the cohort's participants answer this."))
    return participant


# ---------------------------------------------------------------- sessions


@login_required
def session_list(request, pk: int):
    cohort, role = cohort_get_for_user(user=request.user, pk=pk)
    participant = participant_for(user=request.user, cohort=cohort)
    entries = selectors.session_timeline(cohort=cohort, now=timezone.now(), participant=participant)
    return render(
        request,
        "programs/sessions/timeline.html",
        _frame(
            cohort,
            _("Sessions"),
            entries=entries,
            is_staff=staff(role),
            participant=participant,
            statuses=dict(AttendanceStatus.choices),
        ),
    )


def _session_form_page(request, cohort, form, *, session=None):
    title = _("Edit session") if session else _("New session")
    return render(
        request,
        "programs/sessions/session_form.html",
        _frame(cohort, title, form=form, session=session),
    )


@login_required
def session_create(request, pk: int):
    cohort, _role = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = SessionForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            session = services.session_create(
                cohort=cohort,
                by=request.user,
                materials=data.pop("materials", ()),
                **data,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The session was added."))
            return redirect("programs:session", session.pk)
    return _session_form_page(request, cohort, form)


@login_required
def session_edit(request, pk: int):
    session, _role = session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    # The form gets a copy: validating a model form writes into its instance, and the
    # service must compare the stored session with what was posted.
    form = SessionForm(request.POST or None, instance=copy.copy(session), cohort=session.cohort)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(session=session, by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The session was saved."))
            return redirect("programs:session", session.pk)
    return _session_form_page(request, session.cohort, form, session=session)


@login_required
@require_POST
def session_delete(request, pk: int):
    session, _role = session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    cohort_id = session.cohort_id
    services.session_delete(session=session, by=request.user)
    messages.success(request, _("The session was deleted."))
    return redirect("programs:sessions", cohort_id)


@login_required
def session_detail(request, pk: int):
    session, role = session_get_for_user(user=request.user, pk=pk)
    cohort = session.cohort
    is_staff = staff(role)
    participant = participant_for(user=request.user, cohort=cohort)
    now = timezone.now()
    context = _frame(
        cohort,
        session.title,
        session=session,
        symbol=selectors.KIND_SYMBOLS.get(session.kind, "○"),
        materials=session.materials.order_by("title", "pk"),
        is_staff=is_staff,
        participant=participant,
        summary=selectors.attendance_summary(session=session) if is_staff else None,
        own=(
            selectors.own_attendance(session=session, participant=participant)
            if participant
            else None
        ),
        feedback_open=participant is not None and session.starts_at <= now,
        feedback_done=(
            participant is not None
            and services.feedback_answered(participant=participant, session=session)
        ),
        checkin_open=services.checkin_is_open(session, now),
        checkin_form=CheckinOpenForm(),
    )
    return render(request, "programs/sessions/session_detail.html", context)


# ---------------------------------------------------------------- attendance


@login_required
def attendance(request, pk: int):
    """The facilitator's sheet, made for a phone: one row per participant, four big buttons.
    With htmx a tap swaps only that row; without it the page posts and comes back."""
    session, _role = session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    if request.method == "POST":
        participant = get_object_or_404(
            Participant.objects.select_related("person"),
            pk=_int_or_zero(request.POST.get("participant")),
            cohort_id=session.cohort_id,
        )
        error = ""
        try:
            services.attendance_mark(
                session=session,
                participant=participant,
                status=request.POST.get("status", ""),
                by=request.user,
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        if request.htmx:
            return render(
                request,
                "programs/sessions/attendance.html#row",
                {
                    "row": selectors.attendance_row(session=session, participant=participant),
                    "session": session,
                    "statuses": AttendanceStatus.choices,
                    "error": error,
                },
                status=400 if error else 200,
            )
        if error:
            messages.error(request, error)
        return redirect(reverse("programs:attendance", args=[session.pk]) + f"#p{participant.pk}")
    return render(
        request,
        "programs/sessions/attendance.html",
        _frame(
            session.cohort,
            _("Attendance: %(session)s") % {"session": session.title},
            session=session,
            rows=selectors.attendance_sheet(session=session),
            summary=selectors.attendance_summary(session=session),
            statuses=AttendanceStatus.choices,
        ),
    )


@login_required
@require_POST
def checkin_open(request, pk: int):
    session, _role = session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = CheckinOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check-in can be open for between 1 minute and 12 hours."))
        return redirect("programs:session", session.pk)
    services.session_checkin_open(
        session=session, by=request.user, minutes=form.cleaned_data["minutes"]
    )
    return redirect("programs:checkin_screen", session.pk)


@login_required
@require_POST
def checkin_close(request, pk: int):
    session, _role = session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    services.session_checkin_close(session=session, by=request.user)
    messages.success(request, _("Check-in is closed. You can still mark people by hand."))
    return redirect("programs:session", session.pk)


def _code_context(request, session) -> dict:
    now = timezone.now()
    token = checkin.make_token(session.pk, now=now.timestamp())
    url = request.build_absolute_uri(reverse("programs:checkin", args=[token]))
    return {
        "session": session,
        "open": services.checkin_is_open(session, now),
        "url": url,
        "qr": qr_svg(url, label=_("QR code to check in to this session"), module_px=8),
        "refresh_in": checkin.seconds_to_next_step(now.timestamp()),
        "summary": selectors.attendance_summary(session=session),
    }


@login_required
@never_cache
def checkin_screen(request, pk: int):
    """For the projector: the code changes every 30 seconds, so a photo sent out of the
    room stops working within minutes."""
    session, _role = session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    context = _frame(session.cohort, _("Check in: %(session)s") % {"session": session.title})
    context.update(_code_context(request, session))
    return render(request, "programs/sessions/checkin_screen.html", context)


@login_required
@never_cache
def checkin_code(request, pk: int):
    session, _role = session_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    return render(
        request, "programs/sessions/checkin_screen.html#code", _code_context(request, session)
    )


@login_required
@never_cache
def checkin_scan(request, token: str):
    """Where the code leads. A signed-out phone is sent to sign in and back here. The scan
    is confirmed with one tap (a POST), so a link alone never marks anyone."""
    try:
        code = checkin.read_token(token)
    except checkin.CheckinCodeError as error:
        return render(
            request, "programs/sessions/checkin.html", {"error": error.message}, status=400
        )
    session = (
        Session.objects.select_related("cohort__programme__initiative")
        .filter(pk=code.session_id)
        .first()
    )
    if session is None:
        return render(
            request,
            "programs/sessions/checkin.html",
            {"error": checkin.CheckinCodeError("invalid").message},
            status=400,
        )
    context: dict = {"session": session, "token": token}
    if request.method == "POST":
        try:
            record = services.attendance_checkin(session=session, user=request.user, token=token)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            status = 403 if error.code == "not_participant" else 400
            return render(request, "programs/sessions/checkin.html", context, status=status)
        context["record"] = record
    return render(request, "programs/sessions/checkin.html", context)


# ---------------------------------------------------------------- certificates


@login_required
def certificate_list(request, pk: int):
    cohort, _role = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    if request.method == "POST":
        issued = services.certificates_issue(cohort=cohort, by=request.user)
        if issued:
            messages.success(request, _("%(count)s certificates issued.") % {"count": len(issued)})
        else:
            messages.info(request, _("No one else meets the attendance rule yet."))
        return redirect("programs:certificates", cohort.pk)
    rows = selectors.certificate_eligibility(cohort=cohort)
    return render(
        request,
        "programs/sessions/certificates.html",
        _frame(
            cohort,
            _("Certificates"),
            rows=rows,
            percent=int(cohort.attendance_required_share * 100),
            pending=sum(1 for row in rows if row.eligible and not row.certificate_code),
        ),
    )


@login_required
def certificate_download(request, pk: int):
    """A participant's own certificate (or any, for staff), in the viewer's language."""
    participant, _role = participant_get_for_user(user=request.user, pk=pk)
    certificate = getattr(participant, "certificate", None)
    if certificate is None:
        raise Http404(_("No certificate has been issued yet."))
    verify_url = request.build_absolute_uri(
        reverse("programs:certificate_verify", args=[certificate.code])
    )
    try:
        pdf = certificates.certificate_pdf(
            certificate=certificate,
            verify_url=verify_url,
            language=translation.get_language() or "en",
        )
    except certificates.CertificateUnavailableError as error:
        messages.error(request, str(error))
        return redirect("programs:sessions", participant.cohort_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = certificates.certificate_filename(certificate)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def certificate_verify(request, code: str):
    """Public: whoever holds a certificate may check it here. Only what the paper already
    says (name, programme, cohort, date) is shown."""
    certificate = selectors.certificate_by_code(code=code)
    return render(
        request,
        "programs/sessions/certificate_verify.html",
        {"certificate": certificate, "code": code},
        status=200 if certificate else 404,
    )


# ---------------------------------------------------------------- feedback


def _feedback_page(request, *, cohort, session, participant):
    kind = "session" if session else "final"
    form = FeedbackForm(request.POST or None, questions=feedback.questions_for(kind))
    done = services.feedback_answered(participant=participant, session=session)
    if request.method == "POST" and not done and form.is_valid():
        try:
            services.feedback_submit(
                participant=participant,
                session=session,
                ratings=form.ratings(),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Thank you: your answer was recorded anonymously."))
            return redirect(
                "programs:session" if session else "programs:sessions",
                session.pk if session else cohort.pk,
            )
    title = (
        _("Feedback: %(session)s") % {"session": session.title}
        if session
        else _("Feedback on the programme")
    )
    return render(
        request,
        "programs/sessions/feedback_form.html",
        _frame(cohort, title, form=form, session=session, done=done),
        status=400 if request.method == "POST" and form.errors else 200,
    )


@login_required
def feedback_session(request, pk: int):
    session, _role = session_get_for_user(user=request.user, pk=pk)
    participant = _participant_or_403(request.user, session.cohort)
    return _feedback_page(request, cohort=session.cohort, session=session, participant=participant)


@login_required
def feedback_final(request, pk: int):
    cohort, _role = cohort_get_for_user(user=request.user, pk=pk)
    participant = _participant_or_403(request.user, cohort)
    return _feedback_page(request, cohort=cohort, session=None, participant=participant)


@login_required
def feedback_results(request, pk: int):
    cohort, _role = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    return render(
        request,
        "programs/sessions/feedback_results.html",
        _frame(
            cohort,
            _("Feedback"),
            blocks=selectors.cohort_feedback(cohort=cohort),
            scale=feedback.SCALE,
        ),
    )


@login_required
def feedback_export(request, pk: int):
    """The same figures as the page, and the same threshold: below it, a row saying so
    and nothing else."""
    cohort, _role = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    stream = io.StringIO()
    writer = csv_writer(stream)
    writer.writerow(
        [_("Session"), _("Responses"), _("Question"), _("Mean"), "1", "2", "3", "4", "5", _("Note")]
    )
    for block in selectors.cohort_feedback(cohort=cohort):
        name = block.session.title if block.session else _("End of the programme")
        results = block.results
        if not results.enough:
            writer.writerow([name, results.count, "", "", "", "", "", "", "", results.message])
            continue
        for question in results.questions:
            writer.writerow(
                [name, results.count, question.label, question.mean]
                + [question.distribution[score] for score in feedback.SCALE]
                + [""]
            )
        for comment in results.comments:
            writer.writerow([name, results.count, _("Comment"), "", "", "", "", "", "", comment])
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cohort-{cohort.pk}-feedback.csv"'
    return response


# ---------------------------------------------------------------- self-assessment


@login_required
def self_assessment(request, pk: int):
    """The participant's own ratings: "before" while the programme starts; at the end,
    "after" and, on the same page, "looking back, where was I at the start"."""
    cohort, _role = cohort_get_for_user(user=request.user, pk=pk)
    participant = _participant_or_403(request.user, cohort)
    criteria = selectors.criteria_of(cohort=cohort)
    now = timezone.now()
    open_moments = [
        moment
        for moment in (AssessmentMoment.BEFORE, AssessmentMoment.AFTER, AssessmentMoment.THEN)
        if services.self_assessment_open(participant=participant, moment=moment, now=now)
    ]
    view = selectors.self_assessment_view(cohort=cohort, participant=participant)
    forms = {
        moment: SelfAssessmentForm(
            request.POST or None,
            criteria=criteria,
            prefix=moment,
            initial=view.own.get(moment, {}),
        )
        for moment in open_moments
    }
    if request.method == "POST" and forms and all(form.is_valid() for form in forms.values()):
        try:
            services.self_assessments_save(
                participant=participant,
                answers={moment: form.ratings() for moment, form in forms.items()},
                now=now,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your self-assessment was saved."))
            return redirect("programs:self_assessment", cohort.pk)
    return render(
        request,
        "programs/sessions/self_assessment.html",
        _frame(
            cohort,
            _("My self-assessment"),
            forms=[
                (moment, AssessmentMoment(moment).label, form) for moment, form in forms.items()
            ],
            view=view,
            criteria=criteria,
        ),
        status=400 if request.method == "POST" and any(f.errors for f in forms.values()) else 200,
    )


@login_required
def self_assessment_results(request, pk: int):
    cohort, _role = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    view = selectors.self_assessment_view(cohort=cohort)
    return render(
        request,
        "programs/sessions/self_assessment_results.html",
        _frame(cohort, _("Self-assessment"), view=view),
    )
