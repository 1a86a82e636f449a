"""The scorecard, the indicator page and the dashboard: who may see them, what each viewer
sees of the values (agreements and small numbers), charts, and flat query counts."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from meshutaf.core.access import Role
from meshutaf.measurement import scorecard_views, services
from meshutaf.measurement.entries import entry_check
from meshutaf.measurement.models import Framework, Observation, SharingAgreement
from meshutaf.meetings.models import Meeting, Outcome
from tests.factories import MembershipFactory, UserFactory

QUARTERS = [f"{year}-Q{quarter}" for year in (2022, 2023, 2024) for quarter in (1, 2, 3, 4)]


@pytest.fixture
def approve(owner):
    def approved(observation):
        return services.observation_approve(observation=observation, by=owner)

    return approved


@pytest.fixture
def series(count_indicator, town, record, approve):
    """Twelve quarters of the backbone's own values at the town, approved; the last is 4."""
    values = [20, 22, 21, 25, 27, 26, 30, 31, 33, 35, 34, 4]
    return [
        approve(record(count_indicator, town, period, value=value, submit=True))
        for period, value in zip(QUARTERS, values, strict=True)
    ]


@pytest.fixture
def target(count_indicator, town, owner):
    services.baseline_set(
        indicator=count_indicator, by=owner, geography=town, period="2022-Q4", value=25
    )
    return services.target_set(
        indicator=count_indicator, by=owner, geography=town, value=60, year=2026
    )


def _urls(framework, indicator):
    return [
        reverse("measurement:scorecard", args=[framework.pk]),
        reverse("measurement:indicator", args=[indicator.pk]),
        reverse("measurement:dashboard", args=[framework.pk]),
    ]


def test_owner_and_member_see_every_page_outsider_gets_404(
    framework, count_indicator, series, owner, member, participant, outsider, as_user
):
    for url in _urls(framework, count_indicator):
        assert as_user(owner).get(url).status_code == 200
        assert as_user(member).get(url).status_code == 200
        assert as_user(participant).get(url).status_code == 200
        assert as_user(outsider).get(url).status_code == 404
        # Signed out: the sign-in page, as everywhere (it says nothing of what exists).
        response = as_user(None).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_a_public_dashboard_shows_only_public_values(
    framework,
    count_indicator,
    proportion_indicator,
    town,
    record,
    approve,
    member,
    partner_org,
    outsider,
    as_user,
):
    published = approve(
        record(
            count_indicator,
            town,
            "2024-Q1",
            by=member,
            role="partner",
            partner=partner_org,
            value=4321,
            submit=True,
        )
    )
    approve(
        record(
            proportion_indicator,
            town,
            "2024",
            by=member,
            role="partner",
            partner=partner_org,
            numerator=55,
            denominator=200,
            submit=True,
        )
    )
    services.agreement_set(
        framework=framework,
        by=framework.initiative.created_by,
        partner=partner_org,
        indicator=count_indicator,
        purpose="x",
        visibility="public",
    )
    services.agreement_set(
        framework=framework,
        by=framework.initiative.created_by,
        partner=partner_org,
        indicator=proportion_indicator,
        purpose="x",
        visibility="partners",
    )
    url = reverse("measurement:dashboard", args=[framework.pk])
    assert as_user(None).get(url).status_code == 302  # to sign in
    assert as_user(outsider).get(url).status_code == 404
    Framework.objects.filter(pk=framework.pk).update(public_dashboard=True)
    for visitor in (None, outsider):
        page = as_user(visitor).get(url).content.decode()
        assert "4,321" in page
        assert published.period in page
        assert "27.5%" not in page
        assert "Matriculation" not in page
        assert reverse("measurement:indicator", args=[count_indicator.pk]) not in page
    # A member sees what the partners' agreements allow members, the public values too.
    page = as_user(framework.initiative.memberships.get(role=Role.PARTICIPANT).user).get(url)
    assert "27.5%" in page.content.decode()
    assert "4,321" in page.content.decode()


