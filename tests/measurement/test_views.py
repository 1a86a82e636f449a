"""The pages that define a results framework: who may see and change them, that each form
writes through its service, that bad input says why and writes nothing, and that the
framework page's query count does not grow with its indicators."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from meshutaf.measurement import services
from meshutaf.measurement.models import (
    Baseline,
    ContributionClaim,
    CurveSession,
    DefinitionVersion,
    EvidenceItem,
    Forecast,
    Framework,
    FrameworkStatus,
    Geography,
    Indicator,
    Result,
    SharingAgreement,
    Strategy,
    Target,
    ValidationRule,
)
from meshutaf.meetings import services as meeting_services
from meshutaf.meetings.models import OutcomeKind
from tests.factories import GroupFactory, InitiativeFactory

# ---------------------------------------------------------------- fixtures


@pytest.fixture
def result(framework, owner):
    return services.result_create(
        framework=framework, by=owner, title="ילדים מגיעים מוכנים לבית הספר"
    )


@pytest.fixture
def strategy(framework, owner, partner_org):
    return services.strategy_create(
        framework=framework, by=owner, name="חוגי העשרה", owner_organisation=partner_org
    )


@pytest.fixture
def claim(framework, owner, result, strategy):
    return services.claim_create(
        framework=framework, by=owner, result=result, strategy=strategy, mechanism="Mechanism"
    )


@pytest.fixture
def meeting(initiative, owner):
    start = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    return meeting_services.meeting_create(
        initiative=initiative,
        by=owner,
        title="Roundtable",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )


@pytest.fixture
def decision(meeting, owner):
    return meeting_services.outcome_create(
        meeting=meeting, by=owner, kind=OutcomeKind.DECISION, text="Target: 60% by 2028"
    )


def view_pages(framework, indicator):
    return [
        reverse("measurement:frameworks", args=[framework.initiative_id]),
        reverse("measurement:framework", args=[framework.pk]),
    ]


def edit_pages(framework, indicator, result, claim):
    return [
        reverse("measurement:framework_create", args=[framework.initiative_id]),
        reverse("measurement:framework_edit", args=[framework.pk]),
        reverse("measurement:result_create", args=[framework.pk]),
        reverse("measurement:result_edit", args=[result.pk]),
        reverse("measurement:strategy_create", args=[framework.pk]),
        reverse("measurement:indicator_create", args=[framework.pk]),
        reverse("measurement:indicator_edit", args=[indicator.pk]),
        reverse("measurement:definition_version_add", args=[indicator.pk]),
        reverse("measurement:baseline_add", args=[indicator.pk]),
        reverse("measurement:target_add", args=[indicator.pk]),
        reverse("measurement:forecast_add", args=[indicator.pk]),
        reverse("measurement:claim_create", args=[framework.pk]),
        reverse("measurement:evidence_add", args=[claim.pk]),
        reverse("measurement:rule_create", args=[framework.pk]),
        reverse("measurement:agreement_set", args=[framework.pk]),
        reverse("measurement:neighbourhood_add", args=[framework.pk]),
        reverse("measurement:curve_session_create", args=[framework.pk]),
    ]


# ---------------------------------------------------------------- permissions


def test_view_pages_owner_member_outsider(as_user, owner, member, outsider, count_indicator):
    framework = count_indicator.framework
    for url in view_pages(framework, count_indicator):
        assert as_user(owner).get(url).status_code == 200, url
        assert as_user(member).get(url).status_code == 200, url
        assert as_user(outsider).get(url).status_code == 404, url
        assert as_user(None).get(url).status_code == 302, url


def test_edit_pages_owner_member_outsider(
    as_user, owner, member, outsider, count_indicator, result, claim
):
    framework = count_indicator.framework
    for url in edit_pages(framework, count_indicator, result, claim):
        assert as_user(owner).get(url).status_code == 200, url
        assert as_user(member).get(url).status_code == 403, url
        assert as_user(outsider).get(url).status_code == 404, url


def test_member_cannot_post_and_nothing_is_written(as_user, member, outsider, framework):
    data = {"title": "A result"}
    url = reverse("measurement:result_create", args=[framework.pk])
    assert as_user(member).post(url, data).status_code == 403
    assert as_user(outsider).post(url, data).status_code == 404
    version_url = reverse("measurement:framework_new_version", args=[framework.pk])
    assert as_user(member).post(version_url).status_code == 403
    assert not Result.objects.exists()
    assert Framework.objects.count() == 1


def test_member_sees_structure_without_the_backbones_figures_or_edit_links(
    as_user, owner, member, count_indicator, town
):
    services.baseline_set(
        indicator=count_indicator, by=owner, geography=town, period="2023-Q4", value=123
    )
    framework = count_indicator.framework
    url = reverse("measurement:framework", args=[framework.pk])
    content = as_user(member).get(url).content.decode()
    assert "EDU1" in content
    assert reverse("measurement:indicator_edit", args=[count_indicator.pk]) not in content
    assert "123" not in content
    owner_content = as_user(owner).get(url).content.decode()
    assert reverse("measurement:indicator_edit", args=[count_indicator.pk]) in owner_content
    assert "123" in owner_content


# ---------------------------------------------------------------- frameworks


def test_framework_create_with_area_by_code_or_name(as_user, owner, initiative, town):
    client = as_user(owner)
    url = reverse("measurement:framework_create", args=[initiative.pk])
    response = client.post(
        url, {"name": "Results", "description": "d", "area": "L9999", "public_dashboard": "on"}
    )
    framework = Framework.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("measurement:framework", args=[framework.pk])
    assert framework.area == town
    assert framework.public_dashboard
    client.post(url, {"name": "Second", "area": "עיר מיטיבה"})
    assert Framework.objects.get(name="Second").area == town


def test_framework_create_bad_input_writes_nothing(as_user, owner, initiative, framework):
    client = as_user(owner)
    url = reverse("measurement:framework_create", args=[initiative.pk])
    response = client.post(url, {"name": "X", "area": "Atlantis"})
    assert response.status_code == 200
    assert "No place has the code or name “Atlantis”." in response.content.decode()
    response = client.post(url, {"name": framework.name})
    assert "already has a framework by this name" in response.content.decode()
    assert Framework.objects.count() == 1


def test_framework_edit_and_new_version(as_user, owner, framework, count_indicator, result):
    client = as_user(owner)
    response = client.post(
        reverse("measurement:framework_edit", args=[framework.pk]),
        {"name": "Renamed", "area": "L9999", "status": "active", "description": "New words"},
    )
    assert response.status_code == 302
    framework.refresh_from_db()
    assert (framework.name, framework.description) == ("Renamed", "New words")
    response = client.post(reverse("measurement:framework_new_version", args=[framework.pk]))
    copy = Framework.objects.get(version=2)
    assert response.url == reverse("measurement:framework", args=[copy.pk])
    assert copy.indicators.filter(code="EDU1").exists()
    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.ARCHIVED
    listing = client.get(reverse("measurement:frameworks", args=[framework.initiative_id]))
    old_url = reverse("measurement:framework_new_version", args=[framework.pk])
    assert old_url not in listing.content.decode()
    assert reverse("measurement:framework_new_version", args=[copy.pk]) in listing.content.decode()


def test_new_version_needs_post(as_user, owner, framework):
    url = reverse("measurement:framework_new_version", args=[framework.pk])
    assert as_user(owner).get(url).status_code == 405


# ---------------------------------------------------------------- results and strategies


def test_result_create_and_edit(as_user, owner, framework):
    client = as_user(owner)
    response = client.post(
        reverse("measurement:result_create", args=[framework.pk]),
        {"title": "Children ready for school", "population": "Children 0-6", "geography": "L9999"},
    )
    result = Result.objects.get()
    assert response.url.endswith(f"#result-{result.pk}")
    assert result.geography.code == "L9999"
    client.post(
        reverse("measurement:result_edit", args=[result.pk]),
        {"title": "Children thrive", "population": "", "geography": "", "story": "Why"},
    )
    result.refresh_from_db()
    assert (result.title, result.geography, result.story) == ("Children thrive", None, "Why")


def test_result_needs_a_title(as_user, owner, framework):
    response = as_user(owner).post(
        reverse("measurement:result_create", args=[framework.pk]), {"title": ""}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "This field is required." in content
    assert 'aria-describedby="id_title_helptext id_title_error"' in content
    assert not Result.objects.exists()


def test_strategy_create_owned_by_organisation_or_group(
    as_user, owner, framework, partner_org, group
):
    client = as_user(owner)
    url = reverse("measurement:strategy_create", args=[framework.pk])
    client.post(url, {"name": "Clubs", "owner_organisation": partner_org.pk})
    client.post(url, {"name": "Steering", "owner_group": group.pk})
    assert Strategy.objects.get(name="Clubs").owner_organisation == partner_org
    assert Strategy.objects.get(name="Steering").owner_group == group
    response = client.post(
        url, {"name": "Both", "owner_organisation": partner_org.pk, "owner_group": group.pk}
    )
    assert "not both" in response.content.decode()
    assert not Strategy.objects.filter(name="Both").exists()


def test_strategy_group_of_another_initiative_is_refused(as_user, owner, framework):
    other = GroupFactory(initiative=InitiativeFactory(name="Other"))
    response = as_user(owner).post(
        reverse("measurement:strategy_create", args=[framework.pk]),
        {"name": "Elsewhere", "owner_group": other.pk},
    )
    assert response.status_code == 200
    assert not Strategy.objects.exists()


# ---------------------------------------------------------------- indicators


def indicator_data(**overrides):
    data = {
        "code": "EMP1",
        "name": "תעסוקה",
        "name_ar": "",
        "name_en": "Employment",
        "kind": "proportion",
        "per": "1",
        "direction": "up",
        "period_type": "quarter",
        "suppression_k": "10",
        "visibility": "partners",
        "decimals": "1",
        "order": "0",
        "dimension-TOTAL_FORMS": "2",
        "dimension-INITIAL_FORMS": "0",
        "dimension-MIN_NUM_FORMS": "0",
        "dimension-MAX_NUM_FORMS": "6",
        "dimension-0-name": "sex",
        "dimension-0-label": "Sex",
        "dimension-0-values": "female\nmale",
        "dimension-0-sums_to_total": "on",
        "dimension-1-name": "age_band",
        "dimension-1-label": "Age",
        "dimension-1-values": "18-34, 35-54, 55+",
        "dimension-1-sums_to_total": "on",
    }
    data.update(overrides)
    return data


def test_indicator_create_with_dimensions(as_user, owner, framework, result):
    response = as_user(owner).post(
        reverse("measurement:indicator_create", args=[framework.pk]),
        indicator_data(result=result.pk),
    )
    indicator = Indicator.objects.get(code="EMP1")
    assert response.status_code == 302
    assert response.url.endswith(f"#indicator-{indicator.pk}")
    assert indicator.result == result
    assert indicator.kind == "proportion"
    assert indicator.dimensions == [
        {"name": "sex", "label": "Sex", "values": ["female", "male"], "sums_to_total": True},
        {
            "name": "age_band",
            "label": "Age",
            "values": ["18-34", "35-54", "55+"],
            "sums_to_total": True,
        },
    ]


def test_indicator_performance_measure_needs_its_question(as_user, owner, framework, strategy):
    client = as_user(owner)
    url = reverse("measurement:indicator_create", args=[framework.pk])
    response = client.post(url, indicator_data(strategy=strategy.pk))
    assert "Say which question the performance measure answers." in response.content.decode()
    assert not Indicator.objects.exists()
    client.post(url, indicator_data(strategy=strategy.pk, category="how_well"))
    assert Indicator.objects.get().category == "how_well"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"dimension-0-values": "female\nma|le"}, "must be distinct, without “=” or “|”"),
        ({"dimension-0-name": "Sex"}, "is not a dimension name"),
        ({"dimension-1-name": "sex"}, "The dimension sex appears twice."),
        ({"code": "EDU1"}, "Another indicator of this framework has the code EDU1."),
        ({"code": "EDU 9"}, "A code has no spaces"),
        ({"kind": "percentage"}, "Select a valid choice."),
        ({"per": "0"}, "greater than or equal to 1"),
    ],
)
def test_indicator_bad_input_says_why_and_writes_nothing(
    as_user, owner, framework, count_indicator, overrides, message
):
    before = list(Indicator.objects.values_list("pk", "dimensions"))
    response = as_user(owner).post(
        reverse("measurement:indicator_create", args=[framework.pk]), indicator_data(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(Indicator.objects.values_list("pk", "dimensions")) == before


def test_indicator_edit_keeps_code_and_changes_dimensions(as_user, owner, count_indicator):
    url = reverse("measurement:indicator_edit", args=[count_indicator.pk])
    client = as_user(owner)
    page = client.get(url).content.decode()
    assert "female\nmale" in page
    data = indicator_data(
        code="CHANGED",
        kind="count",
        name="ילדים בחוגים",
        **{
            "dimension-TOTAL_FORMS": "2",
            "dimension-INITIAL_FORMS": "1",
            "dimension-0-values": "female\nmale\nother",
            "dimension-1-name": "",
            "dimension-1-label": "",
            "dimension-1-values": "",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    count_indicator.refresh_from_db()
    assert count_indicator.code == "EDU1"
    assert count_indicator.dimensions[0]["values"] == ["female", "male", "other"]
    assert len(count_indicator.dimensions) == 1


def test_indicator_edit_can_delete_a_dimension(as_user, owner, count_indicator):
    data = indicator_data(
        kind="count",
        **{
            "dimension-TOTAL_FORMS": "1",
            "dimension-INITIAL_FORMS": "1",
            "dimension-0-values": "female\nmale",
            "dimension-0-DELETE": "on",
        },
    )
    as_user(owner).post(reverse("measurement:indicator_edit", args=[count_indicator.pk]), data)
    count_indicator.refresh_from_db()
    assert count_indicator.dimensions == []


def test_definition_version(as_user, owner, count_indicator):
    client = as_user(owner)
    url = reverse("measurement:definition_version_add", args=[count_indicator.pk])
    assert "a new version breaks the series" in client.get(url).content.decode().lower()
    response = client.post(url, {"starts": "2025q1", "note": "Now counts online clubs too"})
    assert response.status_code == 302
    version = DefinitionVersion.objects.get()
    assert (version.number, version.starts) == (2, "2025-Q1")
    response = client.post(url, {"starts": "2025", "note": "x"})
    assert response.status_code == 200
    assert DefinitionVersion.objects.count() == 1


def test_baseline_target_and_judgement(as_user, owner, count_indicator, town, decision):
    client = as_user(owner)
    client.post(
        reverse("measurement:baseline_add", args=[count_indicator.pk]),
        {"geography": "L9999", "period": "2023q4", "value": "120", "method": "CBS"},
    )
    baseline = Baseline.objects.get()
    assert (baseline.period, baseline.value, baseline.geography) == ("2023-Q4", 120, town)
    client.post(
        reverse("measurement:target_add", args=[count_indicator.pk]),
        {
            "geography": "L9999",
            "value": "200",
            "year": "2028",
            "kind": "committed",
            "decision": decision.pk,
        },
    )
    target = Target.objects.get()
    assert (target.value, target.year, target.decision) == (200, 2028, decision)
    client.post(
        reverse("measurement:forecast_add", args=[count_indicator.pk]),
        {"geography": "L9999", "year": "2028", "value": "140", "note": "If nothing changes"},
    )
    forecast = Forecast.objects.get()
    assert forecast.method == Forecast.Method.JUDGEMENT
    page = client.get(reverse("measurement:framework", args=[count_indicator.framework_id]))
    content = page.content.decode()
    assert "Judgement: if nothing changes" in content
    assert "Roundtable" in content


def test_numbers_refused_in_words(as_user, owner, count_indicator):
    response = as_user(owner).post(
        reverse("measurement:baseline_add", args=[count_indicator.pk]),
        {"geography": "L9999", "period": "2023-Q4", "value": "N/A"},
    )
    assert response.status_code == 200
    assert "Enter a number." in response.content.decode()
    assert not Baseline.objects.exists()


def test_target_decision_must_be_a_decision_of_this_initiative(
    as_user, owner, count_indicator, meeting
):
    action = meeting_services.outcome_create(
        meeting=meeting, by=owner, kind=OutcomeKind.INFORMATION, text="FYI"
    )
    response = as_user(owner).post(
        reverse("measurement:target_add", args=[count_indicator.pk]),
        {
            "geography": "L9999",
            "value": "1",
            "year": "2028",
            "kind": "committed",
            "decision": action.pk,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Target.objects.exists()


# ---------------------------------------------------------------- claims, rules, agreements


def test_claim_and_evidence(as_user, owner, framework, result, strategy):
    client = as_user(owner)
    response = client.post(
        reverse("measurement:claim_create", args=[framework.pk]),
        {
            "result": result.pk,
            "strategy": strategy.pk,
            "mechanism": "Clubs build routines",
            "assumptions": "Parents enrol",
            "evidence_grade": "moderate",
        },
    )
    claim = ContributionClaim.objects.get()
    assert response.url == reverse("measurement:evidence_add", args=[claim.pk])
    response = client.post(
        response.url, {"title": "Evaluation 2023", "url": "example.org/eval", "note": ""}
    )
    item = EvidenceItem.objects.get()
    assert (item.claim, item.url) == (claim, "https://example.org/eval")


def test_claim_measure_must_belong_to_the_strategy(
    as_user, owner, framework, result, strategy, count_indicator
):
    response = as_user(owner).post(
        reverse("measurement:claim_create", args=[framework.pk]),
        {
            "result": result.pk,
            "strategy": strategy.pk,
            "measure": count_indicator.pk,
            "mechanism": "m",
            "evidence_grade": "limited",
        },
    )
    assert response.status_code == 200
    assert not ContributionClaim.objects.exists()


def rule_data(**overrides):
    data = {
        "name": "Parts add up",
        "left": "EDU1[sex=female] + EDU1[sex=male]",
        "operator": "==",
        "right": "EDU1",
        "severity": "error",
    }
    data.update(overrides)
    return data


def test_rule_create(as_user, owner, framework, count_indicator):
    client = as_user(owner)
    url = reverse("measurement:rule_create", args=[framework.pk])
    assert "EDU1.numerator" in client.get(url).content.decode()
    response = client.post(url, rule_data())
    assert response.status_code == 302
    rule = ValidationRule.objects.get()
    assert (rule.left, rule.operator, rule.right) == (
        "EDU1[sex=female] + EDU1[sex=male]",
        "==",
        "EDU1",
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"right": "NOPE1"}, "No indicator of this framework has the code NOPE1."),
        ({"left": "EDU1 +"}, "id_left_error"),
        ({"operator": "!="}, "Select a valid choice."),
    ],
)
def test_rule_bad_input(as_user, owner, framework, count_indicator, overrides, message):
    response = as_user(owner).post(
        reverse("measurement:rule_create", args=[framework.pk]), rule_data(**overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'class="errorlist' in response.content.decode()
    assert not ValidationRule.objects.exists()


def test_agreement_set_and_replace(as_user, owner, framework, count_indicator, partner_org):
    client = as_user(owner)
    url = reverse("measurement:agreement_set", args=[framework.pk])
    data = {
        "partner": partner_org.pk,
        "indicator": count_indicator.pk,
        "purpose": "Planning",
        "visibility": "partners",
        "consent": "passive",
        "expires_on": "2030-12-31",
    }
    assert client.post(url, data).status_code == 302
    agreement = SharingAgreement.objects.get()
    assert (agreement.consent, agreement.expires_on) == ("passive", dt.date(2030, 12, 31))
    page = client.get(f"{url}?agreement={agreement.pk}").content.decode()
    assert "Planning" in page
    client.post(url, {**data, "visibility": "public"})
    assert SharingAgreement.objects.get().visibility == "public"


def test_neighbourhood_add(as_user, owner, framework, town, initiative):
    client = as_user(owner)
    url = reverse("measurement:neighbourhood_add", args=[framework.pk])
    response = client.post(url, {"parent": "L9999", "name": "מערב", "level": "neighbourhood"})
    assert response.status_code == 302
    unit = Geography.objects.get(name="מערב")
    assert (unit.parent, unit.initiative, unit.code) == (town, initiative, "L9999-3")
    response = client.post(
        url, {"parent": "L9999", "name": "מזרח", "level": "neighbourhood", "code": "L9999-1"}
    )
    assert "Another place has the code L9999-1." in response.content.decode()
    response = client.post(url, {"parent": "IL", "name": "מזרח", "level": "neighbourhood"})
    assert "or a place inside it" in response.content.decode()
    assert not Geography.objects.filter(name="מזרח").exists()
    client.post(url, {"parent": "L9999-1", "name": "מזרח", "level": "statistical_area"})
    assert Geography.objects.get(name="מזרח").parent.code == "L9999-1"
    page = client.get(reverse("measurement:framework", args=[framework.pk]))
    assert "מערב" in page.content.decode()


def test_geography_suggestions(as_user, owner, outsider, town, initiative):
    Geography.objects.create(
        code="L9999-9", level="neighbourhood", name="Secret", parent=town, initiative=initiative
    )
    url = reverse("measurement:geography_options")
    content = as_user(outsider).get(url, {"area": "מיטיבה"}).content.decode()
    assert 'value="L9999"' in content
    assert "Secret" not in as_user(outsider).get(url, {"q": "Secret"}).content.decode()
    assert as_user(None).get(url, {"q": "x"}).status_code == 302


# ---------------------------------------------------------------- turn the curve


def test_curve_session_in_two_steps(
    as_user, owner, member, framework, count_indicator, meeting, partner_org
):
    client = as_user(owner)
    url = reverse("measurement:curve_session_create", args=[framework.pk])
    assert 'name="meeting"' in client.get(url).content.decode()
    form_page = client.get(url, {"meeting": meeting.pk, "indicator": count_indicator.pk})
    assert 'name="action-0-owner"' in form_page.content.decode()
    member_person = member.person
    data = {
        "meeting": meeting.pk,
        "indicator": count_indicator.pk,
        "story": "Fewer clubs after the budget cut",
        "what_works": "Free places",
        "partner-TOTAL_FORMS": "3",
        "partner-INITIAL_FORMS": "0",
        "partner-0-organisation": partner_org.pk,
        "partner-0-role": "Open more clubs",
        "action-TOTAL_FORMS": "3",
        "action-INITIAL_FORMS": "0",
        "action-0-text": "Map free places",
        "action-0-owner": member_person.pk,
        "action-0-due_date": "2027-01-31",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    session = CurveSession.objects.get()
    assert session.partners.get().organisation == partner_org
    item = session.actions.get()
    assert (item.text, item.owner, item.kind) == ("Map free places", member_person, "action")
    assert item.meeting == meeting


def test_curve_session_bad_rows_write_nothing(
    as_user, owner, framework, count_indicator, meeting, partner_org
):
    data = {
        "meeting": meeting.pk,
        "indicator": count_indicator.pk,
        "story": "Story",
        "partner-TOTAL_FORMS": "1",
        "partner-INITIAL_FORMS": "0",
        "partner-0-organisation": partner_org.pk,
        "partner-0-role": "",
        "action-TOTAL_FORMS": "1",
        "action-INITIAL_FORMS": "0",
        "action-0-text": "Do it",
    }
    response = as_user(owner).post(
        reverse("measurement:curve_session_create", args=[framework.pk]), data
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Say what this partner will do." in content
    assert "Choose who will do it" in content
    assert not CurveSession.objects.exists()


# ---------------------------------------------------------------- the framework page


def _add_indicators(framework, owner, result, strategy, n, start=0):
    for i in range(start, start + n):
        indicator = services.indicator_create(
            framework=framework,
            by=owner,
            code=f"X{i}",
            name=f"מדד {i}",
            kind="count",
            result=result if i % 2 else None,
            strategy=None if i % 2 else strategy,
            category="" if i % 2 else "how_much",
        )
        services.target_set(
            indicator=indicator, by=owner, geography=framework.area, value=i, year=2030
        )
        services.baseline_set(
            indicator=indicator, by=owner, geography=framework.area, period="2023-Q1", value=i
        )


@pytest.mark.parametrize("viewer", ["owner", "member"])
def test_framework_page_query_count_is_flat(
    request,
    as_user,
    owner,
    viewer,
    framework,
    result,
    strategy,
    claim,
    django_assert_max_num_queries,
):
    client = as_user(request.getfixturevalue(viewer))
    url = reverse("measurement:framework", args=[framework.pk])
    _add_indicators(framework, owner, result, strategy, 2)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add_indicators(framework, owner, result, strategy, 20, start=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('id="indicator-') == 22


@pytest.mark.parametrize("language", ["he", "ar"])
def test_pages_in_hebrew_and_arabic_are_right_to_left(
    as_user, owner, count_indicator, meeting, language
):
    client = as_user(owner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.cookies["meshutaf_language"] = language
    framework = count_indicator.framework
    for url in [
        reverse("measurement:framework", args=[framework.pk]),
        reverse("measurement:frameworks", args=[framework.initiative_id]),
        reverse("measurement:indicator_edit", args=[count_indicator.pk]),
        reverse("measurement:curve_session_create", args=[framework.pk]) + f"?meeting={meeting.pk}",
    ]:
        content = client.get(url).content.decode()
        assert f'lang="{language}" dir="rtl"' in content, url


def test_nav_links_only_the_pages_that_exist(as_user, owner, framework):
    content = as_user(owner).get(reverse("measurement:framework", args=[framework.pk]))
    content = content.content.decode()
    assert reverse("measurement:frameworks", args=[framework.initiative_id]) in content
    for name in ("scorecard", "inbox", "review"):
        try:
            url = reverse(f"measurement:{name}", args=[framework.pk])
        except NoReverseMatch:
            continue
        assert f'href="{url}"' in content


# ---------------------------------------------------------------- rows added by htmx


def test_form_row_adds_a_numbered_row_and_counts_it(as_user, owner, member, outsider, framework):
    url = reverse("measurement:form_row", args=[framework.pk, "dimension"])
    response = as_user(owner).get(url, {"dimension-TOTAL_FORMS": "2"})
    content = response.content.decode()
    assert 'name="dimension-2-name"' in content
    assert "Dimension 3" in content
    assert 'id="id_dimension-TOTAL_FORMS" hx-swap-oob="true"' in content
    assert 'value="3"' in content
    assert as_user(owner).get(url, {"dimension-TOTAL_FORMS": "6"}).status_code == 204
    assert as_user(member).get(url, {"dimension-TOTAL_FORMS": "2"}).status_code == 403
    assert as_user(outsider).get(url, {"dimension-TOTAL_FORMS": "2"}).status_code == 404
    bad = reverse("measurement:form_row", args=[framework.pk, "nonsense"])
    assert as_user(owner).get(bad).status_code == 404


def test_action_row_offers_the_meetings_people(
    as_user, owner, member, framework, meeting, partner_org
):
    url = reverse("measurement:form_row", args=[framework.pk, "action"])
    content = (
        as_user(owner).get(url, {"action-TOTAL_FORMS": "3", "meeting": meeting.pk}).content.decode()
    )
    assert 'name="action-3-owner"' in content
    assert f'value="{member.person.pk}"' in content


def test_place_box_takes_this_initiatives_own_units_only(as_user, owner, framework, town):
    own = Geography.objects.create(
        code="L9999-7",
        level="neighbourhood",
        name="Own",
        parent=town,
        initiative=framework.initiative,
    )
    Geography.objects.create(
        code="L9999-8",
        level="neighbourhood",
        name="Theirs",
        parent=town,
        initiative=InitiativeFactory(name="Other"),
    )
    client = as_user(owner)
    url = reverse("measurement:result_create", args=[framework.pk])
    response = client.post(url, {"title": "Elsewhere", "geography": "L9999-8"})
    assert "No place has the code or name “L9999-8”." in response.content.decode()
    client.post(url, {"title": "Here", "geography": "Own"})
    assert Result.objects.get().geography == own


def test_the_framework_page_formats_values_as_the_scorecard(
    as_user, owner, proportion_indicator, town
):
    services.baseline_set(
        indicator=proportion_indicator, by=owner, geography=town, period="2021", value="0.579952"
    )
    services.target_set(
        indicator=proportion_indicator, by=owner, geography=town, value="0.72", year=2028
    )
    url = reverse("measurement:framework", args=[proportion_indicator.framework.pk])
    content = as_user(owner).get(url).content.decode()
    assert '<bdi dir="ltr" class="num">72.0%</bdi>' in content
    assert '<bdi dir="ltr" class="num">58.0%</bdi>' in content
    assert "0.72" not in content
    assert "0.579952" not in content


def test_the_indicator_form_has_no_empty_dimension_block(
    as_user, owner, count_indicator, proportion_indicator
):
    client = as_user(owner)
    plain = client.get(reverse("measurement:indicator_edit", args=[proportion_indicator.pk]))
    html = plain.content.decode()
    assert 'name="dimension-0-name"' not in html
    assert 'name="dimension-TOTAL_FORMS" value="0"' in html
    assert "Add a dimension" in html
    # The threshold's help says "<k" as text, not as a broken tag.
    assert "are shown as “&lt;k” to anyone but the backbone and the reporting partner" in html
    broken_down = client.get(reverse("measurement:indicator_edit", args=[count_indicator.pk]))
    html = broken_down.content.decode()
    assert 'name="dimension-0-name"' in html
    assert 'name="dimension-1-name"' not in html
