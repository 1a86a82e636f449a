"""Stakeholder map pages: the initiative gate for every page, and sensitive notes and ties
never reaching an outsider, a participant or a partner in any format."""

import io
import itertools

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from meshutaf.stakeholder_map import services
from meshutaf.stakeholder_map.models import Relationship, StakeholderProfile
from tests.conftest import client_for
from tests.factories import OrganisationFactory

SECRET_NOTE = "Burned by the 2019 plan"
SECRET_TIE_NOTE = "Old feud between the two"


@pytest.fixture
def mapped(initiative, owner):
    ministry = services.profile_create(
        initiative=initiative,
        by=owner,
        organisation=OrganisationFactory(name_he="", name_en="Ministry", sector="government"),
        power=5,
        interest=4,
        sensitive_notes=SECRET_NOTE,
    )
    fund = services.profile_create(
        initiative=initiative,
        by=owner,
        organisation=OrganisationFactory(name_he="", name_en="Fund", sector="philanthropy"),
        power=2,
        interest=5,
    )
    secret = services.relationship_create(
        initiative=initiative,
        by=owner,
        source=ministry,
        target=fund,
        kind="in_conflict",
        sensitive=True,
        notes=SECRET_TIE_NOTE,
    )
    services.network_analyse(initiative=initiative, by=owner)
    return {"ministry": ministry, "fund": fund, "secret": secret}


def _urls(initiative, mapped):
    return {
        "register": reverse("map:register", args=[initiative.pk]),
        "as_of": reverse("map:register", args=[initiative.pk]) + "?as_of=2030-01-01",
        "csv": reverse("map:register_export", args=[initiative.pk, "csv"]),
        "profile": reverse("map:profile_detail", args=[mapped["ministry"].pk]),
        "network": reverse("map:network", args=[initiative.pk]),
    }


