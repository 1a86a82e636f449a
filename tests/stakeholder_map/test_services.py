"""The stakeholder map: services, history, and privacy of sensitive notes and ties."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from meshutaf.stakeholder_map import selectors, services
from meshutaf.stakeholder_map.models import (
    Quadrant,
    SalienceClass,
    SensitiveNote,
    StakeholderProfile,
)
from tests.factories import AffiliationFactory, OrganisationFactory, PersonFactory


@pytest.fixture
def mapped(initiative, owner):
    ministry = OrganisationFactory(name_he="", name_en="Ministry", sector="government")
    fund = OrganisationFactory(name_he="", name_en="Fund", sector="philanthropy")
    mayor = AffiliationFactory(
        person__full_name="Mayor", organisation__sector="local_authority"
    ).person
    profiles = {
        "ministry": services.profile_create(
            initiative=initiative,
            by=owner,
            organisation=ministry,
            power=5,
            interest=2,
            sensitive_notes="Hurt by the 2019 process",
        ),
        "fund": services.profile_create(
            initiative=initiative,
            by=owner,
            organisation=fund,
            power=2,
            interest=5,
            consent="active",
            engagement_current="supportive",
        ),
        "mayor": services.profile_create(
            initiative=initiative,
            by=owner,
            person=mayor,
            power=4,
            interest=4,
        ),
    }
    services.relationship_create(
        initiative=initiative,
        by=owner,
        source=profiles["ministry"],
        target=profiles["fund"],
        kind="funds",
    )
    services.relationship_create(
        initiative=initiative,
        by=owner,
        source=profiles["mayor"],
        target=profiles["ministry"],
        kind="personal_tie",
        sensitive=True,
    )
    return profiles


def test_derived_properties(mapped):
    assert mapped["ministry"].quadrant == Quadrant.KEEP_SATISFIED
    assert mapped["fund"].quadrant == Quadrant.KEEP_INFORMED
    assert mapped["mayor"].quadrant == Quadrant.MANAGE_CLOSELY
    profile = mapped["mayor"]
    profile.has_power, profile.has_legitimacy, profile.has_urgency = True, True, True
    assert profile.salience == SalienceClass.DEFINITIVE
    assert mapped["fund"].engagement_gap == 0
    assert mapped["ministry"].engagement_gap == 3  # unaware → supportive


def test_bad_profile_input_writes_nothing(initiative, owner, mapped):
    person = PersonFactory()
    with pytest.raises(ValidationError):
        services.profile_create(initiative=initiative, by=owner, person=person, power=9)
    with pytest.raises(ValidationError):
        services.profile_create(
            initiative=initiative, by=owner, person=person, organisation=OrganisationFactory()
        )
    with pytest.raises(ValidationError):
        services.profile_create(
            initiative=initiative, by=owner, organisation=mapped["fund"].organisation
        )
    with pytest.raises(ValidationError):
        services.profile_create(
            initiative=initiative, by=owner, person=person, influence_bases=["charm"]
        )
    assert StakeholderProfile.objects.count() == 3


def test_register_filters(initiative, mapped):
    def names(**filters):
        return [
            profile.name
            for profile in selectors.profile_list(
                initiative=initiative, include_sensitive=False, **filters
            )
        ]

    assert names() == ["Fund", "Mayor", "Ministry"]
    assert names(sector="local_authority") == ["Mayor"]
    assert names(quadrant="keep_satisfied") == ["Ministry"]
    assert names(consent="active") == ["Fund"]
    assert names(gap_only=True) == ["Mayor", "Ministry"]
    assert names(sort="-power") == ["Ministry", "Mayor", "Fund"]


def test_sensitive_ties_and_notes_stay_with_facilitators(initiative, mapped):
    public = selectors.relationship_list(initiative=initiative, include_sensitive=False)
    assert [r.kind for r in public] == ["funds"]
    everything = selectors.relationship_list(initiative=initiative, include_sensitive=True)
    assert {r.kind for r in everything} == {"funds", "personal_tie"}
    profile = selectors.profile_list(initiative=initiative, include_sensitive=False).get(
        pk=mapped["ministry"].pk
    )
    assert "sensitive_note" not in profile._state.fields_cache
    assert SensitiveNote.objects.get(profile=mapped["ministry"]).text == "Hurt by the 2019 process"


def test_map_as_it_was(initiative, owner, mapped):
    before = timezone.now()
    with time_machine.travel(before + datetime.timedelta(days=30)):
        services.profile_update(
            profile=mapped["fund"], by=owner, data={"consent": "passive", "power": 4}
        )
    then = {p.name: p.consent for p in selectors.profiles_as_of(initiative=initiative, when=before)}
    assert then["Fund"] == "active"
    mapped["fund"].refresh_from_db()
    assert mapped["fund"].consent == "passive"


def test_network_analysis_keeps_hidden_ties_out_of_public_metrics(initiative, owner, mapped):
    services.network_analyse(initiative=initiative, by=owner)
    public = selectors.network_data(initiative=initiative, include_sensitive=False)
    full = selectors.network_data(initiative=initiative, include_sensitive=True)
    assert len(public["edges"]) == 1
    assert len(full["edges"]) == 2
    mayor = mapped["mayor"].pk
    assert next(n for n in public["nodes"] if n["id"] == mayor)["degree"] == 0.0
    assert next(n for n in full["nodes"] if n["id"] == mayor)["degree"] > 0
    assert "sensitive" not in public["edges"][0]
    # A second run is kept beside the first, not over it.
    services.network_analyse(initiative=initiative, by=owner)
    assert initiative.network_analyses.count() == 4


def test_relationship_needs_two_stakeholders_of_the_initiative(initiative, owner, mapped):
    from tests.factories import InitiativeFactory

    other = InitiativeFactory()
    stranger = services.profile_create(
        initiative=other, by=owner, organisation=OrganisationFactory()
    )
    with pytest.raises(ValidationError):
        services.relationship_create(
            initiative=initiative, by=owner, source=mapped["fund"], target=stranger, kind="allied"
        )
    with pytest.raises(ValidationError):
        services.relationship_create(
            initiative=initiative,
            by=owner,
            source=mapped["fund"],
            target=mapped["fund"],
            kind="allied",
        )


def test_overdue_follow_ups_for_facilitators(initiative, owner, member, mapped):
    today = timezone.localdate()
    services.engagement_create(
        initiative=initiative,
        by=owner,
        stakeholders=[mapped["fund"]],
        kind="call",
        date=today - datetime.timedelta(days=10),
        summary="Call",
        follow_up_date=today - datetime.timedelta(days=2),
    )
    services.engagement_create(
        initiative=initiative,
        by=owner,
        stakeholders=[mapped["mayor"]],
        kind="meeting",
        date=today,
        summary="Meeting",
        follow_up_date=today + datetime.timedelta(days=2),
    )
    assert [e.summary for e in selectors.follow_ups_overdue(user=owner)] == ["Call"]
    assert list(selectors.follow_ups_overdue(user=member)) == []


def test_public_metrics_withdrawn_when_a_used_tie_turns_sensitive(initiative, owner, mapped):
    services.network_analyse(initiative=initiative, by=owner)
    before = selectors.network_data(initiative=initiative, include_sensitive=False)
    assert before["nodes"][0]["degree"] is not None
    public_tie = initiative.relationships.get(sensitive=False)
    services.relationship_update(relationship=public_tie, by=owner, data={"sensitive": True})
    after = selectors.network_data(initiative=initiative, include_sensitive=False)
    assert after["out_of_date"] is True
    assert {node["degree"] for node in after["nodes"]} == {None}
    assert after["brokers"] == []
    assert after["edges"] == []
    # Facilitators still see their numbers; a new computation brings the public ones back.
    assert (
        selectors.network_data(initiative=initiative, include_sensitive=True)["nodes"][0]["degree"]
        is not None
    )
    services.network_analyse(initiative=initiative, by=owner)
    assert (
        selectors.network_data(initiative=initiative, include_sensitive=False)["out_of_date"]
        is False
    )


def test_editing_only_the_sensitive_note_leaves_no_visible_history(initiative, owner, mapped):
    profile = mapped["ministry"]
    services.profile_update(
        profile=profile, by=owner, data={"influence_bases": ["resources", "formal_role"]}
    )
    count = profile.history.count()
    services.profile_update(
        profile=profile,
        by=owner,
        data={"influence_bases": ["formal_role", "resources"], "sensitive_notes": "New"},
    )
    assert profile.history.count() == count


def test_null_for_a_text_field_is_a_field_error(initiative, owner, mapped):
    with pytest.raises(ValidationError) as error:
        services.profile_update(profile=mapped["fund"], by=owner, data={"notes": None})
    assert "notes" in error.value.message_dict
