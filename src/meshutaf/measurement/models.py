"""Shared measurement: a results framework per initiative, its indicators, and the values
partners report for them.

The fact table is `Observation`: one value of one indicator for one geography unit, period and
disaggregation key. Values are never overwritten: a revision is a new row whose `supersedes`
points at the one it replaces, and only the head of each chain is `current` (a partial unique
constraint keeps one current value per cell). Proportions and rates store their numerator and
denominator; the value is computed from them by the service, never typed.

Who sees what is decided in `permissions.py` (the gates) and `selectors.py` (the agreements'
visibility and small-number suppression), never here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meshutaf.core.models import TimeStampedModel
from meshutaf.directory.models import Organisation
from meshutaf.initiatives.models import Group, Initiative
from meshutaf.meetings.models import Meeting, Outcome

from .aggregation import Kind
from .periods import PeriodType


class GeographyLevel(models.TextChoices):
    COUNTRY = "country", _("Country")
    DISTRICT = "district", _("District")
    SUB_DISTRICT = "sub_district", _("Sub-district")
    LOCALITY = "locality", _("Locality")
    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")
    STATISTICAL_AREA = "statistical_area", _("Statistical area")


class Geography(models.Model):
    """A unit of the geography tree. The country, districts, sub-districts and localities are
    shared reference data (imported from the CBS list); neighbourhoods and statistical areas
    may be added by an initiative's backbone and then belong to that initiative."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=GeographyLevel.choices)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    municipal_status = models.CharField(_("municipal status"), max_length=120, blank=True)
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set for units an initiative added itself; empty for shared units."),
    )

    class Meta:
        verbose_name = _("geography unit")
        verbose_name_plural = _("geography")
        ordering = ["level", "name"]
        indexes = [models.Index(fields=["parent", "name"])]

    def __str__(self) -> str:
        return self.name


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", pgettext_lazy("framework status", "In use")
    ARCHIVED = "archived", _("Archived")


