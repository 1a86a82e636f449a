"""The value workflow, visibility and suppression through the services and selectors."""

import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from meshutaf.measurement import selectors, services, suppression, tables
from meshutaf.measurement.entries import entry_check
from meshutaf.measurement.models import Geography, Observation, SharingAgreement, State
from meshutaf.measurement.permissions import Viewer
from tests.factories import OrganisationFactory


def test_revision_keeps_the_earlier_value(count_indicator, town, record):
    first = record(count_indicator, town, "2024-Q1", value=40)
    second = record(count_indicator, town, "2024-Q1", value=42)
    first.refresh_from_db()
    assert not first.current
    assert second.current
    assert second.supersedes == first
    assert [o.value for o in selectors.history(second)] == [42, 40]


def test_bad_numbers_are_refused_with_the_field(count_indicator, proportion_indicator):
    with pytest.raises(ValidationError) as error:
        entry_check(count_indicator, period="2024-Q1", value="N/A")
    assert "value" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        entry_check(proportion_indicator, period="2024", numerator=60, denominator=50)
    assert "numerator" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        entry_check(count_indicator, period="2024-Q1", key="sex=other", value=3)
    assert "disaggregation" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        entry_check(count_indicator, period="2024", value=3)
    assert "period" in error.value.message_dict


def test_proportion_value_is_computed(proportion_indicator):
    entry = entry_check(proportion_indicator, period="2024", numerator=15, denominator=50)
    assert float(entry.value) == pytest.approx(0.3)


def test_partner_submits_backbone_returns_and_approves(
    count_indicator, town, record, member, owner, partner_org
):
    value = record(
        count_indicator,
        town,
        "2024-Q1",
        by=member,
        role="partner",
        partner=partner_org,
        value=40,
        submit=True,
    )
    assert value.state == State.SUBMITTED
    services.observation_return(observation=value, by=owner, reason="Check the north")
    fixed = record(
        count_indicator,
        town,
        "2024-Q1",
        by=member,
        role="partner",
        partner=partner_org,
        value=44,
        submit=True,
    )
    services.observation_approve(observation=fixed, by=owner)
    fixed.refresh_from_db()
    reason = services.why_not_editable(fixed, round=None, backbone=False)
    assert reason
    assert "Approved by" in reason
    with pytest.raises(ValidationError):
        record(
            count_indicator,
            town,
            "2024-Q1",
            by=member,
            role="partner",
            partner=partner_org,
            value=45,
        )


def test_another_partner_cannot_overwrite(
    count_indicator, town, record, member, owner, partner_org
):
    record(count_indicator, town, "2024-Q1", value=40)  # the backbone's own value
    with pytest.raises(PermissionDenied):
        record(
            count_indicator,
            town,
            "2024-Q1",
            by=member,
            role="partner",
            partner=partner_org,
            value=41,
        )


def test_visibility_follows_the_agreement(
    count_indicator, town, record, member, owner, partner_org, framework
):
    value = record(
        count_indicator,
        town,
        "2024-Q1",
        by=member,
        role="partner",
        partner=partner_org,
        value=40,
        submit=True,
    )
    services.observation_approve(observation=value, by=owner)
    other_member = Viewer(role="participant")
    assert not selectors.observations_visible(other_member).exists()
    SharingAgreement.objects.create(
        framework=framework,
        partner=partner_org,
        indicator=count_indicator,
        purpose="x",
        visibility="partners",
    )
    assert selectors.observations_visible(other_member).count() == 1
    assert not selectors.observations_visible(Viewer.anonymous()).exists()
    own = Viewer(role="partner", organisations=frozenset({partner_org.pk}))
    assert selectors.observations_visible(own).count() == 1


def test_small_counts_and_complementary_cells_are_hidden(count_indicator, town, record):
    north, south = town.children.order_by("code")
    record(count_indicator, town, "2024-Q1", value=40)
    record(count_indicator, north, "2024-Q1", value=25)
    record(count_indicator, south, "2024-Q1", value=15)
    record(count_indicator, north, "2024-Q1", key="sex=female", value=3)
    record(count_indicator, north, "2024-Q1", key="sex=male", value=22)
    for value in Observation.objects.all():
        services.observation_approve(observation=value, by=value.created_by)
    outsider = Viewer(role="participant")
    cells = selectors.table(outsider, count_indicator, period="2024-Q1", area=town)
    assert cells[(north.pk, "sex=female")].shown.marker == "<10"
    assert cells[(north.pk, "sex=male")].shown.hidden  # else 25 − 22 gives it away
    backbone = selectors.table(
        Viewer(role="facilitator"), count_indicator, period="2024-Q1", area=town
    )
    assert backbone[(north.pk, "sex=female")].shown.value == 3


