"""Writes for initiatives: every change validates, runs in a transaction and is audited."""

import datetime
import logging
import secrets
from collections.abc import Iterable
from typing import NamedTuple, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meshutaf.accounts.models import SecurityEventKind, User, hash_token
from meshutaf.accounts.services import security_event_record, user_create
from meshutaf.core.services import model_delete, model_save, model_update
from meshutaf.core.text import normalize_email
from meshutaf.directory.models import Organisation, Person
from meshutaf.directory.services import person_create

from . import extensions
from .models import (
    Group,
    GroupMember,
    Initiative,
    Invitation,
    LeadingPartner,
    Membership,
    Phase,
    ReadinessItem,
    Role,
)

INITIATIVE_FIELDS = (
    "kind",
    "name",
    "short_description",
    "vision",
    "situation_description",
    "target_audience",
    "facilitating_organisation",
    "status",
    "start_date",
    "end_date",
)
logger = logging.getLogger(__name__)

PHASE_FIELDS = ("order", "name", "goals", "start_date", "end_date", "outcome_summary")
GROUP_FIELDS = ("kind", "name", "purpose")


def require_same_initiative(initiative: Initiative, *objects) -> None:
    """Refuse a phase, group, series, meeting… (any object with `initiative_id`) that belongs
    to another initiative. None is skipped, so optional fields can be passed as they are."""
    for obj in objects:
        if obj is not None and obj.initiative_id != initiative.pk:
            raise ValidationError(_("Choose one from this initiative."))


@transaction.atomic
def initiative_create(
    *, by: User, leading_partners: Iterable[Organisation] = (), **fields
) -> Initiative:
    """Create an initiative; its creator becomes its first facilitator."""
    if not by.can_create_initiatives:
        raise ValidationError(_("Only backbone staff can create initiatives."))
    unknown = set(fields) - set(INITIATIVE_FIELDS)
    if unknown:
        raise TypeError(f"unknown initiative fields: {sorted(unknown)}")
    initiative = model_save(Initiative(created_by=by, **fields), by=by)
    if leading_partners:
        _set_leading_partners(initiative=initiative, organisations=leading_partners, by=by)
    membership = model_save(
        Membership(initiative=initiative, user=by, role=Role.FACILITATOR), by=by
    )
    _log_role(membership=membership, old="", new=Role.FACILITATOR, by=by)
    return initiative


def _set_leading_partners(
    *, initiative: Initiative, organisations: Iterable[Organisation], by: User
) -> None:
    """Add and remove LeadingPartner rows one by one so each change is in the audit trail."""
    wanted = {organisation.pk: organisation for organisation in organisations}
    current = {link.organisation_id: link for link in initiative.leadingpartner_set.all()}
    for organisation_id, link in current.items():
        if organisation_id not in wanted:
            model_delete(link, by=by)
    for organisation_id, organisation in wanted.items():
        if organisation_id not in current:
            model_save(LeadingPartner(initiative=initiative, organisation=organisation), by=by)


@transaction.atomic
def initiative_update(*, initiative: Initiative, by: User, data: dict) -> Initiative:
    data = dict(data)
    leading_partners = data.pop("leading_partners", None)
    initiative, _changed = model_update(
        instance=initiative, fields=INITIATIVE_FIELDS, data=data, by=by
    )
    if leading_partners is not None:
        _set_leading_partners(initiative=initiative, organisations=leading_partners, by=by)
    return initiative


@transaction.atomic
def phase_create(*, initiative: Initiative, by: User, **fields) -> Phase:
    if fields.get("order") is None:
        last = initiative.phases.order_by("-order").values_list("order", flat=True).first()
        fields["order"] = (last or 0) + 1
    return model_save(Phase(initiative=initiative, **fields), by=by)


@transaction.atomic
def phase_update(*, phase: Phase, by: User, data: dict) -> Phase:
    data = {key: value for key, value in data.items() if not (key == "order" and value is None)}
    phase, _changed = model_update(instance=phase, fields=PHASE_FIELDS, data=data, by=by)
    return phase


@transaction.atomic
def phase_delete(*, phase: Phase, by: User) -> None:
    model_delete(phase, by=by)


@transaction.atomic
def group_create(*, initiative: Initiative, by: User, **fields) -> Group:
    return model_save(Group(initiative=initiative, **fields), by=by)


