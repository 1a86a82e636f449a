"""Writes for the directory: organisations, people and affiliations."""

from django.db import transaction

from meshutaf.accounts.models import User
from meshutaf.core.services import model_delete, model_save, model_update

from .models import (
    Affiliation,
    Organisation,
    Person,
)

ORGANISATION_FIELDS = ("name_he", "name_ar", "name_en", "sector", "website", "description")
PERSON_FIELDS = ("full_name", "email", "phone", "bio")
AFFILIATION_FIELDS = ("organisation", "role_title", "start_date", "end_date")


def _strip(fields: dict) -> dict:
    return {
        key: value.strip() if isinstance(value, str) else value for key, value in fields.items()
    }


@transaction.atomic
def organisation_create(*, by: User | None, **fields) -> Organisation:
    return model_save(Organisation(created_by=by, **_strip(fields)), by=by)


@transaction.atomic
def organisation_update(*, organisation: Organisation, by: User, data: dict) -> Organisation:
    organisation, _changed = model_update(
        instance=organisation, fields=ORGANISATION_FIELDS, data=_strip(data), by=by
    )
    return organisation


@transaction.atomic
def person_create(*, by: User | None, user: User | None = None, **fields) -> Person:
    return model_save(Person(user=user, created_by=by, **_strip(fields)), by=by)


@transaction.atomic
def person_update(*, person: Person, by: User, data: dict) -> Person:
    person, _changed = model_update(instance=person, fields=PERSON_FIELDS, data=_strip(data), by=by)
    return person


@transaction.atomic
def affiliation_add(*, person: Person, by: User | None, **fields) -> Affiliation:
    return model_save(Affiliation(person=person, **_strip(fields)), by=by)


@transaction.atomic
def affiliation_remove(*, affiliation: Affiliation, by: User) -> None:
    model_delete(affiliation, by=by)
