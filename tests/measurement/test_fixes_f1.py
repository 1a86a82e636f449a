"""Regression tests of the reporting fixes: another organisation's cells left out of the entry
sheet, the indicators each partner's task asks for, a round that must match the value, geography
codes scoped to the initiative and the framework's area, the API scorecard's small baselines,
numbers that cannot be stored, the backbone's reasons, a task's real state, plural messages."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise

from meshutaf.core import imports
from meshutaf.core.access import Role
from meshutaf.measurement import entries, importing, services
from meshutaf.measurement.entries import entry_check, number
from meshutaf.measurement.models import (
    Geography,
    Observation,
    ReportingTask,
    SharingAgreement,
    State,
)
from tests.factories import (
    AffiliationFactory,
    InitiativeFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)

from ..api.test_api import api, post

PERIOD = "2025-Q1"


@pytest.fixture
def rate_indicator(framework, owner):
    return services.indicator_create(
        framework=framework,
        by=owner,
        code="EDU3",
        name="השתתפות",
        name_en="Participation",
        kind="proportion",
        period_type="quarter",
    )


@pytest.fixture
def other_org(initiative):
    """Another partner organisation of the initiative, and the user who reports for it."""
    organisation = OrganisationFactory(name_en="Other NGO")
    user = UserFactory(username="rival", first_name="Rina")
    MembershipFactory(initiative=initiative, user=user, role=Role.PARTNER)
    AffiliationFactory(
        person=PersonFactory(user=user), organisation=organisation, start_date=dt.date(2020, 1, 1)
    )
    organisation.reporter = user
    return organisation


def agree(framework, owner, partner, indicator, visibility="backbone"):
    return services.agreement_set(
        framework=framework,
        by=owner,
        partner=partner,
        indicator=indicator,
        purpose="reporting",
        visibility=visibility,
    )


def open_round(framework, owner, indicators, partners, **options):
    return services.round_open(
        framework=framework,
        by=owner,
        period=PERIOD,
        due_date=timezone.localdate() + dt.timedelta(days=3),
        indicators=indicators,
        partners=partners,
        **options,
    )


def assigned(round, partner):
    task = ReportingTask.objects.get(round=round, partner=partner)
    return sorted(task.indicators.values_list("code", flat=True))


def cell(indicator, key="", part="value"):
    return f"cell:{indicator.pk}:{key}:{part}"


def entry_url(round, partner):
    return reverse("measurement:entry", args=[round.pk, partner.pk])


def write(indicator, geography, *, by, partner, round=None, period=PERIOD, submit=True, **numbers):
    return services.observation_record(
        indicator=indicator,
        by=by,
        role=Role.PARTNER,
        geography=geography,
        entry=entry_check(indicator, period=period, **numbers),
        partner=partner,
        round=round,
        submit=submit,
    )


# ---------------------------------------------------------------- 1. another's cells left out


def test_the_entry_sheet_never_shows_another_partners_value_state_or_reason(
    as_user, framework, owner, member, partner_org, other_org, count_indicator, rate_indicator, town
):
    agree(framework, owner, other_org, rate_indicator)  # backbone-only
    # partner_org has no agreement: its task asks for both indicators.
    round = open_round(
        framework, owner, [count_indicator, rate_indicator], [partner_org, other_org]
    )
    theirs = write(
        rate_indicator,
        town,
        by=other_org.reporter,
        partner=other_org,
        round=round,
        numerator=31,
        denominator=97,
    )
    services.observation_return(observation=theirs, by=owner, reason="Secret reason 4471")
    page = as_user(member).get(entry_url(round, partner_org)).content.decode()
    assert "Secret reason 4471" not in page
    assert cell(rate_indicator, part="numerator") not in page
    assert 'value="97"' not in page
    assert "badge--returned" not in page
    assert cell(count_indicator) in page  # its own cells are there
    # A value sent for the cell anyway is refused, and nothing changes.
    response = as_user(member).post(
        entry_url(round, partner_org),
        {
            cell(rate_indicator, part="numerator"): "1",
            cell(rate_indicator, part="denominator"): "2",
            "action": "submit",
        },
    )
    assert response.status_code == 400
    assert "A value was sent for a cell another organisation reports." in response.content.decode()
    assert Observation.objects.get(indicator=rate_indicator, current=True).pk == theirs.pk
    # The backbone sees the cell with its state.
    backbone_page = as_user(owner).get(entry_url(round, partner_org)).content.decode()
    assert "Secret reason 4471" in backbone_page


# ---------------------------------------------------------------- 2. who reports which indicators


def test_round_open_assigns_by_agreement_or_everything(
    framework, owner, partner_org, other_org, count_indicator, rate_indicator, proportion_indicator
):
    agree(framework, owner, other_org, rate_indicator)
    agree(framework, owner, other_org, proportion_indicator)  # not in the round
    round = open_round(
        framework, owner, [count_indicator, rate_indicator], [partner_org, other_org]
    )
    assert assigned(round, other_org) == ["EDU3"]
    assert assigned(round, partner_org) == ["EDU1", "EDU3"]  # no agreement: all
    given = open_round(
        framework,
        owner,
        [count_indicator, rate_indicator],
        [partner_org, other_org],
        assignments={partner_org.pk: [count_indicator], other_org.pk: [count_indicator]},
    )
    assert assigned(given, partner_org) == assigned(given, other_org) == ["EDU1"]
    with pytest.raises(ValidationError, match="only those"):
        open_round(
            framework,
            owner,
            [count_indicator],
            [partner_org],
            assignments={partner_org.pk: [rate_indicator]},
        )
    assert ReportingTask._meta.get_field("indicators").verbose_name == "indicators it reports"


def test_a_partner_cannot_report_an_indicator_its_task_does_not_ask_for(
    as_user, framework, owner, member, partner_org, other_org, count_indicator, rate_indicator, town
):
    agree(framework, owner, partner_org, count_indicator)
    agree(framework, owner, other_org, rate_indicator)
    round = open_round(
        framework, owner, [count_indicator, rate_indicator], [partner_org, other_org]
    )
    client = as_user(member)
    page = client.get(entry_url(round, partner_org)).content.decode()
    assert cell(count_indicator) in page
    assert cell(rate_indicator, part="numerator") not in page
    response = client.post(
        entry_url(round, partner_org),
        {
            cell(rate_indicator, part="numerator"): "30",
            cell(rate_indicator, part="denominator"): "120",
            "action": "submit",
        },
    )
    assert response.status_code == 400
    assert "this task does not ask you for" in response.content.decode()
    assert not Observation.objects.exists()
    # The service refuses it too, with the reason.
    with pytest.raises(ValidationError, match="does not report EDU3 in this round"):
        write(
            rate_indicator, town, by=member, partner=partner_org, round=round, numerator=1,
            denominator=2,
        )  # fmt: skip
    # And so does an upload: the row is refused in the preview, and writing refuses it.
    text = "indicator,period,value,numerator,denominator\nEDU1,2025-Q1,40,,\nEDU3,2025-Q1,,30,120\n"
    client.post(
        reverse("measurement:upload", args=[round.pk, partner_org.pk]),
        {"file": SimpleUploadedFile("values.csv", text.encode(), "text/csv")},
    )
    preview = reverse("measurement:upload_preview", args=[round.pk, partner_org.pk])
    content = client.get(preview).content.decode()
    assert "does not report EDU3 in this round" in content
    assert client.post(preview, {"action": "apply"}).status_code == 400
    assert not Observation.objects.exists()
    entry = entry_check(rate_indicator, period=PERIOD, numerator=1, denominator=2)
    prepared = [services.Prepared(rate_indicator, town, entry)]
    with pytest.raises(ValidationError, match="does not report EDU3"):
        services.observations_write_many(
            rows=prepared, by=member, role=Role.PARTNER, partner=partner_org, round=round
        )
    assert not Observation.objects.exists()


def test_the_round_page_counts_only_the_assigned_cells(
    as_user, framework, owner, partner_org, count_indicator, rate_indicator, proportion_indicator
):
    agree(framework, owner, partner_org, rate_indicator)
    round = open_round(framework, owner, [count_indicator, rate_indicator], [partner_org])
    page = as_user(owner).get(reverse("measurement:round", args=[round.pk])).content.decode()
    assert "0 of 1 entered" in page  # EDU3's total; not EDU1's three cells


def test_the_round_form_opens_a_round_with_default_assignments(
    as_user, framework, owner, partner_org, count_indicator, rate_indicator
):
    agree(framework, owner, partner_org, rate_indicator)
    response = as_user(owner).post(
        reverse("measurement:round_create", args=[framework.pk]),
        {
            "period": PERIOD,
            "due_date": "2026-01-31",
            "indicators": [count_indicator.pk, rate_indicator.pk],
            "partners": [partner_org.pk],
        },
    )
    assert response.status_code == 302
    assert assigned(framework.rounds.get(), partner_org) == ["EDU3"]


# ---------------------------------------------------------------- 3. a round must match


def test_a_closed_rounds_value_is_refused_without_a_round_and_a_round_must_match(
    framework, owner, member, partner_org, other_org, count_indicator, rate_indicator, town
):
    round = open_round(framework, owner, [count_indicator], [partner_org])
    value = write(count_indicator, town, by=member, partner=partner_org, round=round, value=4)
    services.observation_return(observation=value, by=owner, reason="check")
    services.round_close(round=round, by=owner)
    with pytest.raises(ValidationError, match="Entry closed"):
        write(count_indicator, town, by=member, partner=partner_org, value=5)
    assert Observation.objects.get(current=True).value == 4
    fresh = open_round(framework, owner, [count_indicator], [partner_org])
    with pytest.raises(ValidationError, match="The round is for 2025-Q1"):
        write(
            count_indicator, town, by=member, partner=partner_org, round=fresh, period="2025-Q2",
            value=5,
        )  # fmt: skip
    north = Geography.objects.get(code="L9999-1")
    with pytest.raises(ValidationError, match="no task in it"):
        write(
            count_indicator, north, by=other_org.reporter, partner=other_org, round=fresh, value=5
        )
    elsewhere = services.framework_create(
        initiative=framework.initiative, by=owner, name="אחרת", area=town
    )
    foreign = services.indicator_create(
        framework=elsewhere, by=owner, code="X1", name="x", kind="count", period_type="quarter"
    )
    with pytest.raises(ValidationError, match="Choose a reporting round of this framework"):
        write(foreign, town, by=member, partner=partner_org, round=fresh, value=5)
    assert Observation.objects.count() == 1


# ---------------------------------------------------------------- 4. geography scoped


@pytest.fixture
def foreign_units(town):
    """Another initiative's private neighbourhood in the town, and a locality outside the
    framework's area."""
    private = Geography.objects.create(
        code="L9999-P",
        level="neighbourhood",
        name="שכונה פרטית",
        parent=town,
        initiative=InitiativeFactory(),
    )
    outside = Geography.objects.create(
        code="L8888", level="locality", name="עיר אחרת", parent=town.parent
    )
    return private, outside


