"""Writes for meetings. Every change validates, runs in a transaction, is audited, and keeps
the search index in step (in the same transaction, so the index never disagrees with what is
stored). E-mail goes out after the commit, through the task queue."""

import datetime
import secrets
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from meshutaf.accounts.models import User
from meshutaf.core.services import model_delete, model_save, model_update
from meshutaf.core.text import normalize_email
from meshutaf.directory.models import Affiliation, Person
from meshutaf.directory.services import person_create
from meshutaf.initiatives.models import Group, Initiative, Membership
from meshutaf.initiatives.services import require_same_initiative
from meshutaf.notifications.models import Kind as NoticeKind
from meshutaf.notifications.services import notify_later, notify_mentions_later

from . import indexing, selectors
from .models import (
    OPEN_ACTION_STATUSES,
    RSVP,
    ActionStatus,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Meeting,
    MeetingInvitee,
    MeetingSeries,
    MeetingStatus,
    Outcome,
    OutcomeKind,
    Recurrence,
    SpeakingTurn,
)

SERIES_FIELDS = (
    "title",
    "kind",
    "group",
    "recurrence",
    "duration_minutes",
    "venue",
    "online_url",
    "agenda_template",
)
MEETING_FIELDS = (
    "series",
    "phase",
    "group",
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "time_zone",
    "venue",
    "online_url",
    "status",
    "summary",
)
# Changes a subscribed calendar must see (RFC 5545 SEQUENCE rises with them).
CALENDAR_FIELDS = {"title", "starts_at", "ends_at", "time_zone", "venue", "online_url", "status"}
AGENDA_FIELDS = ("title", "presenter", "planned_minutes", "minutes")


# --- Series ---------------------------------------------------------------------------------


@transaction.atomic
def series_create(*, initiative: Initiative, by: User, **fields) -> MeetingSeries:
    unknown = set(fields) - set(SERIES_FIELDS)
    if unknown:
        raise TypeError(f"unknown series fields: {sorted(unknown)}")
    require_same_initiative(initiative, fields.get("group"))
    return model_save(MeetingSeries(initiative=initiative, **fields), by=by)


@transaction.atomic
def series_update(*, series: MeetingSeries, by: User, data: dict) -> MeetingSeries:
    require_same_initiative(series.initiative, data.get("group"))
    series, _changed = model_update(instance=series, fields=SERIES_FIELDS, data=data, by=by)
    return series


def series_next_start(*, series: MeetingSeries) -> datetime.datetime | None:
    """When the series would meet next, by its rhythm, after its latest meeting."""
    latest = series.meetings.aggregate(latest=Max("starts_at"))["latest"]
    if latest is None or not series.recurrence:
        return None
    step = {
        Recurrence.WEEKLY: relativedelta(weeks=1),
        Recurrence.FORTNIGHTLY: relativedelta(weeks=2),
        Recurrence.MONTHLY: relativedelta(months=1),
        Recurrence.QUARTERLY: relativedelta(months=3),
    }[Recurrence(series.recurrence)]
    # Step in the meeting's own time zone, so 18:00 stays 18:00 across daylight saving.
    meeting = series.meetings.order_by("-starts_at").first()
    local = timezone.localtime(latest, meeting.zone)
    return (local.replace(tzinfo=None) + step).replace(tzinfo=meeting.zone)


