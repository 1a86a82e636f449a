"""Pages of a cohort's projects: the list (every member of the initiative), a project's page,
the forms for the project and its milestones (team members and staff), the reviewers and the
final review, and the follow-ups staff record.

Gates: `cohort_get_for_user` and `project_get_for_user` (CONTRIBUTE: the team and staff);
outsiders get 404, members without the role 403."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.core.access import Action
from meshutaf.core.forms import form_submitted
from meshutaf.directory.permissions import people_visible_to

from .models import FollowUp, Milestone, ProjectReview, RubricVersion
from .permissions import (
    cohort_get_for_user,
    programme_get_for_user,
    project_get_for_user,
    staff,
)
from .project_forms import (
    FollowUpForm,
    MilestoneForm,
    ProjectForm,
    ProjectReviewForm,
    ReviewersForm,
)
from .selectors import projects as selectors
from .services import projects as services


def _project_url(pk: int) -> str:
    return reverse("programs:project", kwargs={"pk": pk})


def _warn_single_ministry(request, project) -> None:
    ministry = selectors.team_single_ministry(list(project.members.select_related("organisation")))
    if ministry:
        messages.warning(
            request,
            _(
                "Every member of the team comes from %(ministry)s. Projects are meant to be "
                "inter-ministerial: consider adding someone from another ministry."
            )
            % {"ministry": ministry},
        )


@login_required
def projects(request, pk: int) -> HttpResponse:
    cohort, role = cohort_get_for_user(user=request.user, pk=pk)
    listed = list(selectors.projects_of(cohort=cohort))
    results = selectors.project_results(cohort=cohort) if staff(role) else {}
    rows = [
        {
            "project": project,
            "single_ministry": selectors.team_single_ministry(list(project.members.all())),
            "result": results.get(project.pk),
        }
        for project in listed
    ]
    return render(
        request,
        "programs/projects/list.html",
        {
            "initiative": cohort.programme.initiative,
            "cohort": cohort,
            "nav": "projects",
            "page_title": _("Projects"),
            "rows": rows,
            "is_staff": staff(role),
        },
    )


def _project_form(request, cohort, **kwargs) -> ProjectForm:
    return ProjectForm(
        request.POST or None,
        cohort=cohort,
        people=people_visible_to(user=request.user).order_by("full_name", "pk"),
        **kwargs,
    )


@login_required
def project_create(request, pk: int) -> HttpResponse:
    cohort = cohort_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = _project_form(request, cohort)
    project = form_submitted(
        request,
        form,
        lambda data: services.project_create(cohort=cohort, by=request.user, **data),
    )
    if project is not None:
        messages.success(request, _("The project was created."))
        _warn_single_ministry(request, project)
        return redirect(_project_url(project.pk))
    return render(
        request,
        "programs/projects/form.html",
        {
            "initiative": cohort.programme.initiative,
            "cohort": cohort,
            "nav": "projects",
            "page_title": _("New project"),
            "form": form,
            "cancel_url": reverse("programs:projects", kwargs={"pk": cohort.pk}),
        },
    )


@login_required
def project_edit(request, pk: int) -> HttpResponse:
    project = project_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = _project_form(
        request,
        project.cohort,
        initial={
            "title": project.title,
            "challenge": project.challenge,
            "description": project.description,
            "sponsor": project.sponsor,
            "coach": project.coach,
            "members": list(project.members.all()),
            "status": project.status,
        },
    )
    saved = form_submitted(
        request,
        form,
        lambda data: services.project_update(
            project=copy.copy(project), by=request.user, data=dict(data)
        ),
    )
    if saved is not None:
        messages.success(request, _("The project was saved."))
        _warn_single_ministry(request, saved)
        return redirect(_project_url(saved.pk))
    return render(
        request,
        "programs/projects/form.html",
        {
            "initiative": project.cohort.programme.initiative,
            "cohort": project.cohort,
            "project": project,
            "nav": "projects",
            "page_title": _("Edit the project"),
            "form": form,
            "cancel_url": _project_url(project.pk),
        },
    )


@login_required
def project_detail(request, pk: int) -> HttpResponse:
    granted = project_get_for_user(user=request.user, pk=pk)
    project = selectors.project_with_team(pk=granted.obj.pk)
    team = list(project.members.all())
    is_staff = staff(granted.role)
    in_team = any(member.user_id == request.user.pk for member in team)
    return render(
        request,
        "programs/projects/detail.html",
        {
            "initiative": project.cohort.programme.initiative,
            "cohort": project.cohort,
            "nav": "projects",
            "page_title": project.title,
            "project": project,
            "team": team,
            "single_ministry": selectors.team_single_ministry(team),
            "milestones": selectors.milestones_of(project=project),
            "follow_ups": selectors.follow_ups_of(project=project),
            "is_staff": is_staff,
            "may_contribute": is_staff or in_team,
            "milestone_form": MilestoneForm(),
            "reviews": selectors.reviews_of(project=project) if is_staff else [],
            "result": (
                selectors.project_results(cohort=project.cohort).get(project.pk)
                if is_staff
                else None
            ),
            "my_review": selectors.my_review(project=project, user=request.user),
        },
    )


@login_required
@require_POST
def milestone_add(request, pk: int) -> HttpResponse:
    project = project_get_for_user(user=request.user, pk=pk, action=Action.CONTRIBUTE).obj
    form = MilestoneForm(request.POST)
    if form_submitted(
        request,
        form,
        lambda data: services.milestone_add(project=project, by=request.user, **data),
    ):
        messages.success(request, _("The milestone was added."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
    return redirect(_project_url(project.pk) + "#milestones")


def _milestone_for(request, pk: int) -> Milestone:
    milestone = get_object_or_404(Milestone, pk=pk)
    project_get_for_user(user=request.user, pk=milestone.project_id, action=Action.CONTRIBUTE)
    return milestone


@login_required
@require_POST
def milestone_done(request, pk: int) -> HttpResponse:
    milestone = _milestone_for(request, pk)
    services.milestone_done(
        milestone=milestone, by=request.user, done=request.POST.get("done") != "0"
    )
    return redirect(_project_url(milestone.project_id) + "#milestones")


@login_required
@require_POST
def milestone_delete(request, pk: int) -> HttpResponse:
    milestone = _milestone_for(request, pk)
    services.milestone_delete(milestone=milestone, by=request.user)
    messages.success(request, _("The milestone was removed."))
    return redirect(_project_url(milestone.project_id) + "#milestones")


@login_required
def project_reviewers(request, pk: int) -> HttpResponse:
    project = project_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    initiative = project.cohort.programme.initiative
    users = (
        get_user_model()
        .objects.filter(memberships__initiative=initiative)
        .order_by("first_name", "username")
    )
    versions = RubricVersion.objects.filter(rubric__programme=project.cohort.programme)
    current = project.reviews.select_related("reviewer")
    form = ReviewersForm(
        request.POST or None,
        users=users,
        versions=versions,
        initial={
            "reviewers": [review.reviewer for review in current],
            "rubric_version": project.cohort.rubric_version,
        },
    )
    if form_submitted(
        request,
        form,
        lambda data: services.project_reviewers_set(
            project=project,
            by=request.user,
            reviewers=data["reviewers"],
            rubric_version=data.get("rubric_version"),
        ),
    ):
        messages.success(request, _("The reviewers were saved."))
        return redirect(_project_url(project.pk) + "#review")
    return render(
        request,
        "programs/projects/form.html",
        {
            "initiative": initiative,
            "cohort": project.cohort,
            "project": project,
            "nav": "projects",
            "page_title": _("Reviewers of the project"),
            "form": form,
            "cancel_url": _project_url(project.pk),
        },
    )


@login_required
def project_review(request, pk: int) -> HttpResponse:
    """The reviewer's own review of a project, on one screen with the rubric's anchors."""
    review = get_object_or_404(ProjectReview.objects.select_related("rubric_version"), pk=pk)
    project = project_get_for_user(user=request.user, pk=review.project_id).obj
    if review.reviewer_id != request.user.pk:
        raise Http404
    form = ProjectReviewForm(request.POST or None, review=review)
    if review.submitted_at is None and form_submitted(
        request,
        form,
        lambda data: services.project_review_submit(
            review=review, by=request.user, scores=form.scores(), note=data.get("note", "")
        ),
    ):
        messages.success(request, _("Your review was submitted."))
        return redirect(_project_url(project.pk))
    return render(
        request,
        "programs/projects/review.html",
        {
            "initiative": project.cohort.programme.initiative,
            "cohort": project.cohort,
            "project": project,
            "nav": "projects",
            "page_title": _("Review: %(project)s") % {"project": project.title},
            "review": review,
            "form": form,
            "scores": review.scores.select_related("criterion") if review.submitted_at else [],
        },
    )


@login_required
def follow_up_record(request, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(FollowUp, pk=pk)
    project = project_get_for_user(
        user=request.user, pk=follow_up.project_id, action=Action.MANAGE
    ).obj
    form = FollowUpForm(
        request.POST or None,
        initial={
            "status": follow_up.status,
            "still_active": follow_up.still_active,
            "outcome": follow_up.outcome,
        },
    )
    if form_submitted(
        request,
        form,
        lambda data: services.follow_up_record(follow_up=follow_up, by=request.user, **data),
    ):
        messages.success(request, _("The follow-up was recorded."))
        return redirect(_project_url(project.pk) + "#follow-ups")
    return render(
        request,
        "programs/projects/form.html",
        {
            "initiative": project.cohort.programme.initiative,
            "cohort": project.cohort,
            "project": project,
            "nav": "projects",
            "page_title": _("Follow-up after %(months)s months") % {"months": follow_up.months},
            "form": form,
            "cancel_url": _project_url(project.pk),
        },
    )


@login_required
def follow_ups(request, pk: int) -> HttpResponse:
    """Staff's list of the programme's follow-ups that are due or coming due."""
    programme = programme_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    return render(
        request,
        "programs/projects/follow_ups.html",
        {
            "initiative": programme.initiative,
            "programme": programme,
            "page_title": _("Follow-ups due"),
            "follow_ups": selectors.follow_ups_due(programme=programme),
        },
    )