def test_api_and_import_geography_codes_are_scoped(
    framework, count_indicator, owner, town, foreign_units
):
    url = f"/api/v1/measurement/indicators/{count_indicator.pk}/observations"
    missing = post(api(owner), url, {"geography": "NOPE", "period": PERIOD, "value": 3}).json()
    for code in ("L9999-P", "L8888"):
        response = post(api(owner), url, {"geography": code, "period": PERIOD, "value": 3})
        assert response.status_code == 400
        message = response.json()["errors"]["geography"][0]
        assert message == missing["errors"]["geography"][0].replace("NOPE", code)
        listed = api(owner).get(
            f"/api/v1/measurement/frameworks/{framework.pk}/observations?geography={code}"
        )
        assert listed.status_code == 400
    inside = post(api(owner), url, {"geography": "L9999-1", "period": PERIOD, "value": 3})
    assert inside.status_code == 201
    text = "indicator,geography,period,value\nEDU1,L9999-P,2025-Q1,3\nEDU1,L8888,2025-Q1,3\n"
    table = importing.OBSERVATIONS_IMPORT.table(text.encode(), "values.csv", max_rows=100)
    rows = importing.observations_check(table, framework=framework, role="facilitator")
    assert [row.errors for row in rows] == [
        ["No geography unit has the code L9999-P."],
        ["No geography unit has the code L8888."],
    ]
    assert isinstance(table, imports.Table)
    assert importing.geographies_in(framework, ["L9999", "L9999-2", "L9999-P", "L8888"]).keys() == {
        "L9999",
        "L9999-2",
    }


