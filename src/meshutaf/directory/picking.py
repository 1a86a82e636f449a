"""Reads for the type-to-search pickers: people and organisations whose folded names match
what was typed, within a queryset the caller has already limited to what the user may pick."""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from meshutaf.core.name_keys import query_words

from .models import Organisation, Person
from .selectors import current_affiliations

PICK_LIMIT = 20


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    detail: str = ""


@dataclass(frozen=True)
class Matches:
    options: list[Option]
    more: bool  # there were more matches than shown


def name_key_filter(words: list[list[str]], field: str = "name_key") -> Q:
    """Every typed word, in one of its forms, starts a word of the key."""
    condition = Q()
    for forms in words:
        either = Q()
        for form in forms:
            either |= Q(**{f"{field}__contains": f" {form}"})
        condition &= either
    return condition


def _ranked(queryset: QuerySet, words: list[list[str]], field: str = "name_key") -> QuerySet:
    """Names that start with the first word as typed come first, then other matches."""
    typed = words[0][0]
    return queryset.annotate(
        pick_rank=Case(
            When(**{f"{field}__startswith": f" {typed}"}, then=Value(0)),
            When(**{f"{field}__contains": f" {typed}"}, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )


def _person_option(person: Person) -> Option:
    organisations = [a.organisation.name for a in getattr(person, "current_affiliations", [])]
    return Option(str(person.pk), person.full_name, ", ".join(organisations[:2]))


def people_matching(*, people: QuerySet[Person], text: str, limit: int = PICK_LIMIT) -> Matches:
    """At most `limit` people of `people` whose name matches `text` (two letters at least)."""
    words = query_words(text)
    if not words:
        return Matches([], more=False)
    found = list(
        _ranked(Person.objects.filter(pk__in=people.values("pk")), words)
        .filter(name_key_filter(words))
        .order_by("pick_rank", "full_name", "pk")
        .prefetch_related(current_affiliations())[: limit + 1]
    )
    return Matches([_person_option(p) for p in found[:limit]], more=len(found) > limit)


def organisations_matching(
    *, organisations: QuerySet[Organisation], text: str, limit: int = PICK_LIMIT
) -> Matches:
    words = query_words(text)
    if not words:
        return Matches([], more=False)
    found = list(
        _ranked(Organisation.objects.filter(pk__in=organisations.values("pk")), words)
        .filter(name_key_filter(words))
        .order_by("pick_rank", *(Organisation._meta.ordering or ()))[: limit + 1]
    )
    options = [
        Option(str(org.pk), org.name, str(org.get_sector_display())) for org in found[:limit]
    ]
    return Matches(options, more=len(found) > limit)
