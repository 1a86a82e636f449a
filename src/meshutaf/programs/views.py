"""Programme and cohort pages: an initiative's programmes, a programme with its cohorts and
rubric versions, a cohort's overview and settings, its phase and its quotas. Nominations,
reviews, selection, sessions, projects and alumni have their own view modules.

Every member of the initiative sees programmes and cohorts; programme staff (the initiative's
facilitators) create and change them; outsiders get 404 from the gates."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.core.access import Action
from meshutaf.core.forms import apply_service_errors, error_text, form_submitted
from meshutaf.initiatives.permissions import initiative_get_for_user

from .forms import CohortForm, CriterionAddForm, CriterionForm, ProgrammeForm, QuotaForm
from .models import Cohort, CohortPhase
from .permissions import (
    cohort_get_for_user,
    criterion_get_for_user,
    programme_get_for_user,
    quota_get_for_user,
    rubric_version_get_for_user,
    staff,
)
from .selectors import programmes as selectors
from .services import programmes as services

CohortCriterionFormSet = formset_factory(CriterionForm, extra=0, max_num=20, absolute_max=20)


@login_required
def programme_list(request, initiative_id: int) -> HttpResponse:
    initiative, role = initiative_get_for_user(user=request.user, pk=initiative_id)
    return render(
        request,
        "programs/programme_list.html",
        {
            "initiative": initiative,
            "can_manage": staff(role),
            "programmes": selectors.programmes_of(initiative),
        },
    )


@login_required
def programme_create(request, initiative_id: int) -> HttpResponse:
    initiative, _role = initiative_get_for_user(
        user=request.user, pk=initiative_id, action=Action.MANAGE
    )
    form = ProgrammeForm(request.POST or None)
    saved = form_submitted(
        request,
        form,
        lambda data: services.programme_create(initiative=initiative, by=request.user, **data),
    )
    if saved is not None:
        messages.success(request, _("The programme was created, with the default rubric."))
        return redirect("programs:programme", saved.pk)
    return render(
        request,
        "programs/form.html",
        {"initiative": initiative, "form": form, "heading": _("New programme")},
    )


@login_required
def programme_detail(request, pk: int) -> HttpResponse:
    programme, role = programme_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "programs/programme_detail.html",
        {
            "initiative": programme.initiative,
            "programme": programme,
            "can_manage": staff(role),
            "cohorts": selectors.cohorts_of(programme),
            "rubric_versions": selectors.rubric_versions_of(programme) if staff(role) else [],
        },
    )


@login_required
def programme_edit(request, pk: int) -> HttpResponse:
    programme, _role = programme_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = ProgrammeForm(
        request.POST or None,
        initial={
            "name": programme.name,
            "description": programme.description,
            "goals": programme.goals,
        },
    )
    saved = form_submitted(
        request,
        form,
        lambda data: services.programme_update(
            programme=copy.copy(programme), by=request.user, data=data
        ),
    )
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect("programs:programme", programme.pk)
    return render(
        request,
        "programs/form.html",
        {
            "initiative": programme.initiative,
            "programme": programme,
            "form": form,
            "heading": _("Edit the programme"),
        },
    )


@login_required
def cohort_create(request, pk: int) -> HttpResponse:
    programme, _role = programme_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = CohortForm(request.POST or None)
    saved = form_submitted(
        request,
        form,
        lambda data: services.cohort_create(programme=programme, by=request.user, **data),
    )
    if saved is not None:
        messages.success(request, _("The cohort was created."))
        return redirect("programs:cohort", saved.pk)
    return render(
        request,
        "programs/form.html",
        {
            "initiative": programme.initiative,
            "programme": programme,
            "form": form,
            "heading": _("New cohort"),
        },
    )


@login_required
def cohort_detail(request, pk: int) -> HttpResponse:
    cohort, role = cohort_get_for_user(user=request.user, pk=pk)
    next_phase = selectors.next_phase(cohort)
    return render(
        request,
        "programs/cohort_detail.html",
        {
            "initiative": cohort.programme.initiative,
            "cohort": cohort,
            "nav": "cohort",
            "page_title": _("Overview"),
            "can_manage": staff(role),
            "summary": selectors.cohort_summary(cohort, user=request.user),
            "steps": selectors.phase_steps(cohort),
            "next_phase": next_phase,
            "next_phase_label": CohortPhase(next_phase).label if next_phase else "",
        },
    )


@login_required
def cohort_edit(request, pk: int) -> HttpResponse:
    cohort, _role = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = CohortForm(
        request.POST or None,
        initial={name: getattr(cohort, name) for name in services.COHORT_FIELDS},
    )
    saved = form_submitted(
        request,
        form,
        lambda data: services.cohort_update(cohort=copy.copy(cohort), by=request.user, data=data),
    )
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect("programs:cohort", cohort.pk)
    return render(
        request,
        "programs/form.html",
        {
            "initiative": cohort.programme.initiative,
            "cohort": cohort,
            "form": form,
            "heading": _("Cohort settings"),
        },
    )


@login_required
@require_POST
def cohort_phase(request, pk: int) -> HttpResponse:
    cohort, _role = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    target = request.POST.get("to", "")
    try:
        services.cohort_phase_advance(cohort=cohort, by=request.user, to=target)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, _("The cohort is now in “%(phase)s”.") % {"phase": CohortPhase(target).label}
        )
    return redirect("programs:cohort", cohort.pk)


@login_required
def quota_list(request, pk: int) -> HttpResponse:
    cohort, _role = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = QuotaForm(
        request.POST or None,
        organisations=selectors.public_bodies(),
        search_url=reverse("programs:pick_public_bodies", args=[cohort.pk]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.quota_create(cohort=cohort, by=request.user, **form.service_fields())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The quota was added."))
            return redirect("programs:quotas", cohort.pk)
    return render(
        request,
        "programs/quotas.html",
        {
            "initiative": cohort.programme.initiative,
            "cohort": cohort,
            "nav": "cohort",
            "page_title": _("Quotas and diversity targets"),
            "quotas": cohort.quotas.select_related("organisation"),
            "form": form,
        },
    )


@login_required
@require_POST
def quota_delete(request, pk: int) -> HttpResponse:
    quota, _role = quota_get_for_user(user=request.user, pk=pk)
    try:
        services.quota_delete(quota=quota, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The quota was removed."))
    return redirect("programs:quotas", quota.cohort_id)


@login_required
def rubric_version_detail(request, pk: int) -> HttpResponse:
    """A rubric version: its criteria and anchors. While it is not frozen, staff edit each
    criterion's names, description, weight and anchored levels here, add and remove criteria;
    and choose it for a cohort whose reviews have not started."""
    version, _role = rubric_version_get_for_user(user=request.user, pk=pk)
    programme = version.rubric.programme
    criteria = list(version.criteria.prefetch_related("levels"))
    scores = range(version.scale_min, version.scale_max + 1)
    initial = []
    for c in criteria:
        row = {
            "name_he": c.name_he,
            "name_ar": c.name_ar,
            "name_en": c.name_en,
            "description": c.description,
            "weight": c.weight,
        }
        for level in c.levels.all():
            for language in ("he", "ar", "en"):
                row[f"anchor_{level.score}_{language}"] = getattr(level, f"anchor_{language}")
        initial.append(row)
    formset = CohortCriterionFormSet(
        request.POST if request.method == "POST" else None,
        initial=initial,
        form_kwargs={"scores": scores},
    )
    if request.method == "POST":
        if len(formset.forms) != len(criteria):
            raise Http404
        if formset.is_valid():
            try:
                services.rubric_criteria_update(
                    version=version,
                    by=request.user,
                    rows=[{**f.cleaned_data, "anchors": f.anchors()} for f in formset],
                )
            except ValidationError as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, _("Saved."))
                return redirect("programs:rubric_version", version.pk)
    return render(
        request,
        "programs/rubric_version.html",
        {
            "initiative": programme.initiative,
            "programme": programme,
            "version": version,
            "rows": list(zip(criteria, formset.forms, strict=True)),
            "formset": formset,
            "add_form": CriterionAddForm(),
            "cohorts": Cohort.objects.filter(
                programme=programme, phase=CohortPhase.NOMINATION
            ).exclude(rubric_version=version),
        },
    )


@login_required
@require_POST
def criterion_add(request, pk: int) -> HttpResponse:
    version, _role = rubric_version_get_for_user(user=request.user, pk=pk)
    form = CriterionAddForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(str(e) for e in form.errors.get("__all__", []))
            or _("Check the criterion's name and weight."),
        )
        return redirect("programs:rubric_version", version.pk)
    try:
        services.criterion_add(version=version, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The criterion was added: describe its levels below."))
    return redirect("programs:rubric_version", version.pk)


@login_required
@require_POST
def criterion_remove(request, pk: int) -> HttpResponse:
    criterion, _role = criterion_get_for_user(user=request.user, pk=pk)
    try:
        services.criterion_remove(criterion=criterion, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The criterion was removed."))
    return redirect("programs:rubric_version", criterion.version_id)


@login_required
@require_POST
def rubric_version_use(request, pk: int) -> HttpResponse:
    version, _role = rubric_version_get_for_user(user=request.user, pk=pk)
    raw = request.POST.get("cohort", "")
    cohort = (
        Cohort.objects.filter(programme_id=version.rubric.programme_id, pk=int(raw)).first()
        if raw.isdigit() and len(raw) < 19
        else None
    )
    if cohort is None:
        messages.error(request, _("Choose a cohort of this programme."))
        return redirect("programs:rubric_version", version.pk)
    try:
        services.cohort_rubric_set(cohort=cohort, version=version, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("programs:rubric_version", version.pk)
    messages.success(request, _("The cohort's reviews will use this version."))
    return redirect("programs:cohort", cohort.pk)


@login_required
@require_POST
def rubric_version_copy(request, pk: int) -> HttpResponse:
    version, _role = rubric_version_get_for_user(user=request.user, pk=pk)
    copy_ = services.rubric_version_new(version=version, by=request.user)
    messages.success(request, _("A new version was made: change it, then use it for a cohort."))
    return redirect("programs:rubric_version", copy_.pk)
