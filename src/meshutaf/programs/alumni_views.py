"""Pages of a programme's alumni network and its testimonials: the directory (what is new
first: open asks and offers, mentors with room; then the people), a profile, joining and
editing with who sees each field, asks and offers, mentoring, the CSV export, and the
testimonials (writing, approving, the programme's list and a public page).

Every profile field reaches a page through `selectors.alumni.visible_fields`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.accounts.services import sensitive_export_record
from meshutaf.core.access import Action
from meshutaf.core.forms import error_text, form_submitted
from meshutaf.directory.permissions import organisations_visible_to, people_visible_to

from . import alumni_exports
from .alumni_forms import (
    FIELD_LABELS,
    AlumniProfileForm,
    AlumnusAddForm,
    ExchangeForm,
    MentoringOfferForm,
    MentoringRequestForm,
    TestimonialForm,
    TranslationForm,
    profile_initial,
)
from .models import (
    AlumniProfile,
    ConsentScope,
    Exchange,
    MentoringMatch,
    MentoringOffer,
    Programme,
)
from .permissions import (
    alumni_profile_get_for_user,
    programme_get_for_user,
    staff,
    testimonial_get_for_user,
)
from .selectors import alumni as selectors
from .services import alumni as services


def _alumni_url(programme_id: int) -> str:
    return reverse("programs:alumni", kwargs={"pk": programme_id})


def _page(request, template: str, programme, heading: str, **context) -> HttpResponse:
    return render(
        request,
        f"programs/alumni/{template}",
        {
            "initiative": programme.initiative,
            "programme": programme,
            "heading": heading,
            "field_labels": FIELD_LABELS,
            **context,
        },
    )


def _refused(request, error: ValidationError) -> None:
    messages.error(request, error_text(error))


def _form_refused(request, form) -> None:
    """A small form posted from a larger page: its refusals as messages on that page."""
    for errors in form.errors.values():
        messages.error(request, " ".join(str(error) for error in errors))


@login_required
def alumni(request, pk: int) -> HttpResponse:
    programme, role = programme_get_for_user(user=request.user, pk=pk)
    query = request.GET.get("q", "").strip()[:200]
    home = selectors.alumni_home(programme=programme, user=request.user, role=role, query=query)
    return _page(
        request,
        "directory.html",
        programme,
        _("Alumni network"),
        home=home,
        query=query,
        is_staff=staff(role),
        exchange_form=ExchangeForm(),
    )


@login_required
def alumni_export(request, pk: int) -> HttpResponse:
    programme, role = programme_get_for_user(user=request.user, pk=pk)
    viewer = selectors.alumni_viewer(programme=programme, user=request.user, role=role)
    sensitive_export_record(request=request, what=f"alumni directory ({programme})")
    return alumni_exports.directory_csv(programme=programme, viewer=viewer)


@login_required
def alumni_profile(request, pk: int) -> HttpResponse:
    profile, role = alumni_profile_get_for_user(user=request.user, pk=pk)
    programme = profile.programme
    viewer = selectors.alumni_viewer(programme=programme, user=request.user, role=role)
    mine = profile.user_id == request.user.pk
    if profile.opted_in_at is None and not (mine or viewer.staff):
        raise Http404
    return _page(
        request,
        "profile.html",
        programme,
        profile.person.full_name,
        profile=profile,
        card=selectors.alumni_card(profile=profile, viewer=viewer),
        mine=mine,
        is_staff=viewer.staff,
        exchanges=profile.exchanges.filter(closed_at__isnull=True),
        offers=profile.mentoring_offers.filter(active=True),
        waiting=selectors.mentoring_requests_for(profile=profile) if mine else [],
        testimonials=selectors.testimonials_of(profile=profile) if mine or viewer.staff else [],
        request_form=MentoringRequestForm(),
    )


def _organisations(request):
    return organisations_visible_to(user=request.user).order_by("name_he", "name_en", "pk")


@login_required
def alumni_join(request, pk: int) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, pk=pk).obj
    mine = selectors.own_profile(programme=programme, user=request.user)
    if mine is not None and mine.opted_in_at is not None:
        return redirect(reverse("programs:alumni_profile", kwargs={"pk": mine.pk}))
    if mine is None and selectors.graduation_for(programme=programme, user=request.user) is None:
        raise Http404
    form = AlumniProfileForm(
        request.POST or None,
        organisations=_organisations(request),
        initial=profile_initial(mine) if mine else None,
    )
    joined = form_submitted(
        request,
        form,
        lambda _data: services.alumni_profile_opt_in(
            programme=programme, user=request.user, **form.profile_data()
        ),
    )
    if joined is not None:
        messages.success(request, _("Welcome to the alumni network."))
        return redirect(reverse("programs:alumni_profile", kwargs={"pk": joined.pk}))
    return _page(request, "profile_form.html", programme, _("Join the alumni network"), form=form)


@login_required
def alumni_profile_edit(request, pk: int) -> HttpResponse:
    profile = alumni_profile_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = AlumniProfileForm(
        request.POST or None,
        organisations=_organisations(request),
        initial=profile_initial(profile),
    )
    saved = form_submitted(
        request,
        form,
        lambda _data: services.alumni_profile_update(
            profile=profile, by=request.user, data=form.profile_data()
        ),
    )
    if saved is not None:
        messages.success(request, _("Your profile was saved."))
        return redirect(reverse("programs:alumni_profile", kwargs={"pk": saved.pk}))
    return _page(
        request,
        "profile_form.html",
        profile.programme,
        _("Edit the profile"),
        form=form,
        profile=profile,
    )


@login_required
@require_POST
def alumni_role_confirm(request, pk: int) -> HttpResponse:
    profile = alumni_profile_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    try:
        services.alumni_role_confirm(profile=profile, by=request.user)
        messages.success(request, _("Thank you: your role is confirmed as of today."))
    except ValidationError as error:
        _refused(request, error)
    return redirect(reverse("programs:alumni_profile", kwargs={"pk": profile.pk}))


@login_required
@require_POST
def alumni_leave(request, pk: int) -> HttpResponse:
    profile = alumni_profile_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    try:
        services.alumni_profile_opt_out(profile=profile, by=request.user)
        messages.success(request, _("The profile left the alumni network."))
    except ValidationError as error:
        _refused(request, error)
    return redirect(_alumni_url(profile.programme_id))


@login_required
def alumnus_add(request, pk: int) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = AlumnusAddForm(
        request.POST or None,
        people=people_visible_to(user=request.user).order_by("full_name", "pk"),
        cohorts=programme.cohorts.all(),
    )
    if form_submitted(
        request,
        form,
        lambda data: services.alumni_profile_add(programme=programme, by=request.user, **data),
    ):
        messages.success(
            request, _("The graduate was added. They join the network when they opt in.")
        )
        return redirect(_alumni_url(programme.pk))
    return _page(
        request, "add.html", programme, _("Add a graduate of an earlier cohort"), form=form
    )


def _my_opted_in_profile(request, programme: Programme) -> AlumniProfile:
    mine = selectors.own_profile(programme=programme, user=request.user)
    if mine is None or mine.opted_in_at is None:
        raise Http404
    return mine


@login_required
@require_POST
def exchange_create(request, pk: int) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, pk=pk).obj
    mine = _my_opted_in_profile(request, programme)
    form = ExchangeForm(request.POST)
    if form_submitted(
        request, form, lambda data: services.exchange_post(profile=mine, by=request.user, **data)
    ):
        messages.success(request, _("Posted to the alumni network."))
    else:
        _form_refused(request, form)
    return redirect(_alumni_url(programme.pk))


@login_required
@require_POST
def exchange_close(request, pk: int) -> HttpResponse:
    exchange = get_object_or_404(Exchange.objects.select_related("profile"), pk=pk)
    alumni_profile_get_for_user(user=request.user, pk=exchange.profile_id, action=Action.MANAGE)
    try:
        services.exchange_close(exchange=exchange, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    return redirect(_alumni_url(exchange.profile.programme_id))


@login_required
def mentoring_offer_create(request, pk: int) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, pk=pk).obj
    mine = _my_opted_in_profile(request, programme)
    form = MentoringOfferForm(request.POST or None)
    if form_submitted(
        request,
        form,
        lambda data: services.mentoring_offer_create(profile=mine, by=request.user, **data),
    ):
        messages.success(request, _("Your mentoring offer is open."))
        return redirect(_alumni_url(programme.pk))
    return _page(request, "form.html", programme, _("Offer mentoring"), form=form)


@login_required
@require_POST
def mentoring_request(request, pk: int) -> HttpResponse:
    offer = get_object_or_404(MentoringOffer.objects.select_related("mentor"), pk=pk)
    alumni_profile_get_for_user(user=request.user, pk=offer.mentor_id)
    form = MentoringRequestForm(request.POST)
    if form_submitted(
        request,
        form,
        lambda data: services.mentoring_request(offer=offer, by=request.user, **data),
    ):
        messages.success(request, _("Your request was sent to the mentor."))
    else:
        _form_refused(request, form)
    return redirect(reverse("programs:alumni_profile", kwargs={"pk": offer.mentor_id}))


@login_required
@require_POST
def mentoring_respond(request, pk: int) -> HttpResponse:
    match = get_object_or_404(MentoringMatch.objects.select_related("offer__mentor"), pk=pk)
    profile = alumni_profile_get_for_user(
        user=request.user, pk=match.offer.mentor_id, action=Action.MANAGE
    ).obj
    try:
        services.mentoring_respond(
            match=match, by=request.user, accept=request.POST.get("accept") == "1"
        )
        messages.success(request, _("Your answer was recorded."))
    except ValidationError as error:
        _refused(request, error)
    return redirect(reverse("programs:alumni_profile", kwargs={"pk": profile.pk}))


# ---------------------------------------------------------------- testimonials


@login_required
def testimonials(request, pk: int) -> HttpResponse:
    programme, role = programme_get_for_user(user=request.user, pk=pk)
    mine = selectors.own_profile(programme=programme, user=request.user)
    return _page(
        request,
        "testimonials.html",
        programme,
        _("Testimonials"),
        shown=selectors.testimonials_shown(programme=programme, channel=ConsentScope.PROGRAMME),
        all_testimonials=selectors.testimonials_for_staff(programme=programme)
        if staff(role)
        else [],
        mine=selectors.testimonials_of(profile=mine) if mine else [],
        is_staff=staff(role),
        may_write=mine is not None
        or selectors.graduation_for(programme=programme, user=request.user) is not None,
    )


def testimonials_public(request, pk: int) -> HttpResponse:
    """Testimonials given for public use, for anyone (no sign-in)."""
    programme = get_object_or_404(Programme.objects.select_related("initiative"), pk=pk)
    shown = selectors.testimonials_shown(programme=programme, channel=ConsentScope.PUBLIC)
    return render(
        request,
        "programs/alumni/testimonials_public.html",
        {"programme": programme, "shown": shown},
    )


@login_required
def testimonial_create(request, pk: int) -> HttpResponse:
    programme = programme_get_for_user(user=request.user, pk=pk).obj
    form = TestimonialForm(request.POST or None)
    if form_submitted(
        request,
        form,
        lambda data: services.testimonial_submit(programme=programme, by=request.user, **data),
    ):
        messages.success(
            request, _("Thank you. The programme's staff will read it before it is shown.")
        )
        return redirect(reverse("programs:testimonials", kwargs={"pk": programme.pk}))
    return _page(request, "testimonial_form.html", programme, _("Write a testimonial"), form=form)


@login_required
@require_POST
def testimonial_review(request, pk: int) -> HttpResponse:
    testimonial = testimonial_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    try:
        services.testimonial_review(
            testimonial=testimonial, by=request.user, approve=request.POST.get("approve") == "1"
        )
        messages.success(request, _("The testimonial's status was saved."))
    except ValidationError as error:
        _refused(request, error)
    return redirect(
        reverse("programs:testimonials", kwargs={"pk": testimonial.profile.programme_id})
    )


def _own_or_staff_testimonial(request, pk: int):
    testimonial, role = testimonial_get_for_user(user=request.user, pk=pk, action=Action.CONTRIBUTE)
    if not staff(role) and testimonial.profile.user_id != request.user.pk:
        raise Http404
    return testimonial


@login_required
@require_POST
def testimonial_withdraw(request, pk: int) -> HttpResponse:
    testimonial = _own_or_staff_testimonial(request, pk)
    try:
        services.testimonial_consent_withdraw(testimonial=testimonial, by=request.user)
        messages.success(request, _("Consent was withdrawn: the testimonial is no longer shown."))
    except ValidationError as error:
        _refused(request, error)
    return redirect(
        reverse("programs:testimonials", kwargs={"pk": testimonial.profile.programme_id})
    )


@login_required
def testimonial_translate(request, pk: int) -> HttpResponse:
    testimonial = _own_or_staff_testimonial(request, pk)
    programme = testimonial.profile.programme
    form = TranslationForm(request.POST or None)
    if form_submitted(
        request,
        form,
        lambda data: services.testimonial_translate(original=testimonial, by=request.user, **data),
    ):
        messages.success(request, _("The language version was added."))
        return redirect(reverse("programs:testimonials", kwargs={"pk": programme.pk}))
    return _page(
        request,
        "form.html",
        programme,
        _("Add a language version"),
        form=form,
        quoted=testimonial,
    )
