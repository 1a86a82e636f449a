"""Writes of the alumni network (profiles, asks and offers, mentoring) and of testimonials.
Each caller has passed the object's gate; the rules about who may do what to whose profile
are checked here too, so the API and the pages cannot differ."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meshutaf.core.access import Action, role_allows
from meshutaf.initiatives.permissions import initiative_role

from .. import indexing
from ..models import (
    PROFILE_FIELDS,
    AlumniProfile,
    Cohort,
    ConsentScope,
    Exchange,
    ExchangeKind,
    FieldVisibility,
    MatchStatus,
    MentoringMatch,
    MentoringOffer,
    Programme,
    Testimonial,
    TestimonialStatus,
)
from ..selectors.alumni import graduation_for

PROFILE_TEXT_FIELDS = ("role_title", "bio", "expertise", "email", "phone")
MAX_CAPACITY = 20
MAX_TEXT = 4000


def _staff(*, programme: Programme, user) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return role_allows(
        initiative_role(user=user, initiative_id=programme.initiative_id), Action.MANAGE
    )


def _member(*, programme: Programme, user) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return initiative_role(user=user, initiative_id=programme.initiative_id) is not None


def _clean_visibility(visibility: dict[str, Any] | None) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for name, level in (visibility or {}).items():
        if name not in PROFILE_FIELDS:
            raise ValidationError(
                {"visibility": _("%(field)s is not a field of the profile.") % {"field": name}}
            )
        if level not in FieldVisibility.values:
            raise ValidationError({"visibility": _("Choose who sees %(field)s.") % {"field": name}})
        chosen[name] = str(level)
    return {name: chosen.get(name, str(default)) for name, default in PROFILE_FIELDS.items()}


def _apply_profile_data(profile: AlumniProfile, data: dict[str, Any]) -> None:
    for name in PROFILE_TEXT_FIELDS:
        if name in data:
            setattr(profile, name, (data[name] or "").strip())
    if "organisation" in data:
        profile.organisation = data["organisation"]
    if "visibility" in data:
        profile.visibility = _clean_visibility(data["visibility"])
    profile.full_clean(exclude=["programme", "person", "user", "cohort"])


# ---------------------------------------------------------------- profiles


@transaction.atomic
def alumni_profile_add(
    *, programme: Programme, by, person, cohort: Cohort | None = None, user=None
) -> AlumniProfile:
    """Staff record a graduate of an earlier cohort (before the app), so that they can opt
    in. The profile stays out of the directory until they do."""
    if not _staff(programme=programme, user=by):
        raise ValidationError(_("Only the programme's staff add graduates."))
    if cohort is not None and cohort.programme_id != programme.pk:
        raise ValidationError({"cohort": _("That cohort belongs to another programme.")})
    if AlumniProfile.objects.filter(programme=programme, person=person).exists():
        raise ValidationError({"person": _("This person is already in the alumni network.")})
    profile = AlumniProfile(
        programme=programme,
        person=person,
        user=user or person.user,
        cohort=cohort,
        visibility=_clean_visibility(None),
    )
    profile.save()
    return profile


@transaction.atomic
def alumni_profile_opt_in(*, programme: Programme, user, **data: Any) -> AlumniProfile:
    """A graduate joins the alumni network: their profile (made from their graduation, or the
    one staff added), the fields they fill and who sees each (`visibility`: field → level;
    fields left out keep their default). Joining confirms the role as of today."""
    profile = (
        AlumniProfile.objects.select_for_update().filter(programme=programme, user=user).first()
    )
    if profile is None:
        graduation = graduation_for(programme=programme, user=user)
        if graduation is None:
            raise ValidationError(_("Only graduates of the programme can join its alumni network."))
        if AlumniProfile.objects.filter(programme=programme, person=graduation.person).exists():
            raise ValidationError(_("This person is already in the alumni network."))
        profile = AlumniProfile(
            programme=programme,
            person=graduation.person,
            user=user,
            cohort=graduation.cohort,
            organisation=graduation.organisation,
            role_title=graduation.nomination.role_title if graduation.nomination else "",
            email=graduation.person.email,
        )
    elif profile.opted_in_at is not None:
        raise ValidationError(_("You are already in the alumni network."))
    data.setdefault("visibility", profile.visibility or None)
    _apply_profile_data(profile, data)
    profile.opted_in_at = timezone.now()
    profile.role_confirmed_on = timezone.localdate()
    profile.save()
    indexing.index_profile(profile)
    return profile


@transaction.atomic
def alumni_profile_update(*, profile: AlumniProfile, by, data: dict[str, Any]) -> AlumniProfile:
    """The graduate (or staff) edit the profile. A new role or organisation is a confirmed
    role."""
    if profile.user_id != by.pk and not _staff(programme=profile.programme, user=by):
        raise ValidationError(_("Only the graduate or the programme's staff edit this profile."))
    before = (profile.role_title, profile.organisation_id)
    _apply_profile_data(profile, data)
    if (profile.role_title, profile.organisation_id) != before:
        profile.role_confirmed_on = timezone.localdate()
    profile.save()
    indexing.index_profile(profile)
    return profile


@transaction.atomic
def alumni_role_confirm(*, profile: AlumniProfile, by) -> AlumniProfile:
    """ "My role is still this": confirmed as of today."""
    if profile.user_id != by.pk:
        raise ValidationError(_("Only the graduate can confirm their own role."))
    profile.role_confirmed_on = timezone.localdate()
    profile.save(update_fields=["role_confirmed_on", "updated_at"])
    return profile


@transaction.atomic
def alumni_profile_opt_out(*, profile: AlumniProfile, by) -> AlumniProfile:
    """The graduate leaves the network: out of the directory and the search, their asks and
    offers closed, their mentoring offers closed. Testimonials keep their own consent."""
    if profile.user_id != by.pk and not _staff(programme=profile.programme, user=by):
        raise ValidationError(_("Only the graduate or the programme's staff can do this."))
    now = timezone.now()
    profile.opted_in_at = None
    profile.save(update_fields=["opted_in_at", "updated_at"])
    profile.exchanges.filter(closed_at__isnull=True).update(closed_at=now)
    profile.mentoring_offers.filter(active=True).update(active=False)
    indexing.index_profile(profile)
    return profile


def _opted_in_owner(profile: AlumniProfile, by) -> None:
    if profile.opted_in_at is None:
        raise ValidationError(_("Join the alumni network first."))
    if profile.user_id != by.pk:
        raise ValidationError(_("Only the graduate can do this on their profile."))


# ---------------------------------------------------------------- asks and offers


@transaction.atomic
def exchange_post(*, profile: AlumniProfile, by, kind: str, text: str) -> Exchange:
    _opted_in_owner(profile, by)
    text = (text or "").strip()
    errors = {}
    if kind not in ExchangeKind.values:
        errors["kind"] = _("Choose an ask or an offer.")
    if not text:
        errors["text"] = _("Write what you ask for or offer.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("At most %(count)s characters.") % {"count": MAX_TEXT}
    if errors:
        raise ValidationError(errors)
    return Exchange.objects.create(profile=profile, kind=kind, text=text)


@transaction.atomic
def exchange_close(*, exchange: Exchange, by) -> Exchange:
    profile = exchange.profile
    if profile.user_id != by.pk and not _staff(programme=profile.programme, user=by):
        raise ValidationError(_("Only its author or the programme's staff close it."))
    if exchange.closed_at is None:
        exchange.closed_at = timezone.now()
        exchange.save(update_fields=["closed_at", "updated_at"])
    return exchange


# ---------------------------------------------------------------- mentoring


def _capacity(capacity: Any) -> int:
    if (
        not isinstance(capacity, int)
        or isinstance(capacity, bool)
        or not 1 <= capacity <= MAX_CAPACITY
    ):
        raise ValidationError(
            {"capacity": _("Between 1 and %(count)s mentees.") % {"count": MAX_CAPACITY}}
        )
    return capacity


@transaction.atomic
def mentoring_offer_create(
    *, profile: AlumniProfile, by, topics: str, capacity: int = 1
) -> MentoringOffer:
    _opted_in_owner(profile, by)
    topics = (topics or "").strip()
    if not topics:
        raise ValidationError({"topics": _("Say what you can mentor on.")})
    if len(topics) > 300:
        raise ValidationError({"topics": _("At most %(count)s characters.") % {"count": 300}})
    return MentoringOffer.objects.create(
        mentor=profile, topics=topics, capacity=_capacity(capacity)
    )


@transaction.atomic
def mentoring_offer_update(
    *, offer: MentoringOffer, by, capacity: int | None = None, active: bool | None = None
) -> MentoringOffer:
    if offer.mentor.user_id != by.pk:
        raise ValidationError(_("Only the mentor changes their offer."))
    if capacity is not None:
        offer.capacity = _capacity(capacity)
    if active is not None:
        offer.active = active
    offer.save(update_fields=["capacity", "active", "updated_at"])
    return offer


def _accepted(offer: MentoringOffer) -> int:
    return offer.matches.filter(status=MatchStatus.ACCEPTED).count()


@transaction.atomic
def mentoring_request(*, offer: MentoringOffer, by, message: str = "") -> MentoringMatch:
    """A member of the initiative asks the mentor for mentoring."""
    offer = (
        MentoringOffer.objects.select_for_update(of=("self",))
        .select_related("mentor__programme")
        .get(pk=offer.pk)
    )
    if not offer.active or offer.mentor.opted_in_at is None:
        raise ValidationError(_("This mentoring offer is closed."))
    if offer.mentor.user_id == by.pk:
        raise ValidationError(_("You cannot ask yourself for mentoring."))
    if not _member(programme=offer.mentor.programme, user=by):
        raise ValidationError(_("Only members of the programme's initiative can ask."))
    if offer.matches.filter(
        mentee=by, status__in=[MatchStatus.REQUESTED, MatchStatus.ACCEPTED]
    ).exists():
        raise ValidationError(_("You have already asked this mentor."))
    if _accepted(offer) >= offer.capacity:
        raise ValidationError(_("This mentor has no place left at the moment."))
    message = (message or "").strip()
    if len(message) > MAX_TEXT:
        raise ValidationError({"message": _("At most %(count)s characters.") % {"count": MAX_TEXT}})
    return MentoringMatch.objects.create(offer=offer, mentee=by, message=message)


@transaction.atomic
def mentoring_respond(*, match: MentoringMatch, by, accept: bool) -> MentoringMatch:
    """The mentor accepts or declines a request; accepting beyond the offer's capacity is
    refused (the offer is locked, so two acceptances at once cannot both take the last
    place)."""
    offer = (
        MentoringOffer.objects.select_for_update(of=("self",))
        .select_related("mentor")
        .get(pk=match.offer_id)
    )
    if offer.mentor.user_id != by.pk:
        raise ValidationError(_("Only the mentor answers a request."))
    match = MentoringMatch.objects.select_for_update().get(pk=match.pk)
    if match.status != MatchStatus.REQUESTED:
        raise ValidationError(_("This request has already been answered."))
    if accept and _accepted(offer) >= offer.capacity:
        raise ValidationError(
            _("You already mentor %(count)s people, as many as you offered.")
            % {"count": offer.capacity}
        )
    match.status = MatchStatus.ACCEPTED if accept else MatchStatus.DECLINED
    match.save(update_fields=["status", "updated_at"])
    return match


@transaction.atomic
def mentoring_end(*, match: MentoringMatch, by) -> MentoringMatch:
    if by.pk not in (match.mentee_id, match.offer.mentor.user_id):
        raise ValidationError(_("Only the mentor or the mentee end the mentoring."))
    if match.status in (MatchStatus.REQUESTED, MatchStatus.ACCEPTED):
        match.status = MatchStatus.ENDED
        match.save(update_fields=["status", "updated_at"])
    return match


# ---------------------------------------------------------------- testimonials


def _consent(scope: str, expires: dt.date | None) -> dict[str, str]:
    errors = {}
    if scope not in ConsentScope.values:
        errors["consent_scope"] = _("Choose where the testimonial may be used.")
    if expires is not None and expires <= timezone.localdate():
        errors["consent_expires"] = _("The consent's expiry must be a date in the future.")
    return errors


def _language_and_text(language: str, text: str) -> dict[str, str]:
    errors = {}
    if language not in {code for code, _name in settings.LANGUAGES}:
        errors["language"] = _("Choose the testimonial's language.")
    if not (text or "").strip():
        errors["text"] = _("Write the testimonial.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("At most %(count)s characters.") % {"count": MAX_TEXT}
    return errors


@transaction.atomic
def testimonial_submit(
    *,
    programme: Programme,
    by,
    language: str,
    text: str,
    consent_scope: str,
    consent_expires: dt.date | None = None,  # noqa: PT028 (not a test)
) -> Testimonial:
    """A graduate writes a testimonial and consents to its use within `consent_scope` until
    `consent_expires` (or until they withdraw). It waits for the staff's approval."""
    profile = AlumniProfile.objects.filter(programme=programme, user=by).first()
    if profile is None:
        graduation = graduation_for(programme=programme, user=by)
        if graduation is None:
            raise ValidationError(_("Only graduates of the programme write testimonials."))
        profile = AlumniProfile.objects.create(
            programme=programme,
            person=graduation.person,
            user=by,
            cohort=graduation.cohort,
            organisation=graduation.organisation,
            visibility=_clean_visibility(None),
        )
    errors = _language_and_text(language, text) | _consent(consent_scope, consent_expires)
    if errors:
        raise ValidationError(errors)
    return Testimonial.objects.create(
        profile=profile,
        language=language,
        text=text.strip(),
        consent_scope=consent_scope,
        consent_given_at=timezone.now(),
        consent_expires=consent_expires,
    )