def _body(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxml"):
        workbook = load_workbook(io.BytesIO(response.content))
        return "\n".join(
            str(cell) for row in workbook.active.iter_rows(values_only=True) for cell in row
        )
    return response.content.decode("utf-8-sig")


def test_facilitator_sees_sensitive_everywhere(initiative, mapped, owner):
    client = client_for(owner)
    urls = _urls(initiative, mapped)
    assert SECRET_NOTE in _body(client.get(urls["register"]))
    assert SECRET_NOTE in _body(client.get(urls["csv"]))
    assert SECRET_NOTE in _body(client.get(urls["profile"]))
    assert "In conflict" in _body(client.get(urls["network"]))
    xlsx = client.get(reverse("map:register_export", args=[initiative.pk, "xlsx"]))
    assert SECRET_NOTE in _body(xlsx)


@pytest.mark.parametrize("who", ["member", "participant"])
def test_members_never_receive_sensitive_content(initiative, mapped, who, request):
    client = client_for(request.getfixturevalue(who))
    urls = _urls(initiative, mapped)
    urls["xlsx"] = reverse("map:register_export", args=[initiative.pk, "xlsx"])
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        body = _body(response)
        assert SECRET_NOTE not in body, name
        assert SECRET_TIE_NOTE not in body, name
        assert "In conflict" not in body, name
        assert "sensitive" not in body.lower() or name in ("register",), name
    secret_edit = reverse("map:relationship_edit", args=[mapped["secret"].pk])
    assert client.get(secret_edit).status_code == 404


def test_outsider_gets_404_everywhere(initiative, mapped, outsider):
    client = client_for(outsider)
    for url in [
        *_urls(initiative, mapped).values(),
        reverse("map:register_export", args=[initiative.pk, "xlsx"]),
        reverse("map:profile_create", args=[initiative.pk]),
        reverse("map:engagements", args=[initiative.pk]),
        reverse("initiatives:readiness", args=[initiative.pk]),
    ]:
        assert client.get(url).status_code == 404, url


def test_only_facilitators_change_the_map(initiative, mapped, owner, member):
    create = reverse("map:profile_create", args=[initiative.pk])
    assert client_for(member).get(create).status_code == 403
    edit = reverse("map:profile_edit", args=[mapped["fund"].pk])
    assert client_for(member).post(edit, {"power": 1, "interest": 1}).status_code == 403
    response = client_for(owner).post(
        edit,
        {
            "power": 4,
            "interest": 5,
            "engagement_current": "neutral",
            "engagement_desired": "leading",
            "iap2_level": "collaborate",
            "consent": "passive",
            "influence_bases": ["resources"],
            "sensitive_notes": "Watch the budget cycle",
        },
    )
    assert response.status_code == 302
    mapped["fund"].refresh_from_db()
    assert (mapped["fund"].power, mapped["fund"].consent) == (4, "passive")
    assert mapped["fund"].sensitive_note.text == "Watch the budget cycle"
    assert mapped["fund"].history.count() == 2


def test_bad_profile_form_writes_nothing(initiative, owner):
    response = client_for(owner).post(
        reverse("map:profile_create", args=[initiative.pk]),
        {"power": 9, "interest": 0, "consent": "maybe"},
    )
    assert response.status_code == 200
    assert not StakeholderProfile.objects.exists()


def test_engagement_log_and_readiness_by_role(initiative, mapped, owner, member, participant):
    url = reverse("map:engagements", args=[initiative.pk])
    assert client_for(participant).get(url).status_code == 403
    assert client_for(member).get(url).status_code == 200
    assert client_for(member).post(url, {}).status_code == 404
    response = client_for(owner).post(
        url,
        {
            "kind": "call",
            "date": "2026-11-01",
            "stakeholders": [mapped["fund"].pk],
            "summary": "Asked about matching funds",
            "follow_up_date": "2026-11-10",
        },
    )
    assert response.status_code == 302
    readiness = reverse("initiatives:readiness", args=[initiative.pk])
    assert client_for(member).get(readiness).status_code == 403
    added = client_for(owner).post(
        readiness,
        {"category": "earlier_processes", "title": "Meet the 2019 team", "status": "to_do"},
    )
    assert added.status_code == 302


def test_register_query_count_is_flat(initiative, owner, django_assert_max_num_queries):
    client = client_for(owner)
    url = reverse("map:register", args=[initiative.pk])

    def grow(count):
        organisations = [OrganisationFactory() for _ in range(count)]
        StakeholderProfile.objects.bulk_create(
            StakeholderProfile(initiative=initiative, organisation=o) for o in organisations
        )

    grow(5)
    with django_assert_max_num_queries(12):
        client.get(url)
    grow(60)
    with django_assert_max_num_queries(12):
        client.get(url)


def test_network_page_query_count_is_flat(initiative, owner, django_assert_max_num_queries):
    client = client_for(owner)
    url = reverse("map:network", args=[initiative.pk])
    profiles = [
        services.profile_create(initiative=initiative, by=owner, organisation=OrganisationFactory())
        for _ in range(6)
    ]
    Relationship.objects.bulk_create(
        Relationship(initiative=initiative, source=a, target=b, kind="allied")
        for a, b in itertools.pairwise(profiles)
    )
    with django_assert_max_num_queries(14):
        client.get(url)
    more = [
        services.profile_create(initiative=initiative, by=owner, organisation=OrganisationFactory())
        for _ in range(30)
    ]
    Relationship.objects.bulk_create(
        Relationship(initiative=initiative, source=a, target=b, kind="allied")
        for a, b in itertools.pairwise(more)
    )
    with django_assert_max_num_queries(14):
        client.get(url)


def test_relationship_form_creates_and_validates(initiative, mapped, owner):
    url = reverse("map:relationship_create", args=[initiative.pk])
    response = client_for(owner).post(
        url,
        {
            "source": mapped["fund"].pk,
            "target": mapped["ministry"].pk,
            "kind": "funds",
            "strength": 3,
        },
    )
    assert response.status_code == 302
    same = client_for(owner).post(
        url,
        {"source": mapped["fund"].pk, "target": mapped["fund"].pk, "kind": "allied", "strength": 2},
    )
    assert same.status_code == 200
    assert "two different stakeholders" in same.content.decode()
    assert Relationship.objects.filter(initiative=initiative).count() == 2


def test_cli_export_goes_through_the_gate(initiative, mapped, owner, member, outsider, tmp_path):
    from meshutaf import cli

    facilitator_file = tmp_path / "facilitator.csv"
    assert (
        cli.main(
            [
                "stakeholders",
                "export",
                "--initiative",
                str(initiative.pk),
                "--as",
                owner.username,
                "--output",
                str(facilitator_file),
            ]
        )
        == 0
    )
    assert SECRET_NOTE in facilitator_file.read_text(encoding="utf-8")
    partner_file = tmp_path / "partner.xlsx"
    assert (
        cli.main(
            [
                "stakeholders",
                "export",
                "--initiative",
                str(initiative.pk),
                "--as",
                member.username,
                "--format",
                "xlsx",
                "--output",
                str(partner_file),
            ]
        )
        == 0
    )
    workbook = load_workbook(partner_file)
    cells = [str(c) for row in workbook.active.iter_rows(values_only=True) for c in row]
    assert "Ministry" in cells
    assert SECRET_NOTE not in cells
    assert (
        cli.main(
            [
                "stakeholders",
                "export",
                "--initiative",
                str(initiative.pk),
                "--as",
                outsider.username,
                "--output",
                str(tmp_path / "x.csv"),
            ]
        )
        == 2
    )
    assert not (tmp_path / "x.csv").exists()


def test_movement_page_counts_consent_moves(initiative, mapped, owner, member, outsider):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    fund = mapped["fund"]
    with time_machine.travel(timezone.now() - dt.timedelta(days=62)):
        services.profile_update(profile=fund, by=owner, data={"consent": "passive"})
    services.profile_update(profile=fund, by=owner, data={"consent": "active"})
    url = reverse("map:movement", args=[initiative.pk])
    assert client_for(outsider).get(url).status_code == 404
    response = client_for(member).get(url)
    assert response.status_code == 200
    months = response.context["months"]
    assert months[-1]["counts"]["active"] == 1
    assert sum(month["passive_to_active"] for month in months) == 1
    assert SECRET_NOTE not in response.content.decode()
    by_sector = client_for(member).get(url, {"sector": "government"}).context["months"]
    assert by_sector[-1]["counts"]["active"] == 0


def test_gap_chart_as_of_a_past_date(initiative, mapped, owner, member):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    past = timezone.localdate() - dt.timedelta(days=40)
    with time_machine.travel(timezone.now() - dt.timedelta(days=60)):
        services.profile_update(
            profile=mapped["fund"], by=owner, data={"engagement_current": "neutral"}
        )
    services.profile_update(
        profile=mapped["fund"], by=owner, data={"engagement_current": "leading"}
    )
    url = reverse("map:movement", args=[initiative.pk])
    now = {row["level"]: row["current"] for row in client_for(member).get(url).context["gaps"]}
    then_response = client_for(member).get(url, {"as_of": past.isoformat()})
    then = {row["level"]: row["current"] for row in then_response.context["gaps"]}
    assert now["leading"] == 1
    assert then["leading"] == 0
    assert then["neutral"] == 1


def test_readiness_item_removal_by_role(initiative, owner, member, outsider):
    from meshutaf.initiatives.services import readiness_item_create

    item = readiness_item_create(
        initiative=initiative, by=owner, category="champions", title="Find a champion"
    )
    url = reverse("initiatives:readiness_delete", args=[item.pk])
    assert client_for(outsider).post(url).status_code == 404
    assert client_for(member).post(url).status_code == 403
    assert client_for(owner).post(url).status_code == 302
    assert not initiative.readiness_items.exists()
