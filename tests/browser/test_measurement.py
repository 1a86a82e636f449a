"""A reporting round in real Chromium: the backbone opens it, a partner submits a quarter with
its disaggregation, the backbone returns one value with a reason, the partner fixes it, the
backbone approves, the value reaches the scorecard, and the approved cell says why it cannot
be edited. Axe runs on every page; once in Hebrew (RTL) and once in English."""

import datetime as dt
import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from meshutaf.core.access import Role
from meshutaf.measurement import services
from meshutaf.measurement.models import Geography, Observation, SharingAgreement, State
from tests.factories import (
    AffiliationFactory,
    InitiativeFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)

from .conftest import assert_accessible, screenshot
from .test_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _scorecard_path(framework) -> str:
    """The scorecard, or the framework's page while the scorecard has no address."""
    try:
        return reverse("measurement:scorecard", args=[framework.pk])
    except NoReverseMatch:
        return reverse("measurement:framework", args=[framework.pk])


def _cell(page, indicator, key: str = "", part: str = "value"):
    return page.locator(f'input[name="cell:{indicator.pk}:{key}:{part}"]')


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_reporting_round(page_for, locale):
    backbone_user = UserFactory(username="dana", first_name="Dana", is_backbone=True)
    partner_user = UserFactory(username="amir", first_name="Amir")
    reader = UserFactory(username="lea", first_name="Lea")
    organisation = OrganisationFactory(name_he="מתנ״ס הצפון", name_en="North community centre")
    AffiliationFactory(
        person=PersonFactory(full_name="Amir Haddad", user=partner_user),
        organisation=organisation,
        start_date=dt.date(2020, 1, 1),
    )
    initiative = InitiativeFactory(name="השפעה קולקטיבית בעיר")
    MembershipFactory(initiative=initiative, user=backbone_user, role=Role.FACILITATOR)
    MembershipFactory(initiative=initiative, user=partner_user, role=Role.PARTNER)
    MembershipFactory(initiative=initiative, user=reader, role=Role.PARTICIPANT)
    country = Geography.objects.create(code="IL", level="country", name="ישראל")
    town = Geography.objects.create(code="L1", level="locality", name="עיר", parent=country)
    framework = services.framework_create(
        initiative=initiative, by=backbone_user, name="מסגרת תוצאות", area=town
    )
    indicator = services.indicator_create(
        framework=framework,
        by=backbone_user,
        code="EDU1",
        name="ילדים בחוגים",
        name_en="Children in clubs",
        kind="count",
        period_type="quarter",
        dimensions=[{"name": "sex", "values": ["female", "male"], "sums_to_total": True}],
    )
    SharingAgreement.objects.create(
        framework=framework,
        partner=organisation,
        indicator=indicator,
        purpose="Shared measurement",
        visibility="partners",
    )
    tag = locale[:2]
    due = timezone.localdate() + dt.timedelta(days=10)

    # The backbone opens the round.
    backbone = page_for(locale)
    log_in(backbone, "dana")
    backbone.goto(backbone.base_url + reverse("measurement:inbox", args=[framework.pk]))
    assert_accessible(backbone)
    create_path = reverse("measurement:round_create", args=[framework.pk])
    backbone.locator(f'a[href="{create_path}"]').click()
    assert_accessible(backbone)
    backbone.locator("#id_period").fill("2025-Q1")
    backbone.locator("#id_due_date").fill(due.isoformat())
    backbone.locator(f'input[name=indicators][value="{indicator.pk}"]').check()
    backbone.locator(f'input[name=partners][value="{organisation.pk}"]').check()
    backbone.locator("form.form button[type=submit]").click()
    backbone.wait_for_url(re.compile(r".*/measurement/rounds/\d+/$"))
    assert_accessible(backbone)
    round_id = int(re.search(r"/rounds/(\d+)/", backbone.url).group(1))
    entry_path = reverse("measurement:entry", args=[round_id, organisation.pk])

    # The partner submits the quarter: the total and both values of the disaggregation. The
    # total is wrong (the parts add up to 40).
    partner = page_for(locale)
    log_in(partner, "amir")
    partner.goto(partner.base_url + reverse("measurement:inbox", args=[framework.pk]))
    assert_accessible(partner)
    partner.locator(f'a[href="{entry_path}"]').click()
    partner.wait_for_url(re.compile(r".*/partners/\d+/$"))
    assert_accessible(partner)
    _cell(partner, indicator).fill("44")
    _cell(partner, indicator, "sex=female").fill("22")
    _cell(partner, indicator, "sex=male").fill("N/A")
    partner.locator("button[name=action][value=submit]").click()
    partner.locator("#sheet-problems").wait_for()
    assert _cell(partner, indicator, "sex=male").get_attribute("aria-invalid") == "true"
    assert not Observation.objects.exists()  # one bad cell: nothing written
    assert_accessible(partner)
    _cell(partner, indicator, "sex=male").fill("18")
    partner.locator("button[name=action][value=submit]").click()
    partner.locator(".alert--success").wait_for()
    assert Observation.objects.filter(state=State.SUBMITTED).count() == 3
    assert_accessible(partner)
    screenshot(partner, f"measurement-entry-submitted-{tag}")

    # The backbone returns the total with a reason.
    total = Observation.objects.get(disaggregation="", current=True)
    backbone.goto(backbone.base_url + reverse("measurement:review", args=[framework.pk]))
    assert backbone.locator("#review-table tbody tr").count() == 3
    assert_accessible(backbone)
    screenshot(backbone, f"measurement-review-{tag}")
    backbone.locator(f"#value-{total.pk} a").click()
    backbone.wait_for_url(re.compile(r".*/measurement/values/\d+/$"))
    assert_accessible(backbone)
    backbone.locator("#return-reason").fill("The parts add up to 40")
    backbone.locator("button[name=action][value=return]").click()
    backbone.locator(".alert--success").wait_for()
    total.refresh_from_db()
    assert total.state == State.RETURNED
    assert_accessible(backbone)

    # The partner sees the reason and fixes the value.
    partner.goto(partner.base_url + entry_path)
    returned = partner.locator(f"#cell-{indicator.pk}-0-returned")
    assert "The parts add up to 40" in returned.inner_text()
    assert_accessible(partner)
    _cell(partner, indicator).fill("40")
    partner.locator("button[name=action][value=submit]").click()
    partner.locator(".alert--success").wait_for()
    fixed = Observation.objects.get(disaggregation="", current=True)
    assert fixed.value == 40
    assert fixed.state == State.SUBMITTED

    # Before approval the other members' scorecard does not show the value.
    reader_page = page_for(locale)
    log_in(reader_page, "lea")
    reader_page.goto(reader_page.base_url + _scorecard_path(framework))
    assert_accessible(reader_page)
    assert not re.search(r"\b40\b", reader_page.locator("main").inner_text())

    # The backbone approves every value in one go.
    backbone.goto(backbone.base_url + reverse("measurement:review", args=[framework.pk]))
    for checkbox in backbone.locator("input[name=ids]").all():
        checkbox.check()
    backbone.locator("button[name=action][value=approve]").click()
    backbone.locator(".alert--success").wait_for()
    assert Observation.objects.filter(current=True, state=State.APPROVED).count() == 3
    assert_accessible(backbone)

    # The scorecard changes: the approved total is there for the other members.
    reader_page.goto(reader_page.base_url + _scorecard_path(framework))
    assert re.search(r"\b40\b", reader_page.locator("main").inner_text())
    assert_accessible(reader_page)
    screenshot(reader_page, f"measurement-scorecard-{tag}")

    # The approved cell cannot be edited, and says why, linked to the field.
    partner.goto(partner.base_url + entry_path)
    field = _cell(partner, indicator)
    assert field.is_disabled()
    described = field.get_attribute("aria-describedby")
    reason = partner.locator(f"#{described}").inner_text()
    assert "Dana" in reason
    assert "Approved by" in reason or "אושר" in reason
    assert_accessible(partner)
    screenshot(partner, f"measurement-entry-approved-{tag}")
