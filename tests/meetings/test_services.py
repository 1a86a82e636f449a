import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meshutaf.meetings import services
from meshutaf.meetings.models import (
    ActionStatus,
    AgendaItem,
    MeetingStatus,
    Outcome,
    OutcomeKind,
)

from ..factories import AffiliationFactory, OrganisationFactory, PersonFactory
from .conftest import make_meeting


def test_meeting_must_end_after_start(initiative, owner):
    start = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.meeting_create(
            initiative=initiative, by=owner, title="x", starts_at=start, ends_at=start
        )
    assert "ends_at" in error.value.message_dict


def test_unknown_time_zone_is_refused(initiative, owner):
    start = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.meeting_create(
            initiative=initiative,
            by=owner,
            title="x",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            time_zone="Mars/Olympus",
        )
    assert "time_zone" in error.value.message_dict


def test_series_template_and_carry_over(initiative, owner, member_person):
    series = services.series_create(
        initiative=initiative,
        by=owner,
        title="Monthly roundtable",
        recurrence="monthly",
        agenda_template=[{"title": "Welcome", "minutes": 10}, {"title": "Updates", "minutes": 30}],
    )
    first = make_meeting(initiative, owner, days=-30, series=series)
    assert [item.title for item in first.agenda_items.order_by("position")] == [
        "Welcome",
        "Updates",
    ]
    action = services.outcome_create(
        meeting=first, by=owner, kind=OutcomeKind.ACTION, text="Send the data", owner=member_person
    )
    done = services.outcome_create(
        meeting=first, by=owner, kind=OutcomeKind.ACTION, text="Book a room", owner=member_person
    )
    services.action_item_set_status(item=done, by=owner, status=ActionStatus.DONE)
    second = make_meeting(initiative, owner, days=1, series=series)
    carry = second.agenda_items.get(is_carry_over=True)
    assert list(carry.carried_actions.all()) == [action]
    # An action item recorded later at the first meeting joins the planned next meeting.
    late = services.outcome_create(
        meeting=first, by=owner, kind=OutcomeKind.ACTION, text="Late one", owner=member_person
    )
    assert set(carry.carried_actions.all()) == {action, late}
    assert second.agenda_items.filter(is_carry_over=True).count() == 1


