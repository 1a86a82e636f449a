"""A small initiative with one or two of everything the API serves, made through the services
as the pages make them, so that generated requests have real objects to read and change."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from meshutaf.accounts.models import User
from meshutaf.accounts.services import api_token_create
from meshutaf.core.access import Role
from meshutaf.deliberation import services as deliberation
from meshutaf.deliberation.models import ConversationStatus
from meshutaf.demo.corpus import posts_as_rows, synthetic_posts
from meshutaf.discourse import importing
from meshutaf.discourse import services as discourse
from meshutaf.measurement import services as measurement
from meshutaf.measurement.entries import entry_check
from meshutaf.measurement.models import Geography
from meshutaf.meetings import services as meetings
from meshutaf.meetings.models import OutcomeKind
from meshutaf.programs.models import Application, CohortPhase, Nomination, Participant, Review
from meshutaf.programs.services import programmes, reviews
from meshutaf.programs.services import projects as programme_projects
from meshutaf.programs.services import sessions as programme_sessions
from meshutaf.stakeholder_map import services as stakeholders
from meshutaf.workshops import services as workshops
from tests.factories import (
    AffiliationFactory,
    GroupFactory,
    GroupMemberFactory,
    InitiativeFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PhaseFactory,
    UserFactory,
)
from tests.workshops.factories import GRID_SCHEMA


@dataclass
class World:
    owner: User  # the initiative's facilitator
    member: User  # a partner
    token: str  # the owner's API token
    # Path parameter name → the ids of seeded objects (several where a test may delete one).
    ids: dict[str, list[int]] = field(default_factory=dict)

    def add(self, name: str, *objects) -> None:
        self.ids.setdefault(name, []).extend(obj.pk for obj in objects)


def _meetings(world: World, initiative, owner, people) -> None:
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    meeting = meetings.meeting_create(
        initiative=initiative,
        by=owner,
        title="Roundtable",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    item = meetings.agenda_item_add(meeting=meeting, by=owner, title="Budget", minutes="notes")
    meetings.attendance_set(meeting=meeting, by=owner, people=people)
    action = meetings.outcome_create(
        meeting=meeting,
        by=owner,
        kind=OutcomeKind.ACTION,
        text="Write to the ministry",
        agenda_item=item,
        owner=people[0],
        due_date=timezone.localdate() + dt.timedelta(days=14),
    )
    world.add("meeting_id", meeting)
    world.add("item_id", action)


def _workshop(world: World, initiative, owner) -> None:
    template = workshops.canvas_template_create(
        initiative=initiative, by=owner, title="Matrix", schema=GRID_SCHEMA
    )
    session = workshops.workshop_session_create(
        initiative=initiative, by=owner, title="Workshop", template=template, groups=["A", "B"]
    )
    group = session.groups.order_by("position").first()
    joined = workshops.participant_join(group=group, display_name="Dana")
    notes = [
        workshops.contribution_add(
            group=group,
            section_key="matrix",
            row_key="organisation",
            column_key="price",
            text=text,
            participant=joined,
        )
        for text in ("time", "money")
    ]
    world.add("workshop_session_id", session)
    world.add("contribution_id", *notes)


def _deliberation(world: World, initiative, owner) -> None:
    conversation = deliberation.conversation_create(
        initiative=initiative, by=owner, title="At the table", question="What keeps you here?"
    )
    deliberation.statements_import(
        conversation=conversation, by=owner, texts=["One shared goal.", "Funding for time."]
    )
    deliberation.conversation_set_status(
        conversation=conversation, by=owner, status=ConversationStatus.OPEN
    )
    world.add("conversation_id", conversation)
    world.add("statement_id", *conversation.statements.all())


def _stakeholder_map(world: World, initiative, owner, organisations) -> None:
    profiles = [
        stakeholders.profile_create(
            initiative=initiative, by=owner, organisation=organisation, sensitive_notes="note"
        )
        for organisation in organisations
    ]
    relationship = stakeholders.relationship_create(
        initiative=initiative, by=owner, source=profiles[0], target=profiles[1], kind="funds"
    )
    engagement = stakeholders.engagement_create(
        initiative=initiative,
        by=owner,
        stakeholders=profiles,
        kind="meeting",
        date=timezone.localdate(),
        summary="Coffee",
    )
    stakeholders.network_analyse(initiative=initiative, by=owner)
    world.add("profile_id", *profiles)
    world.add("relationship_id", relationship)
    world.add("engagement_id", engagement)


def _measurement(world: World, initiative, owner) -> None:
    country = Geography.objects.create(code="IL", level="country", name="ישראל")
    town = Geography.objects.create(code="L9999", level="locality", name="עיר", parent=country)
    framework = measurement.framework_create(
        initiative=initiative, by=owner, name="Results", area=town
    )
    indicator = measurement.indicator_create(
        framework=framework,
        by=owner,
        code="EDU1",
        name="Children in clubs",
        kind="count",
        period_type="year",
    )
    observations = [
        measurement.observation_record(
            indicator=indicator,
            by=owner,
            role="facilitator",
            geography=town,
            entry=entry_check(indicator, period=period, key="", value=value),
            partner=None,
            submit=submit,
        )
        for period, value, submit in (("2024", 120, False), ("2025", 140, True))
    ]
    world.add("framework_id", framework)
    world.add("indicator_id", indicator)
    world.add("observation_id", *observations)


def _discourse(world: World, initiative, owner) -> None:
    corpus = discourse.corpus_create(
        name="Posts", initiative=initiative, by=owner, communities=["כללי"]
    )
    headers, rows = posts_as_rows(synthetic_posts(30, seed=5, months=2))
    prepared = importing.prepare_rows(
        headers, rows, importing.guess_mapping(headers), salt=corpus.salt
    )
    discourse.items_import(corpus=corpus, rows=prepared, by=owner, filename="posts.csv")
    world.add("corpus_id", corpus)


def _programs(world: World, initiative, owner, participant, organisations) -> None:
    programme = programmes.programme_create(initiative=initiative, by=owner, name="Leaders")
    cohort = programmes.cohort_create(
        programme=programme,
        by=owner,
        name="Cohort 1",
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + dt.timedelta(days=180),
        capacity=4,
    )
    nominations = []
    # Three anchors, the fewest calibration takes.
    for number in range(3):
        organisation = organisations[number % len(organisations)]
        nomination = Nomination.objects.create(
            cohort=cohort,
            nominator_name="Director",
            organisation=organisation,
            candidate_name=f"Candidate {number}",
            candidate_email=f"candidate{number}@example.org",
            role_title="Head of department",
            nominator_statement="Leads change",
            status="applied",
            consent_at=timezone.now(),
            calibration_anchor=True,
        )
        Application.objects.create(
            nomination=nomination, statement="To learn", submitted_at=timezone.now()
        )
        nominations.append(nomination)
    # The owner reviews: entering calibration assigns them the anchors' reviews.
    reviews.reviewer_add(cohort=cohort, user=owner, by=owner)
    programmes.cohort_phase_advance(cohort=cohort, by=owner, to=CohortPhase.CALIBRATION)
    enrolled = Participant.objects.create(
        cohort=cohort, person=PersonFactory(user=participant), user=participant
    )
    start = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=5)
    session = programme_sessions.session_create(
        cohort=cohort,
        by=owner,
        number=None,
        title="Case study",
        kind="case_study",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    project = programme_projects.project_create(
        cohort=cohort, by=owner, title="Fast permits", members=[enrolled]
    )
    programme_projects.milestone_add(project=project, by=owner, title="Mapping")
    world.add("programme_id", programme)
    world.add("cohort_id", cohort)
    world.add("nomination_id", *nominations)
    world.add("review_id", *Review.objects.filter(reviewer__user=owner))
    world.add("programme_session_id", session)
    world.add("participant_id", enrolled)
    world.add("project_id", project)


def world_create() -> World:
    """Everything the generated requests need, and the facilitator's token they send."""
    owner = UserFactory(username="owner", is_backbone=True, first_name="Noa")
    member = UserFactory(username="member", first_name="Amir")
    participant = UserFactory(username="participant")
    initiative = InitiativeFactory(name="שולחן עגול", created_by=owner)
    memberships = [
        MembershipFactory(initiative=initiative, user=user, role=role)
        for user, role in (
            (owner, Role.FACILITATOR),
            (member, Role.PARTNER),
            (participant, Role.PARTICIPANT),
        )
    ]
    organisations = [
        OrganisationFactory(name_en="Ministry", sector="government"),
        OrganisationFactory(name_en="Fund", sector="philanthropy"),
    ]
    initiative.leading_partners.set(organisations)
    people = [PersonFactory(user=member, full_name="Amir Haddad"), PersonFactory()]
    for person, organisation in zip(people, organisations, strict=True):
        AffiliationFactory(person=person, organisation=organisation)
    groups = [GroupFactory(initiative=initiative, name=f"Group {n}") for n in (1, 2, 3)]
    seats = [GroupMemberFactory(group=group, person=people[0]) for group in groups]
    _token, raw = api_token_create(user=owner, name="schemathesis")

    world = World(owner=owner, member=member, token=raw)
    world.add("initiative_id", initiative)
    world.add("phase_id", *[PhaseFactory(initiative=initiative) for _ in range(3)])
    world.add("group_id", *groups)
    world.add("member_id", *seats)
    world.add("membership_id", *memberships[1:])  # not the owner's: the token must keep working
    world.add("organisation_id", *organisations)
    world.add("person_id", *people)
    _meetings(world, initiative, owner, people)
    _workshop(world, initiative, owner)
    _deliberation(world, initiative, owner)
    _stakeholder_map(world, initiative, owner, organisations)
    _measurement(world, initiative, owner)
    _discourse(world, initiative, owner)
    _programs(world, initiative, owner, participant, organisations)
    return world
