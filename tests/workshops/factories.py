"""factory_boy factories for the workshops app."""

import secrets

import factory

from meshutaf.workshops.models import (
    Contribution,
    Participant,
    SessionStatus,
    Theme,
    WorkingGroup,
    WorkshopSession,
)

from ..factories import InitiativeFactory

GRID_SCHEMA = {
    "sections": [
        {
            "key": "matrix",
            "title": "Price and opportunity",
            "help": "",
            "kind": "grid",
            "rows": [
                {"key": "organisation", "label": "My organisation"},
                {"key": "move", "label": "The joint move"},
            ],
            "columns": [
                {"key": "price", "label": "Price"},
                {"key": "opportunity", "label": "Opportunity"},
            ],
        },
        {
            "key": "questions",
            "title": "Open questions",
            "help": "",
            "kind": "list",
            "rows": [],
            "columns": [],
        },
    ]
}


class WorkshopSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopSession

    initiative = factory.SubFactory(InitiativeFactory)
    title = factory.Sequence(lambda n: f"סדנה {n}")
    schema = factory.LazyFunction(lambda: GRID_SCHEMA)
    status = SessionStatus.OPEN


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    session = factory.SubFactory(WorkshopSessionFactory)
    name = factory.Sequence(lambda n: f"קבוצה {n}")
    position = factory.Sequence(lambda n: n)
    join_token = factory.LazyFunction(lambda: secrets.token_urlsafe(12))


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    group = factory.SubFactory(WorkingGroupFactory)
    display_name = factory.Sequence(lambda n: f"משתתפת {n}")
    key = factory.LazyFunction(lambda: secrets.token_urlsafe(32))


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    participant = factory.SubFactory(ParticipantFactory)
    group = factory.LazyAttribute(lambda c: c.participant.group)
    session = factory.LazyAttribute(lambda c: c.group.session)
    section_key = "matrix"
    row_key = "organisation"
    column_key = "price"
    text = factory.Sequence(lambda n: f"פתק {n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    session = factory.SubFactory(WorkshopSessionFactory)
    section_key = "matrix"
    name = factory.Sequence(lambda n: f"נושא {n}")
