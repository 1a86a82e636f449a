"""Forms for meetings. They parse and validate input; the services do the writing."""

import datetime
import re
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meshutaf.core.forms import DateInput, IdChoiceField, IdMultipleChoiceField
from meshutaf.core.time_zones import time_zone_choices, viewer_time_zone
from meshutaf.core.widgets import use_picker
from meshutaf.directory.models import Person
from meshutaf.initiatives.models import Group, Phase

from . import selectors
from .models import (
    RSVP,
    ActionStatus,
    AgendaItem,
    MeetingKind,
    MeetingSeries,
    MeetingStatus,
    OutcomeKind,
    Recurrence,
)
from .services import invitee_emails_check


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class MeetingForm(forms.Form):
    """Date, start and end time in the meeting's own time zone (what the organiser means),
    turned into aware datetimes for the service."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    series = IdChoiceField(label=_("Series"), queryset=MeetingSeries.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=MeetingStatus.choices,
        initial=MeetingStatus.SCHEDULED,
        help_text=_("Drafts are seen by facilitators only; invitations go out when scheduled."),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends"), widget=TimeInput())
    time_zone = forms.ChoiceField(label=_("Time zone"))
    venue = forms.CharField(label=_("Venue (address)"), max_length=300, required=False)
    online_url = forms.URLField(
        label=_("Online link"), max_length=500, required=False, assume_scheme="https"
    )
    phase = IdChoiceField(label=_("Phase"), queryset=Phase.objects.none(), required=False)
    group = IdChoiceField(label=_("Group"), queryset=Group.objects.none(), required=False)
    description = forms.CharField(
        label=_("Purpose and notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = initiative.meeting_series.all()
        self.fields["phase"].queryset = initiative.phases.all()
        self.fields["group"].queryset = initiative.groups.all()
        # A new meeting starts in the organiser's zone; an edited one keeps its own on offer.
        self.fields["time_zone"].initial = viewer_time_zone()
        self.fields["time_zone"].choices = time_zone_choices(
            include=self.initial.get("time_zone", "")
        )

    @classmethod
    def initial_for(cls, meeting) -> dict:
        return {
            "title": meeting.title,
            "kind": meeting.kind,
            "series": meeting.series_id,
            "status": meeting.status,
            "date": meeting.local_start.date(),
            "start_time": meeting.local_start.time(),
            "end_time": meeting.local_end.time(),
            "time_zone": meeting.time_zone,
            "venue": meeting.venue,
            "online_url": meeting.online_url,
            "phase": meeting.phase_id,
            "group": meeting.group_id,
            "description": meeting.description,
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        zone = zoneinfo.ZoneInfo(data["time_zone"])
        starts = datetime.datetime.combine(data["date"], data["start_time"], tzinfo=zone)
        ends = datetime.datetime.combine(data["date"], data["end_time"], tzinfo=zone)
        if ends <= starts:
            self.add_error("end_time", _("The meeting must end after it starts."))
        data["starts_at"], data["ends_at"] = starts, ends
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        names = (
            "title",
            "kind",
            "series",
            "status",
            "time_zone",
            "venue",
            "online_url",
            "phase",
            "group",
            "description",
            "starts_at",
            "ends_at",
        )
        return {name: data[name] for name in names}


def parse_agenda_lines(text: str) -> list[dict]:
    """“Title | minutes” per line (minutes optional) → template agenda items."""
    items = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        title, _sep, minutes = line.rpartition("|") if "|" in line else (line, "", "")
        title = title.strip()
        minutes = minutes.strip()
        if minutes and not minutes.isdigit():
            raise ValidationError(
                _("Line %(number)s: the minutes after “|” must be a whole number."),
                params={"number": number},
            )
        if not title:
            raise ValidationError(_("Line %(number)s has no title."), params={"number": number})
        if len(title) > 300:
            raise ValidationError(
                _("Line %(number)s: the title is too long."), params={"number": number}
            )
        items.append({"title": title, "minutes": min(int(minutes or 0), 24 * 60)})
    return items


class SeriesForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    recurrence = forms.ChoiceField(label=_("Rhythm"), choices=Recurrence.choices, required=False)
    duration_minutes = forms.IntegerField(
        label=_("Usual length (minutes)"), min_value=5, max_value=24 * 60, initial=120
    )
    group = IdChoiceField(label=_("Group"), queryset=Group.objects.none(), required=False)
    venue = forms.CharField(label=_("Usual venue"), max_length=300, required=False)
    online_url = forms.URLField(
        label=_("Usual online link"), max_length=500, required=False, assume_scheme="https"
    )
    agenda_template = forms.CharField(
        label=_("Template agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One item per line; add “| minutes” to plan its time, e.g. “Welcome | 10”."),
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = initiative.groups.all()

    def clean_agenda_template(self):
        return parse_agenda_lines(self.cleaned_data.get("agenda_template", ""))

    @staticmethod
    def agenda_text(items) -> str:
        return "\n".join(
            f"{item['title']} | {item['minutes']}" if item.get("minutes") else item["title"]
            for item in items
        )


def _choose_from_meeting(field, meeting) -> None:
    """A person of the meeting (`selectors.meeting_people`), found by typing with the picker
    that searches the same set."""
    field.queryset = selectors.meeting_people(meeting=meeting).order_by("full_name", "pk")
    use_picker(field, url=reverse("meetings:pick_people", args=[meeting.pk]))


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "presenter", "planned_minutes", "minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 6, "dir": "auto"})}
        field_classes = {"presenter": IdChoiceField}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        _choose_from_meeting(self.fields["presenter"], meeting)
        self.fields["minutes"].help_text = _(
            "Markdown: **bold**, *italic*, lists with “-”, links. Raw HTML is removed."
        )


class InviteForm(forms.Form):
    everyone = forms.BooleanField(label=_("All members of the initiative"), required=False)
    groups = IdMultipleChoiceField(
        label=_("Groups"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"}),
    )
    users = forms.MultipleChoiceField(
        label=_("Members"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"}),
    )
    emails = forms.CharField(
        label=_("People who are not members, by e-mail"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr", "autocomplete": "off"}),
        help_text=_(
            "One address per line, or separated by commas; at most 50. They get the invitation "
            "and a link to answer, and no access to the initiative."
        ),
    )

    def __init__(self, *args, initiative, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = initiative.groups.all()
        self.members = {str(membership.user_id): membership.user for membership in members}
        self.fields["users"].choices = [
            (key, user.display_name) for key, user in self.members.items()
        ]
        members_search = reverse("initiatives:pick_members", args=[initiative.pk])
        use_picker(self.fields["users"], url=members_search)
        groups_search = reverse("initiatives:pick_groups", args=[initiative.pk])
        use_picker(self.fields["groups"], url=groups_search)

    def clean_emails(self):
        text = self.cleaned_data.get("emails") or ""
        addresses = [part for part in re.split(r"[\s,;]+", text) if part]
        try:
            return sorted(invitee_emails_check(addresses))
        except ValidationError as error:
            raise ValidationError(error.message_dict["emails"]) from error

    def clean(self):
        data = super().clean()
        data["user_objects"] = [self.members[key] for key in data.get("users", [])]
        chosen = [data.get(name) for name in ("everyone", "groups", "user_objects", "emails")]
        if not any(chosen) and not self.has_error("emails"):
            raise ValidationError(_("Choose whom to invite."))
        return data


class RSVPForm(forms.Form):
    rsvp = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(value, label) for value, label in RSVP.choices if value != RSVP.PENDING],
        widget=forms.RadioSelect,
    )


class AttendanceForm(forms.Form):
    people = IdMultipleChoiceField(
        label=pgettext_lazy("attendance", "Present"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = Person.objects.filter(
            pk__in=[person.pk for person in candidates]
        )


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=OutcomeKind.choices)
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}), max_length=4000
    )
    agenda_item = IdChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False
    )
    owner = IdChoiceField(
        label=_("Owner (action items)"), queryset=Person.objects.none(), required=False
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput(), required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        _choose_from_meeting(self.fields["owner"], meeting)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Open and in progress")), ("", _("All")), *ActionStatus.choices],
    )
