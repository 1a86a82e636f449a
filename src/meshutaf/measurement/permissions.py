"""The permission gates of shared measurement: one per object type, each through
`initiatives.permissions.child_get_for_user`, so outsiders get 404 and members without the
role get 403.

Roles, in this module's words:
- the **backbone** is the initiative's facilitators (MANAGE): they define the framework, open
  rounds, review, approve, lock and unlock, and see every value unsuppressed;
- a **reporting partner** is a member with at least the partner role (CONTRIBUTE) whose person
  in the directory has a current affiliation with the organisation a value is reported for:
  they enter and submit their own organisation's values and see them unsuppressed;
- every other member (and the public, on a public dashboard) sees what the agreements allow,
  suppressed (`selectors.Viewer`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from meshutaf.core.access import Action, Granted, Role, active_user, role_allows
from meshutaf.directory.models import Organisation
from meshutaf.initiatives.permissions import child_get_for_user

from .models import (
    ContributionClaim,
    CurveSession,
    Framework,
    Indicator,
    Observation,
    ReportingRound,
    Result,
    SharingAgreement,
    Strategy,
    ValidationRule,
)

_VIA_FRAMEWORK = "framework__initiative"
_VIA_INDICATOR = "indicator__framework__initiative"


def framework_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[Framework]:
    return child_get_for_user(Framework, user=user, pk=pk, action=action, related=("area",))


def result_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Granted[Result]:
    return child_get_for_user(
        Result, user=user, pk=pk, action=action, initiative_path=_VIA_FRAMEWORK
    )


def strategy_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Granted[Strategy]:
    return child_get_for_user(
        Strategy, user=user, pk=pk, action=action, initiative_path=_VIA_FRAMEWORK
    )


def claim_get_for_user(
    *, user, pk: int, action: Action = Action.MANAGE
) -> Granted[ContributionClaim]:
    return child_get_for_user(
        ContributionClaim, user=user, pk=pk, action=action, initiative_path=_VIA_FRAMEWORK
    )


def indicator_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[Indicator]:
    return child_get_for_user(
        Indicator,
        user=user,
        pk=pk,
        action=action,
        initiative_path=_VIA_FRAMEWORK,
        related=("framework__area",),
    )


def round_get_for_user(*, user, pk: int, action: Action = Action.VIEW) -> Granted[ReportingRound]:
    return child_get_for_user(
        ReportingRound, user=user, pk=pk, action=action, initiative_path=_VIA_FRAMEWORK
    )


def agreement_get_for_user(
    *, user, pk: int, action: Action = Action.MANAGE
) -> Granted[SharingAgreement]:
    return child_get_for_user(
        SharingAgreement, user=user, pk=pk, action=action, initiative_path=_VIA_FRAMEWORK
    )


def rule_get_for_user(*, user, pk: int, action: Action = Action.MANAGE) -> Granted[ValidationRule]:
    return child_get_for_user(
        ValidationRule, user=user, pk=pk, action=action, initiative_path=_VIA_FRAMEWORK
    )


def curve_session_get_for_user(
    *, user, pk: int, action: Action = Action.VIEW
) -> Granted[CurveSession]:
    return child_get_for_user(
        CurveSession,
        user=user,
        pk=pk,
        action=action,
        initiative_path=_VIA_INDICATOR,
        related=("meeting",),
    )


def observation_get_for_user(
    *, user, pk: int, action: Action = Action.VIEW
) -> Granted[Observation]:
    """A value, for its reporting partner or the backbone. VIEW lets every member reach it,
    but what they then see is the selectors' business (visibility and suppression); CONTRIBUTE
    (edit, submit) also needs the viewer to report for the value's organisation; MANAGE
    (review, lock) is the backbone's."""
    granted = child_get_for_user(
        Observation,
        user=user,
        pk=pk,
        action=Action.VIEW if action == Action.CONTRIBUTE else action,
        initiative_path=_VIA_INDICATOR,
        related=("indicator", "geography", "partner"),
    )
    if action == Action.CONTRIBUTE and not may_report_for(
        user=user, role=granted.role, partner_id=granted.obj.partner_id
    ):
        raise PermissionDenied
    return granted


def is_backbone(role: Role | str | None) -> bool:
    return role_allows(role, Action.MANAGE)


def reporting_organisations(*, user, on: dt.date | None = None) -> set[int]:
    """The organisations `user` reports for: their person's current affiliations."""
    if not active_user(user):
        return set()
    on = on or timezone.localdate()
    current = Q(affiliations__end_date__isnull=True) | Q(affiliations__end_date__gte=on)
    started = Q(affiliations__start_date__isnull=True) | Q(affiliations__start_date__lte=on)
    return set(
        Organisation.objects.filter(current & started, affiliations__person__user=user)
        .values_list("pk", flat=True)
        .distinct()
    )


def may_report_for(*, user, role: Role | str | None, partner_id: int | None) -> bool:
    """May `user` (holding `role` in the initiative) enter values for organisation
    `partner_id` (None: the backbone's own values)?"""
    if is_backbone(role):
        return True
    if partner_id is None or not role_allows(role, Action.CONTRIBUTE):
        return False
    return partner_id in reporting_organisations(user=user)


@dataclass(frozen=True)
class Viewer:
    """Who is looking, as the selectors need it: the backbone sees everything; a reporting
    partner sees its own organisations' values in full; everyone else sees the published
    (approved) values the agreements allow them, suppressed. `role` None with `public` set is
    an anonymous visitor of a public dashboard."""

    role: Role | None
    organisations: frozenset[int] = field(default_factory=frozenset)
    public: bool = False

    @property
    def backbone(self) -> bool:
        return is_backbone(self.role)

    @classmethod
    def of(cls, *, user, role: Role | str | None) -> Viewer:
        role = Role(role) if role is not None else None
        if role is None:
            return cls(role=None, public=True)
        organisations = (
            frozenset() if is_backbone(role) else frozenset(reporting_organisations(user=user))
        )
        return cls(role=role, organisations=organisations)

    @classmethod
    def anonymous(cls) -> Viewer:
        return cls(role=None, public=True)
