"""A small programme for programs tests: the `owner` runs it (the initiative's facilitator),
the `member` (a partner) reviews, the `participant` takes part; two ministries, and a cohort
with the default rubric.

`nominate(...)` adds an applied nomination directly (the link flow has its own tests)."""

import datetime as dt

import pytest
from django.utils import timezone

from meshutaf.directory.models import Sector
from meshutaf.programs.models import (
    Application,
    Nomination,
    NominationStatus,
    Participant,
    Reviewer,
)
from meshutaf.programs.services import programmes
from tests.factories import OrganisationFactory, PersonFactory


@pytest.fixture
def ministries(db):
    return [
        OrganisationFactory(
            name_he="משרד הרווחה", name_en="Ministry of Welfare", sector=Sector.GOVERNMENT
        ),
        OrganisationFactory(
            name_he="משרד החינוך", name_en="Ministry of Education", sector=Sector.GOVERNMENT
        ),
        OrganisationFactory(
            name_he="עיריית חיפה", name_en="Haifa Municipality", sector=Sector.LOCAL_AUTHORITY
        ),
    ]


@pytest.fixture
def programme(initiative, owner):
    return programmes.programme_create(
        initiative=initiative, by=owner, name="מרחב", description="תכנית מנהיגות"
    )


@pytest.fixture
def cohort(programme, owner):
    return programmes.cohort_create(
        programme=programme,
        by=owner,
        name="מחזור ב",
        start_date=dt.date(2027, 1, 10),
        end_date=dt.date(2027, 7, 1),
        capacity=4,
    )


@pytest.fixture
def nominate(cohort, ministries):
    counter = iter(range(1, 10_000))

    def add(*, organisation=None, name=None, cohort_=None, applied=True, **fields):
        number = next(counter)
        target = cohort_ or cohort
        nomination = Nomination.objects.create(
            cohort=target,
            nominator_name=fields.pop("nominator_name", "מנכ״ל המשרד"),
            organisation=organisation or ministries[number % len(ministries)],
            candidate_name=name or f"מועמדת {number}",
            candidate_email=f"candidate{number}@example.org",
            role_title=fields.pop("role_title", "ראש אגף"),
            nominator_statement=fields.pop("nominator_statement", "מובילה שינוי"),
            status=NominationStatus.APPLIED if applied else NominationStatus.NOMINATED,
            consent_at=timezone.now() if applied else None,
            **fields,
        )
        if applied:
            Application.objects.create(
                nomination=nomination, statement="רוצה ללמוד", submitted_at=timezone.now()
            )
        return nomination

    return add


@pytest.fixture
def reviewer(cohort, member):
    return Reviewer.objects.create(cohort=cohort, user=member, person=PersonFactory(user=member))


@pytest.fixture
def enrolled(cohort, participant):
    return Participant.objects.create(
        cohort=cohort, person=PersonFactory(user=participant), user=participant
    )
