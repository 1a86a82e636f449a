"""Writes for the stakeholder map: profiles, sensitive notes, relationships, the engagement log
and network analyses."""

from django.db import transaction

from meshutaf.accounts.models import User
from meshutaf.core.services import model_delete, model_save, model_update
from meshutaf.directory.models import Organisation, Person, Sector
from meshutaf.stakeholder_map.models import (
    EngagementEntry,
    InfluenceBasis,
    NetworkAnalysis,
    Relationship,
    SensitiveNote,
    StakeholderProfile,
)

ORGANISATION_FIELDS = ("name_he", "name_ar", "name_en", "sector", "website", "description")
PERSON_FIELDS = ("full_name", "email", "phone", "bio")
AFFILIATION_FIELDS = ("organisation", "role_title", "start_date", "end_date")


PROFILE_FIELDS = (
    "power",
    "interest",
    "has_power",
    "has_legitimacy",
    "has_urgency",
    "engagement_current",
    "engagement_desired",
    "iap2_level",
    "consent",
    "influence_bases",
    "notes",
)
RELATIONSHIP_FIELDS = ("kind", "directed", "strength", "since", "notes", "sensitive")
ENGAGEMENT_FIELDS = ("kind", "date", "summary", "follow_up_date", "follow_up_done")


def _sensitive_note_set(*, profile: StakeholderProfile, text: str | None, by: User) -> None:
    if text is None:
        return
    text = text.strip()
    note = SensitiveNote.objects.filter(profile=profile).first()
    if note is None:
        if text:
            model_save(SensitiveNote(profile=profile, text=text), by=by)
        return
    model_update(instance=note, fields=("text",), data={"text": text}, by=by)


def _ordered_bases(fields: dict) -> dict:
    """Store influence bases in the listed order, so an unchanged choice is not a change."""
    bases = fields.get("influence_bases")
    if isinstance(bases, list) and all(isinstance(base, str) for base in bases):
        order = {value: position for position, value in enumerate(InfluenceBasis.values)}
        fields = {**fields, "influence_bases": sorted(set(bases), key=lambda b: order.get(b, 99))}
    return fields


@transaction.atomic
def profile_create(
    *,
    initiative,
    by: User,
    organisation: Organisation | None = None,
    person: Person | None = None,
    sensitive_notes: str | None = None,
    **fields,
) -> StakeholderProfile:
    profile = model_save(
        StakeholderProfile(
            initiative=initiative, organisation=organisation, person=person, **fields
        ),
        by=by,
    )
    _sensitive_note_set(profile=profile, text=sensitive_notes, by=by)
    return profile


@transaction.atomic
def profile_update(*, profile: StakeholderProfile, by: User, data: dict) -> StakeholderProfile:
    data = _ordered_bases(dict(data))
    sensitive_notes = data.pop("sensitive_notes", None)
    profile, _changed = model_update(instance=profile, fields=PROFILE_FIELDS, data=data, by=by)
    _sensitive_note_set(profile=profile, text=sensitive_notes, by=by)
    return profile


@transaction.atomic
def profile_delete(*, profile: StakeholderProfile, by: User) -> None:
    model_delete(profile, by=by)


@transaction.atomic
def relationship_create(
    *, initiative, by: User, source: StakeholderProfile, target: StakeholderProfile, **fields
) -> Relationship:
    return model_save(
        Relationship(initiative=initiative, source=source, target=target, **fields), by=by
    )


@transaction.atomic
def relationship_update(*, relationship: Relationship, by: User, data: dict) -> Relationship:
    relationship, _changed = model_update(
        instance=relationship, fields=RELATIONSHIP_FIELDS, data=data, by=by
    )
    return relationship


@transaction.atomic
def relationship_delete(*, relationship: Relationship, by: User) -> None:
    model_delete(relationship, by=by)


@transaction.atomic
def engagement_create(
    *, initiative, by: User, stakeholders, our_side=(), **fields
) -> EngagementEntry:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    stakeholders = list(stakeholders)
    if not stakeholders:
        raise ValidationError({"stakeholders": _("Choose at least one stakeholder.")})
    if any(profile.initiative_id != initiative.pk for profile in stakeholders):
        raise ValidationError({"stakeholders": _("Choose stakeholders of this initiative.")})
    entry = model_save(EngagementEntry(initiative=initiative, recorded_by=by, **fields), by=by)
    entry.stakeholders.set(stakeholders)
    entry.our_side.set(list(our_side) or [by])
    return entry


@transaction.atomic
def engagement_update(*, entry: EngagementEntry, by: User, data: dict) -> EngagementEntry:
    entry, _changed = model_update(instance=entry, fields=ENGAGEMENT_FIELDS, data=data, by=by)
    return entry


@transaction.atomic
def network_analyse(*, initiative, by: User | None) -> dict:
    """Compute the network metrics twice, with and without sensitive ties, and keep both."""
    from meshutaf.stakeholder_map.selectors import network_inputs

    from .network import analyse

    results = {}
    for scope, include_sensitive in (
        (NetworkAnalysis.Scope.ALL, True),
        (NetworkAnalysis.Scope.PUBLIC, False),
    ):
        nodes, ties = network_inputs(initiative=initiative, include_sensitive=include_sensitive)
        outcome = analyse(nodes, ties, all_sectors=[s for s in Sector.values if s != "other"])
        # Which ties went in: if one of them later turns sensitive, these public numbers would
        # betray it, and network_data stops showing them.
        outcome["tie_ids"] = sorted(tie.id for tie in ties)
        NetworkAnalysis.objects.create(
            initiative=initiative, scope=scope, computed_by=by, results=outcome
        )
        results[scope] = outcome
    return results
