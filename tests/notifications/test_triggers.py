"""Each kind of notification comes from its trigger, to whom it concerns, never to the actor,
and never to someone who may no longer see the initiative."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from meshutaf.core.access import Role
from meshutaf.deliberation import services as deliberation
from meshutaf.deliberation.models import ConversationStatus
from meshutaf.initiatives import services as initiatives
from meshutaf.measurement import services as measurement
from meshutaf.measurement.entries import entry_check
from meshutaf.meetings import services as meetings
from meshutaf.meetings.models import MeetingStatus, OutcomeKind
from meshutaf.meetings.tasks import notify_due_action_items
from meshutaf.notifications.models import Kind, Notification
from meshutaf.notifications.services import notify_later
from meshutaf.workshops import services as workshops
from tests.factories import MembershipFactory, PersonFactory, UserFactory
from tests.meetings.conftest import make_meeting

from .conftest import kinds_for

pytestmark = pytest.mark.django_db


def test_added_to_an_initiative_by_someone_else(initiative, owner, outsider, run_on_commit):
    with run_on_commit():
        initiatives.membership_add(
            initiative=initiative, user=outsider, role=Role.PARTNER, by=owner
        )
    (notice,) = Notification.objects.filter(recipient=outsider)
    assert notice.kind == Kind.INITIATIVE_ADDED
    assert notice.initiative == initiative
    assert notice.url == f"/initiatives/{initiative.pk}/"
    assert kinds_for(owner) == []


def test_joining_by_ones_own_invitation_is_no_news(initiative, owner, run_on_commit):
    newcomer = UserFactory()
    with run_on_commit():
        initiatives.membership_add(
            initiative=initiative, user=newcomer, role=Role.PARTNER, by=newcomer
        )
    assert kinds_for(newcomer) == []


def test_meeting_invitation_reaches_the_invited_but_not_the_inviter(
    initiative, owner, member, participant, meeting, run_on_commit
):
    with run_on_commit():
        meetings.invitees_add(meeting=meeting, by=owner, whole_initiative=True)
    assert kinds_for(member) == [Kind.MEETING_INVITED]
    assert kinds_for(participant) == [Kind.MEETING_INVITED]
    assert kinds_for(owner) == []
    notice = Notification.objects.get(recipient=member)
    assert notice.params["title"] == meeting.title
    assert notice.url == meeting.get_absolute_url()


def test_sending_a_drafts_invitations_twice_tells_each_member_once(
    initiative, owner, member, participant, run_on_commit, mailoutbox
):
    """A member with no e-mail address is never marked as e-mailed: sending again must not
    put a second invitation under their bell."""
    participant.email = ""
    participant.save(update_fields=["email"])
    draft = make_meeting(initiative, owner, status=MeetingStatus.DRAFT)
    with run_on_commit():
        meetings.invitees_add(meeting=draft, by=owner, whole_initiative=True)
    assert kinds_for(member) == kinds_for(participant) == []  # a draft tells no one
    meetings.meeting_update(meeting=draft, by=owner, data={"status": MeetingStatus.SCHEDULED})
    for _ in range(2):
        with run_on_commit():
            meetings.invitations_send(meeting=draft, by=owner)
    assert kinds_for(member) == [Kind.MEETING_INVITED]
    assert kinds_for(participant) == [Kind.MEETING_INVITED]
    assert kinds_for(owner) == []
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        i.email for i in draft.invitees.exclude(email="")
    )


def test_invitations_are_not_sent_for_a_draft(initiative, owner):
    draft = make_meeting(initiative, owner, status=MeetingStatus.DRAFT)
    with pytest.raises(ValidationError, match="Schedule the meeting"):
        meetings.invitations_send(meeting=draft, by=owner)


def test_action_item_assigned_to_another_not_to_oneself(
    meeting, owner, member, member_person, owner_person, run_on_commit
):
    with run_on_commit():
        item = meetings.outcome_create(
            meeting=meeting,
            by=owner,
            kind=OutcomeKind.ACTION,
            text="Send the northern data",
            owner=member_person,
            due_date=dt.date(2031, 3, 20),
        )
        meetings.outcome_create(
            meeting=meeting, by=owner, kind=OutcomeKind.ACTION, text="Mine", owner=owner_person
        )
    (notice,) = Notification.objects.filter(recipient=member)
    assert notice.kind == Kind.ACTION_ASSIGNED
    assert notice.url == f"{meeting.get_absolute_url()}?tab=minutes#outcome-{item.pk}"
    assert notice.params == {"actor": owner.display_name, "text": "Send the northern data"}
    assert kinds_for(owner) == []
    # Handing it to someone else tells the new owner.
    with run_on_commit():
        meetings.outcome_update(
            outcome=item, by=member, data={"owner": owner_person, "text": item.text}
        )
    assert kinds_for(owner) == [Kind.ACTION_ASSIGNED]


def test_due_action_items_are_told_once_soon_and_once_overdue(
    meeting, owner, member, member_person, run_on_commit
):
    today = timezone.localdate()
    item = meetings.outcome_create(
        meeting=meeting,
        by=member,
        kind=OutcomeKind.ACTION,
        text="Book the hall",
        owner=member_person,
        due_date=today + dt.timedelta(days=1),
    )
    with run_on_commit():
        assert notify_due_action_items(today=today) == 1
        assert notify_due_action_items(today=today) == 0  # the next tick: nothing new
    (notice,) = Notification.objects.filter(recipient=member)
    assert notice.kind == Kind.ACTION_DUE
    assert notice.params["overdue"] is False
    with run_on_commit():
        assert notify_due_action_items(today=today + dt.timedelta(days=2)) == 1
        assert notify_due_action_items(today=today + dt.timedelta(days=3)) == 0
    assert Notification.objects.filter(recipient=member, params__overdue=True).count() == 1
    meetings.action_item_set_status(item=item, by=member, status="done")
    with run_on_commit():
        assert notify_due_action_items(today=today + dt.timedelta(days=1)) == 0


def test_a_partners_reported_value_reaches_the_rounds_owner_and_facilitators(
    initiative, framework, count_indicator, partner_org, owner, member, town, run_on_commit
):
    second_facilitator = UserFactory()
    MembershipFactory(initiative=initiative, user=second_facilitator, role=Role.FACILITATOR)
    round = measurement.round_open(
        framework=framework,
        by=owner,
        period="2025-Q1",
        due_date=timezone.localdate() + dt.timedelta(days=3),
        indicators=[count_indicator],
        partners=[partner_org],
    )
    with run_on_commit():
        measurement.observation_record(
            indicator=count_indicator,
            by=member,
            role=Role.PARTNER,
            geography=town,
            entry=entry_check(count_indicator, period="2025-Q1", value=4),
            partner=partner_org,
            round=round,
            submit=True,
        )
    assert kinds_for(owner) == [Kind.VALUE_REPORTED]
    assert kinds_for(second_facilitator) == [Kind.VALUE_REPORTED]
    assert kinds_for(member) == []
    notice = Notification.objects.get(recipient=owner)
    assert notice.url == f"/measurement/rounds/{round.pk}/"
    assert notice.params["partner"] == partner_org.name


def test_an_opened_workshop_reaches_the_members(
    initiative, owner, member, participant, outsider, run_on_commit
):
    template = workshops.builtin_templates_ensure()[0]
    with run_on_commit():
        session = workshops.workshop_session_create(
            initiative=initiative, by=owner, title="Price and opportunity", template=template
        )
    assert kinds_for(member) == [Kind.WORKSHOP_OPENED]
    assert kinds_for(participant) == [Kind.WORKSHOP_OPENED]
    assert kinds_for(owner) == kinds_for(outsider) == []
    # Closing is no news; opening again is.
    with run_on_commit():
        workshops.workshop_session_set_status(session=session, by=owner, status="closed")
        workshops.workshop_session_set_status(session=session, by=owner, status="open")
    assert kinds_for(member) == [Kind.WORKSHOP_OPENED] * 2


def test_an_opened_deliberation_reaches_the_members(
    initiative, owner, member, outsider, run_on_commit
):
    conversation = deliberation.conversation_create(
        initiative=initiative, by=owner, title="Online speech", question="What helps?"
    )
    deliberation.statement_add(conversation=conversation, text="Moderation helps", by=owner)
    with run_on_commit():
        deliberation.conversation_set_status(
            conversation=conversation, by=owner, status=ConversationStatus.OPEN
        )
    assert kinds_for(member) == [Kind.DELIBERATION_OPENED]
    assert kinds_for(owner) == kinds_for(outsider) == []
    assert Notification.objects.get(recipient=member).url == f"/deliberations/{conversation.pk}/"


def test_a_mention_in_the_minutes(
    initiative, meeting, owner, member, member_person, outsider, run_on_commit
):
    PersonFactory(full_name="Omer Outside", user=outsider)
    item = meetings.agenda_item_add(meeting=meeting, by=owner, title="Data")
    with run_on_commit():
        item = meetings.agenda_item_update(
            item=item,
            by=owner,
            data={"minutes": "@amir haddad will check; @Omer Outside and @owner too"},
        )
    assert kinds_for(member) == [Kind.MENTION]  # by the directory's name, case ignored
    assert kinds_for(outsider) == []  # not a member of the initiative
    assert kinds_for(owner) == []  # the writer
    notice = Notification.objects.get(recipient=member)
    assert notice.url == f"{meeting.get_absolute_url()}?tab=minutes#item-{item.pk}"
    # Editing the minutes again does not mention him again.
    with run_on_commit():
        meetings.agenda_item_update(
            item=item, by=owner, data={"minutes": item.minutes + " Done. @member"}
        )
    assert kinds_for(member) == [Kind.MENTION]


def test_who_lost_access_before_the_worker_ran_gets_nothing(
    initiative, owner, member, participant, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        meetings.invitees_add(meeting=meeting, by=owner, whole_initiative=True)
    initiative.memberships.filter(user=member).delete()
    participant.is_active = False
    participant.save()
    for callback in callbacks:
        callback()
    assert Notification.objects.count() == 0


def test_nothing_is_queued_for_a_write_that_rolled_back(
    meeting, owner, member, member_person, run_on_commit
):
    def assign_then_fail():
        with transaction.atomic():
            meetings.outcome_create(
                meeting=meeting, by=owner, kind=OutcomeKind.ACTION, text="x", owner=member_person
            )
            raise RuntimeError

    with run_on_commit(), pytest.raises(RuntimeError):
        assign_then_fail()
    assert Notification.objects.count() == 0


def test_notify_later_refuses_links_to_other_sites(initiative, owner):
    for url in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\\evil"):
        with pytest.raises(ValueError, match="path on this site"):
            notify_later(kind=Kind.MENTION, recipients=[owner], initiative=initiative, url=url)


def test_the_migration_marks_members_who_already_have_the_invitation(
    initiative, owner, member, participant, meeting
):
    """Before `notified_at`, the notification itself was the record: members who have one
    for the meeting are marked as told, the others are left to be told."""
    migration = importlib.import_module("meshutaf.meetings.migrations.0003_invitee_notified_at")
    meetings.invitees_add(meeting=meeting, by=owner, users=[member, participant], send=False)
    Notification.objects.create(
        recipient=member, kind=Kind.MEETING_INVITED, url=meeting.get_absolute_url()
    )
    Notification.objects.create(  # another meeting's invitation says nothing of this one
        recipient=participant, kind=Kind.MEETING_INVITED, url="/meetings/999999/"
    )
    migration.members_already_told(django_apps, None)
    told = dict(meeting.invitees.values_list("user", "notified_at"))
    assert told[member.pk] is not None
    assert told[participant.pk] is None
