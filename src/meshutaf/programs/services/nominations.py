"""Writes for nominations: the links directors-general nominate by, the nominations
themselves (by link or entered by staff), the candidate's consent and application, and the
calibration dossiers. Links carry a token whose sha256 alone is stored; mail goes on commit.

Nominators and candidates hold no account: the token is their permission. Views find the
invitation or nomination by token and show `*_problem`'s words; the services check again
under a row lock, so two tabs cannot nominate past the limit or submit twice.
"""

from __future__ import annotations

import datetime
import logging
import os
import secrets
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meshutaf.accounts.models import hash_token
from meshutaf.core.services import model_save
from meshutaf.core.text import normalize_email
from meshutaf.directory.models import Affiliation, Organisation, Person
from meshutaf.directory.services import affiliation_add, person_create

from ..models import (
    Application,
    Cohort,
    CohortPhase,
    Nomination,
    NominationStatus,
    NominatorInvitation,
    NominatorRole,
    Referee,
)
from ..selectors.nominations import RELEASED

logger = logging.getLogger(__name__)

INVITATION_VALID_DAYS = 30
CV_MAX_BYTES = 5 * 1024 * 1024
MAX_REFEREES = 3
MAX_CALIBRATION_ANCHORS = 5
CANDIDATE_FIELDS = (
    "candidate_name",
    "candidate_email",
    "candidate_phone",
    "rank",
    "role_title",
    "gender",
    "nominator_statement",
)
REFEREE_FIELDS = ("name", "role_title", "email", "phone", "relation")


class InvitationCreated(NamedTuple):
    invitation: NominatorInvitation
    raw_token: str  # e-mailed once; only its hash is stored


class NominationCreated(NamedTuple):
    nomination: Nomination
    raw_token: str  # the candidate's application link, e-mailed once


class Problem(NamedTuple):
    status: int  # 404 for a link that never was, 410 for one that no longer works
    message: str


def _new_token() -> tuple[str, str]:
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


def _absolute(path: str, base_url: str | None) -> str:
    return (base_url or settings.SITE_URL).rstrip("/") + path


def nominate_url(raw_token: str, *, base_url: str | None = None) -> str:
    return _absolute(reverse("programs:nominate", args=[raw_token]), base_url)


def apply_url(raw_token: str, *, base_url: str | None = None) -> str:
    return _absolute(reverse("programs:apply", args=[raw_token]), base_url)


def _mail(*, template: str, subject: str, to: str, context: dict, what: str, pk: int) -> None:
    """Send one message. A failure is logged by the row's id, never with the link: the row
    stays and staff can send a new link."""
    try:
        send_mail(subject, render_to_string(template, context), None, [to])
    except Exception:
        logger.exception("Could not email %s %s", what, pk)


def _send_invitation(invitation_id: int, raw_token: str, base_url: str | None) -> None:
    invitation = NominatorInvitation.objects.select_related("cohort__programme").get(
        pk=invitation_id
    )
    _mail(
        template="programs/nominations/email/invitation.txt",
        subject=_("Nominate candidates for “%(programme)s”")
        % {"programme": invitation.cohort.programme.name},
        to=invitation.nominator_email,
        context={"invitation": invitation, "url": nominate_url(raw_token, base_url=base_url)},
        what="nomination link",
        pk=invitation.pk,
    )


def _send_candidate(nomination_id: int, raw_token: str, base_url: str | None) -> None:
    nomination = Nomination.objects.select_related("cohort__programme").get(pk=nomination_id)
    _mail(
        template="programs/nominations/email/candidate.txt",
        subject=_("You were nominated for “%(programme)s”")
        % {"programme": nomination.cohort.programme.name},
        to=nomination.candidate_email,
        context={"nomination": nomination, "url": apply_url(raw_token, base_url=base_url)},
        what="application link",
        pk=nomination.pk,
    )


# ---------------------------------------------------------------- the directory


def person_by_email(email: str) -> Person | None:
    """The directory entry with this e-mail: one with an account first, then the oldest."""
    if not email:
        return None
    return (
        Person.objects.filter(email__iexact=email)
        .order_by(F("user").asc(nulls_last=True), "pk")
        .first()
    )


