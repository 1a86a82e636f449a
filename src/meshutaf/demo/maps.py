"""Stakeholder maps for two demo initiatives, with a history of consent moving over months.

Part of the demo workspace (`meshutaf demo`); the notes, log and checklist are in data/maps.toml.
History is backdated here, and only here, by setting simple-history's `_history_date` on the
records the demo writes.
"""

import datetime as dt
import itertools
import random
from typing import NamedTuple

from django.utils import timezone

from meshutaf.core.services import model_save
from meshutaf.demo.data import data_read, strings, text
from meshutaf.directory.models import Organisation, Person
from meshutaf.initiatives.models import GroupMember, Initiative, ReadinessItem
from meshutaf.stakeholder_map.models import (
    EngagementEntry,
    Relationship,
    SensitiveNote,
    StakeholderProfile,
)
from meshutaf.stakeholder_map.services import network_analyse

# How each sector tends to sit on a map like these: (power, interest) ranges.
SECTOR_POSITION = {
    "government": ((4, 5), (2, 4)),
    "local_authority": ((3, 5), (3, 5)),
    "philanthropy": ((3, 4), (3, 5)),
    "civil_society": ((2, 3), (4, 5)),
    "business": ((2, 4), (1, 3)),
    "academia": ((1, 3), (2, 4)),
    "community": ((1, 2), (4, 5)),
    "media": ((2, 4), (1, 3)),
    "other": ((1, 3), (1, 3)),
}
ENGAGEMENT = ["unaware", "resistant", "neutral", "supportive", "leading"]


class EngagementSpec(NamedTuple):
    days_ago: int
    kind: str
    summary: str
    follow_up_in_days: int | None  # from today; negative: overdue


class ReadinessSpec(NamedTuple):
    category: str
    title: str
    status: str


def sensitive_notes() -> tuple[str, ...]:
    return strings(data_read("maps")["sensitive_notes"])


def engagement_specs() -> tuple[EngagementSpec, ...]:
    return tuple(
        EngagementSpec(
            int(entry["days_ago"]),
            text(entry, "kind"),
            text(entry, "summary"),
            int(entry["follow_up_in_days"]) if "follow_up_in_days" in entry else None,
        )
        for entry in data_read("maps")["engagement"]
    )


def readiness_specs() -> tuple[ReadinessSpec, ...]:
    return tuple(
        ReadinessSpec(text(item, "category"), text(item, "title"), text(item, "status"))
        for item in data_read("maps")["readiness"]
    )


