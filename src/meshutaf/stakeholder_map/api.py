"""API of an initiative's stakeholder map: profiles, relationships, engagements, network.

The same gates and the same privacy rules as the pages: sensitive notes appear only in a
facilitator's responses, and sensitive relationships do not exist for anyone else."""

import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from meshutaf.core.access import Action, Role
from meshutaf.core.schemas import ErrorOut, Id
from meshutaf.directory.permissions import organisations_visible_to, people_visible_to
from meshutaf.initiatives.permissions import initiative_get_for_user
from meshutaf.stakeholder_map.permissions import (
    can_see_sensitive,
    engagement_get_for_user,
    profile_get_for_user,
    relationship_get_for_user,
)

from . import selectors, services

router = Router(tags=["stakeholder map"])


class ProfileOut(Schema):
    id: Id
    kind: str
    name: str
    organisation_id: Id | None
    person_id: Id | None
    sector: str | None = None
    power: int
    interest: int
    quadrant: str
    has_power: bool
    has_legitimacy: bool
    has_urgency: bool
    salience: str
    engagement_current: str
    engagement_desired: str
    engagement_gap: int
    iap2_level: str
    consent: str
    influence_bases: list[str]
    notes: str
    sensitive_notes: str | None = None

    @staticmethod
    def resolve_sensitive_notes(obj) -> str | None:
        # Set only by the facilitator's code path below; absent otherwise.
        return getattr(obj, "sensitive_notes_for_facilitator", None)


class ProfileIn(Schema):
    organisation_id: Id | None = None
    person_id: Id | None = None
    power: int = 3
    interest: int = 3
    has_power: bool = False
    has_legitimacy: bool = False
    has_urgency: bool = False
    engagement_current: str = "unaware"
    engagement_desired: str = "supportive"
    iap2_level: str = "inform"
    consent: str = "none"
    influence_bases: list[str] = []
    notes: str = ""
    sensitive_notes: str | None = None


class ProfilePatch(Schema):
    power: int | None = None
    interest: int | None = None
    has_power: bool | None = None
    has_legitimacy: bool | None = None
    has_urgency: bool | None = None
    engagement_current: str | None = None
    engagement_desired: str | None = None
    iap2_level: str | None = None
    consent: str | None = None
    influence_bases: list[str] | None = None
    notes: str | None = None
    sensitive_notes: str | None = None


def _with_sensitive(profile, role: Role | None):
    if can_see_sensitive(role):
        note = getattr(profile, "sensitive_note", None)
        profile.sensitive_notes_for_facilitator = note.text if note else ""
    return profile


@router.get("/initiatives/{initiative_id}/stakeholders", response=list[ProfileOut])
@paginate
def profile_list(
    request,
    initiative_id: Id,
    sector: str = "",
    quadrant: str = "",
    consent: str = "",
    gap: bool = False,
    q: str = "",
    sort: str = "name",
):
    initiative, role = initiative_get_for_user(user=request.user, pk=initiative_id)
    include_sensitive = can_see_sensitive(role)
    profiles = selectors.profile_list(
        initiative=initiative,
        include_sensitive=include_sensitive,
        sector=sector,
        quadrant=quadrant,
        consent=consent,
        gap_only=gap,
        query=q,
        sort=sort,
    )
    return _Annotated(profiles, lambda profile: _with_sensitive(profile, role))


class _Annotated:
    """A queryset for pagination that prepares each object of the requested page only."""

    def __init__(self, queryset, prepare):
        self.queryset, self.prepare = queryset, prepare

    def __getitem__(self, item):
        return [self.prepare(obj) for obj in self.queryset[item]]

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()


