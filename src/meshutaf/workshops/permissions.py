"""The permission gates for workshops. Members reach sessions, groups, contributions, themes
and templates through the `*_get_for_user` functions (built on the initiative's roles:
facilitators manage, partners view the board and contribute, outsiders get 404). People
without an account reach one working group only, through its join token."""

from django.http import Http404

from meshutaf.core.access import Action, Granted, active_user
from meshutaf.initiatives.permissions import child_get_for_user

from .models import CanvasTemplate, Contribution, Theme, WorkingGroup, WorkshopSession

TOKEN_LENGTHS = range(8, 33)

# What a session's pages show of it, fetched along with it by every gate that reaches one.
_SESSION_RELATED = ("meeting", "template")
_IN_SESSION = tuple(f"session__{name}" for name in _SESSION_RELATED)


def workshop_session_get_for_user(
    *, user, pk: int, action: Action = Action.VIEW
) -> Granted[WorkshopSession]:
    return child_get_for_user(
        WorkshopSession, user=user, pk=pk, action=action, related=_SESSION_RELATED
    )


def working_group_get_for_user(
    *, user, pk: int, action: Action = Action.MANAGE
) -> Granted[WorkingGroup]:
    return child_get_for_user(
        WorkingGroup,
        user=user,
        pk=pk,
        action=action,
        initiative_path="session__initiative",
        related=_IN_SESSION,
    )


def contribution_get_for_user(
    *, user, pk: int, action: Action = Action.MANAGE
) -> Granted[Contribution]:
    return child_get_for_user(
        Contribution,
        user=user,
        pk=pk,
        action=action,
        initiative_path="session__initiative",
        related=("group", *_IN_SESSION),
    )


def theme_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Granted[Theme]:
    return child_get_for_user(
        Theme,
        user=user,
        pk=pk,
        action=action,
        initiative_path="session__initiative",
        related=_IN_SESSION,
    )


def canvas_template_get_for_user(
    *, user, pk: int, action: Action = Action.VIEW
) -> Granted[CanvasTemplate]:
    """A template of an initiative the user belongs to, or a built-in one. Built-in templates
    can be seen by every signed-in user (with no role: they belong to no initiative) and
    changed by no one (copy them instead)."""
    template = CanvasTemplate.objects.filter(pk=pk).first()
    if template is None or not active_user(user):
        raise Http404
    if template.is_builtin:
        if action > Action.VIEW:
            raise Http404
        return Granted(template, None)
    return child_get_for_user(CanvasTemplate, user=user, pk=pk, action=action)


def working_group_for_token(token: str) -> WorkingGroup:
    """The public gate: the group whose join link this is, with its session and initiative.
    Any other token (wrong, reset, malformed) is a 404 that reveals nothing."""
    if not isinstance(token, str) or len(token) not in TOKEN_LENGTHS:
        raise Http404
    group = (
        WorkingGroup.objects.select_related("session__initiative").filter(join_token=token).first()
    )
    if group is None:
        raise Http404
    return group
