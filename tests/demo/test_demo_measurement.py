"""The demo town's shared measurement: its framework, five years of values, a reporting round
in progress, targets set at a meeting and a turn-the-curve session, as issue 14 asks."""

import pytest
from django.db import transaction

from meshutaf.accounts.models import User
from meshutaf.core.access import Role
from meshutaf.demo import demo_load
from meshutaf.initiatives.models import InitiativeKind, Membership
from meshutaf.measurement import selectors
from meshutaf.measurement.models import (
    Consent,
    CurveSession,
    Framework,
    Geography,
    Observation,
    ReportingRound,
    RoundState,
    SharingAgreement,
    State,
    Target,
    Visibility,
)
from meshutaf.measurement.permissions import Viewer, may_report_for, reporting_organisations
from meshutaf.meetings.models import OutcomeKind


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Load once for the module and roll it all back afterwards. (How long loading takes is
    not a test's business: `bench/load.py` prints it.)"""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load()
        transaction.set_rollback(True)


@pytest.fixture
def framework(loaded):
    return Framework.objects.select_related("area", "initiative").get(
        initiative__kind=InitiativeKind.COLLECTIVE_IMPACT
    )


@pytest.fixture
def backbone(framework):
    return Viewer.of(user=User.objects.get(username="facilitator"), role=Role.FACILITATOR)


@pytest.fixture
def member():
    """A member who reports for none of the partners: sees what the agreements allow."""
    return Viewer(role=Role.PARTICIPANT)


@pytest.mark.django_db
def test_the_town_sits_in_the_geography_tree_with_its_neighbourhoods(framework):
    town = framework.area
    assert town.level == "locality"
    chain = [town.parent.level, town.parent.parent.level, town.parent.parent.parent.level]
    assert chain == ["sub_district", "district", "country"]
    neighbourhoods = Geography.objects.filter(parent=town, initiative=framework.initiative)
    assert 4 <= neighbourhoods.count() <= 6


@pytest.mark.django_db
def test_the_framework_has_results_indicators_strategies_and_claims(framework):
    assert framework.results.count() >= 3
    indicators = list(framework.indicators.all())
    assert len(indicators) >= 10
    assert {"count", "proportion", "rate", "mean"} <= {i.kind for i in indicators}
    assert any(i.kind == "rate" and i.per == 1000 for i in indicators)
    measures = [i for i in indicators if i.strategy_id]
    assert {m.category for m in measures} == {"how_much", "how_well", "better_off"}
    strategies = list(framework.strategies.all())
    assert any(s.owner_organisation_id for s in strategies)
    assert any(s.owner_group_id for s in strategies)
    claims = list(framework.claims.prefetch_related("evidence"))
    assert claims
    assert all(claim.evidence.all() for claim in claims)
    # One indicator's definition changed: its values from then on are a new segment.
    broken = framework.indicators.get(definition_versions__isnull=False)
    assert broken.definition_version == 2
    versions = set(
        Observation.objects.filter(indicator=broken).values_list("definition_version", flat=True)
    )
    assert versions == {1, 2}


@pytest.mark.django_db
def test_five_years_of_values_by_neighbourhood_and_sex(framework):
    observations = Observation.objects.filter(indicator__framework=framework, current=True)
    periods = set(observations.values_list("period", flat=True))
    assert {"2021-Q1", "2025-Q4", "2021", "2025"} <= periods
    assert observations.filter(geography__level="neighbourhood").exists()
    assert observations.filter(disaggregation="sex=female").exists()
    assert observations.filter(state=State.APPROVED).count() > 600


@pytest.mark.django_db
def test_small_counts_are_suppressed_for_a_member_but_not_for_the_backbone(
    framework, member, backbone
):
    indicator = framework.indicators.get(code="WEL1")
    hidden = []
    for period in ("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"):
        cells = selectors.table(member, indicator, period=period, area=framework.area)
        hidden += [cell for cell in cells.values() if cell.shown.hidden]
    assert hidden
    assert any(cell.shown.marker == "<10" for cell in hidden)
    cells = selectors.table(backbone, indicator, period="2024-Q1", area=framework.area)
    assert not any(cell.shown.hidden for cell in cells.values())


@pytest.mark.django_db
def test_agreements_use_every_visibility_and_both_consents(framework, member):
    agreements = SharingAgreement.objects.filter(framework=framework)
    assert set(agreements.values_list("visibility", flat=True)) == set(Visibility.values)
    assert set(agreements.values_list("consent", flat=True)) == set(Consent.values)
    # A backbone-only agreement keeps the partner's values from members.
    hidden = agreements.filter(visibility=Visibility.BACKBONE).first()
    visible = selectors.observations_visible(
        member, Observation.objects.filter(indicator=hidden.indicator)
    )
    assert not visible.exists()
    assert framework.rules.filter(operator="change", severity="warning").exists()
    assert framework.rules.filter(operator="==").exists()
    assert framework.rules.filter(operator="<=").exists()


@pytest.mark.django_db
def test_a_round_in_progress_with_a_returned_and_an_approved_value(framework):
    round = ReportingRound.objects.get(framework=framework)
    assert round.state == RoundState.OPEN
    assert round.period == "2025-Q4"
    assert round.tasks.count() == 2
    values = Observation.objects.filter(round=round, current=True)
    returned = values.get(state=State.RETURNED)
    assert returned.return_reason
    assert values.filter(state=State.APPROVED).count() == 1
    assert values.filter(state=State.SUBMITTED).count() == 1
    assert returned.events.filter(action="returned", note=returned.return_reason).exists()


@pytest.mark.django_db
def test_the_partner_login_reports_for_a_partner_organisation(framework):
    partner = User.objects.get(username="partner")
    membership = Membership.objects.get(initiative=framework.initiative, user=partner)
    assert membership.role == Role.PARTNER
    organisations = reporting_organisations(user=partner)
    round = ReportingRound.objects.get(framework=framework)
    assert organisations & set(round.tasks.values_list("partner", flat=True))
    approved = Observation.objects.get(round=round, state=State.APPROVED)
    assert may_report_for(user=partner, role=membership.role, partner_id=approved.partner_id)
    inbox = selectors.reporting_inbox(Viewer.of(user=partner, role=membership.role), framework)
    assert len(inbox) == 1


@pytest.mark.django_db
def test_targets_were_decided_at_a_meeting_and_the_scorecard_gives_verdicts(framework, backbone):
    targets = Target.objects.filter(indicator__framework=framework)
    assert targets.count() >= 5
    assert all(t.decision is not None and t.decision.kind == OutcomeKind.DECISION for t in targets)
    assert targets.first().decision.meeting.initiative_id == framework.initiative_id
    rows = selectors.scorecard(backbone, framework)
    with_target = [row for row in rows if row.progress.target is not None]
    assert len(with_target) == targets.count()
    verdicts = {row.progress.assessment.verdict for row in with_target}
    assert verdicts
    assert verdicts <= {
        "on_track",
        "needs_acceleration",
        "regressing",
        "uncertain",
        "insufficient_data",
    }
    assert all(row.latest is not None for row in rows)


@pytest.mark.django_db
def test_a_turn_the_curve_session_with_partners_and_two_action_items(framework):
    session = CurveSession.objects.get(indicator__framework=framework)
    assert session.meeting.initiative_id == framework.initiative_id
    assert session.partners.count() >= 2
    assert all(partner.role for partner in session.partners.all())
    actions = list(session.actions.all())
    assert len(actions) == 2
    assert all(a.kind == OutcomeKind.ACTION and a.owner_id and a.due_date for a in actions)


@pytest.mark.django_db
def test_loading_loads_once(loaded, framework):
    assert loaded.created
    again = demo_load()
    assert not again.created
    assert Framework.objects.filter(initiative=framework.initiative).count() == 1