# --- Meetings -------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *, initiative: Initiative, by: User, agenda: list[dict] | None = None, **fields
) -> Meeting:
    """Create a meeting. In a series, the agenda starts from the series template and an item
    lists the action items still open from earlier meetings of the series."""
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown meeting fields: {sorted(unknown)}")
    series = fields.get("series")
    require_same_initiative(initiative, series, fields.get("phase"), fields.get("group"))
    if series is not None:
        fields.setdefault("kind", series.kind)
        fields.setdefault("venue", series.venue)
        fields.setdefault("online_url", series.online_url)
        if fields.get("group") is None and series.group_id:
            fields["group"] = series.group
    meeting = model_save(Meeting(initiative=initiative, created_by=by, **fields), by=by)
    items = agenda if agenda is not None else (series.agenda_template if series else [])
    for position, item in enumerate(items, start=1):
        model_save(
            AgendaItem(
                meeting=meeting,
                position=position,
                title=item["title"],
                planned_minutes=item.get("minutes", 0),
            ),
            by=by,
        )
    if series is not None:
        meeting_carry_open_actions(meeting=meeting, by=by)
    indexing.index_meeting(meeting)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: User, data: dict) -> Meeting:
    require_same_initiative(
        meeting.initiative, data.get("series"), data.get("phase"), data.get("group")
    )
    calendar_change = any(
        name in data and getattr(meeting, name) != data[name] for name in CALENDAR_FIELDS
    )
    fields = MEETING_FIELDS
    if calendar_change:
        # Calendar apps take an update only when its SEQUENCE grows.
        data = {**data, "sequence": meeting.sequence + 1}
        fields = (*MEETING_FIELDS, "sequence")
    meeting, changed = model_update(instance=meeting, fields=fields, data=data, by=by)
    if changed:
        indexing.index_meeting(meeting)
    return meeting


@transaction.atomic
def meeting_set_status(*, meeting: Meeting, by: User, status: str) -> Meeting:
    if status not in MeetingStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    return meeting_update(meeting=meeting, by=by, data={"status": status})


@transaction.atomic
def meeting_delete(*, meeting: Meeting, by: User) -> None:
    if meeting.outcomes.filter(kind=OutcomeKind.ACTION).exists():
        raise ValidationError(
            _("This meeting has action items. Cancel it instead, so they keep their source.")
        )
    indexing.unindex_meeting(meeting)
    model_delete(meeting, by=by)


def _open_actions_before(meeting: Meeting):
    return Outcome.objects.filter(
        meeting__series=meeting.series_id,
        meeting__starts_at__lt=meeting.starts_at,
        kind=OutcomeKind.ACTION,
        status__in=OPEN_ACTION_STATUSES,
    ).exclude(meeting=meeting)


def _carry_item(meeting: Meeting, by: User) -> AgendaItem:
    item = meeting.agenda_items.filter(is_carry_over=True).first()
    if item is None:
        position = (meeting.agenda_items.aggregate(top=Max("position"))["top"] or 0) + 1
        item = model_save(
            AgendaItem(
                meeting=meeting,
                position=position,
                title=_("Open action items from earlier meetings"),
                is_carry_over=True,
            ),
            by=by,
        )
    return item


@transaction.atomic
def meeting_carry_open_actions(*, meeting: Meeting, by: User) -> int:
    """Put the series' open action items on this meeting's agenda. Returns how many."""
    if meeting.series_id is None or meeting.status in (MeetingStatus.HELD,):
        return 0
    open_items = list(_open_actions_before(meeting))
    if not open_items:
        return 0
    item = _carry_item(meeting, by)
    item.carried_actions.add(*open_items)
    return len(open_items)


def _carry_forward(outcome: Outcome, by: User) -> None:
    """A new action item in a series goes onto the next meeting's agenda if that meeting is
    already planned (minutes are often written after the next meeting is scheduled)."""
    meeting = outcome.meeting
    if meeting.series_id is None:
        return
    following = (
        Meeting.objects.filter(
            series=meeting.series_id,
            starts_at__gt=meeting.starts_at,
            status__in=(MeetingStatus.DRAFT, MeetingStatus.SCHEDULED),
        )
        .order_by("starts_at")
        .first()
    )
    if following is not None:
        _carry_item(following, by).carried_actions.add(outcome)


