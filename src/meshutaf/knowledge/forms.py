"""Forms for the knowledge base."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from meshutaf.core.forms import IdChoiceField
from meshutaf.initiatives.models import Phase
from meshutaf.meetings.models import AgendaItem, Meeting


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    meeting = IdChoiceField(label=_("Meeting"), queryset=Meeting.objects.none(), required=False)
    agenda_item = IdChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False
    )

    def __init__(self, *args, initiative, include_drafts: bool, **kwargs):
        super().__init__(*args, **kwargs)
        meetings = initiative.meetings.order_by("-starts_at")
        if not include_drafts:
            meetings = meetings.exclude(status="draft")
        self.fields["meeting"].queryset = meetings
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(meeting__in=meetings)
        self.fields["file"].help_text = _(
            "PDF, Word (DOCX), Excel (XLSX) or an image; up to %(limit)s MB. "
            "The text of PDF, Word and Excel files becomes searchable."
        ) % {"limit": settings.MESHUTAF_MAX_UPLOAD_MB}
        self.fields["file"].widget.attrs["accept"] = (
            ".pdf,.docx,.xlsx,image/png,image/jpeg,image/gif,image/webp"
        )


class InsightForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}), required=False
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=600,
        help_text=_("Separated by commas, e.g. “budget, local authorities”."),
    )
    is_key = forms.BooleanField(
        label=_("Key insight (goes into the summary report)"), required=False
    )
    meeting = IdChoiceField(label=_("Meeting"), queryset=Meeting.objects.none(), required=False)
    phase = IdChoiceField(label=_("Phase"), queryset=Phase.objects.none(), required=False)

    def __init__(self, *args, initiative, include_drafts: bool, **kwargs):
        super().__init__(*args, **kwargs)
        meetings = initiative.meetings.order_by("-starts_at")
        if not include_drafts:
            meetings = meetings.exclude(status="draft")
        self.fields["meeting"].queryset = meetings
        self.fields["phase"].queryset = initiative.phases.all()
