"""Reads for the type-to-search pickers inside one initiative: its people (members with a
directory entry and members of its groups), its members as users, and its groups."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from meshutaf.core.name_keys import key_matches, name_key, query_words
from meshutaf.directory.models import Person
from meshutaf.directory.picking import PICK_LIMIT, Matches, Option, name_key_filter

from .models import GroupMember, Initiative, Membership, Role

User = get_user_model()


def initiative_people(*, initiative: Initiative) -> QuerySet[Person]:
    """The people of an initiative: members (through their directory entry) and members of
    its groups. Owners of action items and the like are chosen from them."""
    # Two subqueries rather than joins: no duplicates to remove, and quick on 10,000 people.
    return Person.objects.filter(
        Q(pk__in=GroupMember.objects.filter(group__initiative=initiative).values("person"))
        | Q(user__in=Membership.objects.filter(initiative=initiative).values("user"))
    )


def members_matching(*, initiative: Initiative, text: str, limit: int = PICK_LIMIT) -> Matches:
    """Active members (users) of the initiative whose name matches: by their directory
    entry's folded name, or, for a user with no entry, by the name on their account."""
    words = query_words(text)
    if not words:
        return Matches([], more=False)
    by_account = Q()
    for forms in words:
        either = Q()
        for form in forms:
            either |= (
                Q(user__first_name__icontains=form)
                | Q(user__last_name__icontains=form)
                | Q(user__username__icontains=form)
            )
        by_account &= either
    memberships = list(
        Membership.objects.filter(initiative=initiative, user__is_active=True)
        .filter(name_key_filter(words, field="user__person__name_key") | by_account)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username", "pk")[: limit + 1]
    )
    roles = dict(Role.choices)
    options = [
        Option(str(m.user_id), m.user.display_name, str(roles.get(m.role, "")))
        for m in memberships[:limit]
    ]
    return Matches(options, more=len(memberships) > limit)


def groups_matching(*, initiative: Initiative, text: str, limit: int = PICK_LIMIT) -> Matches:
    """An initiative has few groups: they are matched here rather than in the database."""
    words = query_words(text)
    if not words:
        return Matches([], more=False)
    found = [
        group
        for group in initiative.groups.order_by("kind", "name", "pk")
        if key_matches(name_key(group.name), words)
    ]
    options = [Option(str(g.pk), g.name, str(g.get_kind_display())) for g in found[:limit]]
    return Matches(options, more=len(found) > limit)