# ---------------------------------------------------------------- 5. the API scorecard


def test_api_scorecard_hides_a_small_baseline_and_what_gives_it_away(
    framework, count_indicator, owner, member, participant, partner_org, town, record
):
    SharingAgreement.objects.create(
        framework=framework,
        partner=partner_org,
        indicator=count_indicator,
        purpose="shared measurement",
        visibility="partners",
    )
    services.baseline_set(
        indicator=count_indicator, by=owner, geography=town, period="2024-Q1", value=3
    )
    services.target_set(indicator=count_indicator, by=owner, geography=town, value=60, year=2027)
    for period, value in (("2024-Q2", 12), ("2024-Q3", 15), ("2024-Q4", 18), ("2025-Q1", 21)):
        value = record(
            count_indicator, town, period, by=member, role="partner", partner=partner_org,
            submit=True, value=value,
        )  # fmt: skip
        services.observation_approve(observation=value, by=owner)
    url = f"/api/v1/measurement/frameworks/{framework.pk}/scorecard"
    backbone = {row["indicator"]["code"]: row for row in api(owner).get(url).json()}["EDU1"]
    assert backbone["baseline"] == 3
    assert backbone["current_status"] is not None
    for user in (member, participant):
        row = {row["indicator"]["code"]: row for row in api(user).get(url).json()}["EDU1"]
        assert row["baseline"] is None
        assert row["current_status"] is None


