import io

import pytest
from django.contrib.auth import authenticate
from django.db import transaction
from django.test import RequestFactory

from meshutaf.accounts.models import User
from meshutaf.demo import DEMO_PASSWORD, DEMO_USERS, demo_load
from meshutaf.directory.models import Organisation, Person, Sector
from meshutaf.initiatives.models import (
    GroupMember,
    Initiative,
    InitiativeKind,
    Membership,
    Role,
)
from meshutaf.initiatives.permissions import initiatives_visible_to

DIFFERENT_SPEECH = "דיבור אחר – מתינות וסובלנות ברשת"


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Load once for the module (it takes seconds) and roll it all back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield demo_load()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_loading_creates_the_demo_users_and_initiatives(loaded):
    assert loaded.created is True
    assert [login[0] for login in loaded.logins] == ["facilitator", "partner", "outsider"]
    assert all(login[1] == DEMO_PASSWORD for login in loaded.logins)
    facilitator = User.objects.get(username="facilitator")
    assert facilitator.is_backbone
    assert facilitator.email == "facilitator@example.org"
    for spec in DEMO_USERS:
        assert User.objects.get(username=spec.username).person.full_name

    kinds = set(Initiative.objects.values_list("kind", flat=True))
    assert {
        InitiativeKind.JOINT_MOVE,
        InitiativeKind.ROUNDTABLE,
        InitiativeKind.TRAINING_PROGRAMME,
        InitiativeKind.COLLECTIVE_IMPACT,
    } <= kinds
    assert Initiative.objects.filter(kind=InitiativeKind.ROUNDTABLE).count() >= 3
    # The facilitator facilitates every initiative.
    assert Membership.objects.filter(user=facilitator, role=Role.FACILITATOR).count() == (
        Initiative.objects.count()
    )
    assert 40 <= Organisation.objects.count() <= 60
    assert 80 <= Person.objects.count() <= 260
    assert set(Organisation.objects.values_list("sector", flat=True)) >= (
        set(Sector.values) - {Sector.OTHER}
    )


@pytest.mark.django_db
def test_different_speech_has_its_partners_phases_and_teams(loaded):
    initiative = Initiative.objects.get(name=DIFFERENT_SPEECH)
    assert initiative.start_date.year == 2016
    assert set(initiative.leading_partners.values_list("name_en", flat=True)) == {
        "Lautman Fund",
        "Shaharit Institute",
        "Google Israel",
    }
    assert initiative.facilitating_organisation.name_he == "שיתופים"
    assert initiative.phases.count() == 3
    assert initiative.groups.filter(kind="forum").count() == 1
    assert initiative.groups.filter(kind="working_group").count() == 2


@pytest.mark.django_db
def test_every_group_has_three_to_ten_people(loaded):
    for initiative in Initiative.objects.all():
        assert 3 <= initiative.groups.count() <= 6, initiative.name
        for group in initiative.groups.all():
            assert 3 <= group.memberships.count() <= 10, group.name
    assert GroupMember.objects.exists()


@pytest.mark.django_db
def test_a_second_load_changes_nothing(loaded):
    counts = (Organisation.objects.count(), Person.objects.count(), Initiative.objects.count())
    out = io.StringIO()
    again = demo_load(stdout=out)
    assert again.created is False
    assert [login[:2] for login in again.logins] == [login[:2] for login in loaded.logins]
    assert "already" in out.getvalue()
    assert counts == (
        Organisation.objects.count(),
        Person.objects.count(),
        Initiative.objects.count(),
    )


@pytest.mark.django_db
def test_partner_sees_different_speech_and_outsider_sees_nothing(loaded):
    partner = User.objects.get(username="partner")
    outsider = User.objects.get(username="outsider")
    assert not partner.is_backbone
    assert (
        Membership.objects.get(user=partner, initiative__name=DIFFERENT_SPEECH).role == Role.PARTNER
    )
    assert Membership.objects.filter(
        user=partner, initiative__kind=InitiativeKind.ROUNDTABLE, role=Role.PARTICIPANT
    ).exists()
    assert initiatives_visible_to(user=partner).filter(name=DIFFERENT_SPEECH).exists()
    assert not Membership.objects.filter(user=outsider).exists()
    assert not initiatives_visible_to(user=outsider).exists()


@pytest.mark.django_db
def test_demo_users_log_in_with_the_demo_password(loaded):
    for spec in DEMO_USERS:
        # Signing in always comes with a request (the sign-in throttle counts by its address).
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=spec.username, password=DEMO_PASSWORD)
        assert user is not None
    # The other demo accounts exist only to fill member lists; nobody can log in as them.
    others = User.objects.exclude(username__in=[spec.username for spec in DEMO_USERS])
    assert others.exists()
    assert not any(user.has_usable_password() for user in others)


@pytest.mark.django_db
def test_different_speech_has_a_coded_trained_and_scored_synthetic_corpus(loaded):
    from meshutaf.discourse.models import Corpus, ModelStatus, RunStatus
    from meshutaf.discourse.permissions import corpora_visible_to
    from meshutaf.discourse.selectors.coding import next_assignment
    from meshutaf.discourse.selectors.index import corpus_index
    from meshutaf.discourse.selectors.reliability import agreement as corpus_agreement

    corpus = Corpus.objects.get(initiative__name=DIFFERENT_SPEECH)
    assert corpus.is_synthetic
    assert "סינתטי" in corpus.name
    assert corpus.items.count() == 900
    assert set(corpus.items.values_list("language", flat=True)) >= {"he", "ar"}
    assert corpus.model_versions.get().status == ModelStatus.READY
    assert corpus.scoring_runs.get().status == RunStatus.DONE
    agreement = {row.key: row for row in corpus_agreement(corpus=corpus, n_boot=100)}
    assert agreement["insult"].n_coders == 3
    assert agreement["insult"].n_units == 40
    index = corpus_index(corpus=corpus, by=["month", "community"])
    assert index.cells
    assert all(cell.results["index"].corrected for cell in index.cells)
    partner = User.objects.get(username="partner")
    assert corpora_visible_to(user=partner).filter(pk=corpus.pk).exists()
    # The facilitator has a few items left to try the annotation screen.
    facilitator = User.objects.get(username="facilitator")
    assert next_assignment(corpus=corpus, user=facilitator) is not None
