"""Pages for nominations: the staff's list, links and dossiers; the director-general's page
and the candidate's application, both reached by link without an account; the CV download.

Link pages never show who else was nominated, nor (to the candidate) who nominated them;
a link that never was answers 404, one that no longer works 410, and neither writes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from meshutaf.accounts.forms import SignupForm
from meshutaf.core.access import Action
from meshutaf.core.forms import apply_service_errors, error_text, form_submitted

from .models import (
    Application,
    CohortPhase,
    Decision,
    Nomination,
    NominatorInvitation,
    Participant,
    Review,
)
from .nomination_forms import (
    ApplicationForm,
    CandidateForm,
    ConsentForm,
    InvitationForm,
    RefereeFormSet,
    StaffNominationForm,
)
from .permissions import (
    cohort_get_for_user,
    invitation_get_for_user,
    nomination_get_for_user,
    recused,
    reviewer_for,
    staff,
)
from .selectors import nominations as selectors
from .services import enrolment
from .services import nominations as services

LINK_PROBLEM = "programs/nominations/link_problem.html"


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _frame(cohort, **context) -> dict:
    return {
        "initiative": cohort.programme.initiative,
        "cohort": cohort,
        "nav": "nominations",
        **context,
    }


# ---------------------------------------------------------------- staff


def _list_page(request, cohort, *, new_link: str = "", status: int = 200):
    return render(
        request,
        "programs/nominations/list.html",
        _frame(
            cohort,
            page_title=_("Nominations"),
            nominations=list(selectors.nomination_list(cohort=cohort)),
            counts=selectors.organisation_counts(cohort=cohort),
            invitations=list(selectors.invitation_list(cohort=cohort)),
            open=cohort.phase == CohortPhase.NOMINATION,
            max_anchors=services.MAX_CALIBRATION_ANCHORS,
            new_link=new_link,
            current_time=timezone.now(),
        ),
        status=status,
    )


@login_required
def nominations(request, pk: int):
    cohort = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    return _list_page(request, cohort)


@login_required
def invitation_new(request, pk: int):
    cohort = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = InvitationForm(request.POST or None)
    created = form_submitted(
        request,
        form,
        lambda _data: services.invitation_create(
            cohort=cohort, by=request.user, base_url=_base_url(request), **form.service_data()
        ),
    )
    if created:
        messages.success(
            request,
            _("The nomination link was sent to %(email)s.")
            % {"email": created.invitation.nominator_email},
        )
        return _list_page(
            request,
            cohort,
            new_link=services.nominate_url(created.raw_token, base_url=_base_url(request)),
        )
    return render(
        request,
        "programs/nominations/form.html",
        _frame(cohort, page_title=_("New nomination link"), form=form),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def invitation_revoke(request, pk: int):
    invitation = invitation_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("The nomination link was revoked."))
    return redirect("programs:nominations", invitation.cohort_id)


@login_required
@require_POST
def invitation_resend(request, pk: int):
    invitation: NominatorInvitation = invitation_get_for_user(
        user=request.user, pk=pk, action=Action.MANAGE
    ).obj
    try:
        created = services.invitation_resend(
            invitation=invitation, by=request.user, base_url=_base_url(request)
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("programs:nominations", invitation.cohort_id)
    messages.success(
        request,
        _("A new link was sent to %(email)s; the old one no longer works.")
        % {"email": invitation.nominator_email},
    )
    cohort = cohort_get_for_user(
        user=request.user, pk=invitation.cohort_id, action=Action.MANAGE
    ).obj
    return _list_page(
        request,
        cohort,
        new_link=services.nominate_url(created.raw_token, base_url=_base_url(request)),
    )


@login_required
def nomination_new(request, pk: int):
    cohort = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = StaffNominationForm(request.POST or None)
    created = form_submitted(
        request,
        form,
        lambda data: services.nomination_create(
            cohort=cohort, by=request.user, base_url=_base_url(request), **data
        ),
    )
    if created:
        messages.success(
            request,
            _("Nomination added; %(name)s was sent an application link.")
            % {"name": created.nomination.candidate_name},
        )
        return redirect("programs:nomination", created.nomination.pk)
    return render(
        request,
        "programs/nominations/form.html",
        _frame(cohort, page_title=_("Add a nomination"), form=form),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def nomination_calibration(request, pk: int):
    nomination = nomination_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    anchor = request.POST.get("anchor") == "1"
    try:
        services.nomination_calibration_set(nomination=nomination, by=request.user, anchor=anchor)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("Marked as a calibration dossier.")
            if anchor
            else _("No longer a calibration dossier."),
        )
    return redirect("programs:nominations", nomination.cohort_id)


@login_required
@require_POST
def nomination_resend(request, pk: int):
    nomination = nomination_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    try:
        services.nomination_resend_application_link(
            nomination=nomination, by=request.user, base_url=_base_url(request)
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("A new application link was sent to %(email)s; the old one no longer works.")
            % {"email": nomination.candidate_email},
        )
    return redirect("programs:nomination", nomination.pk)


@login_required
def nomination_detail(request, pk: int):
    nomination = nomination_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    dossier = selectors.nomination_dossier(nomination=nomination)
    return render(
        request,
        "programs/nominations/dossier.html",
        _frame(
            nomination.cohort,
            page_title=nomination.candidate_name,
            dossier=dossier,
            nomination=nomination,
            open=nomination.cohort.phase == CohortPhase.NOMINATION,
        ),
    )


def _may_read_cv(*, user, nomination: Nomination, role) -> bool:
    """Staff, or a reviewer given this candidate and not recused from them."""
    if staff(role):
        return True
    reviewer = reviewer_for(user=user, cohort=nomination.cohort)
    if reviewer is None:
        return False
    assigned = Review.objects.filter(reviewer=reviewer, nomination=nomination).exists()
    return assigned and not recused(reviewer=reviewer, nomination_id=nomination.pk)


@login_required
def nomination_cv(request, pk: int):
    nomination, role = nomination_get_for_user(user=request.user, pk=pk, action=Action.VIEW)
    # Anyone else gets 404, as if there were no CV: a recused reviewer learns nothing.
    if not _may_read_cv(user=request.user, nomination=nomination, role=role):
        raise Http404
    application = Application.objects.filter(nomination=nomination).first()
    if application is None or not application.cv:
        raise Http404
    if not staff(role) and application.submitted_at is None:
        raise Http404
    try:
        handle = application.cv.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=application.cv_name or "cv.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# ---------------------------------------------------------------- by link


def _problem_page(request, problem: services.Problem):
    return render(request, LINK_PROBLEM, {"problem": problem.message}, status=problem.status)


@never_cache
def nominate(request, token: str):
    """The nominator's page: what the programme asks for, how many places remain, a form per
    candidate, and their own candidates' status."""
    invitation = services.invitation_find(raw_token=token)
    problem = services.invitation_problem(invitation)
    if problem or invitation is None:
        return _problem_page(request, problem)  # type: ignore[arg-type]
    form = CandidateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        created = form_submitted(
            request,
            form,
            lambda data: services.nomination_create_by_link(
                invitation=invitation, base_url=_base_url(request), **data
            ),
        )
        if created:
            messages.success(
                request,
                _("%(name)s was nominated and will receive an e-mail with their application link.")
                % {"name": created.nomination.candidate_name},
            )
            return redirect("programs:nominate", token)
        status = 400
    cohort = invitation.cohort
    return render(
        request,
        "programs/nominations/nominate.html",
        {
            "invitation": invitation,
            "cohort": cohort,
            "programme": cohort.programme,
            "criteria": selectors.cohort_criteria(cohort=cohort),
            "remaining": services.invitation_remaining(invitation),
            "candidates": list(selectors.invitation_candidates(invitation=invitation)),
            "form": form,
        },
        status=status,
    )