# --- Agenda ---------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, by: User, **fields) -> AgendaItem:
    unknown = set(fields) - set(AGENDA_FIELDS)
    if unknown:
        raise TypeError(f"unknown agenda fields: {sorted(unknown)}")
    position = (meeting.agenda_items.aggregate(top=Max("position"))["top"] or 0) + 1
    item = model_save(AgendaItem(meeting=meeting, position=position, **fields), by=by)
    indexing.index_meeting(meeting)
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, by: User, data: dict) -> AgendaItem:
    minutes_before = item.minutes
    item, changed = model_update(instance=item, fields=AGENDA_FIELDS, data=data, by=by)
    if changed:
        indexing.index_meeting(item.meeting)
        _notify_mentions(item, minutes_before, by)
    return item


def _notify_mentions(item: AgendaItem, minutes_before: str, by: User) -> None:
    """Members named with an "@" in the minutes hear of it (once per new mention)."""
    meeting = item.meeting
    notify_mentions_later(
        text=item.minutes,
        previous=minutes_before,
        initiative=meeting.initiative_id,
        url=minutes_url(meeting, f"item-{item.pk}"),
        params={"actor": by.display_name, "title": meeting.title},
        actor=by,
    )


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, by: User, offset: int) -> None:
    """Move an item up (-1) or down (+1), renumbering the agenda 1..n."""
    items = list(item.meeting.agenda_items.order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index + offset
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items, start=1):
        if other.position != position:
            other.position = position
            model_save(other, by=by)


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, by: User) -> None:
    meeting = item.meeting
    indexing.unindex_minutes([item.pk])
    model_delete(item, by=by)
    indexing.index_meeting(meeting)


# --- Invitations and RSVP -------------------------------------------------------------------