def test_next_start_keeps_local_time_across_daylight_saving(initiative, owner):
    series = services.series_create(
        initiative=initiative, by=owner, title="Weekly", recurrence="weekly"
    )
    import zoneinfo

    zone = zoneinfo.ZoneInfo("Asia/Jerusalem")
    start = datetime.datetime(2026, 10, 20, 18, 0, tzinfo=zone)  # the clocks change on 25.10
    services.meeting_create(
        initiative=initiative,
        by=owner,
        series=series,
        title="w",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    following = services.series_next_start(series=series)
    assert following.astimezone(zone).hour == 18
    assert following.astimezone(zone).date() == datetime.date(2026, 10, 27)


def test_action_item_needs_owner_and_decision_has_none(meeting, owner, member_person):
    with pytest.raises(ValidationError):
        services.outcome_create(meeting=meeting, by=owner, kind=OutcomeKind.ACTION, text="x")
    decision = services.outcome_create(
        meeting=meeting,
        by=owner,
        kind=OutcomeKind.DECISION,
        text="We agree",
        owner=member_person,
        due_date=datetime.date(2030, 1, 1),
    )
    decision.refresh_from_db()
    assert decision.owner is None
    assert decision.due_date is None
    assert decision.status == ""


def test_status_closing_sets_and_reopening_clears_closed_at(meeting, owner, member_person):
    item = services.outcome_create(
        meeting=meeting, by=owner, kind=OutcomeKind.ACTION, text="x", owner=member_person
    )
    item = services.action_item_set_status(item=item, by=owner, status=ActionStatus.DONE)
    assert item.closed_at is not None
    item = services.action_item_set_status(item=item, by=owner, status=ActionStatus.OPEN)
    assert item.closed_at is None
    with pytest.raises(ValidationError):
        services.action_item_set_status(item=item, by=owner, status="finished")
    assert Outcome.objects.get(pk=item.pk).status == ActionStatus.OPEN


def test_attendance_keeps_the_organisation_of_the_day(meeting, owner):
    person = PersonFactory(full_name="Dana")
    old = OrganisationFactory(name_en="Old NGO", sector="civil_society")
    new = OrganisationFactory(name_en="New Co", sector="business")
    day = meeting.local_start.date()
    AffiliationFactory(person=person, organisation=old, end_date=day - datetime.timedelta(days=1))
    AffiliationFactory(person=person, organisation=new, start_date=day - datetime.timedelta(days=1))
    rows = services.attendance_set(meeting=meeting, by=owner, people=[person])
    assert rows[0].organisation == new
    assert rows[0].sector == "business"
    # Setting the list again keeps the row (and its organisation), removing drops it.
    services.attendance_set(meeting=meeting, by=owner, people=[person])
    assert meeting.attendance.count() == 1
    services.attendance_set(meeting=meeting, by=owner, people=[])
    assert meeting.attendance.count() == 0


def test_invite_whole_initiative_and_groups_without_duplicates(
    meeting, owner, member, group, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = services.invitees_add(meeting=meeting, by=owner, whole_initiative=True)
    assert len(created) == 3  # owner, member, participant
    with django_capture_on_commit_callbacks(execute=True):
        again = services.invitees_add(
            meeting=meeting, by=owner, whole_initiative=True, groups=[group]
        )
    # The group's chair has no account: invited as a person; members are not invited twice.
    assert len(again) == 1
    assert again[0].person is not None
    assert meeting.invitees.count() == 4


def test_inviting_a_non_member_is_refused(meeting, owner, outsider):
    with pytest.raises(ValidationError):
        services.invitees_add(meeting=meeting, by=owner, users=[outsider])
    assert meeting.invitees.count() == 0


def test_draft_sends_nothing(initiative, owner, mailoutbox, django_capture_on_commit_callbacks):
    draft = make_meeting(initiative, owner, status=MeetingStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitees_add(meeting=draft, by=owner, whole_initiative=True)
    assert mailoutbox == []


def test_agenda_move_renumbers(meeting, owner):
    first = services.agenda_item_add(meeting=meeting, by=owner, title="A")
    second = services.agenda_item_add(meeting=meeting, by=owner, title="B")
    services.agenda_item_move(item=second, by=owner, offset=-1)
    titles = list(meeting.agenda_items.order_by("position").values_list("title", flat=True))
    assert titles == ["B", "A"]
    services.agenda_item_move(item=first, by=owner, offset=5)  # out of range: nothing
    assert AgendaItem.objects.get(pk=first.pk).position == 2


def test_meeting_with_action_items_cannot_be_deleted(meeting, owner, member_person):
    services.outcome_create(
        meeting=meeting, by=owner, kind=OutcomeKind.ACTION, text="x", owner=member_person
    )
    with pytest.raises(ValidationError):
        services.meeting_delete(meeting=meeting, by=owner)
    assert meeting.__class__.objects.filter(pk=meeting.pk).exists()


def test_calendar_change_raises_sequence(meeting, owner):
    before = meeting.sequence
    meeting = services.meeting_update(meeting=meeting, by=owner, data={"description": "notes"})
    assert meeting.sequence == before
    meeting = services.meeting_update(meeting=meeting, by=owner, data={"venue": "Haifa"})
    assert meeting.sequence == before + 1


def test_speaking_turns_need_presence_and_undo(meeting, owner, member_person):
    with pytest.raises(ValidationError):
        services.speaking_turn_add(meeting=meeting, by=owner, person=member_person)
    services.attendance_set(meeting=meeting, by=owner, people=[member_person])
    turn = services.speaking_turn_add(meeting=meeting, by=owner, person=member_person)
    assert turn.sector == "government"
    assert services.speaking_turn_undo(meeting=meeting, by=owner) is True
    assert services.speaking_turn_undo(meeting=meeting, by=owner) is False


def test_an_action_items_owner_comes_from_the_meetings_people(meeting, owner, member_person):
    stranger = PersonFactory()
    with pytest.raises(ValidationError) as error:
        services.outcome_create(
            meeting=meeting, by=owner, kind=OutcomeKind.ACTION, text="x", owner=stranger
        )
    assert "owner" in error.value.message_dict
    item = services.outcome_create(
        meeting=meeting, by=owner, kind=OutcomeKind.ACTION, text="x", owner=member_person
    )
    with pytest.raises(ValidationError):
        services.outcome_update(outcome=item, by=owner, data={"owner": stranger})
    item.refresh_from_db()
    assert item.owner == member_person
    assert Outcome.objects.count() == 1


def test_the_raised_sequence_is_stored(meeting, owner):
    before = meeting.sequence
    services.meeting_update(meeting=meeting, by=owner, data={"venue": "Haifa"})
    meeting.refresh_from_db()
    assert meeting.sequence == before + 1
