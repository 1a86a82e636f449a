"""The permission gate for initiatives and everything inside them.

Every view, API endpoint, export and search result reaches an initiative, phase, group,
membership or invitation through one of the `*_get_for_user` functions here. Outsiders get
404 (the object's existence is not revealed); members without the needed role get 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from meshutaf.core.access import ROLE_ALLOWS, Action, Role, role_allows  # noqa: F401  (re-exported while callers move to core.access)

from .models import (
    Group,
    GroupMember,
    Initiative,
    Invitation,
    Membership,
    Phase,
    ReadinessItem,
)


def _is_active_user(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def initiatives_visible_to(*, user) -> QuerySet[Initiative]:
    """Initiatives the user may see, each annotated with `viewer_role`."""
    if not _is_active_user(user):
        return Initiative.objects.none()
    role = Membership.objects.filter(initiative=OuterRef("pk"), user=user).values("role")[:1]
    if user.is_superuser:
        # Superusers act as facilitators everywhere, as initiative_get_for_user says too.
        return Initiative.objects.annotate(
            viewer_role=Coalesce(Subquery(role), Value(Role.FACILITATOR.value))
        )
    return Initiative.objects.annotate(viewer_role=Subquery(role)).filter(memberships__user=user)


def _check(*, user, initiative: Initiative, role: str | None, action: Action) -> Initiative:
    if user.is_superuser:
        # Superusers act as facilitators everywhere, whatever their membership says.
        initiative.viewer_role = Role.FACILITATOR
        return initiative
    if role is None:
        raise Http404
    if not role_allows(role, action):
        raise PermissionDenied
    initiative.viewer_role = role
    return initiative


def initiative_role(*, user, initiative_id: int) -> str | None:
    if not _is_active_user(user):
        return None
    return (
        Membership.objects.filter(initiative_id=initiative_id, user=user)
        .values_list("role", flat=True)
        .first()
    )


def initiative_get_for_user(
    *, user, pk: int, action: Action = Action.VIEW, queryset: QuerySet | None = None
) -> Initiative:
    if not _is_active_user(user):
        raise Http404
    queryset = queryset if queryset is not None else Initiative.objects.all()
    role = Membership.objects.filter(initiative=OuterRef("pk"), user=user).values("role")[:1]
    initiative = queryset.annotate(viewer_role=Subquery(role)).filter(pk=pk).first()
    if initiative is None:
        raise Http404
    return _check(user=user, initiative=initiative, role=initiative.viewer_role, action=action)


def child_get_for_user(model, *, user, pk: int, action: Action, related: tuple[str, ...] = ()):
    """The gate for anything that belongs to one initiative (has an `initiative` field): the
    object, after checking the user's role in its initiative. Used by other apps too."""
    if not _is_active_user(user):
        raise Http404
    obj = model.objects.select_related("initiative", *related).filter(pk=pk).first()
    if obj is None:
        raise Http404
    role = initiative_role(user=user, initiative_id=obj.initiative_id)
    _check(user=user, initiative=obj.initiative, role=role, action=action)
    return obj


def phase_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Phase:
    return child_get_for_user(Phase, user=user, pk=pk, action=action)


def group_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Group:
    return child_get_for_user(Group, user=user, pk=pk, action=action)


def membership_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Membership:
    return child_get_for_user(Membership, user=user, pk=pk, action=action, related=("user",))


def invitation_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Invitation:
    return child_get_for_user(Invitation, user=user, pk=pk, action=action)


def group_member_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> GroupMember:
    if not _is_active_user(user):
        raise Http404
    obj = GroupMember.objects.select_related("group__initiative", "person").filter(pk=pk).first()
    if obj is None:
        raise Http404
    role = initiative_role(user=user, initiative_id=obj.group.initiative_id)
    _check(user=user, initiative=obj.group.initiative, role=role, action=action)
    return obj


def readiness_item_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> ReadinessItem:
    return child_get_for_user(ReadinessItem, user=user, pk=pk, action=action)