def _candidate_person(*, nomination: Nomination, by) -> Person:
    """The candidate in the directory (found by e-mail, else added) with an affiliation to
    the nominating ministry, so conflict detection can see who works where."""
    person = person_by_email(nomination.candidate_email)
    if person is None:
        person = person_create(
            by=by,
            full_name=nomination.candidate_name,
            email=nomination.candidate_email,
            phone=nomination.candidate_phone,
        )
    if not Affiliation.objects.filter(
        person=person, organisation=nomination.organisation, end_date__isnull=True
    ).exists():
        affiliation_add(
            person=person,
            by=by,
            organisation=nomination.organisation,
            role_title=nomination.role_title,
        )
    return person


# ---------------------------------------------------------------- nomination links


def _require_open(cohort: Cohort) -> None:
    if cohort.phase != CohortPhase.NOMINATION:
        raise ValidationError(_("Nominations for this cohort are closed."))


@transaction.atomic
def invitation_create(
    *,
    cohort: Cohort,
    by,
    organisation: Organisation,
    nominator_name: str,
    nominator_email: str,
    nominator_role: str = NominatorRole.DIRECTOR_GENERAL,
    on_behalf_of: str = "",
    max_nominations: int = 4,
    expires_at: datetime.datetime | None = None,
    base_url: str | None = None,
) -> InvitationCreated:
    """A nomination link for one ministry's or authority's nominator, e-mailed on commit."""
    _require_open(cohort)
    nominator_email = normalize_email(nominator_email)
    on_behalf_of = (on_behalf_of or "").strip()
    if nominator_role == NominatorRole.DELEGATE and not on_behalf_of:
        raise ValidationError(
            {"on_behalf_of": _("Name the director-general the delegate nominates for.")}
        )
    if max_nominations < 1:
        raise ValidationError({"max_nominations": _("Allow at least one nomination.")})
    expires_at = expires_at or timezone.now() + datetime.timedelta(days=INVITATION_VALID_DAYS)
    if expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    raw, digest = _new_token()
    invitation = model_save(
        NominatorInvitation(
            cohort=cohort,
            organisation=organisation,
            nominator_name=(nominator_name or "").strip(),
            nominator_email=nominator_email,
            nominator_role=nominator_role,
            nominator_person=person_by_email(nominator_email),
            on_behalf_of=on_behalf_of if nominator_role == NominatorRole.DELEGATE else "",
            max_nominations=max_nominations,
            token_hash=digest,
            expires_at=expires_at,
            sent_by=by,
        ),
        by=by,
    )
    transaction.on_commit(lambda: _send_invitation(invitation.pk, raw, base_url))
    return InvitationCreated(invitation, raw)


@transaction.atomic
def invitation_revoke(*, invitation: NominatorInvitation, by) -> NominatorInvitation:
    """The link stops working; nominations already made through it stay."""
    invitation = NominatorInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
    return invitation


@transaction.atomic
def invitation_resend(
    *, invitation: NominatorInvitation, by, base_url: str | None = None
) -> InvitationCreated:
    """A new link for the same nominator (the old one stops working), valid for another
    INVITATION_VALID_DAYS when it had expired, e-mailed on commit."""
    invitation = (
        NominatorInvitation.objects.select_for_update(of=("self",))
        .select_related("cohort")
        .get(pk=invitation.pk)
    )
    if invitation.revoked_at is not None:
        raise ValidationError(_("This link was revoked. Create a new link instead."))
    _require_open(invitation.cohort)
    raw, digest = _new_token()
    invitation.token_hash = digest
    invitation.sent_by = by
    if invitation.expires_at <= timezone.now():
        invitation.expires_at = timezone.now() + datetime.timedelta(days=INVITATION_VALID_DAYS)
    invitation.save(update_fields=["token_hash", "sent_by", "expires_at", "updated_at"])
    transaction.on_commit(lambda: _send_invitation(invitation.pk, raw, base_url))
    return InvitationCreated(invitation, raw)


def invitation_find(*, raw_token: str) -> NominatorInvitation | None:
    """The link's invitation; the token itself is the permission to see it."""
    if not raw_token:
        return None
    return (
        NominatorInvitation.objects.select_related(
            "cohort__programme", "cohort__rubric_version", "organisation"
        )
        .filter(token_hash=hash_token(raw_token))
        .first()
    )


def nominations_closed(cohort: Cohort) -> bool:
    if cohort.phase != CohortPhase.NOMINATION:
        return True
    return cohort.nominations_close is not None and timezone.localdate() > cohort.nominations_close


