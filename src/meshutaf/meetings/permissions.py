"""The permission gate for meetings and what hangs off them (agenda items, outcomes,
invitees). Drafts are the facilitators' working copies: other members do not see them."""

from django.db.models import Q, QuerySet
from django.http import Http404

from meshutaf.core.access import Action, Granted, Role, role_allows, role_check
from meshutaf.initiatives.permissions import (
    child_get_for_user,
    initiatives_visible_to,
)

from .models import AgendaItem, Meeting, MeetingSeries, MeetingStatus, Outcome, OutcomeKind

# What a meeting's pages show of it, fetched along with it by every gate that reaches one.
_MEETING_RELATED = ("series", "phase", "group")


def _hide_draft(meeting: Meeting, role: Role | None) -> None:
    if meeting.status == MeetingStatus.DRAFT and not role_allows(role, Action.MANAGE):
        raise Http404


def meeting_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[Meeting]:
    meeting, role = child_get_for_user(
        Meeting, user=user, pk=pk, action=action, related=_MEETING_RELATED
    )
    _hide_draft(meeting, role)
    return Granted(meeting, role)


def series_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[MeetingSeries]:
    return child_get_for_user(MeetingSeries, user=user, pk=pk, action=action, related=("group",))


def agenda_item_get_for_user(
    *, user, pk: int, action: Action = Action.MANAGE
) -> Granted[AgendaItem]:
    item, role = child_get_for_user(
        AgendaItem,
        user=user,
        pk=pk,
        action=action,
        initiative_path="meeting__initiative",
        related=tuple(f"meeting__{name}" for name in _MEETING_RELATED),
    )
    _hide_draft(item.meeting, role)
    return Granted(item, role)


def outcome_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[Outcome]:
    """An outcome of a meeting the user may see. The owner of an action item may update it
    (its status) even when their role only lets them read the meeting."""
    outcome, role = child_get_for_user(
        Outcome,
        user=user,
        pk=pk,
        action=Action.VIEW,
        initiative_path="meeting__initiative",
        related=("owner", *(f"meeting__{name}" for name in _MEETING_RELATED)),
    )
    is_owner = (
        outcome.kind == OutcomeKind.ACTION
        and outcome.owner is not None
        and outcome.owner.user_id == user.pk
    )
    wanted = Action.VIEW if is_owner and action == Action.CONTRIBUTE else action
    role = role_check(user=user, role=role, action=wanted)
    _hide_draft(outcome.meeting, role)
    return Granted(outcome, role)


def meetings_visible_to(*, user) -> QuerySet[Meeting]:
    """Meetings of the initiatives the user belongs to; drafts only where they facilitate."""
    visible = initiatives_visible_to(user=user)
    if user.is_authenticated and user.is_superuser:
        return Meeting.objects.all()
    facilitated = visible.filter(memberships__user=user, memberships__role=Role.FACILITATOR)
    return Meeting.objects.filter(initiative__in=visible.values("pk")).filter(
        ~Q(status=MeetingStatus.DRAFT) | Q(initiative__in=facilitated.values("pk"))
    )
