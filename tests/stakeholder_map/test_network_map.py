"""The explorable network map's data (the JSON endpoint, the page's data island and the
selector behind both) and the power/interest grid: sensitive ties only for facilitators,
filtered on the server; filters; bad filter values answered, never a server error; query counts
flat as the map grows; positions that keep nodes, labels and dots apart and inside."""

import itertools
import json
import re

import pytest
from django.urls import reverse

from meshutaf.stakeholder_map import charts, selectors, services
from meshutaf.stakeholder_map.models import Relationship, StakeholderProfile
from tests.conftest import client_for
from tests.factories import OrganisationFactory


@pytest.fixture
def mapped(initiative, owner):
    def profile(name, sector, power=3, interest=3):
        return services.profile_create(
            initiative=initiative,
            by=owner,
            organisation=OrganisationFactory(name_he=name, name_en=name, sector=sector),
            power=power,
            interest=interest,
        )

    ministry = profile("Ministry of Education", "government", 5, 4)
    fund = profile("Lautman Fund", "philanthropy", 2, 5)
    school = profile("Open School", "civil_society", 1, 2)
    allied = services.relationship_create(
        initiative=initiative, by=owner, source=ministry, target=school, kind="allied", strength=3
    )
    funds = services.relationship_create(
        initiative=initiative, by=owner, source=fund, target=school, kind="funds", strength=1
    )
    secret = services.relationship_create(
        initiative=initiative,
        by=owner,
        source=ministry,
        target=fund,
        kind="in_conflict",
        sensitive=True,
        notes="Old feud",
    )
    services.network_analyse(initiative=initiative, by=owner)
    return {
        "ministry": ministry,
        "fund": fund,
        "school": school,
        "allied": allied,
        "funds": funds,
        "secret": secret,
    }


def _graph(user, initiative, query: str = ""):
    return client_for(user).get(reverse("map:network_graph", args=[initiative.pk]) + query)


def test_facilitator_receives_sensitive_ties(initiative, mapped, owner):
    response = _graph(owner, initiative)
    assert response.status_code == 200
    graph = response.json()
    edges = {edge["id"]: edge for edge in graph["edges"]}
    assert edges[mapped["secret"].pk]["sensitive"] is True
    assert edges[mapped["allied"].pk]["sensitive"] is False
    assert "in_conflict" in {kind["value"] for kind in graph["kinds"]}
    assert len(graph["nodes"]) == 3


@pytest.mark.parametrize("who", ["member", "participant"])
def test_members_receive_no_trace_of_sensitive_ties(initiative, mapped, who, request):
    response = _graph(request.getfixturevalue(who), initiative)
    assert response.status_code == 200
    graph = response.json()
    assert {edge["id"] for edge in graph["edges"]} == {mapped["allied"].pk, mapped["funds"].pk}
    body = response.content.decode()
    assert "sensitive" not in body
    assert "in_conflict" not in body
    assert "Old feud" not in body
    assert "tie_ids" not in body
    assert graph["total"]["edges"] == 2