@router.post("/initiatives/{initiative_id}/stakeholders", response={201: ProfileOut})
def profile_create(request, initiative_id: Id, payload: ProfileIn):
    initiative = initiative_get_for_user(
        user=request.user, pk=initiative_id, action=Action.MANAGE
    ).obj
    data = payload.dict()
    organisation_id, person_id = data.pop("organisation_id"), data.pop("person_id")
    organisation = person = None
    if organisation_id is not None:
        organisation = (
            organisations_visible_to(user=request.user).filter(pk=organisation_id).first()
        )
        if organisation is None:
            raise ValidationError({"organisation_id": [_("Unknown organisation.")]})
    if person_id is not None:
        person = people_visible_to(user=request.user).filter(pk=person_id).first()
        if person is None:
            raise ValidationError({"person_id": [_("Unknown person.")]})
    profile = services.profile_create(
        initiative=initiative, by=request.user, organisation=organisation, person=person, **data
    )
    return Status(201, _profile_out(request, profile.pk))


def _profile_out(request, pk):
    profile, role = profile_get_for_user(user=request.user, pk=pk)
    initiative = profile.initiative
    include_sensitive = can_see_sensitive(role)
    profile = selectors.profile_list(
        initiative=initiative, include_sensitive=include_sensitive
    ).get(pk=pk)
    return _with_sensitive(profile, role)


@router.get("/stakeholders/{profile_id}", response=ProfileOut)
def profile_get(request, profile_id: Id):
    return _profile_out(request, profile_id)


@router.patch("/stakeholders/{profile_id}", response=ProfileOut)
def profile_update(request, profile_id: Id, payload: ProfilePatch):
    profile = profile_get_for_user(user=request.user, pk=profile_id, action=Action.MANAGE).obj
    services.profile_update(profile=profile, by=request.user, data=payload.dict(exclude_unset=True))
    return _profile_out(request, profile_id)


@router.delete("/stakeholders/{profile_id}", response={204: None})
def profile_delete(request, profile_id: Id):
    profile = profile_get_for_user(user=request.user, pk=profile_id, action=Action.MANAGE).obj
    services.profile_delete(profile=profile, by=request.user)
    return Status(204, None)


class RelationshipOut(Schema):
    id: Id
    source_id: Id
    target_id: Id
    kind: str
    directed: bool
    strength: int
    since: datetime.date | None
    notes: str
    sensitive: bool | None = None

    @staticmethod
    def resolve_sensitive(obj) -> bool | None:
        return obj.sensitive if getattr(obj, "show_sensitive_flag", False) else None


class RelationshipIn(Schema):
    source_id: Id
    target_id: Id
    kind: str
    directed: bool = False
    strength: int = 2
    since: datetime.date | None = None
    notes: str = ""
    sensitive: bool = False


class RelationshipPatch(Schema):
    kind: str | None = None
    directed: bool | None = None
    strength: int | None = None
    since: datetime.date | None = None
    notes: str | None = None
    sensitive: bool | None = None


def _relationship_out(relationship, role: Role | None):
    relationship.show_sensitive_flag = can_see_sensitive(role)
    return relationship


@router.get("/initiatives/{initiative_id}/relationships", response=list[RelationshipOut])
@paginate
def relationship_list(request, initiative_id: Id):
    initiative, role = initiative_get_for_user(user=request.user, pk=initiative_id)
    include_sensitive = can_see_sensitive(role)
    relationships = selectors.relationship_list(
        initiative=initiative, include_sensitive=include_sensitive
    )
    return _Annotated(relationships, lambda relationship: _relationship_out(relationship, role))


@router.post("/initiatives/{initiative_id}/relationships", response={201: RelationshipOut})
def relationship_create(request, initiative_id: Id, payload: RelationshipIn):
    initiative, role = initiative_get_for_user(
        user=request.user, pk=initiative_id, action=Action.MANAGE
    )
    data = payload.dict()
    profiles = initiative.stakeholder_profiles
    source = get_object_or_404(profiles, pk=data.pop("source_id"))
    target = get_object_or_404(profiles, pk=data.pop("target_id"))
    relationship = services.relationship_create(
        initiative=initiative, by=request.user, source=source, target=target, **data
    )
    return Status(201, _relationship_out(relationship, role))


@router.patch("/relationships/{relationship_id}", response=RelationshipOut)
def relationship_update(request, relationship_id: Id, payload: RelationshipPatch):
    relationship, role = relationship_get_for_user(
        user=request.user, pk=relationship_id, action=Action.MANAGE
    )
    services.relationship_update(
        relationship=relationship, by=request.user, data=payload.dict(exclude_unset=True)
    )
    return _relationship_out(relationship, role)


