"""API endpoints of the alumni network and of projects, through the same gates as the pages.

Field visibility: an alumni profile's fields come through `selectors.alumni.visible_fields`,
and a field the caller may not see is **omitted** from `fields` (not sent as null): a null
would still tell the caller that the field exists and is being withheld. `fields` holds only
the names the caller may read; `hidden_fields` is never sent.
"""

import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from meshutaf.core.schemas import Id

from .models import Project
from .permissions import (
    cohort_get_for_user,
    programme_get_for_user,
    project_get_for_user,
)
from .selectors import alumni as alumni_selectors
from .selectors import projects as project_selectors

router = Router(tags=["programs"])


class AlumnusOut(Schema):
    id: int
    name: str
    cohort: str | None
    fields: dict[str, str]
    role_unconfirmed_since: datetime.date | None


class PersonRef(Schema):
    id: int
    name: str


class TeamMemberOut(Schema):
    id: int
    name: str
    organisation: str | None


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: datetime.date | None
    done_at: datetime.date | None


class ProjectOut(Schema):
    id: int
    cohort_id: int
    title: str
    challenge: str
    description: str
    status: str
    sponsor: PersonRef | None
    coach: PersonRef | None
    team: list[TeamMemberOut]
    single_ministry: str | None


class ProjectDetailOut(ProjectOut):
    milestones: list[MilestoneOut]


def _alumnus(card: alumni_selectors.AlumniCard) -> dict:
    return {
        "id": card.profile.pk,
        "name": card.name,
        "cohort": card.profile.cohort.name if card.profile.cohort is not None else None,
        "fields": {name: str(value) for name, value in card.fields.items()},
        "role_unconfirmed_since": card.role_unconfirmed_since,
    }


def _person(person) -> dict | None:
    return {"id": person.pk, "name": person.full_name} if person is not None else None


def _project(project: Project) -> dict:
    team = list(project.members.all())
    return {
        "id": project.pk,
        "cohort_id": project.cohort_id,
        "title": project.title,
        "challenge": project.challenge,
        "description": project.description,
        "status": project.status,
        "sponsor": _person(project.sponsor),
        "coach": _person(project.coach),
        "team": [
            {
                "id": member.pk,
                "name": member.person.full_name,
                "organisation": str(member.organisation) if member.organisation_id else None,
            }
            for member in team
        ],
        "single_ministry": project_selectors.team_single_ministry(team),
    }


@router.get("/programs/programmes/{programme_id}/alumni", response=list[AlumnusOut])
@paginate
def alumni_list(request, programme_id: Id, q: str = ""):
    """The programme's opted-in alumni, each with only the fields the caller may see; `q`
    searches the name and those fields only."""
    programme, role = programme_get_for_user(user=request.user, pk=programme_id)
    viewer = alumni_selectors.alumni_viewer(programme=programme, user=request.user, role=role)
    cards = alumni_selectors.alumni_cards(programme=programme, viewer=viewer, query=q[:200])
    return [_alumnus(card) for card in cards]


@router.get("/programs/cohorts/{cohort_id}/projects", response=list[ProjectOut])
@paginate
def project_list(request, cohort_id: Id):
    cohort = cohort_get_for_user(user=request.user, pk=cohort_id).obj
    return [_project(project) for project in project_selectors.projects_of(cohort=cohort)]


@router.get("/programs/projects/{project_id}", response=ProjectDetailOut)
def project_detail(request, project_id: Id):
    granted = project_get_for_user(user=request.user, pk=project_id)
    project = project_selectors.project_with_team(pk=granted.obj.pk)
    body = _project(project)
    body["milestones"] = [
        {
            "id": milestone.pk,
            "title": milestone.title,
            "due_date": milestone.due_date,
            "done_at": milestone.done_at,
        }
        for milestone in project_selectors.milestones_of(project=project)
    ]
    return body
