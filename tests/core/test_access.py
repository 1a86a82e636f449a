"""The vocabulary of access: which role allows which action, the check every gate ends with,
and the `Granted` answer a gate gives."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from meshutaf.core.access import Action, Granted, Role, active_user, grant, role_allows, role_check


def _user(*, superuser=False, active=True):
    return SimpleNamespace(is_superuser=superuser, is_authenticated=True, is_active=active)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.FACILITATOR, {Action.VIEW, Action.CONTRIBUTE, Action.MANAGE}),
        (Role.PARTNER, {Action.VIEW, Action.CONTRIBUTE}),
        (Role.PARTICIPANT, {Action.VIEW}),
        (Role.OBSERVER, {Action.VIEW}),
        (None, set()),
    ],
)
def test_role_allows(role, allowed):
    assert {action for action in Action if role_allows(role, action)} == allowed


def test_role_allows_takes_the_stored_text_too():
    assert role_allows("partner", Action.CONTRIBUTE)
    assert not role_allows("partner", Action.MANAGE)


def test_role_check_answers_the_effective_role():
    assert role_check(user=_user(), role="partner", action=Action.CONTRIBUTE) is Role.PARTNER


def test_role_check_hides_from_non_members_and_refuses_too_small_a_role():
    with pytest.raises(Http404):
        role_check(user=_user(), role=None, action=Action.VIEW)
    with pytest.raises(PermissionDenied):
        role_check(user=_user(), role=Role.OBSERVER, action=Action.CONTRIBUTE)


def test_superusers_act_as_facilitators_whatever_their_membership():
    admin = _user(superuser=True)
    assert role_check(user=admin, role=None, action=Action.MANAGE) is Role.FACILITATOR
    assert role_check(user=admin, role=Role.OBSERVER, action=Action.MANAGE) is Role.FACILITATOR


def test_granted_unpacks_into_the_object_and_the_role():
    thing = object()
    granted = Granted(thing, Role.PARTNER)
    obj, role = granted
    assert (obj, role) == (granted.obj, granted.role) == (thing, Role.PARTNER)


def test_grant_checks_then_answers_the_object_with_the_role():
    thing = object()
    assert grant(thing, user=_user(), role="participant", action=Action.VIEW) == (
        thing,
        Role.PARTICIPANT,
    )
    with pytest.raises(PermissionDenied):
        grant(thing, user=_user(), role="participant", action=Action.CONTRIBUTE)


def test_active_user():
    assert active_user(_user())
    assert not active_user(_user(active=False))
    assert not active_user(AnonymousUser())
    assert not active_user(None)