def test_small_counts_are_hidden_from_members_not_from_the_backbone(
    framework, count_indicator, series, owner, participant, as_user
):
    for url in _urls(framework, count_indicator)[:2]:
        seen_by_member = as_user(participant).get(url).content.decode()
        seen_by_owner = as_user(owner).get(url).content.decode()
        # The marker is isolated left to right: "<10" never reads "10>" in Hebrew.
        assert '<bdi dir="ltr" class="num">&lt;10</bdi>' in seen_by_member
        assert "Fewer than 10" in seen_by_member
        assert '<span class="value"><bdi dir="ltr" class="num">4</bdi></span>' not in seen_by_member
        assert '<span class="value"><bdi dir="ltr" class="num">4</bdi></span>' in seen_by_owner
        assert "&lt;10" not in seen_by_owner.split("<main", 1)[1].split('class="chart-legend"')[0]


def test_a_value_without_an_agreement_is_invisible_to_members(
    framework,
    count_indicator,
    town,
    record,
    approve,
    member,
    partner_org,
    owner,
    participant,
    as_user,
):
    approve(
        record(
            count_indicator,
            town,
            "2024-Q2",
            by=member,
            role="partner",
            partner=partner_org,
            value=777,
            submit=True,
        )
    )
    url = reverse("measurement:scorecard", args=[framework.pk])
    assert "777" not in as_user(participant).get(url).content.decode()
    assert "777" in as_user(member).get(url).content.decode()  # its reporting partner
    assert "777" in as_user(owner).get(url).content.decode()
    SharingAgreement.objects.create(
        framework=framework,
        partner=partner_org,
        indicator=count_indicator,
        purpose="x",
        visibility="partners",
    )
    assert "777" in as_user(participant).get(url).content.decode()


def _indicators(framework, owner, town, count, prefix):
    for number in range(count):
        indicator = services.indicator_create(
            framework=framework,
            by=owner,
            code=f"{prefix}{number}",
            name=f"מדד {number}",
            kind="count",
            period_type="year",
            visibility="public",  # the backbone's own values, for the public dashboard too
        )
        services.baseline_set(
            indicator=indicator, by=owner, geography=town, period="2020", value=100
        )
        services.target_set(indicator=indicator, by=owner, geography=town, value=200, year=2026)
        for year in (2020, 2021, 2022, 2023):
            entry = entry_check(indicator, period=str(year), value=100 + (7 * year) % 11)
            observation = services.observation_record(
                indicator=indicator,
                by=owner,
                role="facilitator",
                geography=town,
                entry=entry,
                partner=None,
                submit=True,
            )
            services.observation_approve(observation=observation, by=owner)