@transaction.atomic
def group_update(*, group: Group, by: User, data: dict) -> Group:
    group, _changed = model_update(instance=group, fields=GROUP_FIELDS, data=data, by=by)
    return group


@transaction.atomic
def group_delete(*, group: Group, by: User) -> None:
    model_delete(group, by=by)


@transaction.atomic
def group_member_add(*, group: Group, person: Person, role: str, by: User) -> GroupMember:
    return model_save(GroupMember(group=group, person=person, role=role), by=by)


@transaction.atomic
def group_member_update(*, member: GroupMember, role: str, by: User) -> GroupMember:
    member, _changed = model_update(instance=member, fields=("role",), data={"role": role}, by=by)
    return member


@transaction.atomic
def group_member_remove(*, member: GroupMember, by: User) -> None:
    model_delete(member, by=by)


def _ensure_a_facilitator_remains(*, membership: Membership, new_role: str | None) -> None:
    """Refuse to demote or remove the last facilitator. Two facilitators demoting each other at
    once must not both succeed, so the initiative row is locked first and roles re-read."""
    Initiative.objects.select_for_update().filter(pk=membership.initiative_id).first()
    current_role = (
        Membership.objects.filter(pk=membership.pk).values_list("role", flat=True).first()
    )
    if current_role != Role.FACILITATOR or new_role == Role.FACILITATOR:
        return
    others = Membership.objects.filter(
        initiative_id=membership.initiative_id, role=Role.FACILITATOR
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(
            {"role": _("An initiative needs at least one facilitator. Appoint another first.")}
        )


def _log_role(*, membership: Membership, old: str, new: str, by: User | None) -> None:
    """Every change of who holds which role goes into the security log (accounts)."""
    security_event_record(
        kind=SecurityEventKind.ROLE_CHANGED,
        user=membership.user,
        actor=by,
        detail=f"{membership.initiative.name}: {old or '-'} -> {new or '-'}",
    )


@transaction.atomic
def membership_add(*, initiative: Initiative, user: User, role: str, by: User) -> Membership:
    membership = model_save(Membership(initiative=initiative, user=user, role=role), by=by)
    _log_role(membership=membership, old="", new=role, by=by)
    extensions.membership_added(membership=membership, by=by)
    return membership


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, by: User) -> Membership:
    _ensure_a_facilitator_remains(membership=membership, new_role=role)
    old = membership.role
    membership, changed = model_update(
        instance=membership, fields=("role",), data={"role": role}, by=by
    )
    if changed:
        _log_role(membership=membership, old=old, new=role, by=by)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    _ensure_a_facilitator_remains(membership=membership, new_role=None)
    _log_role(membership=membership, old=membership.role, new="", by=by)
    model_delete(membership, by=by)


def invitation_url(raw_token: str, *, base_url: str | None = None) -> str:
    """The link to accept an invitation, on the address the facilitator is using when known
    (else MESHUTAF_SITE_URL)."""
    base = (base_url or settings.SITE_URL).rstrip("/")
    return base + reverse("initiatives:invitation_accept", args=[raw_token])


class InvitationCreated(NamedTuple):
    invitation: Invitation
    raw_token: str  # shown once; only its hash is stored
    emailed: bool


def _invitation_email(invitation: Invitation, raw_token: str, base_url: str | None) -> bool:
    """Send the invitation. A mail server failure is logged, not raised: the invitation stays
    and the facilitator is told to pass its link on by hand."""
    try:
        context = {"invitation": invitation, "url": invitation_url(raw_token, base_url=base_url)}
        subject = _("You are invited to join “%(name)s” on Meshutaf") % {
            "name": invitation.initiative.name
        }
        body = render_to_string("initiatives/email/invitation.txt", context)
        send_mail(subject, body, None, [invitation.email])
    except Exception:
        logger.exception("Could not email invitation %s", invitation.pk)
        return False
    return True


MESSAGE_MAX_LENGTH = 2000


