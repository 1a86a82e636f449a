"""`{% cohort_role cohort as may %}`: what the viewer is in a cohort (staff, reviewer,
participant), so the cohort's navigation offers only the pages the viewer may open (each
page's gate still decides)."""

from django import template

from meshutaf.core.access import Action, Role, role_allows
from meshutaf.initiatives.permissions import initiative_role

from ..models import Participant, Reviewer

register = template.Library()


@register.simple_tag(takes_context=True)
def cohort_role(context, cohort) -> dict[str, bool]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"staff": False, "reviewer": False, "participant": False, "member": False}
    role = (
        Role.FACILITATOR
        if user.is_superuser
        else initiative_role(user=user, initiative_id=cohort.programme.initiative_id)
    )
    return {
        "staff": role_allows(role, Action.MANAGE),
        "member": role is not None,
        "reviewer": Reviewer.objects.filter(cohort=cohort, user=user).exists(),
        "participant": Participant.objects.filter(cohort=cohort, user=user).exists(),
    }
