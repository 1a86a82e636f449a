"""Reviewing's pages: the cohort's reviewers and conflicts (staff), the reviewer's queue,
the review form (the rubric and the dossier on one screen) and a candidate's discussion
record. What a reviewer sees of a candidate is `visibility`'s decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from meshutaf.core.access import Action, role_allows
from meshutaf.core.forms import apply_service_errors, error_text

from .models import Cohort, Conflict, Nomination, ReviewPhase
from .permissions import (
    cohort_get_for_user,
    review_get_for_user,
    reviewer_get_for_user,
)
from .review_forms import (
    DeclareForm,
    NoteForm,
    ReviewerAddForm,
    ReviewForm,
    WaiverForm,
    review_initial,
)
from .selectors import reviews as selectors
from .services import reviews as services
from .visibility import (
    ReviewerView,
    candidate_visible,
    discussion_visible,
    viewer_for,
)


def _frame(cohort: Cohort, nav: str, title: str, **context) -> dict:
    return {
        "initiative": cohort.programme.initiative,
        "cohort": cohort,
        "nav": nav,
        "page_title": title,
        **context,
    }


def _reviewer_view(request, cohort_pk: int) -> tuple[Cohort, ReviewerView]:
    """The cohort for one of its reviewers; members who do not review it get 403."""
    cohort, _role = cohort_get_for_user(user=request.user, pk=cohort_pk)
    view = viewer_for(cohort=cohort, user=request.user, staff=False)
    if view.reviewer is None:
        raise PermissionDenied
    return cohort, view


# ---------------------------------------------------------------- staff: reviewers


@login_required
def reviewers(request, pk: int):
    cohort, _role = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = ReviewerAddForm(request.POST or None, choices=selectors.reviewer_choices(cohort=cohort))
    if request.method == "POST" and form.is_valid():
        user = get_user_model().objects.filter(pk=form.cleaned_data["user"]).first()
        try:
            if user is None:
                raise ValidationError({"user": _("Choose a member.")})
            services.reviewer_add(
                cohort=cohort, user=user, by=request.user, max_load=form.cleaned_data["max_load"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("%(name)s reviews this cohort.") % {"name": user.display_name}
            )
            return redirect("programs:reviewers", cohort.pk)
    return render(
        request,
        "programs/reviews/reviewers.html",
        _frame(
            cohort,
            "reviews",
            _("Reviewers"),
            rows=selectors.reviewer_rows(cohort=cohort),
            form=form,
        ),
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def reviewer_remove(request, pk: int):
    reviewer, _role = reviewer_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    try:
        services.reviewer_remove(reviewer=reviewer, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The reviewer is removed."))
    return redirect("programs:reviewers", reviewer.cohort_id)


@login_required
@require_POST
def assign(request, pk: int):
    cohort, _role = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    try:
        report = services.assignments_make(cohort=cohort, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("programs:reviewers", cohort.pk)
    messages.success(
        request,
        ngettext("%(count)s review assigned.", "%(count)s reviews assigned.", report.made)
        % {"count": report.made},
    )
    if report.short:
        messages.warning(
            request,
            ngettext(
                "%(count)s candidate could not get enough reviewers without a conflict.",
                "%(count)s candidates could not get enough reviewers without a conflict.",
                len(report.short),
            )
            % {"count": len(report.short)},
        )
    return redirect("programs:reviewers", cohort.pk)


# ---------------------------------------------------------------- staff: conflicts


@login_required
def conflicts(request, pk: int):
    cohort, _role = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    if request.method == "POST":
        found = services.conflicts_detect(cohort=cohort, by=request.user)
        messages.success(
            request,
            ngettext("%(count)s new conflict found.", "%(count)s new conflicts found.", found)
            % {"count": found},
        )
        return redirect("programs:conflicts", cohort.pk)
    return render(
        request,
        "programs/reviews/conflicts.html",
        _frame(
            cohort,
            "reviews",
            _("Conflicts of interest"),
            rows=selectors.conflict_rows(cohort=cohort),
        ),
    )


@login_required
def conflict_waive(request, pk: int):
    conflict = (
        Conflict.objects.select_related("reviewer__user", "nomination__organisation")
        .filter(pk=pk)
        .first()
    )
    if conflict is None:
        raise Http404
    cohort, _role = cohort_get_for_user(
        user=request.user, pk=conflict.reviewer.cohort_id, action=Action.MANAGE
    )
    form = WaiverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_waive(
                conflict=conflict, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The conflict is waived; the decision log says why."))
            return redirect("programs:conflicts", cohort.pk)
    return render(
        request,
        "programs/reviews/conflict_waive.html",
        _frame(cohort, "reviews", _("Waive a conflict"), conflict=conflict, form=form),
        status=400 if form.is_bound and form.errors else 200,
    )


# ---------------------------------------------------------------- the reviewer's queue


@login_required
def review_queue(request, pk: int):
    cohort, role = cohort_get_for_user(user=request.user, pk=pk)
    view = viewer_for(cohort=cohort, user=request.user, staff=False)
    if view.reviewer is None:
        if role_allows(role, Action.MANAGE):
            return redirect("programs:reviewers", cohort.pk)
        raise PermissionDenied
    return render(
        request,
        "programs/reviews/queue.html",
        _frame(
            cohort,
            "reviews",
            _("My reviews"),
            queue=selectors.reviewer_queue(view=view),
            candidates=selectors.candidates_to_declare(view=view),
            discussions=selectors.discussion_candidates(view=view),
            declare_form=DeclareForm(),
        ),
    )


@login_required
@require_POST
def conflict_declare(request, pk: int):
    cohort, view = _reviewer_view(request, pk)
    form = DeclareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the candidate you know."))
        return redirect("programs:review_queue", cohort.pk)
    nomination_id = form.cleaned_data["nomination"]
    nomination = Nomination.objects.filter(pk=nomination_id, cohort=cohort).first()
    if nomination is None or view.reviewer is None or not candidate_visible(view, nomination.pk):
        raise Http404
    try:
        services.conflict_declare(
            reviewer=view.reviewer,
            nomination=nomination,
            by=request.user,
            detail=form.cleaned_data["detail"],
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("Thank you: you will not review %(name)s, and will not see their dossier.")
            % {"name": nomination.candidate_name},
        )
    return redirect("programs:review_queue", cohort.pk)


# ---------------------------------------------------------------- the review form


@login_required
def review(request, pk: int):
    review, _role = review_get_for_user(user=request.user, pk=pk, action=Action.VIEW)
    cohort = review.reviewer.cohort
    own = review.reviewer.user_id == request.user.pk
    # A facilitator who reviews is blind on their own reviews like any reviewer.
    view = viewer_for(cohort=cohort, user=request.user, staff=not own)
    if own and not candidate_visible(view, review.nomination_id):
        raise Http404
    page = selectors.review_page(review=review, view=view)
    version = review.rubric_version
    criteria = [row.criterion for row in page.criteria]
    scale = range(version.scale_min, version.scale_max + 1)
    locked = (
        own
        and review.phase == ReviewPhase.FIRST_PASS
        and not services.calibration_done(reviewer=review.reviewer)
    )
    editable = own and review.submitted_at is None and not locked
    form = ReviewForm(
        request.POST if request.method == "POST" and editable else None,
        criteria=criteria,
        scale=scale,
        initial=review_initial(page.criteria, review.note),
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                services.review_save(
                    review=review,
                    by=request.user,
                    scores=form.scores(),
                    note=form.cleaned_data["note"],
                    submit=submit,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if submit:
                    messages.success(request, _("Your review is submitted."))
                else:
                    messages.success(request, _("Your draft is saved."))
                return redirect("programs:review", review.pk)
    rows = [
        {
            "row": row,
            "score": form[f"score_{row.criterion.pk}"],
            "evidence": form[f"evidence_{row.criterion.pk}"],
            "confidence": form[f"confidence_{row.criterion.pk}"],
        }
        for row in page.criteria
    ]
    return render(
        request,
        "programs/reviews/review.html",
        _frame(
            cohort,
            "reviews",
            _("Review of %(name)s") % {"name": review.nomination.candidate_name},
            review=review,
            page=page,
            form=form,
            rows=rows,
            editable=editable,
            locked=locked,
            own=own,
            staff_view=view.staff,
            may_revise=own
            and review.submitted_at is not None
            and review.phase != ReviewPhase.DISCUSSION
            and cohort.phase == "discussion",
        ),
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def review_revise(request, pk: int):
    review, _role = review_get_for_user(user=request.user, pk=pk, action=Action.CONTRIBUTE)
    try:
        revision = services.review_revise(review=review, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("programs:review", review.pk)
    return redirect("programs:review", revision.pk)


# ---------------------------------------------------------------- the discussion record


@login_required
def discussion(request, pk: int, nomination_pk: int):
    cohort, role = cohort_get_for_user(user=request.user, pk=pk)
    staff = role_allows(role, Action.MANAGE)
    view = viewer_for(cohort=cohort, user=request.user, staff=staff)
    if not staff and view.reviewer is None:
        raise PermissionDenied
    nomination = Nomination.objects.filter(pk=nomination_pk, cohort=cohort).first()
    if nomination is None or not discussion_visible(view, nomination.pk):
        raise Http404
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.discussion_note_add(
                nomination=nomination,
                by=request.user,
                text=form.cleaned_data["text"],
                allowed=True,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Your note is in the discussion record."))
            return redirect("programs:discussion", cohort.pk, nomination.pk)
    return render(
        request,
        "programs/reviews/discussion.html",
        _frame(
            cohort,
            "reviews",
            _("Discussion of %(name)s") % {"name": nomination.candidate_name},
            page=selectors.discussion_page(nomination=nomination, view=view),
            form=form,
            open=cohort.phase in ("discussion", "recommendation"),
        ),
        status=400 if form.is_bound and form.errors else 200,
    )
