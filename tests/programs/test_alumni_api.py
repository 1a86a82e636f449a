"""The API of the alumni directory and of projects: the same gates as the pages, and a field
the caller may not see is absent from the JSON (omitted, not null)."""

import pytest
from ninja.testing import TestClient

from meshutaf.core.access import Role
from meshutaf.programs.api_alumni import router
from meshutaf.programs.models import Participant, ParticipantStatus
from meshutaf.programs.services import alumni as alumni_services
from meshutaf.programs.services import projects as project_services
from tests.factories import MembershipFactory, PersonFactory, UserFactory

PHONE = "052-1112233"
EMAIL = "hidden.mail@example.org"
EXPERTISE = "רכש ציבורי"


def api_get(user, path):
    return TestClient(router).get(path, user=user)


def graduate_of(cohort, user, name):
    return Participant.objects.create(
        cohort=cohort,
        person=PersonFactory(user=user, full_name=name),
        user=user,
        status=ParticipantStatus.GRADUATED,
    )


@pytest.fixture
def profile(programme, cohort, participant, ministries):
    graduate_of(cohort, participant, "נועה ברק")
    return alumni_services.alumni_profile_opt_in(
        programme=programme,
        user=participant,
        role_title="סמנכ״לית",
        organisation=ministries[1],
        expertise=EXPERTISE,
        email=EMAIL,
        phone=PHONE,
    )


@pytest.fixture
def alumnus(initiative, cohort, programme):
    user = UserFactory(username="alumnus")
    MembershipFactory(initiative=initiative, user=user, role=Role.PARTICIPANT)
    graduate_of(cohort, user, "עמית")
    alumni_services.alumni_profile_opt_in(programme=programme, user=user)
    return user


def alumni_of(user, programme, query=""):
    path = f"/programs/programmes/{programme.pk}/alumni"
    return api_get(user, path + (f"?q={query}" if query else ""))


def test_alumni_fields_by_caller(programme, profile, alumnus, owner, member, outsider):
    staff_body = alumni_of(owner, programme).json()
    dana = next(item for item in staff_body["items"] if item["id"] == profile.pk)
    assert dana["fields"]["phone"] == PHONE
    alumni_item = next(
        item for item in alumni_of(alumnus, programme).json()["items"] if item["id"] == profile.pk
    )
    assert alumni_item["fields"]["email"] == EMAIL
    assert "phone" not in alumni_item["fields"]
    assert PHONE not in alumni_of(alumnus, programme).content.decode()
    member_response = alumni_of(member, programme)
    member_item = next(item for item in member_response.json()["items"] if item["id"] == profile.pk)
    assert set(member_item["fields"]) == {"role_title", "organisation"}
    text = member_response.content.decode()
    assert PHONE not in text
    assert EMAIL not in text
    assert EXPERTISE not in text
    assert alumni_of(outsider, programme).status_code == 404


def test_api_search_does_not_match_hidden_fields(programme, profile, alumnus, member):
    assert alumni_of(member, programme, EXPERTISE).json()["count"] == 0
    assert alumni_of(alumnus, programme, EXPERTISE).json()["count"] == 1
    assert alumni_of(alumnus, programme, PHONE).json()["count"] == 0


def test_projects_by_caller(cohort, owner, member, outsider, ministries, enrolled):
    project = project_services.project_create(
        cohort=cohort, by=owner, title="רישוי מהיר", members=[enrolled]
    )
    project_services.milestone_add(project=project, by=owner, title="מיפוי")
    listed = api_get(member, f"/programs/cohorts/{cohort.pk}/projects").json()
    assert listed["items"][0]["title"] == "רישוי מהיר"
    assert api_get(outsider, f"/programs/cohorts/{cohort.pk}/projects").status_code == 404
    detail = api_get(member, f"/programs/projects/{project.pk}").json()
    assert detail["milestones"][0]["title"] == "מיפוי"
    assert detail["team"][0]["id"] == enrolled.pk
    assert api_get(outsider, f"/programs/projects/{project.pk}").status_code == 404
    assert api_get(member, "/programs/projects/0").status_code == 422