# ---------------------------------------------------------------- 6. numbers


@pytest.mark.parametrize("raw", [True, False, "1_000", "1e-30", "-0.0000001"])
def test_numbers_that_cannot_be_stored_are_refused(raw):
    with pytest.raises(ValidationError):
        number(raw, "The value")


def test_a_json_true_is_refused_by_the_api(count_indicator, owner, town):
    url = f"/api/v1/measurement/indicators/{count_indicator.pk}/observations"
    response = post(api(owner), url, {"geography": "L9999", "period": PERIOD, "value": True})
    assert response.status_code == 400
    assert "value" in response.json()["errors"]
    assert not Observation.objects.exists()


def test_a_ratios_parts_must_keep_their_precision(proportion_indicator):
    for numerator, denominator in (("0.0000001", "0.0000002"), ("30.0000004", "120")):
        with pytest.raises(ValidationError) as refused:
            entry_check(
                proportion_indicator, period="2024", numerator=numerator, denominator=denominator
            )
        assert "numerator" in refused.value.message_dict
    assert entry_check(proportion_indicator, period="2024", numerator="30", denominator="120")


def test_a_message_and_the_field_it_names_are_in_one_language(count_indicator):
    assert all(isinstance(label, Promise) for label in entries.LABELS.values())
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        entry_check(count_indicator, period=PERIOD, value="N/A")
    assert refused.value.message_dict["value"] == ["The value must be a number, not “N/A”."]
    with translation.override("he"):
        with pytest.raises(ValidationError) as refused:
            entry_check(count_indicator, period=PERIOD, value="N/A")
        expected = translation.gettext("%(field)s must be a number, not “%(value)s”.") % {
            "field": translation.gettext("The value"),
            "value": "N/A",
        }
    message = refused.value.message_dict["value"][0]
    assert message == expected
    assert not re.search("[A-Za-z]{4,}", message.replace("N/A", ""))


