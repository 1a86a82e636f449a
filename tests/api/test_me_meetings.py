"""GET /api/v1/me/meetings: my meetings across initiatives, gated like the meeting pages, for
a bounded range of days."""

import datetime

import pytest
import time_machine

from meshutaf.meetings import services
from meshutaf.meetings.models import MeetingStatus

from ..factories import InitiativeFactory, MembershipFactory
from .test_api import api

URL = "/api/v1/me/meetings"
NOW = datetime.datetime(2026, 12, 9, 8, tzinfo=datetime.UTC)


def meeting(initiative, by, day: int, title: str, status=MeetingStatus.SCHEDULED):
    start = NOW + datetime.timedelta(days=day)
    return services.meeting_create(
        initiative=initiative,
        by=by,
        title=title,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        status=status,
    )


@pytest.fixture
def meetings(initiative, owner, outsider):
    other = InitiativeFactory(name="Elsewhere")
    MembershipFactory(initiative=other, user=outsider)
    return {
        "soon": meeting(initiative, owner, 3, "Soon"),
        "draft": meeting(initiative, owner, 4, "Draft", MeetingStatus.DRAFT),
        "later": meeting(initiative, owner, 60, "Later"),
        "before": meeting(initiative, owner, -10, "Before", MeetingStatus.HELD),
        "elsewhere": meeting(other, outsider, 5, "Elsewhere"),
    }


@time_machine.travel(NOW, tick=False)
def test_owner_member_outsider(meetings, owner, member, outsider):
    def titles(user, **query):
        response = api(user).get(URL, query)
        assert response.status_code == 200, response.content
        return [row["title"] for row in response.json()]

    assert titles(owner) == ["Soon", "Draft"]  # today + 30 days; drafts for the facilitator
    assert titles(member) == ["Soon"]
    assert titles(outsider) == ["Elsewhere"]
    assert titles(member, **{"from": "2026-11-01", "to": "2027-02-28"}) == [
        "Before",
        "Soon",
        "Later",
    ]
    assert titles(member, **{"from": "2026-12-12", "to": "2026-12-12"}) == ["Soon"]
    row = api(member).get(URL).json()[0]
    assert row["initiative_name"] == meetings["soon"].initiative.name
    assert row["url"] == meetings["soon"].get_absolute_url()
    assert row["initiative_id"] == meetings["soon"].initiative_id


def test_needs_a_token(db):
    from django.test import Client

    assert Client().get(URL).status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"from": "nonsense"}, "from"),
        ({"from": "0"}, "from"),
        ({"to": "20261201"}, "to"),
        ({"to": "2026-02-30"}, "to"),
        ({"from": "2026-12-10", "to": "2026-12-01"}, "to"),
        ({"from": "2026-01-01", "to": "2027-01-03"}, "to"),  # 367 days
        ({"from": "9999-12-31"}, "from"),
        ({"from": "0001-01-01", "to": "0001-01-02"}, "from"),
        ({"to": "2201-01-01"}, "to"),
    ],
)
def test_bad_dates_are_refused_clearly(member, initiative, query, field):
    response = api(member).get(URL, query)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert field in body["errors"]


def test_a_whole_leap_year_is_allowed(member, initiative):
    response = api(member).get(URL, {"from": "2028-01-01", "to": "2028-12-31"})
    assert response.status_code == 200


def test_the_schema_is_documented(db):
    from django.test import Client

    document = Client().get("/api/openapi.json").json()
    operation = document["paths"]["/api/v1/me/meetings"]["get"]
    assert {"200", "401", "422"} <= set(operation["responses"])
    assert {parameter["name"] for parameter in operation["parameters"]} == {"from", "to"}
    assert "MyMeetingOut" in document["components"]["schemas"]


@time_machine.travel(NOW, tick=False)
def test_queries_stay_flat(meetings, member, owner, django_assert_max_num_queries):
    client = api(member)
    query = {"from": "2026-11-01", "to": "2027-02-28"}
    with django_assert_max_num_queries(20) as few:
        client.get(URL, query)
    for index in range(20):
        other = InitiativeFactory(name=f"Initiative {index}")
        MembershipFactory(initiative=other, user=member)
        meeting(other, owner, index, f"Meeting {index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, query)
    assert len(response.json()) == 23
