"""API endpoints for initiatives, phases, groups, group members, memberships and invitations.

Every endpoint reaches its object through the gates in `permissions.py`, like the HTML views.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from meshutaf.core.access import Action, Granted
from meshutaf.core.schemas import ErrorOut, Id
from meshutaf.directory.permissions import organisations_visible_to, person_get_for_user

from . import selectors, services
from .models import Initiative
from .permissions import (
    group_get_for_user,
    group_member_get_for_user,
    initiative_get_for_user,
    membership_get_for_user,
    phase_get_for_user,
)

router = Router(tags=["initiatives"])


class InitiativeOut(Schema):
    id: int
    kind: str
    name: str
    short_description: str
    vision: str
    situation_description: str
    target_audience: str
    status: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    facilitating_organisation_id: Id | None
    leading_partner_ids: list[int]
    my_role: str | None = Field(None, alias="viewer_role")

    @staticmethod
    def resolve_leading_partner_ids(obj: Initiative) -> list[int]:
        return [organisation.pk for organisation in obj.leading_partners.all()]


class InitiativeIn(Schema):
    kind: str
    name: str
    short_description: str = ""
    vision: str = ""
    situation_description: str = ""
    target_audience: str = ""
    status: str = "planning"
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    facilitating_organisation_id: Id | None = None
    leading_partner_ids: list[Id] = []


class InitiativePatch(Schema):
    kind: str | None = None
    name: str | None = None
    short_description: str | None = None
    vision: str | None = None
    situation_description: str | None = None
    target_audience: str | None = None
    status: str | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    facilitating_organisation_id: Id | None = None
    leading_partner_ids: list[Id] | None = None


def _organisations(user, ids: list[int] | None, field: str):
    """Resolve organisation ids the caller may see; unknown ones are a field error."""
    if ids is None:
        return None
    found = list(organisations_visible_to(user=user).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({field: [_("Unknown organisation.")]})
    return found


def _initiative_data(user, payload: Schema) -> dict:
    data = payload.dict(exclude_unset=True)
    if "leading_partner_ids" in data:
        data["leading_partners"] = _organisations(
            user, data.pop("leading_partner_ids"), "leading_partner_ids"
        )
    if "facilitating_organisation_id" in data:
        organisation_id = data.pop("facilitating_organisation_id")
        data["facilitating_organisation"] = (
            _organisations(user, [organisation_id], "facilitating_organisation_id")[0]
            if organisation_id is not None
            else None
        )
    return data


def _initiative_out(granted: Granted[Initiative]) -> InitiativeOut:
    """One initiative with the caller's role, as its gate granted it (a list's rows carry
    theirs in the `viewer_role` annotation instead)."""
    out = InitiativeOut.model_validate(granted.obj)
    out.my_role = None if granted.role is None else granted.role.value
    return out


def _with_role(user, initiative: Initiative) -> InitiativeOut:
    return _initiative_out(
        initiative_get_for_user(
            user=user,
            pk=initiative.pk,
            queryset=Initiative.objects.prefetch_related("leading_partners"),
        )
    )


@router.get("/initiatives", response=list[InitiativeOut], summary="Initiatives I belong to")
@paginate
def initiative_list(request, kind: str = "", status: str = "", q: str = ""):
    return selectors.initiative_list(
        user=request.user, kind=kind, status=status, query=q
    ).prefetch_related("leading_partners")


@router.post("/initiatives", response={201: InitiativeOut}, summary="Create an initiative")
def initiative_create(request, payload: InitiativeIn):
    if not request.user.can_create_initiatives:
        raise PermissionDenied
    initiative = services.initiative_create(
        by=request.user, **_initiative_data(request.user, payload)
    )
    return Status(201, _with_role(request.user, initiative))


@router.get("/initiatives/{initiative_id}", response=InitiativeOut)
def initiative_get(request, initiative_id: Id):
    return _initiative_out(
        initiative_get_for_user(
            user=request.user,
            pk=initiative_id,
            queryset=Initiative.objects.prefetch_related("leading_partners"),
        )
    )


@router.patch("/initiatives/{initiative_id}", response=InitiativeOut)
def initiative_update(request, initiative_id: Id, payload: InitiativePatch):
    initiative = initiative_get_for_user(
        user=request.user, pk=initiative_id, action=Action.MANAGE
    ).obj
    services.initiative_update(
        initiative=initiative, by=request.user, data=_initiative_data(request.user, payload)
    )
    return _with_role(request.user, initiative)


class PhaseOut(Schema):
    id: int
    initiative_id: Id
    order: int
    name: str
    goals: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    outcome_summary: str


class PhaseIn(Schema):
    name: str
    order: int | None = None
    goals: str = ""
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    outcome_summary: str = ""


class PhasePatch(Schema):
    name: str | None = None
    order: int | None = None
    goals: str | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    outcome_summary: str | None = None


@router.get("/initiatives/{initiative_id}/phases", response=list[PhaseOut])
@paginate
def phase_list(request, initiative_id: Id):
    initiative = initiative_get_for_user(user=request.user, pk=initiative_id).obj
    return initiative.phases.all()


@router.post("/initiatives/{initiative_id}/phases", response={201: PhaseOut})
def phase_create(request, initiative_id: Id, payload: PhaseIn):
    initiative = initiative_get_for_user(
        user=request.user, pk=initiative_id, action=Action.MANAGE
    ).obj
    return Status(
        201, services.phase_create(initiative=initiative, by=request.user, **payload.dict())
    )


@router.get("/phases/{phase_id}", response=PhaseOut)
def phase_get(request, phase_id: Id):
    return phase_get_for_user(user=request.user, pk=phase_id).obj


@router.patch("/phases/{phase_id}", response=PhaseOut)
def phase_update(request, phase_id: Id, payload: PhasePatch):
    phase = phase_get_for_user(user=request.user, pk=phase_id, action=Action.MANAGE).obj
    return services.phase_update(
        phase=phase, by=request.user, data=payload.dict(exclude_unset=True)
    )


@router.delete("/phases/{phase_id}", response={204: None})
def phase_delete(request, phase_id: Id):
    phase = phase_get_for_user(user=request.user, pk=phase_id, action=Action.MANAGE).obj
    services.phase_delete(phase=phase, by=request.user)
    return Status(204, None)


class GroupOut(Schema):
    id: int
    initiative_id: Id
    kind: str
    name: str
    purpose: str


class GroupIn(Schema):
    kind: str
    name: str
    purpose: str = ""


class GroupPatch(Schema):
    kind: str | None = None
    name: str | None = None
    purpose: str | None = None


class GroupMemberOut(Schema):
    id: int
    group_id: Id
    person_id: Id
    person_name: str = Field(..., alias="person.full_name")
    role: str


class GroupMemberIn(Schema):
    person_id: Id
    role: str = "member"


@router.get("/initiatives/{initiative_id}/groups", response=list[GroupOut])
@paginate
def group_list(request, initiative_id: Id):
    initiative = initiative_get_for_user(user=request.user, pk=initiative_id).obj
    return initiative.groups.all()


@router.post("/initiatives/{initiative_id}/groups", response={201: GroupOut})
def group_create(request, initiative_id: Id, payload: GroupIn):
    initiative = initiative_get_for_user(
        user=request.user, pk=initiative_id, action=Action.MANAGE
    ).obj
    return Status(
        201, services.group_create(initiative=initiative, by=request.user, **payload.dict())
    )


@router.get("/groups/{group_id}", response=GroupOut)
def group_get(request, group_id: Id):
    return group_get_for_user(user=request.user, pk=group_id).obj


@router.patch("/groups/{group_id}", response=GroupOut)
def group_update(request, group_id: Id, payload: GroupPatch):
    group = group_get_for_user(user=request.user, pk=group_id, action=Action.MANAGE).obj
    return services.group_update(
        group=group, by=request.user, data=payload.dict(exclude_unset=True)
    )


@router.delete("/groups/{group_id}", response={204: None})
def group_delete(request, group_id: Id):
    group = group_get_for_user(user=request.user, pk=group_id, action=Action.MANAGE).obj
    services.group_delete(group=group, by=request.user)
    return Status(204, None)


@router.get("/groups/{group_id}/members", response=list[GroupMemberOut])
@paginate
def group_member_list(request, group_id: Id):
    group = group_get_for_user(user=request.user, pk=group_id).obj
    return group.memberships.select_related("person")


@router.post("/groups/{group_id}/members", response={201: GroupMemberOut})
def group_member_add(request, group_id: Id, payload: GroupMemberIn):
    group = group_get_for_user(user=request.user, pk=group_id, action=Action.MANAGE).obj
    person = person_get_for_user(user=request.user, pk=payload.person_id)
    return Status(
        201,
        services.group_member_add(group=group, person=person, role=payload.role, by=request.user),
    )


class GroupMemberPatch(Schema):
    role: str


@router.patch("/group-members/{member_id}", response=GroupMemberOut)
def group_member_update(request, member_id: Id, payload: GroupMemberPatch):
    member = group_member_get_for_user(user=request.user, pk=member_id, action=Action.MANAGE).obj
    return services.group_member_update(member=member, role=payload.role, by=request.user)


@router.delete("/group-members/{member_id}", response={204: None})
def group_member_remove(request, member_id: Id):
    member = group_member_get_for_user(user=request.user, pk=member_id, action=Action.MANAGE).obj
    services.group_member_remove(member=member, by=request.user)
    return Status(204, None)


class MembershipOut(Schema):
    id: int
    initiative_id: Id
    user_id: Id
    username: str = Field(..., alias="user.username")
    display_name: str = Field(..., alias="user.display_name")
    role: str


class MembershipIn(Schema):
    username: str
    role: str


class MembershipPatch(Schema):
    role: str


class InvitationIn(Schema):
    email: str
    role: str = "partner"
    message: str = ""


class InvitationOut(Schema):
    id: int
    initiative_id: Id
    email: str
    role: str
    expires_at: datetime.datetime
    url: str | None = None
    emailed: bool | None = None


@router.get("/initiatives/{initiative_id}/memberships", response=list[MembershipOut])
@paginate
def membership_list(request, initiative_id: Id):
    initiative = initiative_get_for_user(user=request.user, pk=initiative_id).obj
    return selectors.membership_list(initiative=initiative)


@router.post("/initiatives/{initiative_id}/memberships", response={201: MembershipOut})
def membership_add(request, initiative_id: Id, payload: MembershipIn):
    """Add an existing user by username. To bring in someone new, send an invitation."""
    initiative = initiative_get_for_user(
        user=request.user, pk=initiative_id, action=Action.MANAGE
    ).obj
    user = get_user_model().objects.filter(username=payload.username, is_active=True).first()
    if user is None:
        raise ValidationError({"username": [_("No active user has this username.")]})
    return Status(
        201,
        services.membership_add(
            initiative=initiative, user=user, role=payload.role, by=request.user
        ),
    )


@router.patch("/memberships/{membership_id}", response=MembershipOut)
def membership_update(request, membership_id: Id, payload: MembershipPatch):
    membership = membership_get_for_user(
        user=request.user, pk=membership_id, action=Action.MANAGE
    ).obj
    return services.membership_set_role(membership=membership, role=payload.role, by=request.user)


@router.delete("/memberships/{membership_id}", response={204: None})
def membership_remove(request, membership_id: Id):
    membership = membership_get_for_user(
        user=request.user, pk=membership_id, action=Action.MANAGE
    ).obj
    services.membership_remove(membership=membership, by=request.user)
    return Status(204, None)


@router.post("/initiatives/{initiative_id}/invitations", response={201: InvitationOut})
def invitation_create(request, initiative_id: Id, payload: InvitationIn):
    initiative = initiative_get_for_user(
        user=request.user, pk=initiative_id, action=Action.MANAGE
    ).obj
    base_url = request.build_absolute_uri("/")
    created = services.invitation_create(
        initiative=initiative, by=request.user, base_url=base_url, **payload.dict()
    )
    out = InvitationOut.model_validate(created.invitation)
    out.url = services.invitation_url(created.raw_token, base_url=base_url)
    out.emailed = created.emailed
    return Status(201, out)


@router.get(
    "/initiatives/{initiative_id}/invitations",
    response={200: list[InvitationOut], 403: ErrorOut},  # for facilitators
)
@paginate
def invitation_list(request, initiative_id: Id):
    initiative = initiative_get_for_user(
        user=request.user, pk=initiative_id, action=Action.MANAGE
    ).obj
    return selectors.invitation_pending_list(initiative=initiative)
