"""The selection's pages, for programme staff only (reviewers who are members get 403,
outsiders 404): the selection board, the consensus queue, the committee's recommendation of a
candidate, the decision (the rules' proposal, confirmed with overrides) and the decision log,
with their downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from meshutaf.accounts.services import sensitive_export_record
from meshutaf.core.access import Action
from meshutaf.core.forms import apply_service_errors, error_text

from . import decide, selection_exports
from .models import CohortPhase, Recommendation
from .permissions import cohort_get_for_user, nomination_get_for_user
from .selection_forms import (
    OVERRIDE_CHOICES,
    BoardFilterForm,
    RecommendationForm,
    WaitlistForm,
    overrides_from,
)
from .selectors import selection as selectors
from .services import selection as services

ROWS_PER_PAGE = 100


def _staff_cohort(request, pk: int):
    cohort, _role = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    return cohort


def _frame(cohort, *, nav: str, title: str, **extra) -> dict:
    return {
        "initiative": cohort.programme.initiative,
        "cohort": cohort,
        "nav": nav,
        "page_title": title,
        **extra,
    }


@login_required
def board(request, pk: int) -> HttpResponse:
    cohort = _staff_cohort(request, pk)
    filters = BoardFilterForm(request.GET or None, cohort=cohort)
    organisation = None
    queue_only = False
    if filters.is_valid():
        chosen = filters.cleaned_data.get("organisation")
        organisation = chosen.pk if chosen else None
        queue_only = bool(filters.cleaned_data.get("queue"))
    data = selectors.board(cohort, organisation_id=organisation, queue_only=queue_only)
    page = Paginator(data.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/selection/board.html",
        _frame(
            cohort,
            nav="board",
            title=_("Selection board"),
            board=data,
            page=page,
            filters=filters,
            queue_count=sum(1 for row in data.rows if row.consensus),
            recommending=cohort.phase == CohortPhase.RECOMMENDATION,
        ),
    )


@login_required
def consensus(request, pk: int) -> HttpResponse:
    cohort = _staff_cohort(request, pk)
    data = selectors.board(cohort)
    return render(
        request,
        "programs/selection/consensus.html",
        _frame(
            cohort,
            nav="board",
            title=_("Consensus queue"),
            board=data,
            queue=[
                {"row": row, "spreads": [row.criterion_spread.get(c.code) for c in data.criteria]}
                for row in data.queue
            ],
        ),
    )


@login_required
def recommendation(request, pk: int) -> HttpResponse:
    nomination, _role = nomination_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    cohort = nomination.cohort
    current = Recommendation.objects.filter(nomination=nomination).first()
    initial = (
        {"choice": current.choice, "rationale": current.rationale, "meeting": current.meeting_id}
        if current
        else None
    )
    form = RecommendationForm(
        request.POST or None, initial=initial, initiative=cohort.programme.initiative
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_record(
                nomination=nomination,
                by=request.user,
                choice=form.cleaned_data["choice"],
                rationale=form.cleaned_data["rationale"],
                meeting=form.cleaned_data["meeting"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The recommendation was recorded."))
            return redirect("programs:board", cohort.pk)
    return render(
        request,
        "programs/selection/recommendation.html",
        _frame(
            cohort,
            nav="board",
            title=_("Recommendation"),
            nomination=nomination,
            form=form,
            open=cohort.phase == CohortPhase.RECOMMENDATION,
        ),
    )


@login_required
def decision(request, pk: int) -> HttpResponse:
    """GET: the rules' proposal (with a waiting list's length to try); POST: confirm it,
    with overrides, each needing a reason."""
    cohort = _staff_cohort(request, pk)
    already = selectors.decided(cohort)
    source = request.POST if request.method == "POST" else request.GET
    size_form = WaitlistForm(
        source if "waitlist_size" in source else None,
        initial={"waitlist_size": selectors.default_waitlist_size(cohort)},
    )
    waitlist_size = (
        size_form.cleaned_data["waitlist_size"]
        if size_form.is_bound and size_form.is_valid()
        else selectors.default_waitlist_size(cohort)
    )
    made = services.decision_propose(cohort=cohort, waitlist_size=waitlist_size)
    errors: list[str] = []
    posted: dict = {}
    if request.method == "POST":
        ids = [p.id for p in made.proposal.placements]
        overrides, errors = overrides_from(request.POST, ids)
        posted = {pk: {"choice": c, "reason": r} for pk, (c, r) in overrides.items()}
        for pk_ in ids:
            posted.setdefault(pk_, {"choice": "", "reason": request.POST.get(f"reason-{pk_}", "")})
        if size_form.is_bound and not size_form.is_valid():
            errors.append(_("Enter the waiting list's length as a whole number."))
        if not errors:
            try:
                services.decision_confirm(
                    cohort=cohort,
                    by=request.user,
                    overrides=overrides,
                    waitlist_size=waitlist_size,
                    fingerprint=request.POST.get("fingerprint", ""),
                )
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                messages.success(request, _("The decision was confirmed and logged."))
                return redirect("programs:decision_log", cohort.pk)
    rows = [
        {
            "placement": p,
            "reasons": [selectors.reason_text(r, made.quotas) for r in p.reasons],
            "posted": posted.get(p.id, {"choice": "", "reason": ""}),
        }
        for p in made.proposal.placements
    ]
    return render(
        request,
        "programs/selection/decision.html",
        _frame(
            cohort,
            nav="board",
            title=_("Decision"),
            made=made,
            rows=rows,
            size_form=size_form,
            errors=errors,
            already=already,
            open=cohort.phase == CohortPhase.DECISION and not already,
            choices=OVERRIDE_CHOICES,
            unmet=[
                {
                    "quota": made.quotas.get(u.quota_id, ""),
                    "minimum": u.minimum,
                    "reached": u.reached,
                }
                for u in made.proposal.unmet
            ],
            outcomes={
                "selected": decide.SELECTED,
                "waitlisted": decide.WAITLISTED,
                "not_selected": decide.NOT_SELECTED,
            },
        ),
        status=400 if errors else 200,
    )


@login_required
def decision_log(request, pk: int) -> HttpResponse:
    cohort = _staff_cohort(request, pk)
    page = Paginator(selectors.decision_log(cohort), 200).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/selection/decision_log.html",
        _frame(cohort, nav="log", title=_("Decision log"), page=page),
    )


@login_required
def decision_log_export(request, pk: int) -> HttpResponse:
    cohort = _staff_cohort(request, pk)
    sensitive_export_record(request=request, what=f"decision log ({cohort})")
    return selection_exports.decision_log_response(cohort)


@login_required
def board_export(request, pk: int, file_format: str) -> HttpResponse:
    cohort = _staff_cohort(request, pk)
    if file_format not in selection_exports.TABLE_FORMATS:
        raise Http404
    sensitive_export_record(request=request, what=f"selection board {file_format} ({cohort})")
    try:
        return selection_exports.board_response(cohort, file_format=file_format)
    except ValidationError as error:  # pragma: no cover - the selector refuses nothing today
        messages.error(request, error_text(error))
        return redirect("programs:board", cohort.pk)