def _join(request, nomination: Nomination, token: str):
    """A selected candidate's link: sign in, or create an account (the link came to the
    candidate's e-mail, which the account takes), and take the place in the cohort."""
    participant = (
        Participant.objects.filter(nomination=nomination)
        .select_related("cohort__programme")
        .first()
    )
    action = request.POST.get("action") if request.method == "POST" else None
    signup_form = SignupForm(
        request.POST if action == "signup" else None,
        initial={"username": nomination.candidate_email},
    )
    if action == "join" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if action == "join" or (action == "signup" and signup_form.is_valid()):
        try:
            if action == "signup":
                user = enrolment.participant_join_with_signup(
                    nomination=nomination,
                    username=signup_form.cleaned_data["username"],
                    password=signup_form.cleaned_data["password1"],
                    first_name=signup_form.cleaned_data["first_name"],
                    last_name=signup_form.cleaned_data["last_name"],
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                enrolment.participant_join(nomination=nomination, user=request.user)
        except ValidationError as error:
            if action == "signup":
                apply_service_errors(signup_form, error)
            else:
                messages.error(request, error_text(error))
        else:
            messages.success(request, _("Welcome to the cohort."))
            return redirect("programs:cohort", nomination.cohort_id)
    return render(
        request,
        "programs/nominations/join.html",
        {
            "nomination": nomination,
            "cohort": nomination.cohort,
            "programme": nomination.cohort.programme,
            "participant": participant,
            "joined": participant is not None and participant.user_id is not None,
            "mine": participant is not None
            and participant.user_id is not None
            and participant.user_id == request.user.pk,
            "signup_form": signup_form,
        },
        status=400 if action == "signup" and signup_form.errors else 200,
    )


@never_cache
def apply(request, token: str):
    """The candidate's page: consent or decline first, then the application (a draft until
    submitted, read-only after)."""
    nomination = services.nomination_find(raw_token=token)
    problem = services.candidate_problem(nomination)
    if problem or nomination is None:
        return _problem_page(request, problem)  # type: ignore[arg-type]
    if nomination.decision == Decision.SELECTED:
        return _join(request, nomination, token)
    editable = services.application_editable(nomination)
    application = Application.objects.filter(nomination=nomination).first()
    consent_form = ConsentForm()
    form = ApplicationForm(
        initial={
            "statement": application.statement if application else "",
            "leadership_example": application.leadership_example if application else "",
        }
    )
    referees = RefereeFormSet(
        prefix="referees",
        initial=[
            {name: getattr(referee, name) for name in services.REFEREE_FIELDS}
            for referee in (application.referees.all() if application else [])
        ],
    )
    status = 200
    if request.method == "POST" and editable:
        action = request.POST.get("action", "")
        try:
            if action == "decline":
                services.candidate_decline(nomination=nomination)
                return render(
                    request, "programs/nominations/declined.html", {"cohort": nomination.cohort}
                )
            if action == "consent":
                consent_form = ConsentForm(request.POST)
                if consent_form.is_valid():
                    services.candidate_consent(nomination=nomination)
                    return redirect("programs:apply", token)
                status = 400
            elif action in ("save", "submit") and nomination.consent_at is not None:
                form = ApplicationForm(request.POST, request.FILES)
                referees = RefereeFormSet(request.POST, prefix="referees")
                if form.is_valid() and referees.is_valid():
                    try:
                        services.application_save(
                            nomination=nomination,
                            statement=form.cleaned_data["statement"],
                            leadership_example=form.cleaned_data["leadership_example"],
                            cv=form.cleaned_data.get("cv") or None,
                            referees=[row for row in referees.cleaned_data if row],
                            submit=action == "submit",
                        )
                    except ValidationError as error:
                        apply_service_errors(form, error)
                    else:
                        messages.success(
                            request,
                            _("Your application was submitted. Thank you.")
                            if action == "submit"
                            else _(
                                "Your draft was saved. You can come back to this link to finish it."
                            ),
                        )
                        return redirect("programs:apply", token)
                status = 400
        except ValidationError as error:
            messages.error(request, error_text(error))
            status = 400
    return render(
        request,
        "programs/nominations/apply.html",
        {
            "nomination": nomination,
            "cohort": nomination.cohort,
            "programme": nomination.cohort.programme,
            "application": application,
            "referee_list": list(application.referees.all()) if application else [],
            "editable": editable,
            "consented": nomination.consent_at is not None,
            "consent_form": consent_form,
            "form": form,
            "referees": referees,
            "cv_max": services.CV_MAX_BYTES,
        },
        status=status,
    )