@router.delete("/relationships/{relationship_id}", response={204: None})
def relationship_delete(request, relationship_id: Id):
    relationship = relationship_get_for_user(
        user=request.user, pk=relationship_id, action=Action.MANAGE
    ).obj
    services.relationship_delete(relationship=relationship, by=request.user)
    return Status(204, None)


class EngagementOut(Schema):
    id: Id
    kind: str
    date: datetime.date
    summary: str
    stakeholder_ids: list[int]
    our_side_ids: list[int]
    follow_up_date: datetime.date | None
    follow_up_done: bool

    @staticmethod
    def resolve_stakeholder_ids(obj) -> list[int]:
        return [profile.pk for profile in obj.stakeholders.all()]

    @staticmethod
    def resolve_our_side_ids(obj) -> list[int]:
        return [user.pk for user in obj.our_side.all()]


class EngagementIn(Schema):
    kind: str
    date: datetime.date
    summary: str
    stakeholder_ids: list[Id]
    follow_up_date: datetime.date | None = None


class EngagementPatch(Schema):
    kind: str | None = None
    date: datetime.date | None = None
    summary: str | None = None
    follow_up_date: datetime.date | None = None
    follow_up_done: bool | None = None


@router.get(
    "/initiatives/{initiative_id}/engagements",
    response={200: list[EngagementOut], 403: ErrorOut},  # partners and facilitators
)
@paginate
def engagement_list(request, initiative_id: Id):
    initiative = initiative_get_for_user(
        user=request.user, pk=initiative_id, action=Action.CONTRIBUTE
    ).obj
    return selectors.engagement_list(initiative=initiative)


@router.post("/initiatives/{initiative_id}/engagements", response={201: EngagementOut})
def engagement_create(request, initiative_id: Id, payload: EngagementIn):
    initiative = initiative_get_for_user(
        user=request.user, pk=initiative_id, action=Action.MANAGE
    ).obj
    data = payload.dict()
    ids = set(data.pop("stakeholder_ids"))
    stakeholders = list(initiative.stakeholder_profiles.filter(pk__in=ids))
    if len(stakeholders) != len(ids):
        raise ValidationError({"stakeholder_ids": [_("Choose stakeholders of this initiative.")]})
    entry = services.engagement_create(
        initiative=initiative, by=request.user, stakeholders=stakeholders, **data
    )
    return Status(201, entry)


@router.patch("/engagements/{engagement_id}", response=EngagementOut)
def engagement_update(request, engagement_id: Id, payload: EngagementPatch):
    entry = engagement_get_for_user(user=request.user, pk=engagement_id, action=Action.MANAGE).obj
    return services.engagement_update(
        entry=entry, by=request.user, data=payload.dict(exclude_unset=True)
    )


class NetworkNode(Schema):
    id: int
    kind: str
    name: str
    sector: str | None
    degree: float | None
    betweenness: float | None
    closeness: float | None
    eigenvector: float | None
    community: int | None


class NetworkEdge(Schema):
    id: int
    source: int
    target: int
    kind: str
    directed: bool
    strength: int
    sensitive: bool | None = None


class NetworkOut(Schema):
    computed_at: str | None
    approximate: bool
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    brokers: list[dict]
    sector_coverage: dict


@router.get("/initiatives/{initiative_id}/network", response=NetworkOut)
def network(request, initiative_id: Id):
    initiative, role = initiative_get_for_user(user=request.user, pk=initiative_id)
    return selectors.network_data(initiative=initiative, include_sensitive=can_see_sensitive(role))


@router.post("/initiatives/{initiative_id}/network", response=NetworkOut)
def network_compute(request, initiative_id: Id):
    """Compute the metrics again (facilitators). Earlier results are kept."""
    initiative = initiative_get_for_user(
        user=request.user, pk=initiative_id, action=Action.MANAGE
    ).obj
    services.network_analyse(initiative=initiative, by=request.user)
    return selectors.network_data(initiative=initiative, include_sensitive=True)
