"""Forms for workshops. They parse and validate input; the services do the writing."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from meshutaf.core.forms import IdChoiceField, IdMultipleChoiceField
from meshutaf.meetings.models import Meeting, MeetingStatus

from . import canvas
from .models import MAX_CONTRIBUTION, MAX_NAME, CanvasTemplate, Contribution, Theme
from .services import MAX_GROUPS

# How readily notes are put together: the clustering's distance threshold.
SENSITIVITY = {"fewer": 0.86, "normal": 0.78, "more": 0.65}


class TemplateChoiceField(IdChoiceField):
    def label_from_instance(self, obj: CanvasTemplate) -> str:
        return obj.display_title


class MeetingChoiceField(IdChoiceField):
    def label_from_instance(self, obj: Meeting) -> str:
        return f"{obj.title} ({obj.local_start:%Y-%m-%d})"


def _meetings(initiative):
    return initiative.meetings.exclude(status=MeetingStatus.CANCELLED).order_by("-starts_at")


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    template = TemplateChoiceField(label=_("Canvas"), queryset=CanvasTemplate.objects.none())
    groups = forms.CharField(
        label=_("Working groups"),
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
        help_text=_("One group name per line. Each group gets its own link and QR code."),
    )
    instructions = forms.CharField(
        label=_("Instructions for participants"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        required=False,
        max_length=2000,
        help_text=_("Shown at the top of the participants' canvas: the question to work on."),
    )
    allow_anonymous = forms.BooleanField(
        label=_("Participants may stay anonymous"), required=False, initial=True
    )
    meeting = MeetingChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("Optional: the meeting this workshop is part of."),
    )

    def __init__(self, *args, initiative, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = CanvasTemplate.objects.filter(
            pk__in=[template.pk for template in templates]
        )
        self.fields["template"].choices = [("", "---------")] + [
            (template.pk, template.display_title) for template in templates
        ]
        self.fields["meeting"].queryset = _meetings(initiative)

    def clean_groups(self) -> list[str]:
        names = [" ".join(line.split()) for line in self.cleaned_data["groups"].splitlines()]
        names = [name for name in names if name]
        if not names:
            raise ValidationError(_("Name at least one working group."))
        if len(names) > MAX_GROUPS:
            raise ValidationError(_("At most %(limit)s working groups.") % {"limit": MAX_GROUPS})
        if any(len(name) > 100 for name in names):
            raise ValidationError(_("A group name has at most 100 characters."))
        return names


class SessionEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    instructions = SessionForm.base_fields["instructions"]
    allow_anonymous = forms.BooleanField(label=_("Participants may stay anonymous"), required=False)
    meeting = MeetingChoiceField(
        label=_("Meeting"), queryset=Meeting.objects.none(), required=False
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = _meetings(initiative)


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        required=False,
    )
    schema = forms.CharField(
        label=_("Canvas (JSON)"),
        widget=forms.Textarea(attrs={"rows": 18, "dir": "ltr", "spellcheck": "false"}),
        help_text=_(
            "A list of sections. Each has a “title” and a “kind”: “list”, or “grid” with "
            "“rows” and “columns” (each a list of labels). Keys are optional."
        ),
    )

    def clean_schema(self) -> dict:
        try:
            value = json.loads(self.cleaned_data["schema"])
        except json.JSONDecodeError as error:
            raise ValidationError(
                _("This is not valid JSON (line %(line)s, column %(column)s).")
                % {"line": error.lineno, "column": error.colno}
            ) from error
        return canvas.normalize_schema(value)

    @staticmethod
    def schema_text(schema: dict) -> str:
        sections = [
            {name: value for name, value in section.items() if value not in ("", [])}
            for section in schema.get("sections", [])
        ]
        return json.dumps(sections, ensure_ascii=False, indent=2)


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=MAX_NAME,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "dir": "auto"}),
    )
    anonymous = forms.BooleanField(label=_("Stay anonymous"), required=False)

    def __init__(self, *args, allow_anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_anonymous:
            del self.fields["anonymous"]
            self.fields["display_name"].required = True
        else:
            self.fields["display_name"].help_text = _(
                "Shown to the facilitator with your notes. Or tick “Stay anonymous”."
            )


class ContributionForm(forms.Form):
    section = forms.CharField(max_length=40)
    row = forms.CharField(max_length=40, required=False)
    column = forms.CharField(max_length=40, required=False)
    text = forms.CharField(
        label=_("Your note"),
        max_length=MAX_CONTRIBUTION,
        error_messages={
            "required": _("Write something first."),
            "max_length": _("Keep it short: at most %(limit_value)d characters."),
        },
    )


class ContributionEditForm(forms.Form):
    text = forms.CharField(
        label=_("Your note"),
        max_length=MAX_CONTRIBUTION,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto", "maxlength": MAX_CONTRIBUTION}),
        error_messages={
            "required": _("Write something first."),
            "max_length": _("Keep it short: at most %(limit_value)d characters."),
        },
    )


class NameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


class SuggestForm(forms.Form):
    sensitivity = forms.ChoiceField(
        label=_("Themes"),
        choices=[
            ("fewer", _("Fewer, broader themes")),
            ("normal", _("Balanced")),
            ("more", _("More, closer themes")),
        ],
        initial="normal",
    )
    replace_named = forms.BooleanField(
        label=_("Also replace the themes I named or made"), required=False
    )

    @property
    def threshold(self) -> float:
        return SENSITIVITY[self.cleaned_data["sensitivity"]]


class ThemeMergeForm(forms.Form):
    into = IdChoiceField(label=_("Merge into"), queryset=Theme.objects.none())

    def __init__(self, *args, theme: Theme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = Theme.objects.filter(
            session=theme.session_id, section_key=theme.section_key
        ).exclude(pk=theme.pk)


class ThemeSplitForm(forms.Form):
    contributions = IdMultipleChoiceField(
        label=_("Contributions to move"), queryset=Contribution.objects.none()
    )
    name = forms.CharField(label=_("Name of the new theme"), max_length=120)

    def __init__(self, *args, theme: Theme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributions"].queryset = theme.contributions.all()


class MoveForm(forms.Form):
    theme = IdChoiceField(label=_("Theme"), queryset=Theme.objects.none(), required=False)

    def __init__(self, *args, contribution: Contribution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(
            session=contribution.session_id, section_key=contribution.section_key
        )


class MergeForm(forms.Form):
    duplicates = IdMultipleChoiceField(
        label=_("Duplicates of this contribution"),
        queryset=Contribution.objects.none(),
        error_messages={"required": _("Tick at least one duplicate.")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicates"].queryset = Contribution.objects.filter(
            pk__in=[c.pk for c in candidates]
        )