@transaction.atomic
def testimonial_consent_withdraw(*, testimonial: Testimonial, by) -> Testimonial:
    """The graduate withdraws consent (staff may record it for them): the testimonial and its
    language versions stop being shown everywhere at once."""
    root = testimonial.original or testimonial
    if root.profile.user_id != by.pk and not _staff(programme=root.profile.programme, user=by):
        raise ValidationError(_("Only the graduate or the programme's staff withdraw consent."))
    now = timezone.now()
    Testimonial.objects.filter(pk=root.pk, consent_withdrawn_at__isnull=True).update(
        consent_withdrawn_at=now, updated_at=now
    )
    root.translations.filter(consent_withdrawn_at__isnull=True).update(
        consent_withdrawn_at=now, updated_at=now
    )
    testimonial.refresh_from_db()
    return testimonial


@transaction.atomic
def testimonial_consent_update(
    *, testimonial: Testimonial, by, consent_scope: str, consent_expires: dt.date | None
) -> Testimonial:
    """The graduate narrows or widens the consent; the language versions follow."""
    root = testimonial.original or testimonial
    if root.profile.user_id != by.pk:
        raise ValidationError(_("Only the graduate changes their consent."))
    if root.consent_withdrawn_at is not None:
        raise ValidationError(_("Consent was withdrawn: write the testimonial again to give it."))
    errors = _consent(consent_scope, consent_expires)
    if errors:
        raise ValidationError(errors)
    Testimonial.objects.filter(pk=root.pk).update(
        consent_scope=consent_scope, consent_expires=consent_expires, updated_at=timezone.now()
    )
    root.translations.update(consent_scope=consent_scope, consent_expires=consent_expires)
    testimonial.refresh_from_db()
    return testimonial


