"""The measurement API: every endpoint for the owner (backbone), a member and an outsider;
visibility and suppression on every value it returns; writes only through the workflow."""

import pytest

from meshutaf.measurement import selectors, services
from meshutaf.measurement.models import Observation, SharingAgreement, State
from meshutaf.measurement.permissions import Viewer
from tests.factories import MembershipFactory, UserFactory

from ..api.test_api import api, post


@pytest.fixture
def shared(framework, count_indicator, partner_org):
    """The partner agrees to share its values of the count indicator with the partners."""
    return SharingAgreement.objects.create(
        framework=framework,
        partner=partner_org,
        indicator=count_indicator,
        purpose="shared measurement",
        visibility="partners",
    )


def approved(record, owner, member, partner_org, indicator, geography, period, **numbers):
    value = record(
        indicator,
        geography,
        period,
        by=member,
        role="partner",
        partner=partner_org,
        submit=True,
        **numbers,
    )
    return services.observation_approve(observation=value, by=owner)


def values(client, framework, **query):
    params = "&".join(f"{name}={value}" for name, value in query.items())
    return client.get(f"/api/v1/measurement/frameworks/{framework.pk}/observations?{params}")


def test_frameworks_and_indicators_by_role(
    initiative, framework, count_indicator, proportion_indicator, owner, member, outsider
):
    url = f"/api/v1/initiatives/{initiative.pk}/measurement/frameworks"
    assert api(owner).get(url).json()["items"][0]["id"] == framework.pk
    assert api(member).get(url).json()["count"] == 1
    assert api(outsider).get(url).status_code == 404
    detail = api(member).get(f"/api/v1/measurement/frameworks/{framework.pk}")
    assert detail.status_code == 200
    assert detail.json()["area_code"] == "L9999"
    assert api(outsider).get(f"/api/v1/measurement/frameworks/{framework.pk}").status_code == 404
    listed = api(member).get(f"/api/v1/measurement/frameworks/{framework.pk}/indicators").json()
    assert [row["code"] for row in listed["items"]] == ["EDU1", "EDU2"]
    assert (
        api(outsider).get(f"/api/v1/measurement/frameworks/{framework.pk}/indicators").status_code
        == 404
    )
    one = api(member).get(f"/api/v1/measurement/indicators/{count_indicator.pk}").json()
    assert one["name_en"] == "Children in clubs"
    assert one["dimensions"][0]["values"] == ["female", "male"]
    assert (
        api(outsider).get(f"/api/v1/measurement/indicators/{count_indicator.pk}").status_code == 404
    )


def test_a_value_without_an_agreement_is_seen_by_the_backbone_and_its_partner_only(
    framework, count_indicator, town, record, owner, member, participant, outsider, partner_org
):
    value = approved(record, owner, member, partner_org, count_indicator, town, "2024-Q1", value=40)
    assert values(api(owner), framework).json()["count"] == 1
    assert values(api(member), framework).json()["items"][0]["value"] == 40
    assert values(api(participant), framework).json() == {"items": [], "count": 0}
    assert values(api(outsider), framework).status_code == 404
    detail = f"/api/v1/measurement/observations/{value.pk}"
    assert api(participant).get(detail).status_code == 404
    assert api(outsider).get(detail).status_code == 404
    assert api(member).get(detail).json()["value"] == 40


def test_small_counts_are_suppressed_for_members_not_for_the_backbone(
    framework, count_indicator, town, record, owner, member, participant, partner_org, shared
):
    approved(record, owner, member, partner_org, count_indicator, town, "2024-Q1", value=3)
    seen = values(api(participant), framework).json()["items"][0]
    assert seen["value"] is None
    assert seen["suppressed"]
    assert seen["marker"] == "<10"
    assert seen["interval"] is None
    assert values(api(owner), framework).json()["items"][0]["value"] == 3
    assert values(api(member), framework).json()["items"][0]["value"] == 3  # its own


def test_complementary_cells_are_hidden_in_a_filtered_list(
    framework, count_indicator, town, record, owner, member, participant, partner_org, shared
):
    """North's female count (3) is small; its male count must go too, or north − male = 3.
    Asking for one geography must hide the same cells as the whole table."""
    north = town.children.get(code="L9999-1")
    for geography, key, number in (
        (town, "", 40),
        (north, "", 25),
        (north, "sex=female", 3),
        (north, "sex=male", 22),
    ):
        approved(
            record,
            owner,
            member,
            partner_org,
            count_indicator,
            geography,
            "2024-Q1",
            key=key,
            value=number,
        )
    rows = values(api(participant), framework, geography="L9999-1").json()["items"]
    by_key = {row["disaggregation"]: row for row in rows}
    assert by_key["sex=female"]["marker"] == "<10"
    hidden = [row for row in rows if row["suppressed"]]
    assert len(hidden) >= 2  # the small cell and at least one that would give it away
    assert {row["value"] for row in values(api(owner), framework).json()["items"]} == {
        40,
        25,
        3,
        22,
    }


