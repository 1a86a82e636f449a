"""Initiative pages: list, detail, forms, members, invitations, history."""

import copy
from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.accounts.forms import SignupForm
from meshutaf.core.access import Action, role_allows
from meshutaf.core.exports import csv_writer
from meshutaf.core.forms import apply_service_errors, form_submitted
from meshutaf.directory.permissions import organisations_visible_to, people_visible_to

from . import sections, selectors, services
from .forms import (
    GroupForm,
    GroupMemberForm,
    GroupMemberRoleForm,
    InitiativeFilterForm,
    InitiativeForm,
    InvitationForm,
    MemberFilterForm,
    MembershipRoleForm,
    PhaseForm,
    ReadinessItemForm,
)
from .models import GroupMember, Invitation, Membership, ReadinessItem
from .permissions import (
    group_get_for_user,
    group_member_get_for_user,
    initiative_get_for_user,
    invitation_get_for_user,
    membership_get_for_user,
    phase_get_for_user,
    readiness_item_get_for_user,
)

PAGE_SIZE = 25
MEMBERS_PAGE_SIZE = 50
HISTORY_LIMIT = 200


@login_required
def initiative_list(request):
    form = InitiativeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.initiative_list(
        user=request.user,
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
        query=filters.get("q", ""),
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "initiatives/list.html#results" if request.htmx else "initiatives/list.html"
    return render(
        request,
        template,
        {"form": form, "page": page, "can_create": request.user.can_create_initiatives},
    )


@login_required
def initiative_create(request):
    if not request.user.can_create_initiatives:
        raise PermissionDenied
    form = InitiativeForm(
        request.POST or None, organisations=organisations_visible_to(user=request.user)
    )
    initiative = form_submitted(
        request, form, lambda data: services.initiative_create(by=request.user, **data)
    )
    if initiative:
        messages.success(request, _("The initiative was created. You are its facilitator."))
        return redirect("initiatives:detail", pk=initiative.pk)
    return render(request, "initiatives/form.html", {"form": form, "initiative": None})


@login_required
def initiative_detail(request, pk: int):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk, action=Action.VIEW)
    context = selectors.initiative_detail(initiative=initiative)
    context.update(
        initiative=initiative,
        viewer_role=role,
        can_manage=role_allows(role, Action.MANAGE),
        sections=sections.sections(),
    )
    return render(request, "initiatives/detail.html", context)