def test_members_page_island_has_no_sensitive_tie(initiative, mapped, member):
    response = client_for(member).get(reverse("map:network", args=[initiative.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    island = json.loads(
        re.search(r'<script id="network-data" type="application/json">(.*?)</script>', body, re.S)
        .group(1)
        .replace("\\u003C", "<")
        .replace("\\u003E", ">")
        .replace("\\u0026", "&")
    )
    assert {edge["id"] for edge in island["edges"]} == {mapped["allied"].pk, mapped["funds"].pk}
    assert all("sensitive" not in edge for edge in island["edges"])
    assert "In conflict" not in body
    assert f'data-edge="{mapped["secret"].pk}"' not in body


def test_outsider_gets_404(initiative, mapped, outsider):
    assert _graph(outsider, initiative).status_code == 404
    assert client_for(outsider).get(reverse("map:network", args=[initiative.pk])).status_code == 404


def test_anonymous_is_sent_to_sign_in(initiative, mapped, client):
    response = client.get(reverse("map:network_graph", args=[initiative.pk]))
    assert response.status_code == 302


def test_filter_by_sector_keeps_ties_between_shown_nodes_only(initiative, mapped, owner):
    graph = _graph(owner, initiative, "?sector=government&sector=civil_society").json()
    assert {node["id"] for node in graph["nodes"]} == {mapped["ministry"].pk, mapped["school"].pk}
    assert {edge["id"] for edge in graph["edges"]} == {mapped["allied"].pk}
    assert graph["total"] == {"nodes": 3, "edges": 3}


def test_filter_by_kind_and_strength(initiative, mapped, owner):
    by_kind = _graph(owner, initiative, "?kind=funds").json()
    assert {edge["id"] for edge in by_kind["edges"]} == {mapped["funds"].pk}
    assert len(by_kind["nodes"]) == 3  # kinds hide ties, not stakeholders
    strong = _graph(owner, initiative, "?strength=3").json()
    assert {edge["id"] for edge in strong["edges"]} == {mapped["allied"].pk}
    nothing = _graph(owner, initiative, "?sector=&kind=").json()
    assert nothing["nodes"] == []
    assert nothing["edges"] == []


def test_member_cannot_filter_their_way_to_a_sensitive_tie(initiative, mapped, member):
    graph = _graph(member, initiative, "?kind=in_conflict").json()
    assert graph["edges"] == []


@pytest.mark.parametrize(
    "query",
    [
        "?sector=spaceships",
        "?kind=<script>",
        "?strength=9",
        "?strength=abc",
        "?focus=-1",
        "?focus=99999999999999999999",
        "?size=shoe",
        "?q=" + "x" * 500,
        "?sector=%00",
    ],
)
def test_bad_filter_values_are_answered_never_500(initiative, mapped, owner, query):
    response = _graph(owner, initiative, query)
    assert response.status_code == 400
    if response["Content-Type"] == "application/json":  # a null byte is refused before
        assert "errors" in response.json()
    page = client_for(owner).get(reverse("map:network", args=[initiative.pk]) + query)
    if "%00" in query:  # refused by the middleware for every page
        assert page.status_code == 400
        return
    assert page.status_code == 200
    assert page.context["filter_error"] is True
    assert page.context["shown_count"] == 3  # the bad filter is ignored


def test_page_filters_hide_table_rows_without_javascript(initiative, mapped, owner):
    body = (
        client_for(owner)
        .get(reverse("map:network", args=[initiative.pk]) + "?sector=government")
        .content.decode()
    )
    assert f'data-node="{mapped["ministry"].pk}">' in body
    assert f'data-node="{mapped["school"].pk}" hidden>' in body
    assert f'data-edge="{mapped["allied"].pk}" hidden>' in body
    assert 'name="sector" value="government" checked' in body
    assert 'name="sector" value="philanthropy">' in body
    assert 'href="#network-table"' in body  # "Show as a table"


def test_selector_leaves_sensitive_ties_out_of_the_query(initiative, mapped):
    graph = selectors.network_graph(initiative=initiative, include_sensitive=False)
    assert mapped["secret"].pk not in {edge["id"] for edge in graph["edges"]}
    positions = {(node["x"], node["y"]) for node in graph["nodes"]}
    assert len(positions) == 3


def _grow(initiative, owner, count):
    profiles = [
        StakeholderProfile(initiative=initiative, organisation=OrganisationFactory())
        for _ in range(count)
    ]
    StakeholderProfile.objects.bulk_create(profiles)
    profiles = list(
        StakeholderProfile.objects.filter(initiative=initiative).order_by("-pk")[:count]
    )
    Relationship.objects.bulk_create(
        Relationship(initiative=initiative, source=a, target=b, kind="allied", sensitive=i % 3 == 0)
        for i, (a, b) in enumerate(itertools.pairwise(profiles))
    )


@pytest.mark.parametrize("url_name", ["map:network_graph", "map:network"])
def test_query_count_is_flat_as_the_map_grows(
    initiative, mapped, owner, member, url_name, django_assert_max_num_queries
):
    url = reverse(url_name, args=[initiative.pk])
    for user in (owner, member):
        client = client_for(user)
        client.get(url)  # session and first-visit reads
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200
    _grow(initiative, owner, 40)
    for user in (owner, member):
        client = client_for(user)
        client.get(url)
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200


def test_layout_keeps_nodes_and_labels_apart():
    nodes = [
        (index, charts.short_label(f"ארגון מספר {index} " * 2), 14 + index % 27)
        for index in range(80)
    ]
    edges = [(index, (index * 7) % 80) for index in range(80)]
    positions = charts.network_layout(nodes, edges)
    assert set(positions) == set(range(80))
    assert charts.boxes_overlap(nodes, positions) == []
    # The same map every time: computed afresh (not the remembered layout) it is identical.
    assert charts._network_layout(nodes, edges) == positions


def test_short_labels_are_cut_with_an_ellipsis():
    assert charts.short_label("Ministry") == "Ministry"
    cut = charts.short_label("The National Council of Heads of Arab Local Authorities")
    assert cut.endswith("…")
    assert len(cut) <= charts.LABEL_CHARS


class _Profile:
    def __init__(self, pk, power, interest):
        self.pk, self.power, self.interest, self.name = pk, power, interest, f"p{pk}"


def test_grid_points_stay_inside_the_frame_and_apart():
    profiles = [_Profile(pk, 5, 5) for pk in range(30)] + [_Profile(99, 1, 1)]
    points = charts.grid_points(profiles)
    assert len(points) == 31
    for point in points:
        assert charts.GRID_EDGE <= point["x"] <= 100 - charts.GRID_EDGE
        assert charts.GRID_EDGE <= point["y"] <= 100 - charts.GRID_EDGE
    crowded = [(p["x"], p["y"]) for p in points if p["profile"].power == 5]
    assert len(set(crowded)) == 30
    again = charts.grid_points(list(reversed(profiles)))  # the same places whatever the order
    assert sorted((p["profile"].pk, p["x"], p["y"]) for p in again) == sorted(
        (p["profile"].pk, p["x"], p["y"]) for p in points
    )


def test_register_grid_names_every_dot(initiative, mapped, member):
    body = client_for(member).get(reverse("map:register", args=[initiative.pk])).content.decode()
    assert body.count('class="pi-dot ') == 3
    assert re.search(r'aria-label="Ministry of Education[^"]*5[^"]*4"', body)
    assert body.count('class="pi-dot__tip"') == 3
    for x, y in re.findall(r"inset-inline-start: ([\d.]+)%; inset-block-start: ([\d.]+)%", body):
        assert 0 < float(x) < 100
        assert 0 < float(y) < 100
