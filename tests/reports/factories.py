"""Factories for the report tests: meetings, attendance, outcomes and insights, written
directly against the models so the report does not depend on the meetings services."""

import datetime
import zoneinfo

import factory

from meshutaf.knowledge.models import Insight
from meshutaf.meetings.models import Attendance, Meeting, Outcome
from tests.factories import InitiativeFactory, PersonFactory

JERUSALEM = zoneinfo.ZoneInfo("Asia/Jerusalem")


def local(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=JERUSALEM)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    initiative = factory.SubFactory(InitiativeFactory)
    title = factory.Sequence(lambda n: f"מפגש {n}")
    kind = "roundtable"
    status = "held"
    starts_at = factory.LazyFunction(lambda: local(2024, 1, 15))
    ends_at = factory.LazyAttribute(lambda meeting: meeting.starts_at + datetime.timedelta(hours=2))


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    sector = "government"


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    meeting = factory.SubFactory(MeetingFactory)
    initiative = factory.LazyAttribute(lambda outcome: outcome.meeting.initiative)
    kind = "decision"
    text = factory.Sequence(lambda n: f"החלטה {n}")


class ActionFactory(OutcomeFactory):
    kind = "action"
    text = factory.Sequence(lambda n: f"משימה {n}")
    owner = factory.SubFactory(PersonFactory)
    status = "open"


class InsightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Insight

    initiative = factory.SubFactory(InitiativeFactory)
    title = factory.Sequence(lambda n: f"תובנה {n}")
    is_key = True

    @classmethod
    def _create(cls, model_class, *args, created_at=None, **kwargs):
        insight = super()._create(model_class, *args, **kwargs)
        if created_at is not None:
            # created_at is auto_now_add; set the moment the test needs afterwards.
            model_class.objects.filter(pk=insight.pk).update(created_at=created_at)
            insight.created_at = created_at
        return insight