def invitation_problem(invitation: NominatorInvitation | None) -> Problem | None:
    """Why a nomination link cannot be used, in words for the person holding it."""
    if invitation is None:
        return Problem(
            404, _("This nomination link is not valid. Check that you copied all of it.")
        )
    if invitation.revoked_at is not None:
        return Problem(
            410, _("This nomination link was withdrawn. Ask the programme's staff for a new one.")
        )
    if invitation.expires_at <= timezone.now():
        return Problem(
            410, _("This nomination link has expired. Ask the programme's staff for a new one.")
        )
    if nominations_closed(invitation.cohort):
        return Problem(410, _("Nominations for this cohort are closed."))
    return None


def invitation_used(invitation: NominatorInvitation) -> int:
    return invitation.nominations.exclude(status__in=RELEASED).count()


def invitation_remaining(invitation: NominatorInvitation) -> int:
    return max(invitation.max_nominations - invitation_used(invitation), 0)


# ---------------------------------------------------------------- nominations


def _clean_candidate(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(CANDIDATE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown candidate fields: {sorted(unknown)}")
    data = {
        name: (value.strip() if isinstance(value, str) else value) for name, value in fields.items()
    }
    data["candidate_email"] = normalize_email(data.get("candidate_email") or "")
    return data


def _nomination_create(
    *,
    cohort: Cohort,
    by,
    organisation: Organisation,
    nominator_name: str,
    nominator_email: str,
    invitation: NominatorInvitation | None,
    candidate: Mapping[str, Any],
    base_url: str | None,
) -> NominationCreated:
    data = _clean_candidate(candidate)
    if data["candidate_email"] and (
        Nomination.objects.filter(cohort=cohort, candidate_email__iexact=data["candidate_email"])
        .exclude(status__in=RELEASED)
        .exists()
    ):
        raise ValidationError(
            {"candidate_email": _("Someone with this e-mail is already nominated to this cohort.")}
        )
    raw, digest = _new_token()
    nominator_email = normalize_email(nominator_email or "")
    nomination = Nomination(
        cohort=cohort,
        invitation=invitation,
        nominator_name=(nominator_name or "").strip(),
        nominator_email=nominator_email,
        nominator_person=(invitation.nominator_person if invitation else None)
        or person_by_email(nominator_email),
        organisation=organisation,
        candidate_token_hash=digest,
        **data,
    )
    nomination.full_clean(exclude=["candidate_person"])
    nomination.candidate_person = _candidate_person(nomination=nomination, by=by)
    nomination = model_save(nomination, by=by)
    transaction.on_commit(lambda: _send_candidate(nomination.pk, raw, base_url))
    return NominationCreated(nomination, raw)


@transaction.atomic
def nomination_create_by_link(
    *, invitation: NominatorInvitation, base_url: str | None = None, **candidate: Any
) -> NominationCreated:
    """A nomination through a director-general's link: refused when the link no longer
    works, nominations are closed, or the link's nominations are used up."""
    locked = (
        NominatorInvitation.objects.select_for_update(of=("self",))
        .select_related("cohort", "organisation", "nominator_person")
        .filter(pk=invitation.pk)
        .first()
    )
    if locked is None or (locked.token_hash != invitation.token_hash):
        raise ValidationError(_("This nomination link is not valid any more."))
    problem = invitation_problem(locked)
    if problem:
        raise ValidationError(problem.message)
    if invitation_used(locked) >= locked.max_nominations:
        raise ValidationError(
            _(
                "This link's %(count)s nominations are used up. "
                "Ask the programme's staff to allow more."
            )
            % {"count": locked.max_nominations}
        )
    name = locked.nominator_name
    if locked.nominator_role == NominatorRole.DELEGATE and locked.on_behalf_of:
        name = _("%(delegate)s, on behalf of %(director)s") % {
            "delegate": locked.nominator_name,
            "director": locked.on_behalf_of,
        }
    return _nomination_create(
        cohort=locked.cohort,
        by=None,
        organisation=locked.organisation,
        nominator_name=name,
        nominator_email=locked.nominator_email,
        invitation=locked,
        candidate=candidate,
        base_url=base_url,
    )


@transaction.atomic
def nomination_create(
    *,
    cohort: Cohort,
    by,
    organisation: Organisation,
    nominator_name: str,
    nominator_email: str = "",
    base_url: str | None = None,
    **candidate: Any,
) -> NominationCreated:
    """A nomination entered by staff (one that came on paper); the candidate is e-mailed
    their application link as with any other. Staff may enter one after the closing date,
    not once reviews have started."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    _require_open(cohort)
    return _nomination_create(
        cohort=cohort,
        by=by,
        organisation=organisation,
        nominator_name=nominator_name,
        nominator_email=nominator_email,
        invitation=None,
        candidate=candidate,
        base_url=base_url,
    )


@transaction.atomic
def nomination_resend_application_link(
    *, nomination: Nomination, by, base_url: str | None = None
) -> NominationCreated:
    """A new application link for the candidate (the old one stops working)."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != NominationStatus.NOMINATED:
        raise ValidationError(_("The candidate has already answered."))
    raw, digest = _new_token()
    nomination.candidate_token_hash = digest
    nomination.save(update_fields=["candidate_token_hash", "updated_at"])
    transaction.on_commit(lambda: _send_candidate(nomination.pk, raw, base_url))
    return NominationCreated(nomination, raw)


@transaction.atomic
def nomination_calibration_set(*, nomination: Nomination, by, anchor: bool) -> Nomination:
    """Mark (or unmark) a calibration dossier: every reviewer scores the same few first.
    Only while nominations are open, since calibration assignments are made as it starts."""
    cohort = Cohort.objects.select_for_update().get(pk=nomination.cohort_id)
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if cohort.phase != CohortPhase.NOMINATION:
        raise ValidationError(
            _("Calibration dossiers are chosen before calibration starts; it has started.")
        )
    if anchor and nomination.status in RELEASED:
        raise ValidationError(
            _("A declined or withdrawn nomination cannot be a calibration dossier.")
        )
    if anchor and not nomination.calibration_anchor:
        marked = Nomination.objects.filter(cohort=cohort, calibration_anchor=True).count()
        if marked >= MAX_CALIBRATION_ANCHORS:
            raise ValidationError(
                _("At most %(count)s calibration dossiers.") % {"count": MAX_CALIBRATION_ANCHORS}
            )
    if nomination.calibration_anchor != anchor:
        nomination.calibration_anchor = anchor
        nomination.save(update_fields=["calibration_anchor", "updated_at"])
    return nomination


# ---------------------------------------------------------------- the candidate


def nomination_find(*, raw_token: str) -> Nomination | None:
    """The nomination behind a candidate's link; the token is the permission to see it."""
    if not raw_token:
        return None
    return (
        Nomination.objects.select_related("cohort__programme", "organisation")
        .filter(candidate_token_hash=hash_token(raw_token))
        .first()
    )


def candidate_problem(nomination: Nomination | None) -> Problem | None:
    """Why a candidate's link cannot be used at all, in words for the candidate. A
    submitted application stays readable by its link."""
    if nomination is None:
        return Problem(
            404, _("This application link is not valid. Check that you copied all of it.")
        )
    if nomination.status == NominationStatus.DECLINED:
        return Problem(410, _("You declined this nomination. Nothing more is kept about you."))
    if nomination.status == NominationStatus.WITHDRAWN:
        return Problem(410, _("This nomination was withdrawn."))
    return None


def application_editable(nomination: Nomination) -> bool:
    return (
        nomination.status == NominationStatus.NOMINATED
        and nomination.cohort.phase == CohortPhase.NOMINATION
    )


def _lock_for_candidate(nomination: Nomination) -> Nomination:
    locked = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("cohort")
        .filter(pk=nomination.pk, candidate_token_hash=nomination.candidate_token_hash)
        .first()
    )
    problem = candidate_problem(locked)
    if problem:
        raise ValidationError(problem.message)
    assert locked is not None  # noqa: S101 (no problem: there is one)
    if locked.status != NominationStatus.NOMINATED:
        raise ValidationError(_("Your application is submitted and can no longer change."))
    if locked.cohort.phase != CohortPhase.NOMINATION:
        raise ValidationError(_("Applications for this cohort are closed."))
    return locked


@transaction.atomic
def candidate_consent(*, nomination: Nomination) -> Nomination:
    """The candidate agrees to what is stored and who sees it; then they may apply."""
    nomination = _lock_for_candidate(nomination)
    if nomination.consent_at is None:
        nomination.consent_at = timezone.now()
        nomination.save(update_fields=["consent_at", "updated_at"])
    return nomination


@transaction.atomic
def candidate_decline(*, nomination: Nomination) -> Nomination:
    """The candidate declines: the nomination is marked declined, a draft is deleted, the
    link stops working, and nothing of theirs is kept beyond what the nominator wrote."""
    nomination = _lock_for_candidate(nomination)
    application = Application.objects.filter(nomination=nomination).first()
    if application is not None:
        _delete_cv(application)
        application.delete()
    nomination.status = NominationStatus.DECLINED
    nomination.consent_at = None
    nomination.calibration_anchor = False
    nomination.save(update_fields=["status", "consent_at", "calibration_anchor", "updated_at"])
    return nomination


def _delete_cv(application: Application) -> None:
    name = application.cv.name
    if name:
        storage = application.cv.storage
        transaction.on_commit(lambda: storage.delete(name))


def cv_check(upload) -> None:
    """A CV is a PDF of at most CV_MAX_BYTES, judged by its bytes, not its name."""
    if upload.size > CV_MAX_BYTES:
        raise ValidationError(
            {"cv": _("The file is larger than %(size)s.") % {"size": filesizeformat(CV_MAX_BYTES)}}
        )
    if upload.size == 0:
        raise ValidationError({"cv": _("The file is empty.")})
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise ValidationError({"cv": _("Upload the CV as a PDF file.")})


def _clean_referees(referees: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    cleaned = []
    for row in referees:
        data = {name: str(row.get(name) or "").strip() for name in REFEREE_FIELDS}
        if not any(data.values()):
            continue
        if not data["name"]:
            raise ValidationError({"referees": _("Give each referee's name.")})
        if not (data["email"] or data["phone"]):
            raise ValidationError(
                {
                    "referees": _(
                        "Give an e-mail or a phone for each referee, so they can be reached."
                    )
                }
            )
        if data["email"]:
            data["email"] = normalize_email(data["email"])
        cleaned.append(data)
    if len(cleaned) > MAX_REFEREES:
        raise ValidationError(
            {"referees": _("At most %(count)s referees.") % {"count": MAX_REFEREES}}
        )
    return cleaned


@transaction.atomic
def application_save(
    *,
    nomination: Nomination,
    statement: str,
    leadership_example: str = "",
    cv=None,
    referees: Iterable[Mapping[str, Any]] = (),
    submit: bool = False,
) -> Application:
    """Save the candidate's application as a draft, or submit it (then it is read-only and
    the nomination is APPLIED). Submitting needs the statement, the CV and 1–3 referees;
    a draft keeps what was given. A new CV replaces the old one."""
    nomination = _lock_for_candidate(nomination)
    if nomination.consent_at is None:
        raise ValidationError(_("Agree to how your details are used before you apply."))
    statement = (statement or "").strip()
    leadership_example = (leadership_example or "").strip()
    rows = _clean_referees(referees)
    if cv is not None:
        cv_check(cv)
    application = Application.objects.filter(nomination=nomination).first()
    if application is None:
        application = Application(nomination=nomination)
    application.statement = statement
    application.leadership_example = leadership_example
    if submit:
        errors: dict[str, str] = {}
        if not statement:
            errors["statement"] = _("Write why you want to take part.")
        if cv is None and not application.cv:
            errors["cv"] = _("Attach your CV as a PDF file.")
        if not rows:
            errors["referees"] = _("Name at least one referee.")
        if errors:
            raise ValidationError(errors)
        application.submitted_at = timezone.now()
    old_cv = application.cv.name if application.cv else ""
    if cv is not None:
        application.cv_name = os.path.basename(cv.name or "cv.pdf")[:255]
        application.cv_size = cv.size
        application.cv.save("cv.pdf", cv, save=False)
        if old_cv and old_cv != application.cv.name:
            storage = application.cv.storage
            transaction.on_commit(lambda: storage.delete(old_cv))
    try:
        application.full_clean(
            exclude=["nomination", "statement"] if not submit else ["nomination"]
        )
        application.save()
    except Exception:
        # A refused save must not leave the new file behind.
        if cv is not None and application.cv.name:
            application.cv.storage.delete(application.cv.name)
        raise
    application.referees.all().delete()
    Referee.objects.bulk_create(Referee(application=application, **row) for row in rows)
    if submit:
        nomination.status = NominationStatus.APPLIED
        nomination.save(update_fields=["status", "updated_at"])
    return application
