"""Reads of the alumni network and of testimonials.

`visible_fields` is the one rule for what a viewer sees of an alumni profile: the directory,
the profile page, the CSV export, the API and the search index all go through it, so a field
hidden from a viewer cannot surface in any channel. `testimonials_shown` is the one rule for
where a testimonial may appear (approved, consent in force, within its scope)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from meshutaf.core.access import Action, Role, active_user, role_allows

from ..models import (
    PROFILE_FIELDS,
    AlumniProfile,
    ConsentScope,
    Exchange,
    FieldVisibility,
    MatchStatus,
    MentoringMatch,
    MentoringOffer,
    Participant,
    ParticipantStatus,
    Programme,
    Testimonial,
    TestimonialStatus,
)

# A role not confirmed for this long is flagged: a directory of stale roles is not used.
ROLE_STALE_AFTER = dt.timedelta(days=365)
OPEN_EXCHANGES_SHOWN = 8
NEW_OFFERS_SHOWN = 6


class Level(IntEnum):
    """How far a viewer sees into profiles; a field is seen at or above its own level."""

    MEMBERS = 0
    ALUMNI = 1
    STAFF = 2


FIELD_LEVEL = {
    FieldVisibility.MEMBERS: Level.MEMBERS,
    FieldVisibility.ALUMNI: Level.ALUMNI,
    FieldVisibility.STAFF: Level.STAFF,
}


@dataclass(frozen=True)
class AlumniViewer:
    """Who is looking at a programme's alumni: their level and, for an alumnus, their own
    opted-in profile (they always see all of it)."""

    level: Level
    user_id: int | None = None
    profile: AlumniProfile | None = None

    @property
    def staff(self) -> bool:
        return self.level == Level.STAFF


# Whoever may search the initiative: what the search index may hold of a profile.
EVERY_MEMBER = AlumniViewer(level=Level.MEMBERS)


def own_profile(*, programme: Programme, user) -> AlumniProfile | None:
    """The user's profile in the programme (opted in or not)."""
    if not active_user(user):
        return None
    return (
        AlumniProfile.objects.filter(programme=programme, user=user)
        .select_related("person", "organisation", "cohort")
        .first()
    )


def alumni_viewer(*, programme: Programme, user, role: Role | str | None) -> AlumniViewer:
    """The viewer's level in the programme's alumni network. `role` is the one the gate
    returned (outsiders never get here)."""
    if role_allows(role, Action.MANAGE):
        return AlumniViewer(level=Level.STAFF, user_id=user.pk)
    mine = own_profile(programme=programme, user=user)
    if mine is not None and mine.opted_in_at is not None:
        return AlumniViewer(level=Level.ALUMNI, user_id=user.pk, profile=mine)
    return AlumniViewer(level=Level.MEMBERS, user_id=getattr(user, "pk", None))


def visible_fields(profile: AlumniProfile, viewer: AlumniViewer) -> dict[str, Any]:
    """The profile's fields this viewer may see, by name (organisation as its name); a field
    the viewer may not see is absent, never present and empty. Staff and the profile's owner
    see everything."""
    own = viewer.user_id is not None and profile.user_id == viewer.user_id
    shown: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        if own or viewer.level >= FIELD_LEVEL[FieldVisibility(profile.field_visibility(name))]:
            if name == "organisation":
                shown[name] = str(profile.organisation) if profile.organisation_id else ""
            else:
                shown[name] = getattr(profile, name)
    return shown


def role_unconfirmed_since(profile: AlumniProfile, *, today: dt.date | None = None):
    """The date since which the profile's role has not been confirmed, when that is more
    than a year ago (or it never was); None while it is current."""
    today = today or timezone.localdate()
    confirmed = profile.role_confirmed_on
    if confirmed is not None and today - confirmed <= ROLE_STALE_AFTER:
        return None
    if confirmed is not None:
        return confirmed
    return timezone.localdate(profile.opted_in_at) if profile.opted_in_at else None