def invitation_create(
    *,
    initiative: Initiative,
    email: str,
    role: str,
    by: User,
    message: str = "",
    base_url: str | None = None,
) -> InvitationCreated:
    """Create an invitation, then email its link in the current language."""
    email = normalize_email(email)
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"message": _("At most %(count)s characters.") % {"count": MESSAGE_MAX_LENGTH}}
        )
    with transaction.atomic():
        if Membership.objects.filter(initiative=initiative, user__email__iexact=email).exists():
            raise ValidationError({"email": _("Someone with this email is already a member.")})
        raw = secrets.token_urlsafe(32)
        invitation = Invitation(
            initiative=initiative,
            email=email,
            role=role,
            message=message,
            token_hash=hash_token(raw),
            invited_by=by,
            expires_at=timezone.now() + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        invitation.full_clean()
        invitation.save()
    # Sent after the commit, so no email ever points at an invitation that was rolled back.
    return InvitationCreated(invitation, raw, _invitation_email(invitation, raw, base_url))


def invitation_find(*, raw_token: str) -> Invitation | None:
    """The invitation behind a link. The token itself is the permission to see it."""
    if not raw_token:
        return None
    return (
        Invitation.objects.select_related("initiative", "invited_by")
        .filter(token_hash=hash_token(raw_token))
        .first()
    )


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why an invitation cannot be accepted, in words for the person holding the link."""
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied all of it.")
    if invitation.revoked_at is not None:
        return _("This invitation was withdrawn. Ask the facilitator for a new one.")
    if invitation.accepted_at is not None:
        return _("This invitation has already been used. Each link works once.")
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired. Ask the facilitator for a new one.")
    return None


@transaction.atomic
def invitation_accept(*, raw_token: str, user: User) -> Membership:
    """Turn a valid invitation into a membership, exactly once."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("initiative")
        .filter(token_hash=hash_token(raw_token or ""))
        .first()
    )
    problem = invitation_problem(invitation)
    if problem:
        raise ValidationError(problem)
    invitation = cast(Invitation, invitation)  # no problem: there is one
    membership = Membership.objects.filter(initiative=invitation.initiative, user=user).first()
    if membership is None:
        try:
            with transaction.atomic():
                membership = membership_add(
                    initiative=invitation.initiative,
                    user=user,
                    role=invitation.role,
                    by=user,
                )
        except IntegrityError as error:
            raise ValidationError(_("You are already a member of this initiative.")) from error
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _ensure_person(user=user, email=user.email or invitation.email)
    return membership


def _ensure_person(*, user: User, email: str) -> None:
    """Give a new member a directory entry, so facilitators can seat them in groups: link the
    unclaimed entry with their email when there is one, else create one."""
    if Person.objects.filter(user=user).exists():
        return
    unclaimed = (
        Person.objects.select_for_update()
        .filter(user__isnull=True, email__iexact=email)
        .exclude(email="")
        .order_by("pk")
        .first()
    )
    if unclaimed is not None:
        unclaimed, _changed = model_update(
            instance=unclaimed, fields=("user",), data={"user": user}, by=user
        )
        return
    person_create(by=user, user=user, full_name=user.display_name, email=email)


@transaction.atomic
def invitation_accept_with_signup(
    *, raw_token: str, username: str, password: str, first_name: str, last_name: str = ""
) -> Membership:
    """Create an account for the invitee and accept the invitation: both or neither."""
    invitation = invitation_find(raw_token=raw_token)
    problem = invitation_problem(invitation)
    if problem:
        raise ValidationError(problem)
    invitation = cast(Invitation, invitation)  # no problem: there is one
    user = user_create(
        username=username,
        password=password,
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
    )
    return invitation_accept(raw_token=raw_token, user=user)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.revoked_by = by
        invitation.save(update_fields=["revoked_at", "revoked_by"])
    return invitation


READINESS_FIELDS = ("category", "title", "status", "owner", "notes")


@transaction.atomic
def readiness_item_create(*, initiative: Initiative, by: User, **fields) -> ReadinessItem:
    return model_save(ReadinessItem(initiative=initiative, **fields), by=by)


@transaction.atomic
def readiness_item_update(*, item: ReadinessItem, by: User, data: dict) -> ReadinessItem:
    item, _changed = model_update(instance=item, fields=READINESS_FIELDS, data=data, by=by)
    return item


@transaction.atomic
def readiness_item_delete(*, item: ReadinessItem, by: User) -> None:
    model_delete(item, by=by)
