"""The permission gates for the stakeholder map of an initiative.

Members of the initiative read its map; facilitators change it. Sensitive notes and sensitive
relationships exist only for facilitators: other roles' queries never fetch them.
"""

from django.http import Http404

from meshutaf.core.access import Action, Granted, Role, role_check
from meshutaf.initiatives.permissions import child_get_for_user

from .models import EngagementEntry, Relationship, StakeholderProfile


def can_see_sensitive(role: Role | None) -> bool:
    """`role` as a gate grants it: only facilitators see sensitive notes and ties."""
    return role == Role.FACILITATOR


def profile_get_for_user(
    *, user, pk: int, action: Action = Action.VIEW
) -> Granted[StakeholderProfile]:
    return child_get_for_user(
        StakeholderProfile, user=user, pk=pk, action=action, related=("organisation", "person")
    )


def relationship_get_for_user(
    *, user, pk: int, action: Action = Action.VIEW
) -> Granted[Relationship]:
    # First as a reader: a hidden tie must answer 404 before any role check could answer 403
    # and so betray that it exists.
    relationship, role = child_get_for_user(
        Relationship,
        user=user,
        pk=pk,
        action=Action.VIEW,
        related=(
            "source__organisation",
            "source__person",
            "target__organisation",
            "target__person",
        ),
    )
    if relationship.sensitive and not can_see_sensitive(role):
        raise Http404
    return Granted(relationship, role_check(user=user, role=role, action=action))


def engagement_get_for_user(
    *, user, pk: int, action: Action = Action.CONTRIBUTE
) -> Granted[EngagementEntry]:
    return child_get_for_user(EngagementEntry, user=user, pk=pk, action=action)
