"""The demo workspace: a facilitation organisation's initiatives, partners, people and groups.

Loaded by `make run` (`meshutaf demo`) so that a fresh install has realistic Hebrew content to
explore and test. The content is in `data/*.toml`; the other demo modules add maps, meetings, a
workshop, a conversation and a corpus to some of the initiatives."""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings

from meshutaf.accounts.models import User
from meshutaf.accounts.services import user_create
from meshutaf.core.access import Role
from meshutaf.demo.deliberation import build_deliberation
from meshutaf.demo.discourse import build_discourse
from meshutaf.demo.maps import build_map
from meshutaf.demo.measurement import build_measurement
from meshutaf.demo.meetings import build_meetings
from meshutaf.demo.notifications import build_notifications
from meshutaf.demo.people import people_plan
from meshutaf.demo.programs import build_programs
from meshutaf.demo.specs import InitiativeSpec, initiative_specs, organisation_specs
from meshutaf.demo.users import DEMO_PASSWORD, DEMO_USERS, FACILITATING_ORGANISATION
from meshutaf.demo.workshops import build_workshop
from meshutaf.directory.models import Organisation, Person
from meshutaf.directory.services import (
    affiliation_add,
    organisation_create,
    person_create,
)
from meshutaf.initiatives.models import (
    GroupMember,
    GroupRole,
    Initiative,
    InitiativeKind,
)
from meshutaf.initiatives.services import (
    group_create,
    group_member_add,
    initiative_create,
    membership_add,
    phase_create,
)
from meshutaf.notifications.services import notifications_paused


@dataclass
class DemoResult:
    created: bool
    logins: list[tuple[str, str, str]] = field(default_factory=list)


# --- Loading ---------------------------------------------------------------------------------


def _logins() -> list[tuple[str, str, str]]:
    return [(user.username, DEMO_PASSWORD, str(user.description)) for user in DEMO_USERS]