# ---------------------------------------------------------------- 7. the backbone's reason


def test_the_backbone_is_told_how_to_change_an_approved_value(
    as_user, framework, owner, member, partner_org, count_indicator, town
):
    value = write(count_indicator, town, by=member, partner=partner_org, value=40)
    value = services.observation_approve(observation=value, by=owner)
    page = as_user(owner).get(reverse("measurement:observation", args=[value.pk]))
    content = page.content.decode()
    assert "Return or unlock it to change it." in content
    assert "ask the backbone" not in content
    assert "ask the backbone to return it" in services.why_not_editable(
        value, round=None, backbone=False
    )
    lock = re.search(r'<form[^>]*id="lock-form".*?</form>', content, re.S).group(0)
    unlock = re.search(r'<form[^>]*id="unlock-form".*?</form>', content, re.S).group(0)
    assert 'value="lock"' in lock
    assert "textarea" not in lock
    assert 'value="unlock"' in unlock
    assert 'name="reason"' in unlock
    assert 'value="lock"' not in unlock
    locked = services.observation_lock(observation=value, by=owner)
    assert "Unlock it, with a reason" in services.why_not_editable(
        locked, round=None, backbone=True
    )
    assert "The backbone can unlock it" in services.why_not_editable(
        locked, round=None, backbone=False
    )


# ---------------------------------------------------------------- 8. a task's real state


def test_the_round_page_shows_a_returned_task_as_returned(
    as_user, framework, owner, member, partner_org, other_org, count_indicator, town
):
    round = open_round(framework, owner, [count_indicator], [partner_org, other_org])
    value = write(count_indicator, town, by=member, partner=partner_org, round=round, value=40)
    services.observation_return(observation=value, by=owner, reason="check")
    page = as_user(owner).get(reverse("measurement:round", args=[round.pk])).content.decode()
    states = re.findall(r'<td class="task-state">(.*?)</td>', page)
    assert sorted(states) == ["Not started", "Returned: 1 value to fix"]
    assert "Submitted" not in " ".join(states)
    assert Observation.objects.get(current=True).state == State.RETURNED


def test_the_round_page_query_count_is_flat(
    as_user, framework, owner, partner_org, count_indicator, rate_indicator,
    django_assert_max_num_queries,
):  # fmt: skip
    small = open_round(framework, owner, [count_indicator], [partner_org])
    others = [OrganisationFactory() for _ in range(5)]
    large = open_round(framework, owner, [count_indicator, rate_indicator], [partner_org, *others])
    client = as_user(owner)
    client.get(reverse("measurement:round", args=[small.pk]))
    with django_assert_max_num_queries(20) as small_queries:
        assert client.get(reverse("measurement:round", args=[small.pk])).status_code == 200
    with django_assert_max_num_queries(len(small_queries)):
        page = client.get(reverse("measurement:round", args=[large.pk])).content.decode()
    assert page.count('class="task-state"') == 6


# ---------------------------------------------------------------- 9. plural messages


def test_one_value_is_one_value(as_user, framework, owner, member, partner_org, count_indicator):
    round = open_round(framework, owner, [count_indicator], [partner_org])
    response = as_user(member).post(
        entry_url(round, partner_org),
        {cell(count_indicator): "40", "action": "submit"},
        follow=True,
    )
    content = response.content.decode()
    assert "1 value submitted for review." in content
    assert "1 values" not in content
