"""Every initiative page through the gate: owner manages, members read, outsiders get 404."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from meshutaf.core.access import Action, Role
from meshutaf.initiatives.models import GroupMember, Invitation, Phase
from meshutaf.initiatives.permissions import (
    child_get_for_user,
    group_member_get_for_user,
    initiative_get_for_user,
)
from tests.conftest import client_for
from tests.factories import GroupMemberFactory, InitiativeFactory, UserFactory

READ_PAGES = [
    ("initiatives:detail", "initiative"),
    ("initiatives:members", "initiative"),
    ("initiatives:group_detail", "group"),
]
MANAGE_PAGES = [
    ("initiatives:edit", "initiative"),
    ("initiatives:phase_create", "initiative"),
    ("initiatives:group_create", "initiative"),
    ("initiatives:history", "initiative"),
    ("initiatives:members_csv", "initiative"),
    ("initiatives:phase_edit", "phase"),
    ("initiatives:group_edit", "group"),
]


def _url(name, target, objects):
    return reverse(name, args=[objects[target].pk])


@pytest.fixture
def objects(initiative, phase, group):
    return {"initiative": initiative, "phase": phase, "group": group}


@pytest.mark.parametrize(("name", "target"), READ_PAGES)
def test_read_pages(name, target, objects, owner, member, participant, outsider):
    url = _url(name, target, objects)
    assert client_for(owner).get(url).status_code == 200
    assert client_for(member).get(url).status_code == 200
    assert client_for(participant).get(url).status_code == 200
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302  # to the login page


@pytest.mark.parametrize(("name", "target"), MANAGE_PAGES)
def test_manage_pages(name, target, objects, owner, member, participant, outsider):
    url = _url(name, target, objects)
    assert client_for(owner).get(url).status_code == 200
    assert client_for(member).get(url).status_code == 403
    assert client_for(participant).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404


def test_outsider_cannot_post_anything(objects, outsider, initiative, phase, group):
    client = client_for(outsider)
    posts = [
        reverse("initiatives:edit", args=[initiative.pk]),
        reverse("initiatives:phase_create", args=[initiative.pk]),
        reverse("initiatives:phase_delete", args=[phase.pk]),
        reverse("initiatives:group_delete", args=[group.pk]),
        reverse("initiatives:group_member_add", args=[group.pk]),
        reverse("initiatives:members", args=[initiative.pk]),
    ]
    for url in posts:
        assert (
            client.post(url, {"name": "x", "email": "a@b.org", "role": "partner"}).status_code
            == 404
        )
    assert Phase.objects.filter(pk=phase.pk).exists()
    assert group.__class__.objects.filter(pk=group.pk).exists()
    assert not Invitation.objects.exists()


def test_partner_cannot_delete_or_invite(initiative, phase, member):
    client = client_for(member)
    assert client.post(reverse("initiatives:phase_delete", args=[phase.pk])).status_code == 403
    response = client.post(
        reverse("initiatives:members", args=[initiative.pk]),
        {"email": "new@example.org", "role": "facilitator"},
    )
    assert response.status_code == 403
    assert Phase.objects.filter(pk=phase.pk).exists()
    assert not Invitation.objects.exists()


def test_superuser_sees_everything(initiative):
    admin = UserFactory(is_superuser=True, is_staff=True)
    response = client_for(admin).get(reverse("initiatives:edit", args=[initiative.pk]))
    assert response.status_code == 200


def test_inactive_member_is_an_outsider(initiative, member):
    member.is_active = False
    member.save()
    with pytest.raises(Http404):
        initiative_get_for_user(user=member, pk=initiative.pk, action=Action.VIEW)


def test_members_list_hides_emails_from_partners(initiative, owner, member):
    url = reverse("initiatives:members", args=[initiative.pk])
    assert owner.email in client_for(owner).get(url).content.decode()
    assert owner.email not in client_for(member).get(url).content.decode()


def test_group_member_of_other_initiative_cannot_be_removed(owner, initiative):
    other = InitiativeFactory()
    stranger = GroupMemberFactory(group__initiative=other)
    url = reverse("initiatives:group_member_remove", args=[stranger.pk])
    assert client_for(owner).post(url).status_code == 404
    assert stranger.__class__.objects.filter(pk=stranger.pk).exists()


def test_the_initiative_gate_answers_the_initiative_and_the_viewers_role(
    initiative, owner, member, participant
):
    assert initiative_get_for_user(user=owner, pk=initiative.pk) == (initiative, Role.FACILITATOR)
    assert initiative_get_for_user(user=member, pk=initiative.pk) == (initiative, Role.PARTNER)
    found, role = initiative_get_for_user(user=participant, pk=initiative.pk)
    assert (found, role) == (initiative, Role.PARTICIPANT)
    # The role travels in the answer only, not on the object.
    assert not hasattr(found, "viewer_role")
    assert not hasattr(found, "gate_viewer_role")
    admin = UserFactory(is_superuser=True)
    assert initiative_get_for_user(user=admin, pk=initiative.pk).role is Role.FACILITATOR


def test_the_child_gate_follows_a_path_to_the_initiative(
    group, owner, member, outsider, django_assert_num_queries
):
    """A group member's initiative is its group's: the same gate, through "group__initiative",
    in one query."""
    chair = group.memberships.get()
    with django_assert_num_queries(1):
        found, role = child_get_for_user(
            GroupMember,
            user=owner,
            pk=chair.pk,
            action=Action.MANAGE,
            initiative_path="group__initiative",
        )
        assert found.group.initiative == group.initiative
    assert (found, role) == (chair, Role.FACILITATOR)
    assert group_member_get_for_user(user=member, pk=chair.pk) == (chair, Role.PARTNER)
    with pytest.raises(PermissionDenied):
        group_member_get_for_user(user=member, pk=chair.pk, action=Action.MANAGE)
    with pytest.raises(Http404):
        group_member_get_for_user(user=outsider, pk=chair.pk)
    with pytest.raises(Http404):
        group_member_get_for_user(user=owner, pk=999_999)
