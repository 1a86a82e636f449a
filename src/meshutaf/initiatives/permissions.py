"""The permission gate for initiatives and everything inside them.

Every view, API endpoint, export and search result reaches an initiative, phase, group,
membership or invitation through one of the `*_get_for_user` functions here, and every other
app's gates go through `child_get_for_user`. Each answers with a `Granted` (the object and the
viewer's role); outsiders get 404 (the object's existence is not revealed); members without
the needed role get 403.
"""

from typing import TypeVar

from django.db.models import Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from meshutaf.core.access import Action, Granted, Role, active_user, grant

from .models import (
    Group,
    GroupMember,
    Initiative,
    Invitation,
    Membership,
    Phase,
    ReadinessItem,
)

M = TypeVar("M", bound=Model)

# The annotation that carries the viewer's role out of the gate's one query; taken off the
# object again at once, so the role travels only in the `Granted`.
_GATE_ROLE = "gate_viewer_role"


def initiatives_visible_to(*, user) -> QuerySet[Initiative]:
    """Initiatives the user may see, each annotated with `viewer_role` for list pages (one
    object's role comes from its gate, in the `Granted`)."""
    if not active_user(user):
        return Initiative.objects.none()
    role = Membership.objects.filter(initiative=OuterRef("pk"), user=user).values("role")[:1]
    if user.is_superuser:
        # Superusers act as facilitators everywhere, as initiative_get_for_user says too.
        return Initiative.objects.annotate(
            viewer_role=Coalesce(Subquery(role), Value(Role.FACILITATOR.value))
        )
    return Initiative.objects.annotate(viewer_role=Subquery(role)).filter(memberships__user=user)


def initiative_role(*, user, initiative_id: int) -> str | None:
    if not active_user(user):
        return None
    return (
        Membership.objects.filter(initiative_id=initiative_id, user=user)
        .values_list("role", flat=True)
        .first()
    )


# The roles the gates found during this request, kept on the request's user object, so a page's
# navigation need not ask again. Only for display: decisions always ask the database.
_ROLES_SEEN = "_initiative_roles_seen"


def _role_seen_remember(user, obj, initiative_ref: str, role: str | None) -> None:
    if initiative_ref == "pk":
        initiative_id = obj.pk
    else:
        *path, last = initiative_ref.split("__")
        holder = obj
        for part in path:  # fetched with the object (select_related): no query
            holder = getattr(holder, part, None)
        initiative_id = getattr(holder, f"{last}_id", None)
    if initiative_id is not None:
        vars(user).setdefault(_ROLES_SEEN, {})[initiative_id] = role


def initiative_role_for_display(*, user, initiative_id: int) -> str | None:
    """The user's role as this request's gate found it (no query), else `initiative_role`.
    For what a page shows around its content (the navigation bar), never for a decision."""
    seen = vars(user).get(_ROLES_SEEN, {}) if user is not None else {}
    if initiative_id in seen:
        return seen[initiative_id]
    return initiative_role(user=user, initiative_id=initiative_id)


def _first_with_role(queryset: QuerySet[M], *, user, pk: int, initiative_ref: str) -> Granted[M]:
    """One query: the object `pk` and the role `user` holds in the initiative that
    `initiative_ref` (a field path from the object) names; None for a non-member."""
    if not active_user(user):
        raise Http404
    role = Membership.objects.filter(initiative=OuterRef(initiative_ref), user=user).values("role")
    obj = queryset.annotate(**{_GATE_ROLE: Subquery(role[:1])}).filter(pk=pk).first()
    if obj is None:
        raise Http404
    role_held = vars(obj).pop(_GATE_ROLE)
    _role_seen_remember(user, obj, initiative_ref, role_held)
    return Granted(obj, Role(role_held) if role_held is not None else None)


def initiative_get_for_user(
    *, user, pk: int, action: Action = Action.VIEW, queryset: QuerySet | None = None
) -> Granted[Initiative]:
    queryset = queryset if queryset is not None else Initiative.objects.all()
    initiative, role = _first_with_role(queryset, user=user, pk=pk, initiative_ref="pk")
    return grant(initiative, user=user, role=role, action=action)


def child_get_for_user(
    model: type[M],
    *,
    user,
    pk: int,
    action: Action,
    initiative_path: str = "initiative",
    related: tuple[str, ...] = (),
) -> Granted[M]:
    """The gate for anything inside one initiative, used by every app: the object and the
    user's role in its initiative, reached from the object through `initiative_path` (a
    GroupMember's is "group__initiative"). The path is fetched along, as are `related`.
    An object whose initiative is unset is for superusers only."""
    queryset = model._default_manager.select_related(initiative_path, *related)
    obj, role = _first_with_role(queryset, user=user, pk=pk, initiative_ref=initiative_path)
    return grant(obj, user=user, role=role, action=action)


def phase_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[Phase]:
    return child_get_for_user(Phase, user=user, pk=pk, action=action)


def group_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[Group]:
    return child_get_for_user(Group, user=user, pk=pk, action=action)


def membership_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[Membership]:
    return child_get_for_user(Membership, user=user, pk=pk, action=action, related=("user",))


def invitation_get_for_user(
    *, user, pk: int, action: Action = Action.MANAGE
) -> Granted[Invitation]:
    return child_get_for_user(Invitation, user=user, pk=pk, action=action)


def group_member_get_for_user(
    *, user, pk: int, action: Action = Action.VIEW
) -> Granted[GroupMember]:
    return child_get_for_user(
        GroupMember,
        user=user,
        pk=pk,
        action=action,
        initiative_path="group__initiative",
        related=("person",),
    )


def readiness_item_get_for_user(
    *, user, pk: int, action: Action = Action.MANAGE
) -> Granted[ReadinessItem]:
    return child_get_for_user(ReadinessItem, user=user, pk=pk, action=action)