def person_for_user(*, user: User, by: User | None) -> Person:
    """The directory entry of a user, created the first time it is needed."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = person_create(
            by=by, user=user, full_name=user.display_name, email=user.email or ""
        )
    return person


@transaction.atomic
def invitees_add(
    *,
    meeting: Meeting,
    by: User,
    users: Iterable[User] = (),
    groups: Iterable[Group] = (),
    whole_initiative: bool = False,
    emails: Iterable[str] = (),
    send: bool = True,
) -> list[MeetingInvitee]:
    """Invite members of the initiative, the people of some of its groups, all members, or
    outsiders by e-mail address (a member's address invites that member). Outsiders get the
    e-mail and its answer link, and no access to the initiative. People already invited are
    skipped. Returns the new invitees; e-mail follows the commit."""
    groups = list(groups)
    outsiders = invitee_emails_check(emails)
    require_same_initiative(meeting.initiative, *groups)
    wanted_users: dict[int, User] = {user.pk: user for user in users}
    member_ids = set(
        Membership.objects.filter(initiative=meeting.initiative_id).values_list("user", flat=True)
    )
    stray = set(wanted_users) - member_ids
    if stray:
        raise ValidationError(_("Only members of the initiative can be invited this way."))
    if whole_initiative:
        for membership in Membership.objects.filter(
            initiative=meeting.initiative_id, user__is_active=True
        ).select_related("user"):
            wanted_users[membership.user_id] = membership.user
    wanted_people: dict[int, Person] = {}
    for group in groups:
        for member in group.memberships.select_related("person__user"):
            person = member.person
            if person.user_id and person.user.is_active:
                wanted_users.setdefault(person.user_id, person.user)
            elif not person.user_id:
                wanted_people[person.pk] = person
    if outsiders:
        for membership in Membership.objects.filter(
            initiative=meeting.initiative_id, user__is_active=True
        ).select_related("user"):
            if normalize_email(membership.user.email) in outsiders:
                outsiders.discard(normalize_email(membership.user.email))
                wanted_users.setdefault(membership.user_id, membership.user)
    already_users = set(meeting.invitees.exclude(user=None).values_list("user", flat=True))
    already_people = set(meeting.invitees.exclude(person=None).values_list("person", flat=True))
    already_emails = {normalize_email(e) for e in meeting.invitees.values_list("email", flat=True)}
    created = []
    for email in sorted(outsiders - already_emails):
        created.append(
            model_save(
                MeetingInvitee(
                    meeting=meeting, name=email, email=email, token_nonce=secrets.token_hex(8)
                ),
                by=by,
            )
        )
    for user in wanted_users.values():
        if user.pk in already_users:
            continue
        created.append(
            model_save(
                MeetingInvitee(
                    meeting=meeting,
                    user=user,
                    name=user.display_name,
                    email=user.email,
                    token_nonce=secrets.token_hex(8),
                ),
                by=by,
            )
        )
    for person in wanted_people.values():
        if person.pk in already_people:
            continue
        created.append(
            model_save(
                MeetingInvitee(
                    meeting=meeting,
                    person=person,
                    name=person.full_name,
                    email=person.email,
                    token_nonce=secrets.token_hex(8),
                ),
                by=by,
            )
        )
    if send and created and meeting.status != MeetingStatus.DRAFT:
        ids = [invitee.pk for invitee in created]
        transaction.on_commit(lambda: _enqueue_invitations(meeting.pk, ids))
        _invitations_notify(meeting=meeting, by=by, invitees=meeting.invitees.filter(pk__in=ids))
    return created


@transaction.atomic
def invitations_send(*, meeting: Meeting, by: User) -> int:
    """Send what has not gone yet (after a draft is scheduled, or to retry failed e-mails):
    the e-mail to invitees with an address not yet e-mailed, the bell to invited members not
    yet told. Pressing it twice tells nobody twice. Returns how many invitees it reaches."""
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(_("Schedule the meeting before sending invitations."))
    unsent = list(
        meeting.invitees.filter(invited_at=None).exclude(email="").values_list("pk", flat=True)
    )
    untold = meeting.invitees.filter(notified_at=None).exclude(user=None)
    reached = set(unsent) | set(untold.values_list("pk", flat=True))
    if unsent:
        transaction.on_commit(lambda: _enqueue_invitations(meeting.pk, unsent))
    _invitations_notify(meeting=meeting, by=by, invitees=untold)
    return len(reached)


@transaction.atomic
def _invitations_notify(*, meeting: Meeting, by: User, invitees) -> None:
    """The invited members see the invitation under their bell too (after the commit), once:
    the rows are locked while they are marked, so a double-clicked button tells no one twice."""
    told = list(
        invitees.exclude(user=None)
        .filter(notified_at=None)
        .select_for_update()
        .values_list("pk", "user")
    )
    if not told:
        return
    MeetingInvitee.objects.filter(pk__in=[pk for pk, _user in told]).update(
        notified_at=timezone.now()
    )
    notify_later(
        kind=NoticeKind.MEETING_INVITED,
        recipients=[user for _pk, user in told],
        initiative=meeting.initiative_id,
        params={"title": meeting.title, "date": meeting.local_start.date().isoformat()},
        url=meeting.get_absolute_url(),
        actor=by,
    )


MAX_EMAIL_INVITES = 50


def invitee_emails_check(emails: Iterable[str]) -> set[str]:
    """The outsiders' addresses, normalised and deduplicated; refuses bad ones and too many."""
    wanted = {normalize_email(email) for email in emails if (email or "").strip()}
    bad = sorted(email for email in wanted if not _valid_email(email))
    if bad:
        raise ValidationError(
            {"emails": _("Not e-mail addresses: %(bad)s") % {"bad": ", ".join(bad[:10])}}
        )
    if len(wanted) > MAX_EMAIL_INVITES:
        raise ValidationError(
            {
                "emails": _("Invite at most %(max)s addresses at a time.")
                % {"max": MAX_EMAIL_INVITES}
            }
        )
    return wanted


def _valid_email(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return len(email) <= 254


def _enqueue_invitations(meeting_id: int, invitee_ids: list[int]) -> None:
    from .tasks import send_invitations

    send_invitations.enqueue(meeting_id, invitee_ids)


@transaction.atomic
def invitee_remove(*, invitee: MeetingInvitee, by: User) -> None:
    model_delete(invitee, by=by)


@transaction.atomic
def invitee_respond(*, invitee: MeetingInvitee, rsvp: str) -> MeetingInvitee:
    if rsvp not in (RSVP.YES, RSVP.NO, RSVP.MAYBE):
        raise ValidationError({"rsvp": _("Choose coming, maybe or not coming.")})
    if invitee.meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."))
    if invitee.meeting.ends_at < timezone.now():
        raise ValidationError(_("This meeting is over; answers are closed."))
    invitee, _changed = model_update(
        instance=invitee,
        fields=("rsvp", "responded_at"),
        data={"rsvp": rsvp, "responded_at": timezone.now()},
        by=invitee.user,
    )
    return invitee


# --- Attendance -----------------------------------------------------------------------------


def _seat(person: Person, when: datetime.date):
    """The organisation (and sector) a person sat for on a date: their affiliation then.
    Expects `dated_affiliations` prefetched (see `attendance_set`)."""
    for affiliation in person.dated_affiliations:
        started = affiliation.start_date is None or affiliation.start_date <= when
        not_ended = affiliation.end_date is None or affiliation.end_date >= when
        if started and not_ended:
            return affiliation.organisation
    return None


@transaction.atomic
def attendance_set(*, meeting: Meeting, by: User, people: Iterable[Person]) -> list[Attendance]:
    """Make the attendance list exactly `people`, keeping rows already recorded (and the
    organisation they were recorded with)."""
    wanted = {
        person.pk: person
        for person in Person.objects.filter(
            pk__in=[person.pk for person in people]
        ).prefetch_related(
            Prefetch(
                "affiliations",
                queryset=Affiliation.objects.select_related("organisation").order_by(
                    "-start_date", "pk"
                ),
                to_attr="dated_affiliations",
            )
        )
    }
    day = meeting.local_start.date()
    existing = {row.person_id: row for row in meeting.attendance.all()}
    for person_id, row in existing.items():
        if person_id not in wanted:
            model_delete(row, by=by)
    rows = []
    for person_id, person in wanted.items():
        if person_id in existing:
            rows.append(existing[person_id])
            continue
        organisation = _seat(person, day)
        rows.append(
            model_save(
                Attendance(
                    meeting=meeting,
                    person=person,
                    organisation=organisation,
                    sector=organisation.sector if organisation else "",
                ),
                by=by,
            )
        )
    return rows


# --- Outcomes and action items --------------------------------------------------------------


def _owner_check(*, meeting: Meeting, owner: Person | None) -> None:
    """An action item's owner comes from the meeting's people. (The model's clean() holds the
    rules that need no query: an action item has an owner, others have none, the agenda item
    is this meeting's.)"""
    if owner is not None and owner.pk not in {
        person.pk for person in selectors.attendance_candidates(meeting=meeting)
    }:
        raise ValidationError({"owner": _("Choose someone from this meeting's people.")})


@transaction.atomic
def outcome_create(
    *,
    meeting: Meeting,
    by: User,
    kind: str,
    text: str,
    agenda_item: AgendaItem | None = None,
    owner: Person | None = None,
    due_date: datetime.date | None = None,
) -> Outcome:
    """Record a decision, an information item or an action item. Only action items keep an
    owner and a due date; each needs an owner from the meeting's people."""
    if kind == OutcomeKind.ACTION:
        _owner_check(meeting=meeting, owner=owner)
    outcome = model_save(
        Outcome(
            meeting=meeting,
            initiative_id=meeting.initiative_id,
            agenda_item=agenda_item,
            kind=kind,
            text=(text or "").strip(),
            owner=owner,
            due_date=due_date,
            status=ActionStatus.OPEN if kind == OutcomeKind.ACTION else "",
            created_by=by,
        ),
        by=by,
    )
    if outcome.kind == OutcomeKind.ACTION:
        _carry_forward(outcome, by)
        _notify_assigned(outcome, by)
    indexing.index_outcome(outcome)
    return outcome


def minutes_url(meeting: Meeting, anchor: str) -> str:
    """An outcome or an agenda item's minutes, on the meeting page's minutes tab."""
    return f"{meeting.get_absolute_url()}?tab=minutes#{anchor}"


def _notify_assigned(outcome: Outcome, by: User) -> None:
    """The owner of an action item hears of it, unless they gave it to themselves."""
    if outcome.owner is not None and outcome.owner.user_id:
        notify_later(
            kind=NoticeKind.ACTION_ASSIGNED,
            recipients=[outcome.owner.user_id],
            initiative=outcome.initiative_id,
            params={"actor": by.display_name, "text": outcome.text},
            url=minutes_url(outcome.meeting, f"outcome-{outcome.pk}"),
            actor=by,
        )


@transaction.atomic
def outcome_update(*, outcome: Outcome, by: User, data: dict) -> Outcome:
    if outcome.kind == OutcomeKind.ACTION and "owner" in data:
        _owner_check(meeting=outcome.meeting, owner=data["owner"])
    owner_before = outcome.owner_id
    outcome, changed = model_update(
        instance=outcome, fields=("text", "owner", "due_date", "agenda_item"), data=data, by=by
    )
    if changed:
        indexing.index_outcome(outcome)
    if outcome.kind == OutcomeKind.ACTION and outcome.owner_id != owner_before:
        _notify_assigned(outcome, by)
    return outcome


@transaction.atomic
def action_item_set_status(*, item: Outcome, by: User, status: str) -> Outcome:
    if item.kind != OutcomeKind.ACTION:
        raise ValidationError(_("Only action items have a status."))
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    closing = status in (ActionStatus.DONE, ActionStatus.DROPPED)
    closed_at = (item.closed_at or timezone.now()) if closing else None
    item, changed = model_update(
        instance=item,
        fields=("status", "closed_at"),
        data={"status": status, "closed_at": closed_at},
        by=by,
    )
    if changed:
        indexing.index_outcome(item)
    return item


@transaction.atomic
def outcome_delete(*, outcome: Outcome, by: User) -> None:
    indexing.unindex_outcome(outcome)
    model_delete(outcome, by=by)


# --- Speaking turns -------------------------------------------------------------------------


@transaction.atomic
def speaking_turn_add(*, meeting: Meeting, by: User, person: Person) -> SpeakingTurn:
    attendance = meeting.attendance.filter(person=person).first()
    if attendance is None:
        raise ValidationError(_("Mark this person as present first."))
    return SpeakingTurn.objects.create(
        meeting=meeting,
        person=person,
        organisation_id=attendance.organisation_id,
        sector=attendance.sector,
        recorded_by=by,
    )


@transaction.atomic
def speaking_turn_undo(*, meeting: Meeting, by: User) -> bool:
    """Remove the last turn this facilitator logged in this meeting (a mistaken tap)."""
    last = meeting.speaking_turns.filter(recorded_by=by).order_by("-at", "-pk").first()
    if last is None:
        return False
    last.delete()
    return True


# --- Calendar feeds -------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_get(*, user: User, initiative: Initiative | None = None) -> CalendarFeed:
    feed = CalendarFeed.objects.filter(user=user, initiative=initiative).first()
    if feed is None:
        feed = CalendarFeed.objects.create(
            user=user, initiative=initiative, token=secrets.token_urlsafe(32)
        )
    return feed


@transaction.atomic
def calendar_feeds_for(
    *, user: User, initiatives: list[Initiative]
) -> tuple[CalendarFeed, dict[int, CalendarFeed]]:
    """The user's personal feed and one per initiative, made where missing, in few queries."""
    existing = {feed.initiative_id: feed for feed in CalendarFeed.objects.filter(user=user)}
    missing = [None, *(initiative.pk for initiative in initiatives)]
    created = CalendarFeed.objects.bulk_create(
        CalendarFeed(user=user, initiative_id=pk, token=secrets.token_urlsafe(32))
        for pk in missing
        if pk not in existing
    )
    existing.update({feed.initiative_id: feed for feed in created})
    return existing[None], existing


@transaction.atomic
def calendar_feed_reset(*, feed: CalendarFeed) -> CalendarFeed:
    """A new secret; the old address stops working (for a link shared by mistake)."""
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token"])
    return feed