def build_map(*, initiative: Initiative, facilitator, rng: random.Random, months: int = 6) -> None:
    """A map of everyone connected to the initiative, and a few who are not at the table yet."""
    now = timezone.now()
    start = now - dt.timedelta(days=30 * months)
    seats = GroupMember.objects.filter(group__initiative=initiative).select_related("person")
    people = {seat.person_id: seat.person for seat in seats}
    organisations = {org.pk: org for org in initiative.leading_partners.all()}
    for person in people.values():
        for affiliation in person.affiliations.filter(end_date__isnull=True).select_related(
            "organisation"
        ):
            organisations.setdefault(affiliation.organisation_id, affiliation.organisation)
    # A few relevant bodies that are not at the table yet, so the map shows who is missing.
    for org in Organisation.objects.exclude(pk__in=organisations).order_by("pk")[:6]:
        organisations[org.pk] = org

    profiles: list[StakeholderProfile] = []
    subjects: list[Organisation | Person] = [*organisations.values(), *list(people.values())[:30]]
    for subject in subjects:
        profile = StakeholderProfile(
            initiative=initiative,
            organisation=subject if isinstance(subject, Organisation) else None,
            person=subject if isinstance(subject, Person) else None,
        )
        sector = subject.sector if isinstance(subject, Organisation) else _person_sector(subject)
        (power_low, power_high), (interest_low, interest_high) = SECTOR_POSITION.get(
            sector, SECTOR_POSITION["other"]
        )
        profile.power = rng.randint(power_low, power_high)
        profile.interest = rng.randint(interest_low, interest_high)
        profile.has_power = profile.power >= 4
        profile.has_legitimacy = rng.random() < 0.7
        profile.has_urgency = rng.random() < 0.4
        profile.engagement_current = rng.choice(ENGAGEMENT[:3])
        profile.engagement_desired = rng.choice(ENGAGEMENT[3:])
        profile.iap2_level = rng.choice(["inform", "consult", "involve", "collaborate"])
        profile.consent = rng.choice(["none", "passive", "passive", "opposed"])
        profile.influence_bases = rng.sample(
            [
                "formal_role",
                "personality",
                "sector_representation",
                "knowledge",
                "resources",
            ],
            2,
        )
        profile._history_date = start  # type: ignore[attr-defined]  # simple-history reads it
        profiles.append(model_save(profile, by=facilitator))

    # Consent moves over the months: most from none or passive towards active.
    for month in range(1, months):
        moment = start + dt.timedelta(days=30 * month)
        for profile in rng.sample(profiles, k=max(1, len(profiles) // 5)):
            if profile.consent in ("none", "opposed"):
                profile.consent = "passive"
            elif profile.consent == "passive":
                profile.consent = "active"
            else:
                continue
            position = ENGAGEMENT.index(profile.engagement_current)
            profile.engagement_current = ENGAGEMENT[min(position + 1, 4)]
            profile._history_date = moment  # type: ignore[attr-defined]
            model_save(profile, by=facilitator)

    notes = sensitive_notes()
    for profile, note in zip(rng.sample(profiles, k=len(notes)), notes, strict=True):
        model_save(SensitiveNote(profile=profile, text=note), by=facilitator)

    by_subject = {
        ("organisation", p.organisation_id) if p.organisation_id else ("person", p.person_id): p
        for p in profiles
    }
    ties: set[tuple[int, int]] = set()

    def tie(source, target, kind, *, sensitive=False, strength=2):
        key = (min(source.pk, target.pk), max(source.pk, target.pk))
        if source.pk == target.pk or key in ties:
            return
        ties.add(key)
        model_save(
            Relationship(
                initiative=initiative,
                source=source,
                target=target,
                kind=kind,
                directed=kind in ("reports_to", "funds", "represents"),
                strength=strength,
                sensitive=sensitive,
                since=(start - dt.timedelta(days=rng.randint(100, 2000))).date(),
            ),
            by=facilitator,
        )

    # People represent their organisations; people in one group work with each other.
    for person_id, person in people.items():
        own = by_subject.get(("person", person_id))
        for affiliation in person.affiliations.filter(end_date__isnull=True):
            organisation = by_subject.get(("organisation", affiliation.organisation_id))
            if own and organisation:
                tie(own, organisation, "represents", strength=3)
    for group in initiative.groups.prefetch_related("memberships"):
        seated = [
            by_subject[("person", seat.person_id)]
            for seat in group.memberships.all()
            if ("person", seat.person_id) in by_subject
        ]
        for source, target in itertools.pairwise(seated):
            tie(source, target, "works_with")
    funders = [p for p in profiles if p.organisation and p.organisation.sector == "philanthropy"]
    grantees = [p for p in profiles if p.organisation and p.organisation.sector == "civil_society"]
    for funder in funders:
        for grantee in rng.sample(grantees, k=min(2, len(grantees))):
            tie(funder, grantee, "funds", strength=3)
    # A few ties only the facilitators may know about.
    people_profiles = [p for p in profiles if p.person_id]
    for kind in ("personal_tie", "personal_tie", "in_conflict"):
        if len(people_profiles) >= 2:
            source, target = rng.sample(people_profiles, k=2)
            tie(
                source,
                target,
                kind,
                sensitive=True,
                strength=3 if kind == "personal_tie" else 1,
            )

    today = timezone.localdate()
    for days_ago, kind, summary, follow_up_in_days in engagement_specs():
        follow_up = None
        if follow_up_in_days is not None:
            follow_up = today + dt.timedelta(days=follow_up_in_days)
        entry = model_save(
            EngagementEntry(
                initiative=initiative,
                kind=kind,
                date=today - dt.timedelta(days=days_ago),
                summary=summary,
                follow_up_date=follow_up,
                recorded_by=facilitator,
            ),
            by=facilitator,
        )
        entry.stakeholders.set(rng.sample(profiles, k=min(2, len(profiles))))
        entry.our_side.set([facilitator])

    for category, title, status in readiness_specs():
        model_save(
            ReadinessItem(
                initiative=initiative,
                category=category,
                title=title,
                status=status,
                owner=facilitator,
            ),
            by=facilitator,
        )

    network_analyse(initiative=initiative, by=facilitator)


def _person_sector(person: Person) -> str:
    affiliation = (
        person.affiliations.filter(end_date__isnull=True).select_related("organisation").first()
    )
    return affiliation.organisation.sector if affiliation else "other"
