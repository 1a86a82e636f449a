"""API endpoints for meetings and action items, through the same gates as the pages."""

import datetime
import re
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from meshutaf.core.access import Action, role_allows
from meshutaf.core.schemas import ErrorOut, Id
from meshutaf.directory.models import Person
from meshutaf.initiatives.permissions import initiative_get_for_user

from . import calendar_grid, selectors, services
from .models import ActionStatus, MeetingKind, MeetingStatus, OutcomeKind
from .permissions import meeting_get_for_user, outcome_get_for_user

router = Router(tags=["meetings"])


class MeetingOut(Schema):
    id: int
    initiative_id: int
    series_id: int | None
    phase_id: int | None
    group_id: int | None
    kind: str
    title: str
    description: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    time_zone: str
    venue: str
    online_url: str
    status: str


class MeetingIn(Schema):
    title: str
    kind: MeetingKind = MeetingKind.ROUNDTABLE
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    time_zone: str = "Asia/Jerusalem"
    venue: str = ""
    online_url: str = ""
    status: MeetingStatus = MeetingStatus.SCHEDULED
    description: str = ""
    series_id: Id | None = None


class OutcomeOut(Schema):
    id: int
    meeting_id: int
    agenda_item_id: int | None
    kind: str
    text: str
    owner_id: int | None
    owner_name: str | None
    due_date: datetime.date | None
    status: str
    closed_at: datetime.datetime | None
    is_overdue: bool

    @staticmethod
    def resolve_owner_name(obj) -> str | None:
        if isinstance(obj, dict):  # already resolved (the meeting detail builds dicts)
            return obj.get("owner_name")
        return obj.owner.full_name if obj.owner_id else None


class OutcomeIn(Schema):
    kind: OutcomeKind
    text: str
    agenda_item_id: Id | None = None
    owner_id: Id | None = None
    due_date: datetime.date | None = None


class AgendaItemOut(Schema):
    id: int
    position: int
    title: str
    presenter_id: int | None
    planned_minutes: int
    minutes: str
    outcomes: list[OutcomeOut]
    carried_action_ids: list[int]

    @staticmethod
    def resolve_outcomes(obj) -> list:
        if isinstance(obj, dict):
            return obj.get("outcomes", [])
        return list(obj.outcomes.all())

    @staticmethod
    def resolve_carried_action_ids(obj) -> list[int]:
        if isinstance(obj, dict):
            return obj.get("carried_action_ids", [])
        return [action.pk for action in obj.carried_actions.all()]


class MeetingAttendanceOut(Schema):
    person_id: int
    name: str
    organisation_id: int | None
    sector: str


class MeetingDetailOut(MeetingOut):
    summary: str
    agenda: list[AgendaItemOut]
    attendance: list[MeetingAttendanceOut]
    outcomes: list[OutcomeOut]
    sector_balance: list[dict]


class ActionItemOut(OutcomeOut):
    initiative_id: int
    meeting_title: str

    @staticmethod
    def resolve_meeting_title(obj) -> str:
        return obj.meeting.title


class StatusIn(Schema):
    status: ActionStatus


@router.get("/initiatives/{initiative_id}/meetings", response=list[MeetingOut])
@paginate
def meeting_list(request, initiative_id: Id, when: str = "", status: str = ""):
    initiative, role = initiative_get_for_user(user=request.user, pk=initiative_id)
    return selectors.meeting_list(
        initiative=initiative,
        include_drafts=role_allows(role, Action.MANAGE),
        when=when if when in ("upcoming", "past") else "",
        status=status if status in MeetingStatus.values else "",
    ).order_by("starts_at", "pk")


@router.post("/initiatives/{initiative_id}/meetings", response={201: MeetingOut})
def meeting_create(request, initiative_id: Id, payload: MeetingIn):
    initiative = initiative_get_for_user(
        user=request.user, pk=initiative_id, action=Action.MANAGE
    ).obj
    data = payload.dict()
    series_id = data.pop("series_id")
    series = None
    if series_id is not None:
        series = initiative.meeting_series.filter(pk=series_id).first()
        if series is None:
            raise ValidationError({"series_id": [_("Unknown series.")]})
    meeting = services.meeting_create(initiative=initiative, by=request.user, series=series, **data)
    return Status(201, meeting)


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut)
def meeting_get(request, meeting_id: Id):
    meeting = meeting_get_for_user(user=request.user, pk=meeting_id).obj
    page = selectors.meeting_page(meeting=meeting, user=request.user)
    result = MeetingOut.from_orm(meeting).dict()
    result["summary"] = meeting.summary
    result["agenda"] = [AgendaItemOut.from_orm(item).dict() for item in page.agenda]
    result["attendance"] = [
        {
            "person_id": row.person_id,
            "name": row.person.full_name,
            "organisation_id": row.organisation_id,
            "sector": row.sector,
        }
        for row in page.attendance
    ]
    result["outcomes"] = [
        OutcomeOut.from_orm(outcome).dict()
        for outcome in meeting.outcomes.select_related("owner").order_by("pk")
    ]
    result["sector_balance"] = page.sector_balance
    return result


