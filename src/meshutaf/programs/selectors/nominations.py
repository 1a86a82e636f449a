"""Reads for nominations: the staff's list with counts per ministry against its quotas, the
nomination links, one dossier, and what a nominator may see through their link (their own
candidates' names and status, nothing else). Scores never appear here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from meshutaf.directory.models import Organisation

from ..models import (
    Application,
    Cohort,
    Conflict,
    Nomination,
    NominationStatus,
    NominatorInvitation,
    Quota,
    QuotaKind,
    Referee,
)

# A nomination that no longer takes a place: the nominator may put someone else forward.
RELEASED = (NominationStatus.DECLINED, NominationStatus.WITHDRAWN)


def nomination_list(*, cohort: Cohort) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(cohort=cohort)
        .select_related("organisation")
        .order_by("organisation__name_he", "organisation__name_en", "candidate_name", "pk")
    )


@dataclass(frozen=True)
class OrganisationCount:
    organisation: Organisation
    nominated: int  # every nomination still standing
    applied: int
    declined: int
    minimum: int | None  # the quota's bounds on those selected, when there is one
    maximum: int | None


def organisation_counts(*, cohort: Cohort) -> list[OrganisationCount]:
    """Per ministry or authority: nominations and applications, beside its quota (two
    queries, however many ministries)."""
    rows = (
        Nomination.objects.filter(cohort=cohort)
        .values("organisation")
        .annotate(
            nominated=Count("pk", filter=~Q(status__in=RELEASED)),
            applied=Count("pk", filter=Q(status=NominationStatus.APPLIED)),
            declined=Count("pk", filter=Q(status=NominationStatus.DECLINED)),
        )
    )
    counts: dict[int, dict[str, int]] = {
        row["organisation"]: {key: row[key] for key in ("nominated", "applied", "declined")}
        for row in rows
    }
    quotas = {
        quota.organisation_id: quota
        for quota in Quota.objects.filter(cohort=cohort, kind=QuotaKind.ORGANISATION)
    }
    organisations = Organisation.objects.filter(pk__in={*counts, *quotas}).order_by(
        "name_he", "name_en", "pk"
    )
    result = []
    for organisation in organisations:
        row = counts.get(organisation.pk, {})
        quota = quotas.get(organisation.pk)
        result.append(
            OrganisationCount(
                organisation=organisation,
                nominated=row.get("nominated", 0),
                applied=row.get("applied", 0),
                declined=row.get("declined", 0),
                minimum=quota.minimum if quota else None,
                maximum=quota.maximum if quota else None,
            )
        )
    return result


def invitation_list(*, cohort: Cohort) -> QuerySet[NominatorInvitation]:
    return (
        NominatorInvitation.objects.filter(cohort=cohort)
        .select_related("organisation")
        .annotate(used=Count("nominations", filter=~Q(nominations__status__in=RELEASED)))
        .order_by("organisation__name_he", "organisation__name_en", "pk")
    )


def invitation_candidates(*, invitation: NominatorInvitation) -> QuerySet[Nomination]:
    """The nominator's own candidates: name, role and status, nothing the candidate or the
    committee wrote."""
    return (
        Nomination.objects.filter(invitation=invitation)
        .only("pk", "candidate_name", "role_title", "status", "invitation_id")
        .order_by("created_at", "pk")
    )


def cohort_criteria(*, cohort: Cohort) -> list[str]:
    """The names of the criteria candidates are selected by (what the programme asks for)."""
    version = cohort.rubric_version
    if version is None:
        return []
    return [criterion.name for criterion in version.criteria.order_by("order", "pk")]


@dataclass(frozen=True)
class Dossier:
    nomination: Nomination
    application: Application | None
    referees: list[Referee]
    conflicts: list[Conflict]


def nomination_dossier(*, nomination: Nomination) -> Dossier:
    """Everything about one candidate, for programme staff."""
    application = (
        Application.objects.filter(nomination=nomination).prefetch_related("referees").first()
    )
    conflicts = list(
        Conflict.objects.filter(nomination=nomination)
        .select_related("reviewer__user")
        .order_by("reviewer__pk", "source", "pk")
    )
    return Dossier(
        nomination=nomination,
        application=application,
        referees=list(application.referees.all()) if application else [],
        conflicts=conflicts,
    )
