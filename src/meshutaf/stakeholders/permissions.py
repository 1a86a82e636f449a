"""The permission gate for the organisation and people directory.

Backbone staff, superusers and anyone who facilitates an initiative see and edit the whole
directory (they need it to build tables). Everyone else sees only the organisations and
people connected to initiatives they belong to, plus their own person record.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from .models import Organisation, Person


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def directory_manager(user) -> bool:
    """May this user see the whole directory and change it?"""
    if not _active(user):
        return False
    if user.is_superuser or user.is_backbone:
        return True
    # Named function across the app boundary, imported late to keep stakeholders a base app.
    from meshutaf.initiatives.selectors import user_facilitates_any

    return user_facilitates_any(user=user)


def _my_initiatives(user):
    from meshutaf.initiatives.selectors import initiative_ids_for_user

    return initiative_ids_for_user(user=user)


def people_visible_to(*, user) -> QuerySet[Person]:
    if not _active(user):
        return Person.objects.none()
    if directory_manager(user):
        return Person.objects.all()
    mine = _my_initiatives(user)
    return Person.objects.filter(
        Q(user=user)
        | Q(group_memberships__group__initiative__in=mine)
        | Q(user__memberships__initiative__in=mine)
    ).distinct()


def organisations_visible_to(*, user) -> QuerySet[Organisation]:
    if not _active(user):
        return Organisation.objects.none()
    if directory_manager(user):
        return Organisation.objects.all()
    mine = _my_initiatives(user)
    visible_people = people_visible_to(user=user)
    return Organisation.objects.filter(
        Q(led_initiatives__in=mine)
        | Q(facilitated_initiatives__in=mine)
        | Exists(visible_people.filter(affiliations__organisation=OuterRef("pk")))
    ).distinct()


def organisation_get_for_user(*, user, pk: int, manage: bool = False) -> Organisation:
    if not _active(user):
        raise Http404
    if manage and not directory_manager(user):
        if organisations_visible_to(user=user).filter(pk=pk).exists():
            raise PermissionDenied
        raise Http404
    organisation = organisations_visible_to(user=user).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def person_get_for_user(*, user, pk: int, manage: bool = False) -> Person:
    if not _active(user):
        raise Http404
    person = people_visible_to(user=user).filter(pk=pk).first()
    if person is None:
        raise Http404
    if manage and not (directory_manager(user) or person.user_id == user.pk):
        raise PermissionDenied
    return person
