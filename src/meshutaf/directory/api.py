"""API endpoints for the organisation and people directory."""

import datetime

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from meshutaf.core.schemas import Id

from . import selectors, services
from .models import Person
from .permissions import directory_contributor, organisation_get_for_user, person_get_for_user

router = Router(tags=["directory"])


class OrganisationOut(Schema):
    id: int
    name: str
    name_he: str
    name_ar: str
    name_en: str
    sector: str
    website: str
    description: str


class OrganisationIn(Schema):
    name_he: str = ""
    name_ar: str = ""
    name_en: str = ""
    sector: str
    website: str = ""
    description: str = ""


class OrganisationPatch(Schema):
    name_he: str | None = None
    name_ar: str | None = None
    name_en: str | None = None
    sector: str | None = None
    website: str | None = None
    description: str | None = None


class AffiliationOut(Schema):
    id: int
    organisation_id: Id
    role_title: str
    start_date: datetime.date | None
    end_date: datetime.date | None


class PersonOut(Schema):
    """Email and phone are empty unless the caller may see them (see permissions.py)."""

    id: int
    full_name: str
    email: str
    phone: str
    bio: str
    affiliations: list[AffiliationOut]

    @staticmethod
    def resolve_email(obj: Person) -> str:
        return obj.email if getattr(obj, "contact_visible", False) else ""

    @staticmethod
    def resolve_phone(obj: Person) -> str:
        return obj.phone if getattr(obj, "contact_visible", False) else ""


class PersonIn(Schema):
    full_name: str
    email: str = ""
    phone: str = ""
    bio: str = ""


class PersonPatch(Schema):
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    bio: str | None = None


@router.get("/organisations", response=list[OrganisationOut])
@paginate
def organisation_list(request, sector: str = "", q: str = ""):
    return selectors.organisation_list(user=request.user, sector=sector, query=q)


@router.post("/organisations", response={201: OrganisationOut})
def organisation_create(request, payload: OrganisationIn):
    if not directory_contributor(request.user):
        raise PermissionDenied
    return Status(201, services.organisation_create(by=request.user, **payload.dict()))


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def organisation_get(request, organisation_id: Id):
    return organisation_get_for_user(user=request.user, pk=organisation_id)


@router.patch("/organisations/{organisation_id}", response=OrganisationOut)
def organisation_update(request, organisation_id: Id, payload: OrganisationPatch):
    organisation = organisation_get_for_user(user=request.user, pk=organisation_id, manage=True)
    return services.organisation_update(
        organisation=organisation, by=request.user, data=payload.dict(exclude_unset=True)
    )


@router.get("/people", response=list[PersonOut])
@paginate
def person_list(request, q: str = "", organisation: Id | None = None):
    return selectors.person_list(user=request.user, query=q, organisation=organisation)


@router.post("/people", response={201: PersonOut})
def person_create(request, payload: PersonIn):
    if not directory_contributor(request.user):
        raise PermissionDenied
    person = services.person_create(by=request.user, **payload.dict())
    return Status(201, person_get_for_user(user=request.user, pk=person.pk))


@router.get("/people/{person_id}", response=PersonOut)
def person_get(request, person_id: Id):
    return person_get_for_user(user=request.user, pk=person_id)


@router.patch("/people/{person_id}", response=PersonOut)
def person_update(request, person_id: Id, payload: PersonPatch):
    person = person_get_for_user(user=request.user, pk=person_id, manage=True)
    services.person_update(person=person, by=request.user, data=payload.dict(exclude_unset=True))
    return person_get_for_user(user=request.user, pk=person.pk)
