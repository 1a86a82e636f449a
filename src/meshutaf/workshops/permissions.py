"""The permission gates for workshops. Members reach sessions, groups, contributions, themes
and templates through the `*_get_for_user` functions (built on the initiative's roles:
facilitators manage, partners view the board and contribute, outsiders get 404). People
without an account reach one working group only, through its join token."""

from django.http import Http404

from meshutaf.initiatives.permissions import Action, child_get_for_user, role_allows

from .models import CanvasTemplate, Contribution, Theme, WorkingGroup, WorkshopSession

TOKEN_LENGTHS = range(8, 33)


def can_manage(session_or_initiative) -> bool:
    initiative = getattr(session_or_initiative, "initiative", session_or_initiative)
    return role_allows(getattr(initiative, "viewer_role", None), Action.MANAGE)


def can_contribute(session_or_initiative) -> bool:
    initiative = getattr(session_or_initiative, "initiative", session_or_initiative)
    return role_allows(getattr(initiative, "viewer_role", None), Action.CONTRIBUTE)


def workshop_session_get_for_user(
    *, user, pk: int, action: Action = Action.VIEW
) -> WorkshopSession:
    return child_get_for_user(
        WorkshopSession, user=user, pk=pk, action=action, related=("meeting", "template")
    )


def _in_session(obj, *, user, action: Action):
    obj.session = workshop_session_get_for_user(user=user, pk=obj.session_id, action=action)
    return obj


def working_group_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> WorkingGroup:
    group = WorkingGroup.objects.filter(pk=pk).first()
    if group is None:
        raise Http404
    return _in_session(group, user=user, action=action)


def contribution_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Contribution:
    contribution = Contribution.objects.select_related("group").filter(pk=pk).first()
    if contribution is None:
        raise Http404
    return _in_session(contribution, user=user, action=action)


def theme_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Theme:
    theme = Theme.objects.filter(pk=pk).first()
    if theme is None:
        raise Http404
    return _in_session(theme, user=user, action=action)


def canvas_template_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> CanvasTemplate:
    """A template of an initiative the user belongs to, or a built-in one. Built-in templates
    can be seen by every signed-in user and changed by no one (copy them instead)."""
    template = CanvasTemplate.objects.filter(pk=pk).first()
    if template is None or not (user.is_authenticated and user.is_active):
        raise Http404
    if template.is_builtin:
        if action > Action.VIEW:
            raise Http404
        return template
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
