"""A small town for measurement tests: the town with two neighbourhoods, a partner
organisation whose person is the `member` user, and a framework with a count indicator
(disaggregated by sex) and a proportion."""

import datetime as dt

import pytest

from meshutaf.measurement import services
from meshutaf.measurement.entries import entry_check
from meshutaf.measurement.models import Geography
from tests.factories import AffiliationFactory, OrganisationFactory, PersonFactory


@pytest.fixture
def town(db):
    country = Geography.objects.create(code="IL", level="country", name="ישראל")
    town = Geography.objects.create(
        code="L9999", level="locality", name="עיר מיטיבה", parent=country
    )
    Geography.objects.create(code="L9999-1", level="neighbourhood", name="צפון", parent=town)
    Geography.objects.create(code="L9999-2", level="neighbourhood", name="דרום", parent=town)
    return town


@pytest.fixture
def partner_org(member):
    organisation = OrganisationFactory(name_he="מתנ״ס העיר", name_en="Town community centre")
    AffiliationFactory(
        person=PersonFactory(user=member), organisation=organisation, start_date=dt.date(2020, 1, 1)
    )
    return organisation


@pytest.fixture
def framework(initiative, owner, town):
    return services.framework_create(
        initiative=initiative, by=owner, name="מסגרת תוצאות", area=town
    )


@pytest.fixture
def count_indicator(framework, owner):
    return services.indicator_create(
        framework=framework,
        by=owner,
        code="EDU1",
        name="ילדים בחוגים",
        name_en="Children in clubs",
        kind="count",
        period_type="quarter",
        dimensions=[
            {"name": "sex", "label": "Sex", "values": ["female", "male"], "sums_to_total": True}
        ],
    )


@pytest.fixture
def proportion_indicator(framework, owner):
    return services.indicator_create(
        framework=framework,
        by=owner,
        code="EDU2",
        name="זכאות לבגרות",
        name_en="Matriculation",
        kind="proportion",
        period_type="year",
    )


@pytest.fixture
def record(owner):
    """Enter a value as `by` (the owner by default) and return it."""

    def enter(
        indicator,
        geography,
        period,
        *,
        by=None,
        role="facilitator",
        partner=None,
        key="",
        submit=False,
        **numbers,
    ):
        entry = entry_check(indicator, period=period, key=key, **numbers)
        return services.observation_record(
            indicator=indicator,
            by=by or owner,
            role=role,
            geography=geography,
            entry=entry,
            partner=partner,
            submit=submit,
        )

    return enter
