"""Programmes, projects and alumni profiles in the site's search: an alumni profile's entry
holds its name and the fields every member may see, so searching never reveals a field kept
for alumni or staff; a profile that left the network is no longer found."""

import pytest

from meshutaf.programs import indexing as programs_indexing
from meshutaf.programs.models import Participant, ParticipantStatus
from meshutaf.programs.services import alumni as alumni_services
from meshutaf.programs.services import projects as project_services
from meshutaf.search import engine
from meshutaf.search import indexing as search_indexing
from meshutaf.search.models import SearchEntry
from tests.factories import PersonFactory

PHONE = "0547778899"
EMAIL = "secret.contact@example.org"
EXPERTISE = "אסדרה"


@pytest.fixture(autouse=True)
def registered():
    # The lead registers these in apps.py; registering again changes nothing.
    programs_indexing.register()


@pytest.fixture
def profile(programme, cohort, participant, ministries):
    Participant.objects.create(
        cohort=cohort,
        person=PersonFactory(user=participant, full_name="שירה גולן"),
        user=participant,
        status=ParticipantStatus.GRADUATED,
    )
    return alumni_services.alumni_profile_opt_in(
        programme=programme,
        user=participant,
        role_title="מנהלת מחוז",
        expertise=EXPERTISE,
        email=EMAIL,
        phone=PHONE,
        visibility={"expertise": "alumni", "email": "alumni", "phone": "staff"},
    )


def found(user, query) -> list[str]:
    return [hit.entry.kind for hit in engine.search(user=user, query=query).hits]


def test_a_profiles_entry_holds_only_what_every_member_sees(profile, owner, member):
    entry = SearchEntry.objects.get(kind=programs_indexing.ALUMNUS)
    assert "שירה גולן" in entry.title
    assert "מנהלת מחוז" in entry.body
    for hidden in (PHONE, EMAIL, EXPERTISE):
        assert hidden not in entry.body
        assert hidden not in entry.terms
    assert found(member, "שירה") == ["alumnus"]
    for user in (owner, member):
        assert found(user, PHONE) == []
        assert found(user, EXPERTISE) == []


def test_the_entry_follows_the_profile(profile, participant, member, outsider):
    alumni_services.alumni_profile_update(
        profile=profile, by=participant, data={"visibility": {"expertise": "members"}}
    )
    assert found(member, EXPERTISE) == ["alumnus"]
    assert found(outsider, "שירה") == []
    alumni_services.alumni_profile_opt_out(profile=profile, by=participant)
    assert found(member, "שירה") == []


def test_reindex_all_keeps_hidden_fields_out(profile, member):
    search_indexing.reindex_all()
    assert found(member, "שירה") == ["alumnus"]
    assert found(member, PHONE) == []
    assert not SearchEntry.objects.filter(body__contains=EMAIL).exists()


def test_projects_and_programmes_are_found_by_members(programme, cohort, owner, member, outsider):
    project_services.project_create(
        cohort=cohort, by=owner, title="רפורמה ברישוי", challenge="תורים ארוכים"
    )
    programs_indexing.index_programme(programme)
    assert found(member, "רישוי") == ["cohort_project"]
    assert found(member, "תורים") == ["cohort_project"]
    assert "programme" in found(member, "מרחב")
    assert found(outsider, "רישוי") == []
