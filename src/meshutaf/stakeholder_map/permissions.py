"""The permission gates for the stakeholder map of an initiative.

Members of the initiative read its map; facilitators change it. Sensitive notes and sensitive
relationships exist only for facilitators: other roles' queries never fetch them.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

# Members of the initiative read its map; facilitators change it. Sensitive notes and
# sensitive relationships exist only for facilitators: other roles' queries never fetch them.


def can_see_sensitive(initiative) -> bool:
    """`initiative` as returned by the initiative gate, carrying the viewer's role."""
    return getattr(initiative, "viewer_role", None) == "facilitator"


def profile_get_for_user(*, user, pk: int, action=None):
    from meshutaf.initiatives.permissions import Action, child_get_for_user
    from meshutaf.stakeholder_map.models import StakeholderProfile

    return child_get_for_user(
        StakeholderProfile,
        user=user,
        pk=pk,
        action=action or Action.VIEW,
        related=("organisation", "person"),
    )


def relationship_get_for_user(*, user, pk: int, action=None):
    from meshutaf.initiatives.permissions import Action, child_get_for_user, role_allows
    from meshutaf.stakeholder_map.models import Relationship

    # First as a reader: a hidden tie must answer 404 before any role check could answer 403
    # and so betray that it exists.
    relationship = child_get_for_user(
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
    if relationship.sensitive and not can_see_sensitive(relationship.initiative):
        raise Http404
    if action and not role_allows(relationship.initiative.viewer_role, action):
        raise PermissionDenied
    return relationship


def engagement_get_for_user(*, user, pk: int, action=None):
    from meshutaf.initiatives.permissions import Action, child_get_for_user
    from meshutaf.stakeholder_map.models import EngagementEntry

    return child_get_for_user(EngagementEntry, user=user, pk=pk, action=action or Action.CONTRIBUTE)