@transaction.atomic
def testimonial_review(*, testimonial: Testimonial, by, approve: bool) -> Testimonial:
    """Staff approve or reject a testimonial (or a language version)."""
    if not _staff(programme=testimonial.profile.programme, user=by):
        raise ValidationError(_("Only the programme's staff approve testimonials."))
    testimonial.status = TestimonialStatus.APPROVED if approve else TestimonialStatus.REJECTED
    testimonial.reviewed_by = by
    testimonial.reviewed_at = timezone.now()
    testimonial.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    return testimonial


@transaction.atomic
def testimonial_translate(*, original: Testimonial, by, language: str, text: str) -> Testimonial:
    """A language version of a testimonial, under the original's consent. One written by
    staff is approved as it is written; one by the graduate waits for approval like the
    original."""
    if original.original_id is not None:
        original = original.original  # type: ignore[assignment]
    staff = _staff(programme=original.profile.programme, user=by)
    if original.profile.user_id != by.pk and not staff:
        raise ValidationError(_("Only the graduate or the programme's staff add a translation."))
    if original.consent_withdrawn_at is not None:
        raise ValidationError(_("Consent was withdrawn: this testimonial is no longer used."))
    errors = _language_and_text(language, text)
    if not errors and (
        language == original.language or original.translations.filter(language=language).exists()
    ):
        errors["language"] = _("There is already a version in this language.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    return Testimonial.objects.create(
        profile=original.profile,
        original=original,
        language=language,
        text=text.strip(),
        consent_scope=original.consent_scope,
        consent_given_at=original.consent_given_at,
        consent_expires=original.consent_expires,
        status=TestimonialStatus.APPROVED if staff else TestimonialStatus.PENDING,
        reviewed_by=by if staff else None,
        reviewed_at=now if staff else None,
    )
