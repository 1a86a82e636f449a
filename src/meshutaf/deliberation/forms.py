"""Forms for deliberation. They parse and validate input; the services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meshutaf.core import uploads
from meshutaf.core.forms import IdChoiceField
from meshutaf.meetings.models import Meeting

from .models import (
    DEFAULT_PARTICIPANT_LIMIT,
    DEFAULT_PARTICIPANT_LIMIT_MINUTES,
    MAX_PARTICIPANT_LIMIT,
    MAX_PARTICIPANT_LIMIT_MINUTES,
    STATEMENT_MAX_LENGTH,
    Moderation,
)

MAX_UPLOAD_BYTES = uploads.MAX_UPLOAD_BYTES  # a Pol.is export
MAX_STATEMENTS_BYTES = 5 * 1024 * 1024  # the 2,000 statements of one import take ~1 MB


class ConversationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    question = forms.CharField(
        label=_("Question"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What participants are asked to react to."),
    )
    description = forms.CharField(
        label=_("Background"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    meeting = IdChoiceField(label=_("Meeting"), queryset=Meeting.objects.none(), required=False)
    allow_anonymous = forms.BooleanField(
        label=_("People without an account may take part by link"), required=False, initial=True
    )
    accept_statements = forms.BooleanField(
        label=_("Participants may add statements"), required=False, initial=True
    )
    moderation = forms.ChoiceField(
        label=_("Participants' statements"), choices=Moderation.choices, initial=Moderation.PRE
    )
    show_results = forms.BooleanField(
        label=_("Participants see the opinion map"), required=False, initial=True
    )
    participant_limit = forms.IntegerField(
        label=_("New participants per network"),
        min_value=0,
        max_value=MAX_PARTICIPANT_LIMIT,
        initial=DEFAULT_PARTICIPANT_LIMIT,
        help_text=_(
            "How many people without an account may join from one network (one address) "
            "within the time below; more are asked to wait. A room sharing one Wi-Fi counts "
            "as one network: raise the limit for a large room. 0 means no limit."
        ),
    )
    participant_limit_minutes = forms.IntegerField(
        label=_("Within (minutes)"),
        min_value=1,
        max_value=MAX_PARTICIPANT_LIMIT_MINUTES,
        initial=DEFAULT_PARTICIPANT_LIMIT_MINUTES,
    )

    def __init__(self, *args, initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(initiative=initiative).order_by(
            "-starts_at"
        )


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Statement"),
        max_length=STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": STATEMENT_MAX_LENGTH}),
        help_text=_("One short, clear statement others can agree or disagree with."),
    )


def _limited(upload, max_bytes: int = MAX_UPLOAD_BYTES):
    if upload is not None:
        try:
            uploads.check_size(upload.size, max_bytes)
        except uploads.UploadRefusedError as error:
            raise forms.ValidationError(str(error)) from None
    return upload


class StatementsImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One statement per row. In a file with several columns, the first row must name "
            "the statements' column “text”."
        ),
    )
    # Which first rows are headings is decided by importing.STATEMENTS_IMPORT; this only
    # carries the facilitator's word for a file of one column.
    first_row_is_heading = forms.BooleanField(
        label=_("The first row is a heading (leave it out)"),
        required=False,
        initial=True,
        help_text=_("A first row that names the column, such as “text”, is always left out."),
    )

    def clean_file(self):
        return _limited(self.cleaned_data["file"], MAX_STATEMENTS_BYTES)


class PolisImportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    votes = forms.FileField(label=_("votes.csv"))
    comments = forms.FileField(label=_("comments.csv"))

    def clean_votes(self):
        return _limited(self.cleaned_data["votes"])

    def clean_comments(self):
        return _limited(self.cleaned_data["comments"])


class ResumeForm(forms.Form):
    code = forms.CharField(
        label=_("Your code"),
        max_length=20,
        help_text=_("The eight-character code you were given on your other device."),
    )


class BurstForm(forms.Form):
    """A burst on the conversation page (see selectors.participant_bursts), to exclude from the
    analysis or include again. The network is its salted hash; the times bound the burst."""

    EXCLUDE, INCLUDE = "exclude", "include"

    network = forms.RegexField(regex=r"^[0-9a-f]{32}$")
    first = forms.DateTimeField()
    last = forms.DateTimeField()
    action = forms.ChoiceField(choices=[(EXCLUDE, EXCLUDE), (INCLUDE, INCLUDE)])
