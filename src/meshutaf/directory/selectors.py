"""Reads for the directory: lists with filters, and detail pages."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import (
    Affiliation,
    Organisation,
    Person,
)
from .permissions import organisations_visible_to, people_visible_to, with_contact_visibility


def organisation_list(*, user, sector: str = "", query: str = "") -> QuerySet[Organisation]:
    queryset = organisations_visible_to(user=user)
    if sector:
        queryset = queryset.filter(sector=sector)
    if query:
        queryset = queryset.filter(
            Q(name_he__icontains=query) | Q(name_ar__icontains=query) | Q(name_en__icontains=query)
        )
    return (
        Organisation.objects.filter(pk__in=queryset.values("pk"))
        .annotate(
            people_count=Count(
                "affiliations",
                filter=Q(affiliations__end_date__isnull=True)
                | Q(affiliations__end_date__gte=timezone.localdate()),
                distinct=True,
            )
        )
        .order_by(*(Organisation._meta.ordering or ()))
    )


def person_list(
    *, user, query: str = "", organisation: int | None = None, sector: str = ""
) -> QuerySet[Person]:
    queryset = with_contact_visibility(people_visible_to(user=user), user=user)
    if query:
        # Searching by email only finds people whose email the user may see anyway.
        queryset = queryset.filter(
            Q(full_name__icontains=query)
            | Q(email__icontains=query, contact_visible=True)
            | Q(affiliations__organisation__name_he__icontains=query)
            | Q(affiliations__organisation__name_ar__icontains=query)
            | Q(affiliations__organisation__name_en__icontains=query)
        )
    if sector:
        queryset = queryset.filter(affiliations__organisation__sector=sector)
    if organisation:
        queryset = queryset.filter(affiliations__organisation_id=organisation)
    return with_contact_visibility(
        Person.objects.filter(pk__in=queryset.values("pk")), user=user
    ).prefetch_related(
        Prefetch(
            "affiliations",
            queryset=Affiliation.objects.select_related("organisation"),
        )
    )


def organisation_people(*, organisation: Organisation, user) -> QuerySet[Affiliation]:
    visible = people_visible_to(user=user)
    return organisation.affiliations.filter(person__in=visible.values("pk")).select_related(
        "person"
    )


def person_affiliations(*, person: Person) -> QuerySet[Affiliation]:
    return person.affiliations.select_related("organisation")


def current_affiliations(prefix: str = "") -> Prefetch:
    """Prefetch a person's current affiliations (with organisations) as `current_affiliations`.

    `prefix` reaches people through a relation, e.g. "person__" from a group member."""
    today = timezone.localdate()
    return Prefetch(
        f"{prefix}affiliations",
        queryset=Affiliation.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today)
        ).select_related("organisation"),
        to_attr="current_affiliations",
    )