def test_filters_and_bad_filters(
    framework, count_indicator, proportion_indicator, town, record, owner
):
    record(count_indicator, town, "2024-Q1", value=40)
    record(count_indicator, town, "2024-Q2", value=41)
    record(proportion_indicator, town, "2024", numerator=15, denominator=50)
    client = api(owner)
    assert values(client, framework, indicator=count_indicator.pk).json()["count"] == 2
    assert values(client, framework, period="2024-Q2").json()["items"][0]["value"] == 41
    assert values(client, framework, period="2024q2").json()["count"] == 1
    bad_period = values(client, framework, period="spring")
    assert bad_period.status_code == 400
    assert "period" in bad_period.json()["errors"]
    ratio = values(client, framework, indicator=proportion_indicator.pk).json()["items"][0]
    assert ratio["value"] == pytest.approx(0.3)
    assert ratio["interval"]["low"] < 0.3
    unknown = values(client, framework, geography="nowhere")
    assert unknown.status_code == 400
    assert "geography" in unknown.json()["errors"]
    assert values(client, framework, limit=0).status_code == 422


def test_list_query_count_is_flat(
    framework,
    count_indicator,
    town,
    record,
    owner,
    member,
    participant,
    partner_org,
    shared,
    django_assert_max_num_queries,
):
    for quarter in range(1, 5):
        for year in (2022, 2023, 2024):
            approved(
                record,
                owner,
                member,
                partner_org,
                count_indicator,
                town,
                f"{year}-Q{quarter}",
                value=20 + quarter,
            )
    client = api(participant)
    with django_assert_max_num_queries(14):
        assert values(client, framework).json()["count"] == 12


def test_partner_enters_submits_and_the_backbone_returns_and_approves(
    count_indicator, town, owner, member, partner_org
):
    url = f"/api/v1/measurement/indicators/{count_indicator.pk}/observations"
    body = {"geography": "L9999", "period": "2024-Q1", "value": 40}
    created = post(api(member), url, body)
    assert created.status_code == 201, created.json()
    value = created.json()
    assert value["state"] == "draft"
    assert value["partner_id"] == partner_org.pk
    submitted = post(api(member), f"/api/v1/measurement/observations/{value['id']}/submit", {})
    assert submitted.json()["state"] == "submitted"
    # A partner cannot review, not even its own value.
    assert (
        post(api(member), f"/api/v1/measurement/observations/{value['id']}/approve", {}).status_code
        == 403
    )
    no_reason = post(
        api(owner), f"/api/v1/measurement/observations/{value['id']}/return", {"reason": " "}
    )
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["errors"]
    returned = post(
        api(owner), f"/api/v1/measurement/observations/{value['id']}/return", {"reason": "Check it"}
    )
    assert returned.json()["state"] == "returned"
    assert returned.json()["return_reason"] == "Check it"
    fixed = post(
        api(member),
        f"/api/v1/measurement/observations/{value['id']}/revise",
        {"value": 44, "submit": True},
    )
    assert fixed.status_code == 201
    assert fixed.json()["state"] == "submitted"
    stale = post(
        api(member), f"/api/v1/measurement/observations/{value['id']}/revise", {"value": 45}
    )
    assert stale.status_code == 400
    done = post(api(owner), f"/api/v1/measurement/observations/{fixed.json()['id']}/approve", {})
    assert done.status_code == 200
    assert done.json()["state"] == "approved"
    again = post(api(member), url, {**body, "value": 50})
    assert again.status_code == 400
    assert "Approved by" in again.json()["detail"]
    assert Observation.objects.filter(current=True).get().value == 44


def test_bad_values_are_refused_and_nothing_is_written(
    count_indicator, proportion_indicator, owner, member, partner_org, town
):
    url = f"/api/v1/measurement/indicators/{count_indicator.pk}/observations"
    na = post(api(member), url, {"geography": "L9999", "period": "2024-Q1", "value": "N/A"})
    assert na.status_code == 400
    assert "N/A" in na.json()["errors"]["value"][0]
    see = post(
        api(owner), url, {"geography": "L9999", "period": "2024-Q1", "value": "see description"}
    )
    assert see.status_code == 400
    assert "value" in see.json()["errors"]
    sex = post(
        api(owner),
        url,
        {"geography": "L9999", "period": "2024-Q1", "value": 3, "disaggregation": {"sex": "other"}},
    )
    assert sex.status_code == 400
    assert "disaggregation" in sex.json()["errors"]
    ratio = post(
        api(owner),
        f"/api/v1/measurement/indicators/{proportion_indicator.pk}/observations",
        {"geography": "L9999", "period": "2024", "numerator": 60, "denominator": 50},
    )
    assert ratio.status_code == 400
    assert "numerator" in ratio.json()["errors"]
    nowhere = post(api(owner), url, {"geography": "XX", "period": "2024-Q1", "value": 3})
    assert nowhere.status_code == 400
    assert "geography" in nowhere.json()["errors"]
    missing = post(api(owner), url, {"value": 3})
    assert missing.status_code == 422
    assert "geography" in missing.json()["errors"]
    assert not Observation.objects.exists()


