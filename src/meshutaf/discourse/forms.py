"""Forms for the Discourse Index. They parse and validate input; the services do the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meshutaf.core.forms import IdMultipleChoiceField
from meshutaf.core.widgets import use_picker

from . import codebook
from .languages import NAMES
from .models import Period, SampleKind

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_COMMUNITIES = 200
SPLITS = [
    ("community", _("Community")),
    ("platform", _("Platform")),
    ("language", _("Language")),
    ("none", _("No split")),
]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CorpusForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Where the texts come from, when and how they were collected."),
    )
    is_synthetic = forms.BooleanField(
        label=_("Synthetic (demonstration) data"),
        required=False,
        help_text=_("Every page of the corpus then says so, so nobody mistakes it for real data."),
    )
    communities = forms.CharField(
        label=_("Communities"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line. Communities named in an imported file are added automatically."),
    )

    def clean_communities(self):
        names = _lines(self.cleaned_data["communities"])
        if len(names) > MAX_COMMUNITIES:
            raise forms.ValidationError(
                _("At most %(count)s communities.") % {"count": MAX_COMMUNITIES}
            )
        if any(len(name) > 80 for name in names):
            raise forms.ValidationError(_("A community's name is at most 80 characters."))
        return names


class CorpusEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_synthetic = forms.BooleanField(label=_("Synthetic (demonstration) data"), required=False)
    min_cell_items = forms.IntegerField(
        label=_("Smallest cell to report"),
        min_value=1,
        max_value=1_000_000,
        help_text=_("Cells with fewer items are flagged as too small to interpret."),
    )


class CommunityForm(forms.Form):
    name = forms.CharField(label=_("Community's name"), max_length=80)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV, JSON Lines or XLSX, up to 50 MB)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.tsv,.txt,.jsonl,.ndjson,.json,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


def shortcut_choices():
    return [("", _("No key"))] + [
        (code, codebook.shortcut_label(code)) for code in codebook.SHORTCUT_CODES
    ]


class DimensionForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=80, required=False)
    definition = forms.CharField(
        label=_("Definition"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    examples = forms.CharField(
        label=_("Examples"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    shortcut = forms.ChoiceField(label=_("Keyboard key"), required=False, choices=())
    targets = forms.CharField(
        label=_("Target groups"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line; offered when the dimension asks for the group it targets."),
    )
    active = forms.BooleanField(label=_("In use"), required=False)

    def __init__(self, *args, defaults: dict | None = None, asks_target: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shortcut"].choices = shortcut_choices()
        defaults = defaults or {}
        for name in ("label", "definition", "examples"):
            if defaults.get(name):
                self.fields[name].help_text = _(
                    "Leave empty for the built-in wording: %(text)s"
                ) % {"text": defaults[name]}
        if not asks_target:
            del self.fields["targets"]


class SampleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=SampleKind.choices,
        initial=SampleKind.STRATIFIED,
        widget=forms.RadioSelect,
        help_text=_(
            "Random and stratified samples audit the classifier, so the index can correct it. "
            "The most uncertain items help the model learn but are never used to audit it. "
            "Keyword samples are not offered: they would tell the index only about the "
            "keywords."
        ),
    )
    size = forms.IntegerField(
        label=_("Size"),
        min_value=1,
        max_value=50_000,
        initial=20,
        help_text=_("Items in all (random) or in every cell (stratified)."),
    )
    period = forms.ChoiceField(
        label=_("Period of the cells"), choices=Period.choices, initial=Period.MONTH
    )
    by_platform = forms.BooleanField(label=_("Cells by platform"), required=False, initial=True)
    by_community = forms.BooleanField(label=_("Cells by community"), required=False, initial=True)
    by_language = forms.BooleanField(label=_("Cells by language"), required=False, initial=True)
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=2**31 - 1,
        initial=0,
        help_text=_("The same seed draws the same sample again."),
    )


class ActiveSampleForm(forms.Form):
    size = forms.IntegerField(
        label=_("How many items"),
        min_value=1,
        max_value=5000,
        initial=50,
        help_text=_(
            "The items the current model is least sure about. They help it learn; they are "
            "never used to audit the index."
        ),
    )


class AssignForm(forms.Form):
    annotators = IdMultipleChoiceField(
        label=_("Annotators"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    reliability_items = forms.IntegerField(
        label=_("Items coded by several annotators"),
        min_value=0,
        max_value=50_000,
        initial=0,
        help_text=_("These items measure agreement between annotators (Krippendorff's alpha)."),
    )
    coders_per_item = forms.IntegerField(
        label=_("Annotators per shared item"), min_value=2, max_value=10, initial=3
    )

    def __init__(self, *args, users, search_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annotators"].queryset = users
        self.fields["annotators"].label_from_instance = lambda user: user.display_name
        if search_url:  # an initiative's members, chosen by typing (checkboxes otherwise)
            use_picker(self.fields["annotators"], url=search_url)


class AnnotationForm(forms.Form):
    """The target group and the note; the yes/no answers are read by the view (one checkbox
    per active dimension) and checked by the service."""

    target = forms.ChoiceField(label=_("Target group"), required=False, choices=())
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "off"}),
    )

    def __init__(self, *args, targets: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", _("— none or not applicable —"))] + [
            (target, target) for target in targets
        ]


class DashboardForm(forms.Form):
    target = forms.ChoiceField(label=_("Measure"), required=False, choices=())
    period = forms.ChoiceField(label=_("Period"), required=False, choices=Period.choices)
    split = forms.ChoiceField(label=_("Lines by"), required=False, choices=SPLITS)

    def __init__(self, *args, targets: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets


def language_choices(blank_label):
    return [("", blank_label)] + [(code, str(name)) for code, name in NAMES.items()]


class ItemFilterForm(forms.Form):
    q = forms.CharField(label=_("Text contains"), required=False, max_length=200)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=())
    platform = forms.ChoiceField(label=_("Platform"), required=False, choices=())
    community = forms.ChoiceField(label=_("Community"), required=False, choices=())

    def __init__(self, *args, platforms: list[str], communities: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            *language_choices(_("All languages")),
            ("unknown", _("Unknown")),
        ]
        self.fields["platform"].choices = [("", _("All platforms"))] + [
            (platform, platform) for platform in platforms
        ]
        self.fields["community"].choices = [("", _("All communities"))] + [
            (str(pk), name) for pk, name in communities
        ]


class ItemLanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices(_("Unknown"))
