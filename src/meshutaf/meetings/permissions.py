"""The permission gate for meetings and what hangs off them (agenda items, outcomes,
invitees). Drafts are the facilitators' working copies: other members do not see them."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from meshutaf.core.access import Role
from meshutaf.initiatives.permissions import (
    Action,
    child_get_for_user,
    initiative_role,
    initiatives_visible_to,
    role_allows,
)

from .models import AgendaItem, Meeting, MeetingSeries, MeetingStatus, Outcome, OutcomeKind


def can_manage(meeting_or_initiative) -> bool:
    initiative = getattr(meeting_or_initiative, "initiative", meeting_or_initiative)
    return role_allows(getattr(initiative, "viewer_role", None), Action.MANAGE)


def _hide_draft(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.DRAFT and not can_manage(meeting):
        raise Http404


def meeting_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Meeting:
    meeting = child_get_for_user(
        Meeting, user=user, pk=pk, action=action, related=("series", "phase", "group")
    )
    _hide_draft(meeting)
    return meeting


def series_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> MeetingSeries:
    return child_get_for_user(MeetingSeries, user=user, pk=pk, action=action, related=("group",))


def agenda_item_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting").filter(pk=pk).first()
    if item is None:
        raise Http404
    item.meeting = meeting_get_for_user(user=user, pk=item.meeting_id, action=action)
    return item


def outcome_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Outcome:
    """An outcome of a meeting the user may see. The owner of an action item may update it
    (its status) even when their role only lets them read the meeting."""
    outcome = Outcome.objects.select_related("meeting", "owner").filter(pk=pk).first()
    if outcome is None:
        raise Http404
    is_owner = (
        outcome.kind == OutcomeKind.ACTION
        and outcome.owner is not None
        and user.is_authenticated
        and outcome.owner.user_id == user.pk
    )
    wanted = Action.VIEW if is_owner and action == Action.CONTRIBUTE else action
    outcome.meeting = meeting_get_for_user(user=user, pk=outcome.meeting_id, action=wanted)
    outcome.viewer_is_owner = is_owner
    return outcome


def meetings_visible_to(*, user) -> QuerySet[Meeting]:
    """Meetings of the initiatives the user belongs to; drafts only where they facilitate."""
    visible = initiatives_visible_to(user=user)
    if user.is_authenticated and user.is_superuser:
        return Meeting.objects.all()
    facilitated = visible.filter(memberships__user=user, memberships__role=Role.FACILITATOR)
    return Meeting.objects.filter(initiative__in=visible.values("pk")).filter(
        ~Q(status=MeetingStatus.DRAFT) | Q(initiative__in=facilitated.values("pk"))
    )


def require_manage(*, user, initiative_id: int) -> None:
    """For the rare write that starts from an id rather than an object."""
    if user.is_superuser:
        return
    role = initiative_role(user=user, initiative_id=initiative_id)
    if role is None:
        raise Http404
    if not role_allows(role, Action.MANAGE):
        raise PermissionDenied