def test_who_may_write(
    count_indicator, town, owner, member, participant, outsider, partner_org, record
):
    url = f"/api/v1/measurement/indicators/{count_indicator.pk}/observations"
    body = {"geography": "L9999", "period": "2024-Q1", "value": 40}
    assert post(api(outsider), url, body).status_code == 404
    assert post(api(participant), url, body).status_code == 403
    # A partner member reports for its own organisation only.
    other = UserFactory(username="other-partner")
    MembershipFactory(initiative=count_indicator.framework.initiative, user=other, role="partner")
    assert post(api(other), url, body).status_code == 403
    assert post(api(member), url, {**body, "partner_id": partner_org.pk + 1000}).status_code == 403
    assert not Observation.objects.exists()
    # The backbone's own value: a partner cannot revise it or submit it.
    own = record(count_indicator, town, "2024-Q2", value=12)
    assert (
        post(api(member), f"/api/v1/measurement/observations/{own.pk}/submit", {}).status_code
        == 403
    )
    assert (
        post(api(outsider), f"/api/v1/measurement/observations/{own.pk}/submit", {}).status_code
        == 404
    )
    assert (
        post(api(owner), f"/api/v1/measurement/observations/{own.pk}/approve", {}).status_code
        == 200
    )
    assert Observation.objects.get(pk=own.pk).state == State.APPROVED


def test_history_for_the_backbone_and_the_reporting_partner(
    count_indicator, town, record, owner, member, participant, outsider, partner_org, shared
):
    first = record(
        count_indicator,
        town,
        "2024-Q1",
        by=member,
        role="partner",
        partner=partner_org,
        value=40,
        submit=True,
    )
    services.observation_return(observation=first, by=owner, reason="Check the north")
    second = approved(
        record, owner, member, partner_org, count_indicator, town, "2024-Q1", value=44
    )
    for user in (owner, member):
        history = api(user).get(f"/api/v1/measurement/observations/{second.pk}/history").json()
        assert [row["value"] for row in history] == [44, 40]
        assert [row["current"] for row in history] == [True, False]
        assert "returned" in [event["action"] for event in history[1]["events"]]
        assert history[1]["return_reason"] == "Check the north"
    assert (
        api(participant).get(f"/api/v1/measurement/observations/{second.pk}/history").status_code
        == 403
    )
    assert (
        api(outsider).get(f"/api/v1/measurement/observations/{second.pk}/history").status_code
        == 404
    )


def test_the_api_hides_the_cells_the_pages_hide(
    framework, count_indicator, town, record, owner, member, participant, partner_org, shared
):
    north, south = town.children.order_by("code")
    for geography, key, number in (
        (town, "", 47),
        (north, "", 25),
        (south, "", 22),
        (north, "sex=female", 3),
        (north, "sex=male", 22),
        (south, "sex=female", 12),
        (south, "sex=male", 10),
        (town, "sex=female", 15),
        (town, "sex=male", 32),
    ):
        approved(
            record,
            owner,
            member,
            partner_org,
            count_indicator,
            geography,
            "2024-Q1",
            key=key,
            value=number,
        )
    viewer = Viewer(role="participant")
    page = selectors.table(viewer, count_indicator, period="2024-Q1", area=town)
    on_page = {(cell.geography_id, cell.key) for cell in page.values() if cell.shown.hidden}
    codes = {unit.code: unit.pk for unit in (town, north, south)}
    for query in ({}, {"geography": "L9999-2"}, {"disaggregation": "sex=male"}):
        rows = values(api(participant), framework, **query).json()["items"]
        hidden = {
            (codes[row["geography_code"]], row["disaggregation"])
            for row in rows
            if row["suppressed"]
        }
        listed = {(codes[row["geography_code"]], row["disaggregation"]) for row in rows}
        assert hidden == on_page & listed
    assert len(on_page) >= 2


def test_the_schema_is_published(db, owner):
    paths = api(owner).get("/api/openapi.json").json()["paths"]
    assert "/api/v1/measurement/frameworks/{framework_id}/scorecard" in paths
    assert "/api/v1/measurement/indicators/{indicator_id}/observations" in paths


def test_scorecard_by_role(
    framework,
    count_indicator,
    proportion_indicator,
    town,
    record,
    owner,
    member,
    participant,
    outsider,
    partner_org,
    shared,
):
    approved(record, owner, member, partner_org, count_indicator, town, "2024-Q1", value=3)
    url = f"/api/v1/measurement/frameworks/{framework.pk}/scorecard"
    rows = {row["indicator"]["code"]: row for row in api(participant).get(url).json()}
    assert rows["EDU1"]["latest"]["value"] is None
    assert rows["EDU1"]["latest"]["marker"] == "<10"
    assert rows["EDU2"]["latest"] is None
    owner_rows = {row["indicator"]["code"]: row for row in api(owner).get(url).json()}
    assert owner_rows["EDU1"]["latest"]["value"] == 3
    assert api(outsider).get(url).status_code == 404
    SharingAgreement.objects.all().delete()
    rows = {row["indicator"]["code"]: row for row in api(participant).get(url).json()}
    assert rows["EDU1"]["latest"] is None
