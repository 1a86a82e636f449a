"""The permission gate for the organisation and people directory.

- Directory managers (backbone staff and superusers) see and edit the whole directory.
- Facilitators may add organisations and people; they see and edit what they added.
- Everyone sees the organisations and people connected to initiatives they belong to, and
  their own person record.
- Email and phone of a person are shown only to directory managers, the person, whoever added
  them, and facilitators of an initiative the person takes part in.

Organisations and people belong to no initiative, so their gates (`manage=` for changes) return
the object itself, not a `Granted` with a role as the initiatives' children's gates do.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404

from meshutaf.core.access import Role, active_user

from .models import Organisation, Person


def directory_manager(user) -> bool:
    """May this user see and change the whole directory?"""
    return active_user(user) and (user.is_superuser or user.is_backbone)


def directory_contributor(user) -> bool:
    """May this user add organisations and people? Managers and facilitators."""
    if directory_manager(user):
        return True
    if not active_user(user):
        return False
    return _memberships(user, facilitated=True).exists()


def _memberships(user, *, facilitated: bool = False) -> QuerySet:
    """The user's initiative memberships, through the relation the initiatives app adds to
    users: the directory sits below initiatives and never imports them."""
    memberships = user.memberships.all()
    if facilitated:
        memberships = memberships.filter(role=Role.FACILITATOR)
    return memberships


def _my_initiatives(user, *, facilitated: bool = False) -> QuerySet:
    return _memberships(user, facilitated=facilitated).values("initiative_id")


def _connected_to(initiatives) -> Q:
    return Q(group_memberships__group__initiative__in=initiatives) | Q(
        user__memberships__initiative__in=initiatives
    )


def people_visible_to(*, user) -> QuerySet[Person]:
    if not active_user(user):
        return Person.objects.none()
    if directory_manager(user):
        return Person.objects.all()
    visible = Person.objects.filter(
        Q(user=user) | Q(created_by=user) | _connected_to(_my_initiatives(user))
    )
    return Person.objects.filter(pk__in=visible.values("pk"))


def people_with_contact_visible_to(*, user) -> QuerySet[Person]:
    if not active_user(user):
        return Person.objects.none()
    if directory_manager(user):
        return Person.objects.all()
    return Person.objects.filter(
        Q(user=user) | Q(created_by=user) | _connected_to(_my_initiatives(user, facilitated=True))
    )


def with_contact_visibility(queryset: QuerySet[Person], *, user) -> QuerySet[Person]:
    """Annotate `contact_visible`: may the user see each person's email and phone?"""
    if directory_manager(user):
        return queryset.annotate(contact_visible=Value(True, output_field=BooleanField()))
    contactable = people_with_contact_visible_to(user=user).filter(pk=OuterRef("pk"))
    return queryset.annotate(contact_visible=Exists(contactable))


def organisations_visible_to(*, user) -> QuerySet[Organisation]:
    if not active_user(user):
        return Organisation.objects.none()
    if directory_manager(user):
        return Organisation.objects.all()
    mine = _my_initiatives(user)
    visible_people = people_visible_to(user=user)
    visible = Organisation.objects.filter(
        Q(created_by=user)
        | Q(led_initiatives__in=mine)
        | Q(facilitated_initiatives__in=mine)
        | Q(affiliations__person__in=visible_people.values("pk"))
    )
    return Organisation.objects.filter(pk__in=visible.values("pk"))


def organisation_get_for_user(*, user, pk: int, manage: bool = False) -> Organisation:
    if not active_user(user):
        raise Http404
    organisation = organisations_visible_to(user=user).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    if manage and not (directory_manager(user) or organisation.created_by_id == user.pk):
        raise PermissionDenied
    return organisation


def person_get_for_user(*, user, pk: int, manage: bool = False) -> Person:
    if not active_user(user):
        raise Http404
    person = with_contact_visibility(people_visible_to(user=user), user=user).filter(pk=pk).first()
    if person is None:
        raise Http404
    if manage and not can_edit_person(user, person):
        raise PermissionDenied
    return person


def can_edit_person(user, person: Person) -> bool:
    return directory_manager(user) or user.pk in (person.user_id, person.created_by_id)


def can_edit_organisation(user, organisation: Organisation) -> bool:
    return directory_manager(user) or organisation.created_by_id == user.pk