class Framework(TimeStampedModel):
    """An initiative's results framework. A new version is a new row (`version` + 1) that
    copies the old one, so earlier scorecards stay as they were."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="measurement_frameworks"
    )
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=FrameworkStatus.choices, default=FrameworkStatus.ACTIVE
    )
    description = models.TextField(_("description"), blank=True)
    area = models.ForeignKey(
        Geography,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The town or region whose population the framework is about."),
    )
    public_dashboard = models.BooleanField(
        _("public dashboard"),
        default=False,
        help_text=_("Anyone with the link sees the values whose agreements allow the public."),
    )

    class Meta:
        verbose_name = _("results framework")
        verbose_name_plural = _("results frameworks")
        ordering = ["initiative", "name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "name", "version"], name="measurement_framework_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class Result(TimeStampedModel):
    """A condition of well-being for a population, in plain words."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="results")
    order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("result"), max_length=300)
    population = models.CharField(_("population"), max_length=300, blank=True)
    geography = models.ForeignKey(
        Geography, verbose_name=_("geography"), on_delete=models.PROTECT, null=True, blank=True
    )
    story = models.TextField(_("the story behind the curve"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("population result", "result")
        verbose_name_plural = pgettext_lazy("population result", "results")
        ordering = ["framework", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class Strategy(TimeStampedModel):
    """What a partner, a committee or a task team does to move a result."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="strategies")
    order = models.PositiveIntegerField(_("order"), default=0)
    name = models.CharField(_("strategy"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owning organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    owner_group = models.ForeignKey(
        Group,
        verbose_name=_("owning committee or team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering = ["framework", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class MeasureCategory(models.TextChoices):
    """Results-Based Accountability's three questions for a performance measure."""

    HOW_MUCH = "how_much", _("How much did we do?")
    HOW_WELL = "how_well", _("How well did we do it?")
    BETTER_OFF = "better_off", _("Is anyone better off?")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PARTNERS = "partners", _("Partners")
    BACKBONE = "backbone", _("Backbone only")


class Indicator(TimeStampedModel):
    """A population indicator (of a result) or a performance measure (of a strategy)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    result = models.ForeignKey(
        Result,
        verbose_name=pgettext_lazy("population result", "result"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
    )
    strategy = models.ForeignKey(
        Strategy,
        verbose_name=_("strategy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
    )
    category = models.CharField(
        _("performance question"), max_length=16, choices=MeasureCategory.choices, blank=True
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name in Hebrew"), max_length=300)
    name_ar = models.CharField(_("name in Arabic"), max_length=300, blank=True)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=[
            (Kind.COUNT.value, _("Count")),
            (Kind.PROPORTION.value, _("Proportion")),
            (Kind.RATE.value, _("Rate per N")),
            (Kind.MEAN.value, _("Mean")),
            (Kind.INDEX.value, _("Index")),
        ],
    )
    per = models.PositiveIntegerField(
        _("per"), default=1, help_text=_("For a rate: per how many (1,000 for a rate per 1,000).")
    )
    numerator_definition = models.TextField(_("numerator"), blank=True)
    denominator_definition = models.TextField(_("denominator"), blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    direction = models.CharField(
        _("direction"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    period_type = models.CharField(
        _("reporting frequency"),
        max_length=16,
        choices=[(t.value, t.value) for t in PeriodType],
        default=PeriodType.QUARTER.value,
    )
    definition_version = models.PositiveIntegerField(_("definition version"), default=1)
    dimensions = models.JSONField(
        _("disaggregation"),
        default=list,
        blank=True,
        help_text=_("Each dimension: its name, its values, and whether they add up to the total."),
    )
    suppression_k = models.PositiveSmallIntegerField(
        _("small-number threshold"),
        default=10,
        help_text=_(
            "Counts from 1 to this number less one are hidden from partners and the public."
        ),
    )
    visibility = models.CharField(
        _("visibility of the backbone's own values"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.PARTNERS,
    )
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=1)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["framework", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="measurement_indicator_code"
            ),
            models.CheckConstraint(
                condition=Q(per__gte=1), name="measurement_indicator_per_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_ratio(self) -> bool:
        return self.kind in (Kind.PROPORTION, Kind.RATE)


class DefinitionVersion(models.Model):
    """A change of an indicator's definition: the series breaks here."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="definition_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    starts = models.CharField(_("first period"), max_length=16)
    note = models.TextField(_("what changed"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("definition version")
        verbose_name_plural = _("definition versions")
        ordering = ["indicator", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "number"], name="measurement_definition_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} v{self.number}"


class ContributionClaim(TimeStampedModel):
    """How a strategy (or one of its measures) is believed to move a result."""

    class Grade(models.TextChoices):
        STRONG = "strong", _("Strong: tested with a comparison")
        MODERATE = "moderate", _("Moderate: consistent data over time")
        LIMITED = "limited", _("Limited: some data, no comparison")
        ANECDOTAL = "anecdotal", _("Anecdotal: stories and opinions")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="claims")
    result = models.ForeignKey(
        Result,
        verbose_name=pgettext_lazy("population result", "result"),
        on_delete=models.CASCADE,
        related_name="claims",
    )
    strategy = models.ForeignKey(
        Strategy, verbose_name=_("strategy"), on_delete=models.CASCADE, related_name="claims"
    )
    measure = models.ForeignKey(
        Indicator,
        verbose_name=_("performance measure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
    )
    mechanism = models.TextField(_("mechanism"))
    assumptions = models.TextField(_("assumptions"), blank=True)
    evidence_grade = models.CharField(
        _("evidence grade"), max_length=16, choices=Grade.choices, default=Grade.LIMITED
    )

    class Meta:
        verbose_name = _("contribution claim")
        verbose_name_plural = _("contribution claims")
        ordering = ["framework", "pk"]


class EvidenceItem(models.Model):
    claim = models.ForeignKey(ContributionClaim, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")
        ordering = ["claim", "pk"]

    def __str__(self) -> str:
        return self.title


class ValueStatus(models.TextChoices):
    PROVISIONAL = "provisional", _("Provisional")
    ESTIMATED = "estimated", _("Estimated")
    FINAL = "final", _("Final")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    LOCKED = "locked", _("Locked")


class RoundState(models.TextChoices):
    OPEN = "open", pgettext_lazy("reporting round", "Open")
    CLOSED = "closed", pgettext_lazy("reporting round", "Closed")


class ReportingRound(TimeStampedModel):
    """The backbone asks partners for one period's values of some indicators by a date."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="rounds")
    period = models.CharField(_("period"), max_length=16)
    due_date = models.DateField(_("due"))
    indicators = models.ManyToManyField(Indicator, verbose_name=_("indicators"), related_name="+")
    state = models.CharField(
        _("state"), max_length=8, choices=RoundState.choices, default=RoundState.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        ordering = ["framework", "-due_date", "pk"]

    def __str__(self) -> str:
        return self.period


class ReportingTask(models.Model):
    """One partner's share of a round."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="tasks")
    partner = models.ForeignKey(
        Organisation, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="+"
    )
    indicators = models.ManyToManyField(
        Indicator,
        verbose_name=_("indicators it reports"),
        related_name="+",
        blank=True,
        help_text=_("The round's indicators this partner reports; it enters only these."),
    )
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("reporting task")
        verbose_name_plural = _("reporting tasks")
        ordering = ["round", "partner__name_he"]
        constraints = [
            models.UniqueConstraint(fields=["round", "partner"], name="measurement_task_once")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.partner_id}"


class Observation(models.Model):
    """One value: indicator × geography × period × disaggregation, one link of a revision chain."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="observations",
    )
    geography = models.ForeignKey(
        Geography, verbose_name=_("geography"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=16)
    period_start = models.DateField(_("period start"))
    disaggregation = models.CharField(
        _("disaggregation"),
        max_length=300,
        blank=True,
        default="",
        help_text=_("Empty for the total; otherwise dimension=value pairs joined by “|”."),
    )
    definition_version = models.PositiveIntegerField(_("definition version"), default=1)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True)
    numerator = models.DecimalField(
        _("numerator"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("denominator"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    standard_error = models.DecimalField(
        _("standard error"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ValueStatus.choices, default=ValueStatus.FINAL
    )
    source_dataset = models.CharField(_("source"), max_length=300, blank=True)
    source_url = models.URLField(_("source address"), blank=True)
    retrieved_on = models.DateField(_("retrieved on"), null=True, blank=True)
    partner = models.ForeignKey(
        Organisation,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    round = models.ForeignKey(
        ReportingRound,
        verbose_name=_("reporting round"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    return_reason = models.TextField(_("reason returned"), blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("revises"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    current = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["indicator", "period_start", "geography", "disaggregation", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "geography", "period", "disaggregation"],
                condition=Q(current=True),
                name="measurement_one_current_value",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gte=0),
                name="measurement_denominator_not_negative",
            ),
        ]
        indexes = [
            models.Index(
                fields=["indicator", "current", "period_start"], name="measurement_obs_series"
            ),
            models.Index(fields=["state", "indicator"], name="measurement_obs_state"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period} {self.geography_id} {self.disaggregation}"


class ObservationEvent(models.Model):
    """The audit trail of a value: every submission, return, approval, lock and unlock."""

    class Action(models.TextChoices):
        ENTERED = "entered", _("Entered")
        REVISED = "revised", _("Revised")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        LOCKED = "locked", _("Locked")
        UNLOCKED = "unlocked", _("Unlocked")
        IMPORTED = "imported", _("Imported")

    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("value event")
        verbose_name_plural = _("value events")
        ordering = ["observation", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.observation_id}"


class Baseline(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="baselines")
    geography = models.ForeignKey(Geography, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=16)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    method = models.TextField(_("how it was set"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        ordering = ["indicator", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.period}: {self.value}"


class TargetKind(models.TextChoices):
    COMMITTED = "committed", _("Committed")
    ASPIRATIONAL = "aspirational", _("Aspirational")


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    geography = models.ForeignKey(Geography, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=6)
    year = models.PositiveIntegerField(_("by the end of"))
    kind = models.CharField(
        _("kind"), max_length=16, choices=TargetKind.choices, default=TargetKind.COMMITTED
    )
    decision = models.ForeignKey(
        Outcome,
        verbose_name=_("decided in"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year", "pk"]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class Forecast(models.Model):
    """A projection to the target year: computed (weighted least squares, with its interval)
    or a judgement line drawn by people, always labelled as such."""

    class Method(models.TextChoices):
        COMPUTED = "wls", _("Computed: weighted linear trend")
        JUDGEMENT = "judgement", _("Judgement: if nothing changes")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="forecasts")
    geography = models.ForeignKey(Geography, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("method"), max_length=16, choices=Method.choices)
    as_of = models.DateField(_("as of"))
    year = models.PositiveIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6)
    low = models.DecimalField(_("low"), max_digits=20, decimal_places=6, null=True, blank=True)
    high = models.DecimalField(_("high"), max_digits=20, decimal_places=6, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        ordering = ["indicator", "-as_of", "pk"]

    def __str__(self) -> str:
        return f"{self.method} {self.year}: {self.value}"


class Severity(models.TextChoices):
    ERROR = "error", _("Error: the value cannot be submitted")
    WARNING = "warning", _("Warning: the partner confirms it")


class ValidationRule(models.Model):
    """`left operator right` over indicator expressions (see `rules.py`)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(_("name"), max_length=200)
    left = models.CharField(_("left side"), max_length=500)
    operator = models.CharField(
        _("operator"),
        max_length=8,
        choices=[
            ("==", "="),
            ("<=", "≤"),
            (">=", "≥"),
            ("<", "<"),
            (">", ">"),
            ("change", _("changes by at most (%)")),
        ],
    )
    right = models.CharField(_("right side"), max_length=500)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.ERROR
    )

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["framework", "pk"]

    def __str__(self) -> str:
        return self.name


class Consent(models.TextChoices):
    ACTIVE = "active", _("Active (opt-in)")
    PASSIVE = "passive", _("Passive (opt-out)")


class SharingAgreement(TimeStampedModel):
    """What a partner agreed to share for one indicator, with whom, until when."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="agreements")
    partner = models.ForeignKey(
        Organisation, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="agreements"
    )
    purpose = models.TextField(_("purpose"))
    visibility = models.CharField(
        _("who may see the values"), max_length=16, choices=Visibility.choices
    )
    consent = models.CharField(
        _("consent"), max_length=8, choices=Consent.choices, default=Consent.ACTIVE
    )
    expires_on = models.DateField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")
        ordering = ["framework", "partner__name_he", "indicator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "indicator"], name="measurement_agreement_once"
            )
        ]


class CurveSession(TimeStampedModel):
    """A turn-the-curve conversation about one indicator, held at a meeting."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="sessions"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="+"
    )
    story = models.TextField(_("the story behind the curve"))
    what_works = models.TextField(_("what works"), blank=True)
    actions = models.ManyToManyField(
        Outcome, verbose_name=_("action items"), related_name="+", blank=True
    )

    class Meta:
        verbose_name = _("turn-the-curve session")
        verbose_name_plural = _("turn-the-curve sessions")
        ordering = ["indicator", "-created_at"]


class CurvePartner(models.Model):
    session = models.ForeignKey(CurveSession, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role"), max_length=300)

    class Meta:
        verbose_name = _("partner with a role")
        verbose_name_plural = _("partners with a role")
        ordering = ["session", "pk"]

    def __str__(self) -> str:
        return self.role