def _write(stdout: TextIO | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


class _People:
    """Resolves group slots to people, handing out an organisation's people in turn."""

    def __init__(self, by_org: dict[str, list[Person]], demo: dict[str, Person]):
        self.by_org = by_org
        self.demo = demo
        self.turn: dict[str, int] = defaultdict(int)

    def resolve(self, slot: str, exclude: set[int]) -> Person:
        if slot.startswith("@"):
            return self.demo[slot[1:]]
        if "#" in slot:
            org, index = slot.split("#")
            return self.by_org[org][int(index)]
        people = self.by_org[slot]
        for _attempt in range(len(people)):
            person = people[self.turn[slot] % len(people)]
            self.turn[slot] += 1
            if person.pk not in exclude:
                return person
        return people[0]


def _create_users_and_people(
    *, rng: random.Random, orgs: dict[str, Organisation]
) -> tuple[dict[str, User], dict[str, Person], dict[str, list[Person]], dict[str, User]]:
    users: dict[str, User] = {}
    demo_people: dict[str, Person] = {}
    for spec in DEMO_USERS:
        user = user_create(
            username=spec.username,
            password=DEMO_PASSWORD,
            email=spec.email,
            first_name=spec.first_name,
            last_name=spec.last_name,
            is_staff=False,
            is_backbone=spec.is_backbone,
            language="he",
        )
        users[spec.username] = user
    facilitator = users["facilitator"]
    for spec in DEMO_USERS:
        person = person_create(
            by=facilitator,
            user=users[spec.username],
            full_name=f"{spec.first_name} {spec.last_name}",
            email=spec.email,
            phone="",
            bio=spec.bio,
        )
        affiliation_add(
            person=person,
            by=facilitator,
            organisation=orgs[spec.organisation],
            role_title=spec.role_title,
            start_date=dt.date(2019, 9, 1),
            end_date=None,
        )
        demo_people[spec.username] = person

    by_org: dict[str, list[Person]] = defaultdict(list)
    accounts: dict[str, User] = {}
    for org_key, plans in people_plan(rng).items():
        for index, plan in enumerate(plans):
            account = None
            if plan.username:
                # No password: these accounts fill member lists but nobody logs in with them.
                account = user_create(
                    username=plan.username,
                    password=None,
                    email=plan.email,
                    first_name=plan.first_name,
                    last_name=plan.last_name,
                    is_staff=False,
                    is_backbone=False,
                    language="he",
                )
                accounts[f"{org_key}#{index}"] = account
            person = person_create(
                by=facilitator,
                user=account,
                full_name=plan.full_name,
                email=plan.email,
                phone="",
                bio="",
            )
            if plan.previous:
                prev_org, prev_role, prev_start, prev_end = plan.previous
                affiliation_add(
                    person=person,
                    by=facilitator,
                    organisation=orgs[prev_org],
                    role_title=prev_role,
                    start_date=prev_start,
                    end_date=prev_end,
                )
            affiliation_add(
                person=person,
                by=facilitator,
                organisation=orgs[org_key],
                role_title=plan.role_title,
                start_date=plan.start,
                end_date=None,
            )
            by_org[org_key].append(person)
    return users, demo_people, by_org, accounts


_ROLE_BY_SECTOR = {"community": Role.PARTICIPANT, "media": Role.OBSERVER}


def _create_initiative(
    spec: InitiativeSpec,
    *,
    facilitator: User,
    orgs: dict[str, Organisation],
    people: _People,
    accounts: dict[str, User],
) -> Initiative:
    initiative = initiative_create(
        by=facilitator,
        leading_partners=[orgs[key] for key in spec.leads],
        kind=spec.kind,
        name=spec.name,
        short_description=spec.short,
        vision=spec.vision,
        situation_description=spec.situation,
        target_audience=spec.audience,
        facilitating_organisation=orgs[FACILITATING_ORGANISATION],
        status=spec.status,
        start_date=spec.start,
        end_date=spec.end,
    )
    for order, phase in enumerate(spec.phases, start=1):
        phase_create(
            initiative=initiative,
            by=facilitator,
            order=order,
            name=phase.name,
            goals=phase.goals,
            start_date=phase.start,
            end_date=phase.end,
            outcome_summary=phase.outcome,
        )
    for group_spec in spec.groups:
        group = group_create(
            initiative=initiative,
            by=facilitator,
            kind=group_spec.kind,
            name=group_spec.name,
            purpose=group_spec.purpose,
        )
        chosen: set[int] = set()
        for slot in group_spec.slots:
            person = people.resolve(slot, chosen)
            if person.pk in chosen:
                continue
            chosen.add(person.pk)
            # The backbone organisation's people document the meetings; the first other
            # person named chairs.
            if slot == "@facilitator" or slot.split("#")[0] == FACILITATING_ORGANISATION:
                role = GroupRole.NOTE_TAKER
            elif len(chosen) == 1:
                role = GroupRole.CHAIR
            else:
                role = GroupRole.MEMBER
            group_member_add(group=group, person=person, role=role, by=facilitator)
    members: set[int] = set()
    for slot, member_role in spec.members:
        user = people.demo[slot[1:]].user if slot.startswith("@") else accounts[slot]
        if user is None:
            raise ValueError(f"The demo member {slot} has no account.")
        membership_add(initiative=initiative, user=user, role=member_role, by=facilitator)
        members.add(user.pk)
    # People in the initiative's groups are its members too; residents take part, the press
    # watches, everyone else is a partner.
    group_members = (
        GroupMember.objects.filter(group__initiative=initiative)
        .select_related("person__user")
        .prefetch_related("person__affiliations__organisation")
    )
    for group_member in group_members:
        user = group_member.person.user
        if user is None or user.pk in members or user.is_backbone:
            continue
        sectors = [
            affiliation.organisation.sector
            for affiliation in group_member.person.affiliations.all()
            if affiliation.end_date is None
        ]
        member_role = _ROLE_BY_SECTOR.get(sectors[0] if sectors else "", Role.PARTNER)
        membership_add(initiative=initiative, user=user, role=member_role, by=facilitator)
        members.add(user.pk)
    return initiative


def demo_load(*, stdout: TextIO | None = None) -> DemoResult:
    """Load the demo workspace once; later calls leave everything as it is."""
    facilitator_name = DEMO_USERS[0].username
    if get_user_model().objects.filter(username=facilitator_name).exists():
        _write(stdout, "The demo workspace is already loaded.")
        return DemoResult(created=False, logins=_logins())

    # A fixed seed keeps the invented names and dates the same on every machine.
    rng = random.Random(2026)
    # The demo's people are invented (example.org): nothing loading it does may send mail,
    # such as the nomination links and application links the programme's services e-mail on
    # commit. The dummy backend is in place until after the commit.
    # Nor do the demo's writes queue notices; a few are written at the end instead.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        notifications_paused(),
        transaction.atomic(),
    ):
        orgs: dict[str, Organisation] = {}
        for spec in organisation_specs():
            orgs[spec.key] = organisation_create(
                by=None,
                name_he=spec.he,
                name_ar=spec.ar,
                name_en=spec.en,
                sector=spec.sector,
                website="",
                description=spec.about,
            )
        users, demo_people, by_org, accounts = _create_users_and_people(rng=rng, orgs=orgs)
        people = _People(by_org, demo_people)
        facilitator = users[facilitator_name]
        initiatives = [
            _create_initiative(
                spec,
                facilitator=facilitator,
                orgs=orgs,
                people=people,
                accounts=accounts,
            )
            for spec in initiative_specs()
        ]
        for initiative in initiatives:
            if initiative.kind in (
                InitiativeKind.JOINT_MOVE,
                InitiativeKind.COLLECTIVE_IMPACT,
            ):
                build_map(initiative=initiative, facilitator=facilitator, rng=rng)

        # The roundtable that is still meeting gets three years of meetings.
        ongoing = next(
            initiative
            for initiative in initiatives
            if initiative.kind == InitiativeKind.ROUNDTABLE and initiative.end_date is None
        )
        build_meetings(
            initiative=ongoing,
            facilitator=facilitator,
            partner=users[DEMO_USERS[1].username],
            rng=rng,
        )

        # The joint-move workshop gets a filled canvas session and a deliberation.
        studio = next(i for i in initiatives if i.name.startswith("הסטודיו למהלכים משותפים"))
        build_workshop(initiative=studio, facilitator=facilitator, rng=rng)
        build_deliberation(initiative=studio, facilitator=facilitator, rng=rng)

        # "Different Speech" gets a synthetic corpus, coded, trained, scored and indexed.
        different_speech = next(i for i in initiatives if i.name.startswith("דיבור אחר"))
        build_discourse(initiative=different_speech, facilitator=facilitator, rng=rng)

        # The collective-impact town gets its shared measurement (issue 14).
        town = next(i for i in initiatives if i.kind == InitiativeKind.COLLECTIVE_IMPACT)
        build_measurement(
            initiative=town, facilitator=facilitator, partner=users["partner"], orgs=orgs
        )

        # The "Merhav" leadership programme gets two cohorts (issue 15).
        merhav = next(i for i in initiatives if i.kind == InitiativeKind.TRAINING_PROGRAMME)
        build_programs(
            initiative=merhav, facilitator=facilitator, partner=users["partner"], orgs=orgs
        )
        build_notifications(facilitator=facilitator, partner=users["partner"])

    _write(
        stdout,
        f"Demo workspace loaded: {len(orgs)} organisations, "
        f"{sum(len(p) for p in by_org.values()) + len(demo_people)} people, "
        f"{len(initiatives)} initiatives.",
    )
    return DemoResult(created=True, logins=_logins())
