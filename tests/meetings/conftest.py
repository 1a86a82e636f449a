import datetime

import pytest
from django.utils import timezone

from meshutaf.meetings import services
from meshutaf.meetings.models import MeetingStatus

from ..factories import AffiliationFactory, OrganisationFactory, PersonFactory


@pytest.fixture
def member_person(member):
    person = PersonFactory(full_name="Amir Haddad", user=member, email="amir@example.org")
    AffiliationFactory(
        person=person, organisation=OrganisationFactory(name_en="Ministry", sector="government")
    )
    return person


@pytest.fixture
def owner_person(owner):
    person = PersonFactory(full_name="Noa Levi", user=owner, email="noa@example.org")
    AffiliationFactory(
        person=person, organisation=OrganisationFactory(name_en="Fund", sector="philanthropy")
    )
    return person


def make_meeting(initiative, owner, *, days: int = 7, status=MeetingStatus.SCHEDULED, **fields):
    start = (timezone.now() + datetime.timedelta(days=days)).replace(
        minute=0, second=0, microsecond=0
    )
    fields.setdefault("title", "Roundtable on early education")
    return services.meeting_create(
        initiative=initiative,
        by=owner,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        status=status,
        **fields,
    )


@pytest.fixture
def meeting(initiative, owner):
    return make_meeting(initiative, owner, venue="Jerusalem, Kaplan 3")