@pytest.mark.parametrize(
    ("page", "viewer"),
    [
        ("scorecard", "owner"),
        ("scorecard", "participant"),
        ("dashboard", "participant"),
        ("dashboard", "anonymous"),
    ],
)
def test_the_query_count_does_not_grow_with_indicators(
    framework, owner, participant, town, page, viewer, django_assert_max_num_queries
):
    Framework.objects.filter(pk=framework.pk).update(public_dashboard=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if viewer != "anonymous":
        client.force_login({"owner": owner, "participant": participant}[viewer])
    url = reverse(f"measurement:{page}", args=[framework.pk])
    _indicators(framework, owner, town, 3, "A")
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    _indicators(framework, owner, town, 9, "B")
    with django_assert_max_num_queries(len(three.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('class="sparkline"') == 12


def test_the_indicator_page_draws_breaks_intervals_target_and_history(
    framework, count_indicator, series, target, owner, member, participant, as_user
):
    services.definition_version_add(
        indicator=count_indicator,
        by=owner,
        starts="2024-Q1",
        note="Counted by registration, not attendance",
    )
    # Values entered from now on for 2024 belong to the new definition.
    for observation in Observation.objects.filter(current=True, period__startswith="2024"):
        Observation.objects.filter(pk=observation.pk).update(definition_version=2)
    page = as_user(owner).get(reverse("measurement:indicator", args=[count_indicator.pk]))
    html = page.content.decode()
    svg = re.search(r'<svg class="chart measure-chart".*?</svg>', html, re.S).group(0)
    assert "<title" in svg
    assert 'role="img"' in svg
    break_x = float(re.search(r'<g class="series-break"[^>]*><line x1="([\d.]+)"', svg).group(1))
    for points in re.findall(r'<polyline class="series-line"[^>]*points="([^"]+)"', svg):
        xs = [float(pair.split(",")[0]) for pair in points.split()]
        assert max(xs) < break_x or min(xs) > break_x
    assert 'class="chart-target"' in svg
    assert 'class="chart-baseline"' in svg
    assert 'class="interval-bar"' in svg
    assert "Counted by registration" in html
    # The baseline (2022-Q4, definition v1) is drawn over v1 only, ending at the break.
    baseline = re.search(r'<g class="chart-baseline"><line x1="([\d.]+)"[^>]*x2="([\d.]+)"', svg)
    assert float(baseline.group(2)) <= break_x + 0.1
    # Every definition version is listed, v1 (the indicator's start) included.
    versions = html.split("Definition versions</h3>")[1].split("</ul>")[0]
    assert '<bdi dir="ltr" class="num">v1</bdi>' in versions
    assert '<bdi dir="ltr" class="num">v2</bdi>' in versions
    assert '<bdi dir="ltr" class="num">2022-Q1</bdi>' in versions  # v1 starts with the series
    # A phone gets a narrow drawing of the same chart, with its own ids.
    assert 'class="chart measure-chart measure-chart--narrow" viewBox="0 0 360 290"' in html
    assert f'id="series-{count_indicator.pk}-narrow"' in html
    assert "2 versions" not in html
    assert "1 version" in html
    assert "1 version" not in as_user(participant).get(page.request["PATH_INFO"]).content.decode()


def test_verdict_and_curve_are_said_with_their_reason(
    framework, count_indicator, series, target, owner, as_user
):
    html = (
        as_user(owner).get(reverse("measurement:scorecard", args=[framework.pk])).content.decode()
    )
    assert re.search(
        r'class="verdict verdict--(on_track|needs_acceleration|regressing|uncertain)"', html
    )
    assert "interval" in html
    assert "Turned the curve?" in html
    assert re.search(r"verdict--curve-(yes|no|worse|early)", html)


def test_history_is_for_the_backbone_and_the_reporting_partner(
    framework,
    count_indicator,
    town,
    record,
    approve,
    member,
    partner_org,
    owner,
    participant,
    as_user,
):
    record(
        count_indicator, town, "2024-Q1", by=member, role="partner", partner=partner_org, value=40
    )
    approve(
        record(
            count_indicator,
            town,
            "2024-Q1",
            by=member,
            role="partner",
            partner=partner_org,
            value=44,
            submit=True,
        )
    )
    SharingAgreement.objects.create(
        framework=framework,
        partner=partner_org,
        indicator=count_indicator,
        purpose="x",
        visibility="partners",
    )
    url = reverse("measurement:indicator", args=[count_indicator.pk])
    for user in (owner, member):
        html = as_user(user).get(url).content.decode()
        assert html.count("2 versions") == 2  # in the series and in the drill-down
        assert "Returned" not in html
        assert "Entered by Amir" in html
    other = as_user(participant).get(url).content.decode()
    assert "2 versions" not in other
    assert "44" in other


def test_the_period_is_checked(framework, count_indicator, series, owner, as_user):
    url = reverse("measurement:indicator", args=[count_indicator.pk])
    client = as_user(owner)
    bad = client.get(url, {"period": "see description"}).content.decode()
    assert "is not a period" in bad
    wrong_type = client.get(url, {"period": "2024"}).content.decode()
    assert "is not a quarter" in wrong_type
    none = client.get(url, {"period": "2019-Q1"}).content.decode()
    assert "There are no values for 2019-Q1" in none
    key = client.get(url, {"key": "sex=other"}).content.decode()
    assert "is not a disaggregation" in key
    good = client.get(url, {"period": "2023-Q2"})
    assert good.status_code == 200
    assert 'value="2023-Q2" selected' in good.content.decode()


def test_drill_down_marks_reported_aggregated_and_suppressed(
    framework, count_indicator, town, record, approve, owner, participant, as_user
):
    north, south = town.children.order_by("code")
    approve(record(count_indicator, north, "2024-Q1", value=30, submit=True))
    approve(record(count_indicator, south, "2024-Q1", value=3, submit=True))
    approve(record(count_indicator, north, "2024-Q1", key="sex=female", value=14, submit=True))
    approve(record(count_indicator, north, "2024-Q1", key="sex=male", value=15, submit=True))
    url = reverse("measurement:indicator", args=[count_indicator.pk]) + "?period=2024-Q1"
    owner_page = as_user(owner).get(url).content.decode()
    assert "Aggregated from the units below" in owner_page  # the town: north + south
    assert "Reported" in owner_page
    assert "add up to 29" in owner_page  # 14 + 15 is not 30: a data-quality flag
    member_page = as_user(participant).get(url).content.decode()
    assert "&lt;10" in member_page  # the south's 3
    assert "33" not in member_page.split('id="drill-down"')[1]  # no total built on a hidden 3


def test_the_group_selector_and_small_multiples_use_the_dimension_label(
    framework, count_indicator, town, record, approve, owner, as_user
):
    approve(record(count_indicator, town, "2024-Q1", key="sex=female", value=14, submit=True))
    approve(record(count_indicator, town, "2024-Q1", key="sex=male", value=15, submit=True))
    html = as_user(owner).get(reverse("measurement:indicator", args=[count_indicator.pk]))
    html = html.content.decode()
    selector = html.split('id="drill-key"')[1].split("</select>")[0]
    assert ">Sex: female</option>" in selector
    assert "sex: female" not in selector
    assert "<figcaption><bdi>Sex</bdi>: <bdi>female</bdi></figcaption>" in html


def test_no_verdict_where_the_viewer_sees_no_values(
    framework, count_indicator, town, record, owner, participant, as_user
):
    """A value the member may not see (no agreement) leaves the row without values: the
    progress and curve cells say "—", not "Too early to tell"."""
    record(count_indicator, town, "2024-Q1", value=40, submit=True)
    for url in _urls(framework, count_indicator)[:2]:
        html = as_user(participant).get(url).content.decode()
        main = html.split("<main", 1)[1]
        assert "verdict--" not in main.split("</style>")[-1]
        assert "Too early to tell" not in main
        assert "Not assessed" not in main
    dashboard = as_user(participant).get(_urls(framework, count_indicator)[2]).content.decode()
    assert "Too early to tell" not in dashboard


def test_the_framework_name_and_its_version_are_isolated_apart(
    framework, count_indicator, series, owner, as_user
):
    html = as_user(owner).get(reverse("measurement:scorecard", args=[framework.pk]))
    expected = '<bdi>מסגרת תוצאות</bdi> <bdi dir="ltr" class="num">(v1)</bdi>'
    nav = html.content.decode().split('class="section-nav"')[1].split("</ul>")[0]
    assert expected in nav
    assert expected in html.content.decode().split("<h1>")[1].split("</h1>")[0]


def test_a_hebrew_page_is_right_to_left_and_its_chart_left_to_right(
    framework, count_indicator, series, owner
):
    owner.language = "he"
    owner.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="he")
    client.force_login(owner)
    for url in _urls(framework, count_indicator):
        html = client.get(url).content.decode()
        assert '<html lang="he" dir="rtl">' in html
        assert 'direction="ltr"' in html


def test_a_framework_without_area_says_so(initiative, owner, as_user):
    framework = services.framework_create(initiative=initiative, by=owner, name="בלי אזור")
    services.indicator_create(framework=framework, by=owner, code="X", name="x", kind="count")
    html = as_user(owner).get(reverse("measurement:scorecard", args=[framework.pk]))
    assert html.status_code == 200
    assert "has no area yet" in html.content.decode()


def test_a_new_member_user_without_membership_is_an_outsider(framework, count_indicator):
    stranger = UserFactory(username="stranger")
    other_initiative_member = UserFactory(username="elsewhere")
    MembershipFactory(user=other_initiative_member, role=Role.FACILITATOR)
    for user in (stranger, other_initiative_member):
        client = Client()
        client.force_login(user)
        for url in _urls(framework, count_indicator):
            assert client.get(url).status_code == 404


def test_the_target_links_its_decision_and_the_story_its_meeting(
    framework, count_indicator, series, town, owner, participant, outsider, as_user
):
    when = dt.datetime(2024, 3, 1, 17, tzinfo=dt.UTC)
    meeting = Meeting.objects.create(
        initiative=framework.initiative,
        title="Turn the curve: clubs",
        starts_at=when,
        ends_at=when + dt.timedelta(hours=2),
    )
    decision = Outcome.objects.create(
        meeting=meeting, initiative=framework.initiative, kind="decision", text="Aim for 60"
    )
    services.target_set(
        indicator=count_indicator,
        by=owner,
        geography=town,
        value=60,
        year=2026,
        kind="aspirational",
        decision=decision,
    )
    services.curve_session_create(
        indicator=count_indicator,
        meeting=meeting,
        by=owner,
        story="Clubs closed in the north over the summer.",
    )
    url = reverse("measurement:scorecard", args=[framework.pk])
    html = as_user(participant).get(url).content.decode()
    assert f"/meetings/{meeting.pk}/?tab=minutes#outcome-{decision.pk}" in html
    assert "Aspirational" in html
    assert "Clubs closed in the north" in html
    assert "Turn the curve: clubs" in html
    indicator_page = (
        as_user(participant)
        .get(reverse("measurement:indicator", args=[count_indicator.pk]))
        .content.decode()
    )
    assert "Clubs closed in the north" in indicator_page
    # The public sees neither the meeting nor its story.
    Framework.objects.filter(pk=framework.pk).update(public_dashboard=True)
    public = as_user(outsider).get(reverse("measurement:dashboard", args=[framework.pk]))
    assert "Clubs closed" not in public.content.decode()
    assert f"/meetings/{meeting.pk}/" not in public.content.decode()


def test_a_mean_without_its_n_is_not_added_up_and_the_page_says_why(
    framework, town, owner, record, as_user
):
    mean = services.indicator_create(
        framework=framework,
        by=owner,
        code="M1",
        name="ציון ממוצע",
        name_en="Mean score",
        kind="mean",
        period_type="year",
    )
    north, south = town.children.order_by("code")
    record(mean, north, "2024", value=71.5)
    record(mean, south, "2024", value=64)
    response = as_user(owner).get(reverse("measurement:indicator", args=[mean.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "every part needs its n" in html
    assert "Only the reported values are shown" in html
    assert "71.5" in html
    assert "64" in html


def test_results_then_strategies_measures_by_question(
    framework, town, owner, record, approve, partner_org, as_user
):
    result = services.result_create(
        framework=framework, by=owner, title="Children thrive", population="Children 0-17"
    )
    strategy = services.strategy_create(
        framework=framework, by=owner, name="After-school clubs", owner_organisation=partner_org
    )
    population = services.indicator_create(
        framework=framework,
        by=owner,
        code="POP",
        name="ילדים",
        name_en="Children counted",
        kind="count",
        period_type="year",
        result=result,
    )
    measure = services.indicator_create(
        framework=framework,
        by=owner,
        code="HM",
        name="מפגשים",
        name_en="Sessions held",
        kind="count",
        period_type="year",
        strategy=strategy,
        category="how_much",
    )
    approve(record(population, town, "2024", value=120, status="provisional", submit=True))
    approve(record(measure, town, "2024", value=48, submit=True))
    html = as_user(owner).get(reverse("measurement:scorecard", args=[framework.pk])).content
    html = html.decode()
    order = [
        html.index(text)
        for text in (
            "Children thrive",
            "Children counted",
            "Performance measures",
            "After-school clubs",
            "How much did we do?",
            "Sessions held",
        )
    ]
    assert order == sorted(order)
    population_row = html.split(">POP</bdi>")[1].split("</tr>")[0]
    assert "Provisional" in population_row
    assert "Provisional" not in html.split(">HM</bdi>")[1].split("</tr>")[0]


@pytest.mark.parametrize("kind", ["count", "proportion", "rate", "mean", "index"])
def test_every_kind_of_indicator_renders(
    framework, town, owner, participant, record, kind, as_user
):
    indicator = services.indicator_create(
        framework=framework,
        by=owner,
        code=f"K-{kind}",
        name=kind,
        kind=kind,
        period_type="year",
        per=1000 if kind == "rate" else 1,
        dimensions=[{"name": "sex", "label": "Sex", "values": ["female", "male"]}],
    )
    north, south = town.children.order_by("code")
    ratio = kind in ("proportion", "rate")
    for year in range(2019, 2025):
        for unit, size in ((town, 300), (north, 180), (south, 120)):
            for key, share in (("", 1.0), ("sex=female", 0.5), ("sex=male", 0.5)):
                numbers = (
                    {
                        "numerator": round(size * share * 0.3) + year % 3,
                        "denominator": round(size * share),
                    }
                    if ratio
                    else {"value": round(size * share / 10 + year % 4, 1)}
                )
                observation = record(indicator, unit, str(year), key=key, submit=True, **numbers)
                services.observation_approve(observation=observation, by=owner)
    services.baseline_set(
        indicator=indicator,
        by=owner,
        geography=town,
        period="2019",
        value={"proportion": "0.1", "rate": "100"}.get(kind, "5"),
    )
    services.target_set(
        indicator=indicator,
        by=owner,
        geography=town,
        year=2027,
        value={"proportion": "0.9", "rate": "900"}.get(kind, "90"),
    )
    for user in (owner, participant):
        client = as_user(user)
        for url in (
            reverse("measurement:indicator", args=[indicator.pk]),
            reverse("measurement:indicator", args=[indicator.pk]) + "?period=2020&key=sex%3Dmale",
            reverse("measurement:scorecard", args=[framework.pk]),
            reverse("measurement:dashboard", args=[framework.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "<title" in response.content.decode()


def test_a_projection_over_nearly_all_that_is_possible_is_not_given_as_a_number(
    proportion_indicator,
):
    def words(low, high):
        assessment = SimpleNamespace(
            verdict="uncertain",
            possible=("on_track", "needs_acceleration"),
            anticipated=SimpleNamespace(value=(low + high) / 2, low=low, high=high),
            current_status=None,
        )
        progress = SimpleNamespace(assessment=assessment, target=SimpleNamespace(year=2028))
        with translation.override("en"):
            return scorecard_views.verdict_words(progress, proportion_indicator)

    wide = words(0.6, 1.3)  # 60% to past 100%: clipped at what a proportion can be
    assert wide["code"] == "uncertain"  # the verdict is as it was
    assert "Too uncertain to project" in wide["projected"]
    assert "%" not in wide["projected"]
    narrow = words(0.66, 0.74)
    assert "Too uncertain" not in narrow["projected"]
    # The interval is isolated whole, so that it cannot turn around in Hebrew.
    assert '<bdi dir="ltr" class="num">(66.0%–74.0%)</bdi>' in narrow["projected"]


def test_the_scorecard_breadcrumbs_pass_through_its_framework(framework, owner, as_user):
    html = as_user(owner).get(reverse("measurement:scorecard", args=[framework.pk])).text
    start = html.index('<nav class="breadcrumbs"')
    trail = html[start : html.index("</nav>", start)]
    assert f'href="{reverse("measurement:framework", args=[framework.pk])}"' in trail
    assert '<li aria-current="page"><bdi>Scorecard</bdi></li>' in trail
