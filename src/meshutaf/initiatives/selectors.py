"""Reads for initiatives: dashboards, detail pages, member lists, the audit trail."""

import itertools
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.functional import Promise

from meshutaf.core.db import SubqueryCount
from meshutaf.directory.models import Affiliation, Organisation, Sector
from meshutaf.directory.selectors import current_affiliations

from .models import (
    Group,
    GroupMember,
    Initiative,
    Invitation,
    LeadingPartner,
    Membership,
    Phase,
    Role,
)
from .permissions import initiatives_visible_to


def initiative_list(
    *, user, kind: str = "", status: str = "", query: str = ""
) -> QuerySet[Initiative]:
    """Initiatives the user sees, with their role and counts, in a constant number of queries."""
    current_phase = (
        Phase.objects.filter(initiative=OuterRef("pk"))
        .filter(Q(start_date__isnull=True) | Q(start_date__lte=timezone.localdate()))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()))
        .order_by("order", "pk")
        .values("name")[:1]
    )
    queryset = (
        initiatives_visible_to(user=user)
        .select_related("facilitating_organisation")
        .annotate(
            phase_count=SubqueryCount(Phase.objects.filter(initiative=OuterRef("pk"))),
            group_count=SubqueryCount(Group.objects.filter(initiative=OuterRef("pk"))),
            member_count=SubqueryCount(Membership.objects.filter(initiative=OuterRef("pk"))),
            current_phase_name=Subquery(current_phase),
        )
        .order_by("-updated_at", "pk")
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if query:
        queryset = queryset.filter(Q(name__icontains=query) | Q(short_description__icontains=query))
    return queryset


@dataclass
class SectorPartners:
    sector: str
    label: str | Promise
    organisations: list[Organisation]


def initiative_partners_by_sector(*, initiative: Initiative) -> list[SectorPartners]:
    """The organisations at the table: leading partners and the affiliations of group members
    and of members who have a person record, grouped by sector in the sector list's order."""
    today = timezone.localdate()
    current = Affiliation.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    # Three subqueries rather than one OR across the joins, which multiplies the rows by every
    # affiliation, group seat and membership before DISTINCT folds them again.
    at_table = Organisation.objects.filter(
        Q(pk__in=LeadingPartner.objects.filter(initiative=initiative).values("organisation"))
        | Q(
            pk__in=current.filter(person__group_memberships__group__initiative=initiative).values(
                "organisation"
            )
        )
        | Q(
            pk__in=current.filter(person__user__memberships__initiative=initiative).values(
                "organisation"
            )
        )
    )
    by_sector: dict[str, list[Organisation]] = {}
    for organisation in at_table:
        by_sector.setdefault(organisation.sector, []).append(organisation)
    return [
        SectorPartners(
            sector=value,
            label=label,
            organisations=sorted(by_sector[value], key=lambda organisation: organisation.name),
        )
        for value, label in Sector.choices
        if value in by_sector
    ]


MEMBERS_ON_DETAIL = 20
MEMBERS_PER_GROUP_CARD = 6


def initiative_detail(*, initiative: Initiative) -> dict[str, Any]:
    """Everything the initiative page shows, in a fixed number of queries."""
    phases = list(initiative.phases.all())
    # Cards show a few members each; a sliced prefetch keeps a 1,000-seat table cheap.
    groups = list(
        initiative.groups.annotate(
            member_count=SubqueryCount(GroupMember.objects.filter(group=OuterRef("pk")))
        ).prefetch_related(
            Prefetch(
                "memberships",
                queryset=GroupMember.objects.select_related("person")
                .prefetch_related(current_affiliations("person__"))
                .order_by("role", "person__full_name")[:MEMBERS_PER_GROUP_CARD],
                to_attr="first_members",
            )
        )
    )
    return {
        "phases": phases,
        "groups": groups,
        "leading_partners": list(initiative.leading_partners.all()),
        "partners_by_sector": initiative_partners_by_sector(initiative=initiative),
        "memberships": list(membership_list(initiative=initiative)[:MEMBERS_ON_DETAIL]),
        "member_count": initiative.memberships.count(),
    }


# Facilitators first, then partners, participants, observers (not alphabetical by code).
ROLE_RANK = Case(
    *[When(role=role, then=Value(rank)) for rank, role in enumerate(Role.values)],
    output_field=IntegerField(),
)


def membership_list(
    *, initiative: Initiative, role: str = "", query: str = "", search_email: bool = False
) -> QuerySet[Membership]:
    memberships = initiative.memberships.select_related("user", "user__person").order_by(
        ROLE_RANK, "user__first_name", "user__last_name", "user__username"
    )
    if role:
        memberships = memberships.filter(role=role)
    if query:
        matches = (
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__username__icontains=query)
        )
        if search_email:  # only for those who see the email column
            matches |= Q(user__email__icontains=query)
        memberships = memberships.filter(matches)
    return memberships


def invitation_pending_list(*, initiative: Initiative) -> QuerySet[Invitation]:
    return initiative.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")


def group_detail(*, group: Group) -> list[GroupMember]:
    return list(
        group.memberships.select_related("person").prefetch_related(
            current_affiliations("person__")
        )
    )


def group_memberships_for_person(*, person, user) -> QuerySet[GroupMember]:
    """The groups a person sits in, limited to initiatives the viewer may see."""
    return (
        GroupMember.objects.filter(
            person=person, group__initiative__in=initiatives_visible_to(user=user).values("pk")
        )
        .select_related("group__initiative")
        .order_by("group__initiative__name", "group__name")
    )