@dataclass
class AlumniCard:
    profile: AlumniProfile
    name: str
    fields: dict[str, Any]
    role_unconfirmed_since: dt.date | None
    mine: bool


def _card(profile: AlumniProfile, viewer: AlumniViewer, today: dt.date) -> AlumniCard:
    fields = visible_fields(profile, viewer)
    stale = role_unconfirmed_since(profile, today=today) if "role_title" in fields else None
    return AlumniCard(
        profile=profile,
        name=profile.person.full_name,
        fields=fields,
        role_unconfirmed_since=stale,
        mine=viewer.user_id is not None and profile.user_id == viewer.user_id,
    )


def _matches(card: AlumniCard, words: list[str]) -> bool:
    """Every word of the query in the name or a field the viewer sees (and nowhere else)."""
    text = " ".join([card.name, *(str(value) for value in card.fields.values())]).casefold()
    return all(word in text for word in words)


def opted_in(programme: Programme) -> QuerySet[AlumniProfile]:
    return AlumniProfile.objects.filter(
        programme=programme, opted_in_at__isnull=False
    ).select_related("person", "organisation", "cohort")


def alumni_cards(
    *, programme: Programme, viewer: AlumniViewer, query: str = "", today: dt.date | None = None
) -> list[AlumniCard]:
    """The programme's opted-in alumni as the viewer sees them, filtered by `query` over the
    visible fields only: a match in a hidden field is no match. One query."""
    today = today or timezone.localdate()
    words = [word for word in query.casefold().split() if word]
    cards = [_card(profile, viewer, today) for profile in opted_in(programme)]
    return [card for card in cards if _matches(card, words)] if words else cards


def alumni_card(
    *, profile: AlumniProfile, viewer: AlumniViewer, today: dt.date | None = None
) -> AlumniCard:
    return _card(profile, viewer, today or timezone.localdate())


def open_exchanges(
    *, programme: Programme, limit: int | None = OPEN_EXCHANGES_SHOWN
) -> list[Exchange]:
    exchanges = (
        Exchange.objects.filter(
            profile__programme=programme,
            profile__opted_in_at__isnull=False,
            closed_at__isnull=True,
        )
        .select_related("profile__person")
        .order_by("-created_at", "-pk")
    )
    return list(exchanges[:limit] if limit else exchanges)


def open_mentoring_offers(
    *, programme: Programme, limit: int | None = NEW_OFFERS_SHOWN
) -> list[MentoringOffer]:
    """Open offers with a place left, newest first, each with `taken` (accepted mentees)."""
    offers = (
        MentoringOffer.objects.filter(
            mentor__programme=programme, mentor__opted_in_at__isnull=False, active=True
        )
        .select_related("mentor__person")
        .annotate(taken=Count("matches", filter=Q(matches__status=MatchStatus.ACCEPTED)))
        .order_by("-created_at", "-pk")
    )
    listed: list[MentoringOffer] = [offer for offer in offers if offer.taken < offer.capacity]
    return listed[:limit] if limit else listed


def mentoring_requests_for(*, profile: AlumniProfile) -> list[MentoringMatch]:
    """Requests waiting for this mentor's answer, and their current mentees."""
    return list(
        MentoringMatch.objects.filter(
            offer__mentor=profile, status__in=[MatchStatus.REQUESTED, MatchStatus.ACCEPTED]
        )
        .select_related("offer", "mentee")
        .order_by("status", "-created_at")
    )


def my_mentoring_requests(*, programme: Programme, user) -> list[MentoringMatch]:
    return list(
        MentoringMatch.objects.filter(offer__mentor__programme=programme, mentee=user)
        .select_related("offer__mentor__person")
        .order_by("-created_at")
    )