@login_required
def initiative_edit(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = InitiativeForm(
        request.POST or None,
        instance=copy.copy(initiative),
        organisations=organisations_visible_to(user=request.user),
    )
    updated = form_submitted(
        request,
        form,
        lambda data: services.initiative_update(initiative=initiative, by=request.user, data=data),
    )
    if updated:
        messages.success(request, _("Changes saved."))
        return redirect("initiatives:detail", pk=pk)
    return render(request, "initiatives/form.html", {"form": form, "initiative": initiative})


@login_required
def phase_create(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = PhaseForm(request.POST or None)
    phase = form_submitted(
        request,
        form,
        lambda data: services.phase_create(initiative=initiative, by=request.user, **data),
    )
    if phase:
        messages.success(request, _("Phase added."))
        return redirect(f"{initiative.get_absolute_url()}#phases")
    return render(request, "initiatives/phase_form.html", {"form": form, "initiative": initiative})


@login_required
def phase_edit(request, pk: int):
    phase = phase_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = PhaseForm(request.POST or None, instance=copy.copy(phase))
    updated = form_submitted(
        request,
        form,
        lambda data: services.phase_update(phase=phase, by=request.user, data=data),
    )
    if updated:
        messages.success(request, _("Changes saved."))
        return redirect(f"{phase.initiative.get_absolute_url()}#phases")
    return render(
        request,
        "initiatives/phase_form.html",
        {"form": form, "initiative": phase.initiative, "phase": phase},
    )


@login_required
@require_POST
def phase_delete(request, pk: int):
    phase = phase_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    services.phase_delete(phase=phase, by=request.user)
    messages.success(request, _("Phase deleted."))
    return redirect(f"{phase.initiative.get_absolute_url()}#phases")


@login_required
def group_create(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = GroupForm(request.POST or None)
    group = form_submitted(
        request,
        form,
        lambda data: services.group_create(initiative=initiative, by=request.user, **data),
    )
    if group:
        messages.success(request, _("Group created. Now add its members."))
        return redirect("initiatives:group_detail", pk=group.pk)
    return render(request, "initiatives/group_form.html", {"form": form, "initiative": initiative})


@login_required
def group_detail(request, pk: int):
    group, role = group_get_for_user(user=request.user, pk=pk, action=Action.VIEW)
    can_manage = role_allows(role, Action.MANAGE)
    form = None
    if can_manage:
        form = GroupMemberForm(
            instance=GroupMember(group=group), people=people_visible_to(user=request.user)
        )
    return render(
        request,
        "initiatives/group_detail.html",
        {
            "group": group,
            "initiative": group.initiative,
            "members": selectors.group_detail(group=group),
            "can_manage": can_manage,
            "form": form,
            "group_roles": GroupMember._meta.get_field("role").choices,
        },
    )


@login_required
def group_edit(request, pk: int):
    group = group_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = GroupForm(request.POST or None, instance=copy.copy(group))
    updated = form_submitted(
        request,
        form,
        lambda data: services.group_update(group=group, by=request.user, data=data),
    )
    if updated:
        messages.success(request, _("Changes saved."))
        return redirect("initiatives:group_detail", pk=pk)
    return render(
        request,
        "initiatives/group_form.html",
        {"form": form, "initiative": group.initiative, "group": group},
    )


@login_required
@require_POST
def group_delete(request, pk: int):
    group = group_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    services.group_delete(group=group, by=request.user)
    messages.success(request, _("Group deleted."))
    return redirect(f"{group.initiative.get_absolute_url()}#groups")


def _group_members_fragment(request, group, form=None):
    form = form or GroupMemberForm(
        instance=GroupMember(group=group), people=people_visible_to(user=request.user)
    )
    return render(
        request,
        "initiatives/group_detail.html#members",
        {
            "group": group,
            "members": selectors.group_detail(group=group),
            "can_manage": True,
            "form": form,
            "group_roles": GroupMember._meta.get_field("role").choices,
        },
    )


@login_required
@require_POST
def group_member_add(request, pk: int):
    group = group_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = GroupMemberForm(
        request.POST, instance=GroupMember(group=group), people=people_visible_to(user=request.user)
    )
    added = False
    if form.is_valid():
        try:
            services.group_member_add(
                group=group,
                person=form.cleaned_data["person"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            added = True
            if not request.htmx:
                messages.success(request, _("Member added."))
    if request.htmx:
        # Once the member is added, the fragment shows an empty form.
        return _group_members_fragment(request, group, None if added else form)
    if not added:
        for field_errors in form.errors.values():
            messages.error(request, " ".join(str(message) for message in field_errors))
    return redirect("initiatives:group_detail", pk=group.pk)


@login_required
@require_POST
def group_member_role(request, pk: int):
    member = group_member_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = GroupMemberRoleForm(request.POST, instance=GroupMember(role=member.role))
    if form.is_valid():
        services.group_member_update(member=member, role=form.cleaned_data["role"], by=request.user)
        if not request.htmx:
            messages.success(request, _("Role changed."))
    else:
        messages.error(request, _("Choose one of the listed roles."))
    if request.htmx:
        return _group_members_fragment(request, member.group)
    return redirect("initiatives:group_detail", pk=member.group_id)


@login_required
@require_POST
def group_member_remove(request, pk: int):
    member = group_member_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    group = member.group
    services.group_member_remove(member=member, by=request.user)
    if request.htmx:
        return _group_members_fragment(request, group)
    messages.success(request, _("Member removed."))
    return redirect("initiatives:group_detail", pk=group.pk)


@login_required
def members(request, pk: int):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk, action=Action.VIEW)
    can_manage = role_allows(role, Action.MANAGE)
    invite_form = InvitationForm(request.POST or None) if can_manage else None
    new_link = None
    if request.method == "POST":
        if not can_manage or invite_form is None:
            raise PermissionDenied
        if invite_form.is_valid():
            try:
                created = services.invitation_create(
                    initiative=initiative,
                    by=request.user,
                    base_url=request.build_absolute_uri("/"),
                    **invite_form.cleaned_data,
                )
            except ValidationError as error:
                apply_service_errors(invite_form, error)
            else:
                new_link = services.invitation_url(
                    created.raw_token, base_url=request.build_absolute_uri("/")
                )
                if created.emailed:
                    messages.success(
                        request,
                        _("Invitation sent to %(email)s.") % {"email": created.invitation.email},
                    )
                else:
                    messages.warning(
                        request,
                        _(
                            "The invitation was saved but the email could not be sent. "
                            "Send the link below yourself."
                        ),
                    )
                invite_form = InvitationForm()
    filter_form = MemberFilterForm(request.GET or None, auto_id="filter_%s")
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    memberships = selectors.membership_list(
        initiative=initiative,
        role=filters.get("role", ""),
        query=filters.get("q", ""),
        search_email=can_manage,
    )
    return render(
        request,
        "initiatives/members.html",
        {
            "initiative": initiative,
            "page": Paginator(memberships, MEMBERS_PAGE_SIZE).get_page(request.GET.get("page")),
            "filter_form": filter_form,
            "invitations": (
                selectors.invitation_pending_list(initiative=initiative) if can_manage else []
            ),
            "can_manage": can_manage,
            "invite_form": invite_form,
            "new_link": new_link,
            "role_choices": Membership._meta.get_field("role").choices,
        },
        status=400 if invite_form is not None and invite_form.errors else 200,
    )


@login_required
@require_POST
def membership_role(request, pk: int):
    membership = membership_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = MembershipRoleForm(request.POST, instance=Membership(role=membership.role))
    if form.is_valid():
        try:
            services.membership_set_role(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Role changed."))
    else:
        messages.error(request, _("Choose one of the listed roles."))
    return redirect("initiatives:members", pk=membership.initiative_id)


@login_required
@require_POST
def membership_remove(request, pk: int):
    membership = membership_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    try:
        services.membership_remove(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Member removed from the initiative."))
    return redirect("initiatives:members", pk=membership.initiative_id)


@login_required
@require_POST
def invitation_revoke(request, pk: int):
    invitation = invitation_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("initiatives:members", pk=invitation.initiative_id)


def invitation_accept(request, token: str):
    """The page behind an invitation link: join as the signed-in user, or sign up first."""
    invitation: Invitation | None = services.invitation_find(raw_token=token)
    problem = services.invitation_problem(invitation)
    if problem:
        return render(request, "initiatives/invitation.html", {"problem": problem}, status=410)
    invitation = cast(Invitation, invitation)  # no problem: there is one
    signup_form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.invitation_accept(raw_token=token, user=request.user)
            except ValidationError as error:
                return render(
                    request,
                    "initiatives/invitation.html",
                    {"problem": " ".join(error.messages)},
                    status=410,
                )
            messages.success(
                request, _("Welcome to %(name)s.") % {"name": invitation.initiative.name}
            )
            return redirect("initiatives:detail", pk=invitation.initiative_id)
    else:
        signup_form = _signup_form(request.POST or None, invitation=invitation)
        if request.method == "POST" and signup_form.is_valid():
            try:
                membership = services.invitation_accept_with_signup(
                    raw_token=token,
                    username=signup_form.cleaned_data["username"],
                    password=signup_form.cleaned_data["password1"],
                    first_name=signup_form.cleaned_data["first_name"],
                    last_name=signup_form.cleaned_data["last_name"],
                )
            except ValidationError as error:
                apply_service_errors(signup_form, error)
            else:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, _("Welcome to %(name)s.") % {"name": invitation.initiative.name}
                )
                return redirect("initiatives:detail", pk=invitation.initiative_id)
    return render(
        request,
        "initiatives/invitation.html",
        {"invitation": invitation, "signup_form": signup_form},
    )


def _signup_form(data, *, invitation):

    return SignupForm(data, initial={"username": invitation.email})


@login_required
def history(request, pk: int):
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    return render(
        request,
        "initiatives/history.html",
        {
            "initiative": initiative,
            "entries": selectors.initiative_history(initiative=initiative, limit=HISTORY_LIMIT),
            "limit": HISTORY_LIMIT,
        },
    )


@login_required
def members_csv(request, pk: int):
    """The member list as CSV, for facilitators (the same gate as every other page)."""
    initiative = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="initiative-{pk}-members.csv"'
    response.write("\ufeff")  # so Excel opens Hebrew and Arabic correctly
    writer = csv_writer(response)
    writer.writerow([_("Name"), _("Username"), _("Email"), _("Role"), _("Joined")])
    for membership in selectors.membership_list(initiative=initiative):
        writer.writerow(
            [
                membership.user.display_name,
                membership.user.username,
                membership.user.email,
                membership.get_role_display(),
                membership.created_at.date().isoformat(),
            ]
        )
    return response


def _readiness_form(request, initiative, instance=None):
    from django.contrib.auth import get_user_model

    # Only facilitators can open the checklist, so only they can own an item on it.
    members = get_user_model().objects.filter(
        memberships__initiative=initiative, memberships__role="facilitator"
    )
    return ReadinessItemForm(request.POST or None, instance=instance, members=members)


@login_required
def readiness(request, pk: int):
    """The "preparing hearts" checklist: facilitators only."""
    initiative, role = initiative_get_for_user(user=request.user, pk=pk, action=Action.MANAGE)
    form = _readiness_form(request, initiative)
    item = form_submitted(
        request,
        form,
        lambda data: services.readiness_item_create(initiative=initiative, by=request.user, **data),
    )
    if item:
        messages.success(request, _("Item added."))
        return redirect("initiatives:readiness", pk=pk)
    items = initiative.readiness_items.select_related("owner")
    done = sum(1 for entry in items if entry.status in ("done", "not_relevant"))
    return render(
        request,
        "initiatives/readiness.html",
        {
            "initiative": initiative,
            "viewer_role": role,
            "items": items,
            "form": form,
            "done": done,
            "status_choices": ReadinessItem._meta.get_field("status").choices,
        },
    )


@login_required
@require_POST
def readiness_status(request, pk: int):
    item = readiness_item_get_for_user(user=request.user, pk=pk).obj
    form = ReadinessItemForm(
        {**model_to_dict(item), "status": request.POST.get("status", "")}, instance=copy.copy(item)
    )
    if form_submitted(
        request,
        form,
        lambda data: services.readiness_item_update(
            item=item, by=request.user, data={"status": data["status"]}
        ),
    ):
        messages.success(request, _("Status changed."))
    else:
        messages.error(request, _("Choose one of the listed statuses."))
    return redirect("initiatives:readiness", pk=item.initiative_id)


@login_required
@require_POST
def readiness_delete(request, pk: int):
    item = readiness_item_get_for_user(user=request.user, pk=pk).obj
    services.readiness_item_delete(item=item, by=request.user)
    messages.success(request, _("Item removed."))
    return redirect("initiatives:readiness", pk=item.initiative_id)
