"""Directory pages: organisations and people, with their affiliations."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.core.forms import form_submitted

from . import extensions, selectors, services
from .forms import AffiliationForm, DirectoryFilterForm, OrganisationForm, PersonForm
from .permissions import (
    can_edit_organisation,
    can_edit_person,
    directory_contributor,
    organisation_get_for_user,
    organisations_visible_to,
    people_visible_to,
    person_get_for_user,
)

PAGE_SIZE = 30


@login_required
def organisation_list(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.organisation_list(
        user=request.user, sector=filters.get("sector", ""), query=filters.get("q", "")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    template = (
        "directory/organisation_list.html#results"
        if request.htmx
        else "directory/organisation_list.html"
    )
    return render(
        request,
        template,
        {"form": form, "page": page, "can_add": directory_contributor(request.user)},
    )


@login_required
def organisation_detail(request, pk: int):
    organisation = organisation_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "directory/organisation_detail.html",
        {
            "organisation": organisation,
            "affiliations": selectors.organisation_people(
                organisation=organisation, user=request.user
            ),
            "initiatives": extensions.provided(
                extensions.ORGANISATION_INITIATIVES, organisation=organisation, user=request.user
            ),
            "can_manage": can_edit_organisation(request.user, organisation),
        },
    )


@login_required
def organisation_create(request):
    if not directory_contributor(request.user):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None)
    organisation = form_submitted(
        request, form, lambda data: services.organisation_create(by=request.user, **data)
    )
    if organisation:
        messages.success(request, _("Organisation added."))
        return redirect("directory:organisation_detail", pk=organisation.pk)
    return render(request, "directory/organisation_form.html", {"form": form})


@login_required
def organisation_edit(request, pk: int):
    organisation = organisation_get_for_user(user=request.user, pk=pk, manage=True)
    form = OrganisationForm(request.POST or None, instance=copy.copy(organisation))
    updated = form_submitted(
        request,
        form,
        lambda data: services.organisation_update(
            organisation=organisation, by=request.user, data=data
        ),
    )
    if updated:
        messages.success(request, _("Changes saved."))
        return redirect("directory:organisation_detail", pk=pk)
    return render(
        request,
        "directory/organisation_form.html",
        {"form": form, "organisation": organisation},
    )


@login_required
def person_list(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.person_list(
        user=request.user, query=filters.get("q", ""), sector=filters.get("sector", "")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    template = (
        "directory/person_list.html#results" if request.htmx else "directory/person_list.html"
    )
    return render(
        request,
        template,
        {"form": form, "page": page, "can_add": directory_contributor(request.user)},
    )


def _person_page(request, person, *, affiliation_form=None, status: int = 200):
    can_edit = can_edit_person(request.user, person)
    if can_edit and affiliation_form is None:
        affiliation_form = AffiliationForm(
            organisations=organisations_visible_to(user=request.user),
            people=people_visible_to(user=request.user),
        )
    return render(
        request,
        "directory/person_detail.html",
        {
            "person": person,
            "group_memberships": extensions.provided(
                extensions.PERSON_GROUP_MEMBERSHIPS, person=person, user=request.user
            ),
            "affiliations": selectors.person_affiliations(person=person),
            "can_edit": can_edit,
            "affiliation_form": affiliation_form if can_edit else None,
        },
        status=status,
    )


@login_required
def person_detail(request, pk: int):
    return _person_page(request, person_get_for_user(user=request.user, pk=pk))


@login_required
def person_create(request):
    if not directory_contributor(request.user):
        raise PermissionDenied
    form = PersonForm(request.POST or None)
    person = form_submitted(
        request, form, lambda data: services.person_create(by=request.user, **data)
    )
    if person:
        messages.success(request, _("Person added."))
        return redirect("directory:person_detail", pk=person.pk)
    return render(request, "directory/person_form.html", {"form": form})


@login_required
def person_edit(request, pk: int):
    person = person_get_for_user(user=request.user, pk=pk, manage=True)
    form = PersonForm(request.POST or None, instance=copy.copy(person))
    updated = form_submitted(
        request,
        form,
        lambda data: services.person_update(person=person, by=request.user, data=data),
    )
    if updated:
        messages.success(request, _("Changes saved."))
        return redirect("directory:person_detail", pk=pk)
    return render(request, "directory/person_form.html", {"form": form, "person": person})


@login_required
@require_POST
def affiliation_add(request, pk: int):
    person = person_get_for_user(user=request.user, pk=pk, manage=True)
    form = AffiliationForm(
        request.POST,
        organisations=organisations_visible_to(user=request.user),
        people=people_visible_to(user=request.user),
    )
    affiliation = form_submitted(
        request,
        form,
        lambda data: services.affiliation_add(person=person, by=request.user, **data),
    )
    if affiliation:
        messages.success(request, _("Affiliation added."))
        return redirect("directory:person_detail", pk=person.pk)
    # Show the form again with what was typed and the errors beside the fields.
    return _person_page(request, person, affiliation_form=form, status=400)


@login_required
@require_POST
def affiliation_remove(request, pk: int, affiliation_pk: int):
    person = person_get_for_user(user=request.user, pk=pk, manage=True)
    affiliation = get_object_or_404(person.affiliations, pk=affiliation_pk)
    services.affiliation_remove(affiliation=affiliation, by=request.user)
    messages.success(request, _("Affiliation removed."))
    return redirect("directory:person_detail", pk=person.pk)