def graduation_for(*, programme: Programme, user) -> Participant | None:
    """The user's graduation from a cohort of the programme (the latest), if any."""
    if not active_user(user):
        return None
    return (
        Participant.objects.filter(
            cohort__programme=programme, user=user, status=ParticipantStatus.GRADUATED
        )
        .select_related("person", "organisation", "cohort", "nomination")
        .order_by("-cohort__end_date", "-pk")
        .first()
    )


@dataclass
class AlumniHome:
    """The directory's page: what is new first (asks, offers, mentors with room), then the
    people. Built so that a returning alumnus finds something to act on."""

    viewer: AlumniViewer
    cards: list[AlumniCard]
    exchanges: list[Exchange]
    offers: list[MentoringOffer]
    mine: AlumniProfile | None
    may_join: bool
    waiting: list[MentoringMatch] = field(default_factory=list)
    total: int = 0


def alumni_home(
    *, programme: Programme, user, role, query: str = "", today: dt.date | None = None
) -> AlumniHome:
    viewer = alumni_viewer(programme=programme, user=user, role=role)
    mine = viewer.profile or own_profile(programme=programme, user=user)
    may_join = mine is None and graduation_for(programme=programme, user=user) is not None
    cards = alumni_cards(programme=programme, viewer=viewer, query=query, today=today)
    waiting = mentoring_requests_for(profile=mine) if mine and mine.opted_in_at else []
    return AlumniHome(
        viewer=viewer,
        cards=cards,
        exchanges=open_exchanges(programme=programme),
        offers=open_mentoring_offers(programme=programme),
        mine=mine,
        may_join=may_join or (mine is not None and mine.opted_in_at is None),
        waiting=waiting,
        total=len(cards),
    )


# ---------------------------------------------------------------- testimonials

# The channels a testimonial may appear in, each with the consent scopes that allow it.
CHANNEL_SCOPES = {
    ConsentScope.PROGRAMME: [ConsentScope.PROGRAMME, ConsentScope.REPORTS, ConsentScope.PUBLIC],
    ConsentScope.REPORTS: [ConsentScope.REPORTS, ConsentScope.PUBLIC],
    ConsentScope.PUBLIC: [ConsentScope.PUBLIC],
}


def shown_q(*, channel: str, today: dt.date | None = None) -> Q:
    """A testimonial (or a translation, which carries its original's consent) may be shown in
    `channel`: approved, its original approved too, consent not withdrawn, not expired, and
    given for at least this channel."""
    today = today or timezone.localdate()
    return (
        Q(status=TestimonialStatus.APPROVED)
        & (Q(original__isnull=True) | Q(original__status=TestimonialStatus.APPROVED))
        & Q(consent_withdrawn_at__isnull=True)
        & (Q(consent_expires__isnull=True) | Q(consent_expires__gte=today))
        & Q(consent_scope__in=CHANNEL_SCOPES[ConsentScope(channel)])
    )


def testimonials_shown(
    *,
    programme: Programme,
    channel: str,
    today: dt.date | None = None,  # noqa: PT028 (not a test)
) -> list[Testimonial]:
    return list(
        Testimonial.objects.filter(
            shown_q(channel=channel, today=today), profile__programme=programme
        )
        .select_related("profile__person", "original")
        .order_by("original_id", "-created_at", "pk")
    )


def testimonial_is_shown(
    testimonial: Testimonial,
    *,
    channel: str,
    today: dt.date | None = None,  # noqa: PT028 (not a test)
) -> bool:
    return Testimonial.objects.filter(
        shown_q(channel=channel, today=today), pk=testimonial.pk
    ).exists()


def testimonials_for_staff(*, programme: Programme) -> list[Testimonial]:
    return list(
        Testimonial.objects.filter(profile__programme=programme)
        .select_related("profile__person", "original", "reviewed_by")
        .order_by("status", "-created_at", "pk")
    )


def testimonials_of(*, profile: AlumniProfile) -> list[Testimonial]:
    return list(
        Testimonial.objects.filter(profile=profile)
        .select_related("original")
        .order_by("-created_at", "pk")
    )
