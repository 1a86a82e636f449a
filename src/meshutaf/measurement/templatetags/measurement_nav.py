"""`{% measurement_role framework as role %}`: the viewer's role in the framework's initiative,
so the shared navigation offers only the pages the viewer may open (the pages' gates still
decide)."""

from django import template

from meshutaf.core.access import Action, Role, role_allows
from meshutaf.initiatives.permissions import initiative_role

register = template.Library()


@register.simple_tag(takes_context=True)
def measurement_role(context, framework) -> dict[str, bool]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"reports": False, "reviews": False}
    role = (
        Role.FACILITATOR
        if user.is_superuser
        else initiative_role(user=user, initiative_id=framework.initiative_id)
    )
    return {
        "reports": role_allows(role, Action.CONTRIBUTE),
        "reviews": role_allows(role, Action.MANAGE),
    }
