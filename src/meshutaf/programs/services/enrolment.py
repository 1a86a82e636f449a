"""From selected candidate to participant: the e-mail that tells each selected candidate, with
a fresh link to their own page, and joining the cohort through it with an account (which
makes them a participant member of the programme's initiative, so its pages, sessions and
QR check-in are theirs)."""

from __future__ import annotations

import logging
import secrets
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from meshutaf.accounts.models import hash_token
from meshutaf.accounts.services import user_create
from meshutaf.core.access import Role
from meshutaf.directory.models import Person
from meshutaf.initiatives.models import Membership

from ..models import Cohort, Decision, Nomination, Participant, ParticipantStatus

logger = logging.getLogger(__name__)


def membership_ensure(*, participant: Participant) -> None:
    """A participant with an account is a member of the programme's initiative (at least a
    participant; a higher role they already hold stays)."""
    if participant.user_id is None:
        return
    Membership.objects.get_or_create(
        initiative_id=participant.cohort.programme.initiative_id,
        user_id=participant.user_id,
        defaults={"role": Role.PARTICIPANT},
    )


def _send_selected(nomination_id: int, raw_token: str, base_url: str | None) -> None:
    nomination = Nomination.objects.select_related("cohort__programme").get(pk=nomination_id)
    url = (base_url or settings.SITE_URL).rstrip("/") + reverse("programs:apply", args=[raw_token])
    try:
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(
                _("You were selected for “%(programme)s”")
                % {"programme": nomination.cohort.programme.name},
                render_to_string(
                    "programs/nominations/email/selected.txt",
                    {"nomination": nomination, "url": url},
                ),
                None,
                [nomination.candidate_email],
            )
    except Exception:
        # Logged by id, never with the link: staff can send a new one.
        logger.exception("Could not email selection notice %s", nomination_id)


@transaction.atomic
def selected_notify(*, cohort: Cohort, base_url: str | None = None) -> int:
    """Each selected candidate gets a new link (the old one stops working) to join the
    cohort; those with an account already are made members at once."""
    count = 0
    selected = Nomination.objects.filter(cohort=cohort, decision=Decision.SELECTED)
    for nomination in selected.select_related("participant"):
        raw = secrets.token_urlsafe(32)
        nomination.candidate_token_hash = hash_token(raw)
        nomination.save(update_fields=["candidate_token_hash", "updated_at"])
        participant = getattr(nomination, "participant", None)
        if participant is not None:
            membership_ensure(participant=participant)
        transaction.on_commit(partial(_send_selected, nomination.pk, raw, base_url))
        count += 1
    return count


@transaction.atomic
def participant_join(*, nomination: Nomination, user) -> Participant:
    """The selected candidate, signed in, takes their place: the participant row gets the
    account, the directory person too if it has none, and the account joins the initiative."""
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("cohort__programme", "person")
        .filter(nomination=nomination)
        .first()
    )
    if participant is None or nomination.decision != Decision.SELECTED:
        raise ValidationError(_("This link is not for a place in the cohort."))
    if participant.status == ParticipantStatus.WITHDRAWN:
        raise ValidationError(_("This place was given up."))
    if participant.user_id not in (None, user.pk):
        raise ValidationError(_("This place was already taken by another account."))
    if (
        Participant.objects.filter(cohort=participant.cohort, user=user)
        .exclude(pk=participant.pk)
        .exists()
    ):
        raise ValidationError(_("Your account already takes part in this cohort."))
    participant.user = user
    participant.save(update_fields=["user", "updated_at"])
    person = participant.person
    if person.user_id is None and not Person.objects.filter(user=user).exists():
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    membership_ensure(participant=participant)
    return participant


@transaction.atomic
def participant_join_with_signup(
    *, nomination: Nomination, username: str, password: str, first_name: str, last_name: str = ""
):
    """Create the selected candidate's account (with the e-mail their link was sent to) and
    take the place: both or neither."""
    if nomination.decision != Decision.SELECTED:
        raise ValidationError(_("This link is not for a place in the cohort."))
    user = user_create(
        username=username,
        password=password,
        email=nomination.candidate_email,
        first_name=first_name,
        last_name=last_name,
    )
    participant_join(nomination=nomination, user=user)
    return user