@router.post("/meetings/{meeting_id}/outcomes", response={201: OutcomeOut})
def outcome_create(request, meeting_id: Id, payload: OutcomeIn):
    meeting = meeting_get_for_user(user=request.user, pk=meeting_id, action=Action.MANAGE).obj
    # The rules (this meeting's agenda, an owner from its people) live in the model and the
    # service. An id that names nothing, or something of another meeting, gets the same
    # answer on the field the caller sent, so the API tells no one what exists elsewhere.
    agenda_item = owner = None
    if payload.agenda_item_id is not None:
        agenda_item = meeting.agenda_items.filter(pk=payload.agenda_item_id).first()
        if agenda_item is None:
            raise ValidationError(
                {"agenda_item_id": [_("Choose an item of this meeting's agenda.")]}
            )
    if payload.owner_id is not None:
        owner = Person.objects.filter(pk=payload.owner_id).first()
        if owner is None:
            raise ValidationError({"owner_id": [_("Choose someone from this meeting's people.")]})
    try:
        outcome = services.outcome_create(
            meeting=meeting,
            by=request.user,
            kind=payload.kind,
            text=payload.text,
            agenda_item=agenda_item,
            owner=owner,
            due_date=payload.due_date,
        )
    except ValidationError as error:
        if owner is None or not hasattr(error, "error_dict"):
            raise
        # The service names its field "owner"; the caller sent "owner_id".
        raise ValidationError(
            {
                "owner_id" if name == "owner" else name: texts
                for name, texts in error.message_dict.items()
            }
        ) from None
    return Status(201, outcome)


# 404: an initiative the caller is not a member of.
@router.get("/action-items", response={200: list[ActionItemOut], 404: ErrorOut})
@paginate
def action_item_list(request, owner: str = "", status: str = "", initiative: Id | None = None):
    """owner=me keeps the caller's own items; status=open keeps open and in-progress ones."""
    scope = None
    if initiative is not None:
        scope = initiative_get_for_user(user=request.user, pk=initiative).obj
    if status and status != "open" and status not in ActionStatus.values:
        raise ValidationError({"status": [_("Choose a valid status.")]})
    return selectors.action_items(
        user=request.user, owner_only=owner == "me", status=status, initiative=scope
    )


@router.patch("/action-items/{item_id}", response=ActionItemOut)
def action_item_update(request, item_id: Id, payload: StatusIn):
    item = outcome_get_for_user(user=request.user, pk=item_id, action=Action.CONTRIBUTE).obj
    return services.action_item_set_status(item=item, by=request.user, status=payload.status)


# --- My meetings across initiatives ---------------------------------------------------------

# The longest span one request may ask for: a year (a leap year's included).
MY_MEETINGS_MAX_DAYS = 366


class MyMeetingOut(MeetingOut):
    """A meeting in the caller's list across initiatives, with what a calendar shows of it."""

    initiative_name: str
    url: str

    @staticmethod
    def resolve_initiative_name(obj) -> str:
        return obj.initiative.name

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


def _iso_day(value):
    """Only YYYY-MM-DD: pydantic would also read "0" as 1 January 1970."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise PydanticCustomError("date_parsing", "Enter a valid date (YYYY-MM-DD).")
    return value


IsoDay = Annotated[datetime.date, BeforeValidator(_iso_day)]


class MyMeetingsQuery(Schema):
    from_: IsoDay | None = Field(
        None, alias="from", description="The first day (YYYY-MM-DD); today if left out."
    )
    to: IsoDay | None = Field(
        None,
        description="The last day, included (YYYY-MM-DD); 30 days after `from` if left out. "
        f"At most {MY_MEETINGS_MAX_DAYS} days after `from`.",
    )


def _query_error(field: str, message: str) -> NinjaValidationError:
    return NinjaValidationError([{"loc": ("query", field), "msg": message, "type": "value_error"}])


@router.get("/me/meetings", response=list[MyMeetingOut])
def my_meetings(request, query: Query[MyMeetingsQuery]):
    """My meetings in every initiative I belong to (drafts only where I facilitate), that
    overlap the days from `from` to `to` in my time zone, in order."""
    years = {"first": calendar_grid.MIN_YEAR, "last": calendar_grid.MAX_YEAR}
    for name, value in (("from", query.from_), ("to", query.to)):
        if value is not None and not years["first"] <= value.year <= years["last"]:
            raise _query_error(name, _("Enter a date from %(first)s to %(last)s.") % years)
    first = query.from_ or timezone.localdate()
    last = query.to or first + datetime.timedelta(days=30)
    end_day = last + datetime.timedelta(days=1)
    if last < first:
        raise _query_error("to", _("The last day must not be before the first."))
    if (last - first).days > MY_MEETINGS_MAX_DAYS:
        raise _query_error(
            "to",
            _("Ask for at most %(days)s days at a time.") % {"days": MY_MEETINGS_MAX_DAYS},
        )
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(end_day, datetime.time.min, tzinfo=zone)
    return list(selectors.my_meetings_between(user=request.user, start=start, end=end))
