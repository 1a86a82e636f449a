"""The initiative services: validation, audit, invitations, the last facilitator."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from meshutaf.core.access import Role
from meshutaf.initiatives import services
from meshutaf.initiatives.models import Initiative, Membership, Phase
from tests.factories import OrganisationFactory, UserFactory


def test_creator_becomes_facilitator(owner):
    partner = OrganisationFactory()
    initiative = services.initiative_create(
        by=owner, kind="joint_move", name="דיבור אחר", leading_partners=[partner]
    )
    assert Membership.objects.get(initiative=initiative, user=owner).role == Role.FACILITATOR
    assert list(initiative.leading_partners.all()) == [partner]
    assert initiative.history.first().history_user == owner


def test_only_backbone_staff_create(member):
    with pytest.raises(ValidationError):
        services.initiative_create(by=member, kind="forum", name="x")
    assert not Initiative.objects.exists()


def test_bad_dates_and_kind_write_nothing(owner):
    with pytest.raises(ValidationError) as error:
        services.initiative_create(
            by=owner,
            kind="party",
            name="x",
            start_date=datetime.date(2026, 5, 1),
            end_date=datetime.date(2026, 1, 1),
        )
    assert "kind" in error.value.message_dict
    assert not Initiative.objects.exists()
    assert not Membership.objects.exists()


def test_phase_appended_in_order(initiative, owner):
    first = services.phase_create(initiative=initiative, by=owner, name="א")
    second = services.phase_create(initiative=initiative, by=owner, name="ב", order=None)
    assert second.order == first.order + 1


def test_update_records_who_and_what(initiative, owner):
    services.initiative_update(initiative=initiative, by=owner, data={"vision": "חזון חדש"})
    latest = initiative.history.first()
    assert latest.history_user == owner
    assert latest.vision == "חזון חדש"


def test_last_facilitator_cannot_leave(initiative, owner):
    membership = Membership.objects.get(initiative=initiative, user=owner)
    with pytest.raises(ValidationError):
        services.membership_set_role(membership=membership, role=Role.PARTNER, by=owner)
    with pytest.raises(ValidationError):
        services.membership_remove(membership=membership, by=owner)
    membership.refresh_from_db()
    assert membership.role == Role.FACILITATOR


@pytest.mark.django_db(transaction=True)
def test_invitation_is_emailed_and_single_use(initiative, owner):
    invitation, raw, _emailed = services.invitation_create(
        initiative=initiative, email=" New@Example.org ", role=Role.PARTNER, by=owner
    )
    assert invitation.email == "new@example.org"
    assert len(mail.outbox) == 1
    assert raw in mail.outbox[0].body
    assert raw not in invitation.token_hash
    newcomer = UserFactory()
    membership = services.invitation_accept(raw_token=raw, user=newcomer)
    assert membership.role == Role.PARTNER
    with pytest.raises(ValidationError, match="already been used"):
        services.invitation_accept(raw_token=raw, user=UserFactory())
    assert Membership.objects.filter(initiative=initiative).count() == 4


def test_expired_invitation_rejected(initiative, owner):
    _invitation, raw, _emailed = services.invitation_create(
        initiative=initiative, email="late@example.org", role=Role.OBSERVER, by=owner
    )
    newcomer = UserFactory()
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(days=15)),
        pytest.raises(ValidationError, match="expired"),
    ):
        services.invitation_accept(raw_token=raw, user=newcomer)
    assert not Membership.objects.filter(user__email="late@example.org").exists()


def test_revoked_and_forged_invitations_rejected(initiative, owner):
    invitation, raw, _emailed = services.invitation_create(
        initiative=initiative, email="x@example.org", role=Role.PARTNER, by=owner
    )
    services.invitation_revoke(invitation=invitation, by=owner)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.invitation_accept(raw_token=raw, user=UserFactory())
    with pytest.raises(ValidationError, match="not valid"):
        services.invitation_accept(raw_token="forged", user=UserFactory())


def test_invitation_for_existing_member_email_rejected(initiative, owner, member):
    with pytest.raises(ValidationError):
        services.invitation_create(
            initiative=initiative, email=member.email.upper(), role=Role.PARTNER, by=owner
        )


def test_accepting_when_already_member_keeps_role(initiative, owner, member):
    _invitation, raw, _emailed = services.invitation_create(
        initiative=initiative, email="other@example.org", role=Role.OBSERVER, by=owner
    )
    membership = services.invitation_accept(raw_token=raw, user=member)
    assert membership.role == Role.PARTNER


def test_phase_delete_is_audited(initiative, owner, phase):
    pk = phase.pk
    services.phase_delete(phase=phase, by=owner)
    assert not Phase.objects.filter(pk=pk).exists()
    assert Phase.history.filter(id=pk, history_type="-").get().history_user == owner


def test_two_facilitators_cannot_both_step_down(initiative, owner, member):
    second = Membership.objects.get(initiative=initiative, user=member)
    services.membership_set_role(membership=second, role=Role.FACILITATOR, by=owner)
    first = Membership.objects.get(initiative=initiative, user=owner)
    services.membership_set_role(membership=first, role=Role.PARTNER, by=owner)
    with pytest.raises(ValidationError):
        services.membership_set_role(membership=second, role=Role.PARTNER, by=member)
    assert Membership.objects.filter(initiative=initiative, role=Role.FACILITATOR).count() == 1


def test_signup_with_taken_username_changes_nothing(initiative, owner, member):
    created = services.invitation_create(
        initiative=initiative, email="new@example.org", role=Role.PARTNER, by=owner
    )
    with pytest.raises(ValidationError):
        services.invitation_accept_with_signup(
            raw_token=created.raw_token,
            username=member.username,
            password="a-long-pass-phrase",
            first_name="X",
        )
    created.invitation.refresh_from_db()
    assert created.invitation.accepted_at is None
    assert not Membership.objects.filter(user__email="new@example.org").exists()


def test_invitation_survives_a_broken_mail_server(initiative, owner, settings):
    settings.EMAIL_BACKEND = "tests.initiatives.test_services.BrokenMailBackend"
    created = services.invitation_create(
        initiative=initiative, email="x@example.org", role=Role.PARTNER, by=owner
    )
    assert created.emailed is False
    assert created.invitation.pk is not None


def test_invitee_claims_existing_directory_entry(initiative, owner):
    from tests.factories import PersonFactory

    entry = PersonFactory(email="dana@example.org", user=None)
    created = services.invitation_create(
        initiative=initiative, email="dana@example.org", role=Role.PARTNER, by=owner
    )
    newcomer = UserFactory(email="dana@example.org")
    services.invitation_accept(raw_token=created.raw_token, user=newcomer)
    entry.refresh_from_db()
    assert entry.user == newcomer


class BrokenMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")