@pytest.mark.parametrize("seed", range(4))
def test_no_hidden_cell_of_a_page_can_be_worked_out_from_what_it_shows(
    seed, count_indicator, town, owner
):
    """Random neighbourhood × sex tables with small counts: what a member sees of the table,
    with its totals, determines no hidden cell (the linear system of the published cells),
    and every shown count is 0 or at least k."""
    rng = random.Random(seed)  # noqa: S311 - test data
    for i in range(3):
        Geography.objects.create(
            code=f"L9999-x{i}", level="neighbourhood", name=f"n{i}", parent=town
        )
    leaves = list(town.children.all())
    rows = []
    for unit in leaves:
        female, male = rng.choice([0, 2, 5, 12, 30]), rng.choice([1, 7, 15, 40])
        rows += [(unit, "sex=female", female), (unit, "sex=male", male), (unit, "", female + male)]
    for key in ("sex=female", "sex=male", ""):
        rows.append((town, key, sum(c for u, k, c in rows if k == key)))
    for unit, key, count in rows:
        entry = entry_check(count_indicator, period="2024-Q2", key=key, value=count)
        value = services.observation_record(
            indicator=count_indicator,
            by=owner,
            role="facilitator",
            geography=unit,
            entry=entry,
            partner=None,
        )
        services.observation_approve(observation=value, by=owner)
    cells = selectors.table(
        Viewer(role="participant"), count_indicator, period="2024-Q2", area=town
    )
    counts = {(u.pk, k): c for u, k, c in rows}
    assert set(cells) == set(counts)
    relations = tables._relations(count_indicator, {town.pk: [u.pk for u in leaves]}, counts)
    hidden = [cell for cell, shown in cells.items() if shown.shown.hidden]
    published = suppression.Table(counts=counts, relations=tuple(relations))
    assert not suppression.recoverable_cells(published, hidden)
    assert all(counts[c] == 0 or counts[c] >= 10 for c, s in cells.items() if not s.shown.hidden)


def test_a_partners_own_cell_never_protects_anothers(
    framework, count_indicator, town, record, owner, member, partner_org
):
    """Total 50 (the backbone's), another partner's 3 (shared with partners) and the member's
    own 47: hiding the 47 from the member protects nothing, so the total must go, on the
    table and on the scorecard alike; a member who reports nothing there still sees it."""
    north, south = town.children.order_by("code")
    other = OrganisationFactory(name_he="ארגון אחר")
    SharingAgreement.objects.create(
        framework=framework,
        partner=other,
        indicator=count_indicator,
        purpose="x",
        visibility="partners",
    )
    for geography, count, partner in (
        (town, 50, None),
        (north, 3, other),
        (south, 47, partner_org),
    ):
        value = record(
            count_indicator, geography, "2024-Q1", value=count, partner=partner, submit=True
        )
        services.observation_approve(observation=value, by=owner)
    count_indicator.visibility = "partners"
    count_indicator.save()
    reporter = Viewer(role="partner", organisations=frozenset({partner_org.pk}))
    cells = selectors.table(reporter, count_indicator, period="2024-Q1", area=town)
    assert cells[(south.pk, "")].shown.value == 47
    assert cells[(north.pk, "")].shown.hidden
    assert cells[(town.pk, "")].shown.hidden
    (row,) = [r for r in selectors.scorecard(reporter, framework) if r.indicator == count_indicator]
    assert row.points[-1].shown.hidden
    bystander = Viewer(role="participant")
    (row,) = [
        r for r in selectors.scorecard(bystander, framework) if r.indicator == count_indicator
    ]
    assert row.points[-1].shown.value == 50
    # Without an agreement the member's value is not the bystander's to see at all.
    assert (south.pk, "") not in selectors.table(
        bystander, count_indicator, period="2024-Q1", area=town
    )