def organisation_initiatives(*, organisation, user) -> QuerySet[Initiative]:
    """The initiatives an organisation leads or facilitates, among those the viewer sees."""
    return (
        initiatives_visible_to(user=user)
        .filter(Q(leading_partners=organisation) | Q(facilitating_organisation=organisation))
        .distinct()
    )


def initiative_ids_for_user(*, user, facilitated: bool = False) -> QuerySet:
    """Ids of the initiatives a user belongs to (or facilitates), as a subquery for other
    apps' filters."""
    memberships = Membership.objects.filter(user=user)
    if facilitated:
        memberships = memberships.filter(role="facilitator")
    return memberships.values("initiative_id")


@dataclass
class HistoryEntry:
    when: Any
    who: Any
    action: str
    object_type: str
    object_name: str
    # (field, old, new): the model field until _readable_changes puts its name in its place.
    changes: list[tuple[Any, Any, Any]]


HISTORY_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def _entries(records, object_type: str, name_of) -> list[HistoryEntry]:
    """Turn historical records into entries, diffing each against the previous record of the
    same object in memory (simple-history's prev_record would cost a query per row)."""
    entries = []
    previous_by_object: dict[Any, Any] = {}
    for record in sorted(records, key=lambda record: record.history_date):
        changes = []
        previous = previous_by_object.get(record.id)
        if record.history_type == "~" and previous is not None:
            delta = record.diff_against(previous, excluded_fields=["updated_at", "created_at"])
            changes = [
                (record.instance_type._meta.get_field(change.field), change.old, change.new)
                for change in delta.changes
            ]
        previous_by_object[record.id] = record
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=HISTORY_ACTIONS[record.history_type],
                object_type=object_type,
                object_name=name_of(record),
                changes=changes,
            )
        )
    return entries


def _readable_changes(entries: list[HistoryEntry]) -> None:
    """Replace raw values by what a reader recognises: choice labels, and names for ids of
    related objects (one query per related model for the whole page)."""
    wanted: dict[Any, set] = {}
    for entry in entries:
        for field, old, new in entry.changes:
            if field.is_relation:
                wanted.setdefault(field.related_model, set()).update(
                    value for value in (old, new) if value is not None
                )
    names = {model: model.objects.in_bulk(list(ids)) for model, ids in wanted.items()}

    def readable(field, value):
        if value in (None, ""):
            return ""
        if field.is_relation:
            related = names[field.related_model].get(value)
            return str(related) if related is not None else f"#{value}"
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return value

    for entry in entries:
        entry.changes = [
            (str(field.verbose_name), readable(field, old), readable(field, new))
            for field, old, new in entry.changes
        ]


def initiative_history(*, initiative: Initiative, limit: int = 200) -> list[HistoryEntry]:
    """The audit trail of an initiative and its phases, groups, group members and members,
    newest first."""
    from django.utils.translation import gettext as _

    pk = initiative.pk
    sources = [
        (
            Initiative.history.filter(id=pk),
            _("Initiative"),
            lambda record: record.name,
        ),
        (
            LeadingPartner.history.filter(initiative_id=pk).select_related("organisation"),
            _("Leading partner"),
            lambda record: record.organisation.name if record.organisation else "",
        ),
        (Phase.history.filter(initiative_id=pk), _("Phase"), lambda record: record.name),
        (Group.history.filter(initiative_id=pk), _("Group"), lambda record: record.name),
        (
            # Through the groups' own history, so members of deleted groups stay visible.
            GroupMember.history.filter(
                group_id__in=Group.history.filter(initiative_id=pk).values("id")
            ).select_related("person"),
            _("Group member"),
            lambda record: str(record.person or ""),
        ),
        (
            Membership.history.filter(initiative_id=pk).select_related("user"),
            _("Member"),
            lambda record: record.user.display_name if record.user else "",
        ),
    ]
    entries: list[HistoryEntry] = []
    for queryset, label, name_of in sources:
        records = list(queryset.select_related("history_user").order_by("-history_date")[:limit])
        entries.extend(_entries(records, label, name_of))
    entries.extend(_invitation_entries(initiative=initiative, limit=limit))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    entries = list(itertools.islice(entries, limit))
    _readable_changes(entries)
    return entries


def _invitation_entries(*, initiative: Initiative, limit: int) -> list[HistoryEntry]:
    """Invitations keep their own dates (sent, accepted, withdrawn); show them as events."""
    from django.utils.translation import gettext as _

    entries: list[HistoryEntry] = []
    invitations = initiative.invitations.select_related("invited_by", "accepted_by").order_by(
        "-created_at"
    )[:limit]
    for invitation in invitations:
        label = f"{invitation.email} ({invitation.get_role_display()})"
        events = [(invitation.created_at, invitation.invited_by, "invited")]
        if invitation.accepted_at:
            events.append((invitation.accepted_at, invitation.accepted_by, "accepted"))
        if invitation.revoked_at:
            events.append((invitation.revoked_at, invitation.revoked_by, "withdrawn"))
        entries.extend(
            HistoryEntry(
                when=when,
                who=who,
                action=action,
                object_type=_("Invitation"),
                object_name=label,
                changes=[],
            )
            for when, who, action in events
        )
    return entries
