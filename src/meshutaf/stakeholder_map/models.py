"""The stakeholder map of one initiative: profiles (power, interest, salience, consent,
engagement), relationships between stakeholders, the engagement log and saved network analyses.

Who the stakeholders are (organisations and people) lives in the directory; the map says what
they mean to one initiative."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from meshutaf.core.models import TimeStampedModel
from meshutaf.core.text import forward_arrow
from meshutaf.directory.models import Organisation, Person

# On the 1–5 scales, 3 and above counts as high (the middle of the scale sits in the upper
# half, so a stakeholder nobody has assessed yet is not dismissed as "monitor").
HIGH = 3


class Quadrant(models.TextChoices):
    MANAGE_CLOSELY = "manage_closely", _("Manage closely")
    KEEP_SATISFIED = "keep_satisfied", _("Keep satisfied")
    KEEP_INFORMED = "keep_informed", _("Keep informed")
    MONITOR = "monitor", _("Monitor")


class SalienceClass(models.TextChoices):
    """Mitchell, Agle and Wood (1997): which of power, legitimacy and urgency a stakeholder
    has decides how much attention they claim."""

    NONE = "none", _("Not a stakeholder")
    DORMANT = "dormant", _("Dormant")
    DISCRETIONARY = "discretionary", _("Discretionary")
    DEMANDING = "demanding", _("Demanding")
    DOMINANT = "dominant", _("Dominant")
    DANGEROUS = "dangerous", _("Dangerous")
    DEPENDENT = "dependent", _("Dependent")
    DEFINITIVE = "definitive", _("Definitive")


SALIENCE = {
    (False, False, False): SalienceClass.NONE,
    (True, False, False): SalienceClass.DORMANT,
    (False, True, False): SalienceClass.DISCRETIONARY,
    (False, False, True): SalienceClass.DEMANDING,
    (True, True, False): SalienceClass.DOMINANT,
    (True, False, True): SalienceClass.DANGEROUS,
    (False, True, True): SalienceClass.DEPENDENT,
    (True, True, True): SalienceClass.DEFINITIVE,
}


class Engagement(models.TextChoices):
    """Engagement levels, in order from furthest to closest."""

    UNAWARE = "unaware", _("Unaware")
    RESISTANT = "resistant", _("Resistant")
    NEUTRAL = "neutral", _("Neutral")
    SUPPORTIVE = "supportive", _("Supportive")
    LEADING = "leading", _("Leading")


class IAP2Level(models.TextChoices):
    INFORM = "inform", _("Inform")
    CONSULT = "consult", _("Consult")
    INVOLVE = "involve", _("Involve")
    COLLABORATE = "collaborate", _("Collaborate")
    EMPOWER = "empower", _("Empower")


class Consent(models.TextChoices):
    OPPOSED = "opposed", _("Opposed")
    NONE = "none", _("None")
    PASSIVE = "passive", _("Passive")
    ACTIVE = "active", pgettext_lazy("consent", "Active")


class InfluenceBasis(models.TextChoices):
    FORMAL_ROLE = "formal_role", _("Formal role")
    PERSONALITY = "personality", _("Personality")
    SECTOR_REPRESENTATION = "sector_representation", _("Sector representation")
    KNOWLEDGE = "knowledge", _("Knowledge")
    RESOURCES = "resources", _("Resources")


def _scale(name: str, low: int, high: int) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__gte": low, f"{name}__lte": high}),
        name=f"%(class)s_{name}_in_range",
    )


class StakeholderProfile(TimeStampedModel):
    """An organisation or a person as seen from one initiative. Sensitive notes are kept apart
    (SensitiveNote) so that nothing but a facilitator's query ever reads them."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="stakeholder_profiles"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="profiles",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="profiles",
    )
    power = models.PositiveSmallIntegerField(_("power"), default=3)
    interest = models.PositiveSmallIntegerField(_("interest"), default=3)
    has_power = models.BooleanField(_("has power"), default=False)
    has_legitimacy = models.BooleanField(_("has legitimacy"), default=False)
    has_urgency = models.BooleanField(_("has urgency"), default=False)
    engagement_current = models.CharField(
        _("engagement now"),
        max_length=16,
        choices=Engagement.choices,
        default=Engagement.UNAWARE,
    )
    engagement_desired = models.CharField(
        _("engagement wanted"),
        max_length=16,
        choices=Engagement.choices,
        default=Engagement.SUPPORTIVE,
    )
    iap2_level = models.CharField(
        _("IAP2 level planned"), max_length=16, choices=IAP2Level.choices, default=IAP2Level.INFORM
    )
    consent = models.CharField(
        _("consent"), max_length=16, choices=Consent.choices, default=Consent.NONE
    )
    influence_bases = models.JSONField(_("basis of influence"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, person__isnull=True)
                | Q(organisation__isnull=True, person__isnull=False),
                name="profile_is_organisation_or_person",
                violation_error_message=_("Choose an organisation or a person, not both."),
            ),
            models.UniqueConstraint(
                fields=["initiative", "organisation"],
                condition=Q(organisation__isnull=False),
                name="profile_organisation_once",
                violation_error_message=_("This organisation is already on the map."),
            ),
            models.UniqueConstraint(
                fields=["initiative", "person"],
                condition=Q(person__isnull=False),
                name="profile_person_once",
                violation_error_message=_("This person is already on the map."),
            ),
            _scale("power", 1, 5),
            _scale("interest", 1, 5),
            models.CheckConstraint(
                condition=Q(engagement_current__in=Engagement.values)
                & Q(engagement_desired__in=Engagement.values)
                & Q(iap2_level__in=IAP2Level.values)
                & Q(consent__in=Consent.values),
                name="profile_choices_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        unknown = set(self.influence_bases or []) - set(InfluenceBasis.values)
        if not isinstance(self.influence_bases, list) or unknown:
            raise ValidationError({"influence_bases": _("Choose from the listed bases.")})
        for name in ("power", "interest"):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= 5:
                raise ValidationError({name: _("Choose a value from 1 to 5.")})

    @property
    def subject(self):
        return self.organisation or self.person

    @property
    def name(self) -> str:
        return str(self.subject) if self.subject else ""

    @property
    def kind(self) -> str:
        return "organisation" if self.organisation_id else "person"

    @property
    def quadrant(self) -> str:
        return quadrant_of(self.power, self.interest)

    @property
    def salience(self) -> str:
        return SALIENCE[(self.has_power, self.has_legitimacy, self.has_urgency)]

    @property
    def engagement_gap(self) -> int:
        """Steps between the wanted and the current engagement (positive: still to move)."""
        order = Engagement.values
        return order.index(self.engagement_desired) - order.index(self.engagement_current)


def quadrant_of(power: int, interest: int) -> str:
    if power >= HIGH:
        return Quadrant.MANAGE_CLOSELY if interest >= HIGH else Quadrant.KEEP_SATISFIED
    return Quadrant.KEEP_INFORMED if interest >= HIGH else Quadrant.MONITOR


class SensitiveNote(TimeStampedModel):
    """What only the initiative's facilitators may read about a stakeholder."""

    profile = models.OneToOneField(
        StakeholderProfile, on_delete=models.CASCADE, related_name="sensitive_note"
    )
    text = models.TextField(_("sensitive notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sensitive note")
        verbose_name_plural = _("sensitive notes")

    def __str__(self) -> str:
        return str(self.profile)


class RelationshipKind(models.TextChoices):
    WORKS_WITH = "works_with", _("Works with")
    REPORTS_TO = "reports_to", _("Reports to")
    FUNDS = "funds", _("Funds")
    REPRESENTS = "represents", _("Represents")
    ALLIED = "allied", _("Allied")
    IN_CONFLICT = "in_conflict", _("In conflict")
    PERSONAL_TIE = "personal_tie", _("Personal tie")
    OTHER = "other", _("Other")


class Relationship(TimeStampedModel):
    """A tie between two stakeholders on one initiative's map."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="relationships"
    )
    source = models.ForeignKey(
        StakeholderProfile,
        verbose_name=_("from stakeholder"),
        on_delete=models.CASCADE,
        related_name="relationships_out",
    )
    target = models.ForeignKey(
        StakeholderProfile,
        verbose_name=_("to stakeholder"),
        on_delete=models.CASCADE,
        related_name="relationships_in",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RelationshipKind.choices)
    directed = models.BooleanField(
        _("one-way"), default=False, help_text=_("For example, reports to or funds.")
    )
    strength = models.PositiveSmallIntegerField(_("strength"), default=2)
    since = models.DateField(_("since"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Shown only to the initiative's facilitators."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            _scale("strength", 1, 3),
            models.CheckConstraint(
                condition=~Q(source=F("target")),
                name="relationship_not_to_itself",
                violation_error_message=_("A relationship needs two different stakeholders."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RelationshipKind.values), name="relationship_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {forward_arrow()} {self.target} ({self.get_kind_display()})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.strength is not None and not 1 <= self.strength <= 3:
            raise ValidationError({"strength": _("Choose a value from 1 to 3.")})
        for end in (
            self.source if self.source_id else None,
            self.target if self.target_id else None,
        ):
            if end is not None and end.initiative_id != self.initiative_id:
                raise ValidationError(_("Both stakeholders must be on this initiative's map."))


class EngagementKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    EMAIL = "email", _("Email")
    EVENT = "event", _("Event")
    OTHER = "other", _("Other")


class EngagementEntry(TimeStampedModel):
    """One contact with stakeholders, and what to do next."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="engagements"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EngagementKind.choices)
    date = models.DateField(_("date"))
    our_side = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("from our side"), related_name="+", blank=True
    )
    stakeholders = models.ManyToManyField(
        StakeholderProfile, verbose_name=_("with whom"), related_name="engagements"
    )
    summary = models.TextField(_("summary"))
    follow_up_date = models.DateField(_("follow up by"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("follow-up done"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagement log")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EngagementKind.values), name="engagement_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.follow_up_date and self.date and self.follow_up_date < self.date:
            raise ValidationError(
                {"follow_up_date": _("The follow-up cannot be before the engagement.")}
            )

    @property
    def follow_up_overdue(self) -> bool:
        from django.utils import timezone

        return (
            not self.follow_up_done
            and self.follow_up_date is not None
            and self.follow_up_date < timezone.localdate()
        )


class NetworkAnalysis(models.Model):
    """Network metrics as computed on a date. Kept, not overwritten, so change can be seen.

    `scope` says which ties went in: all of them (facilitators only) or only those that are
    not sensitive (what everyone else may see, so that no metric betrays a hidden tie)."""

    class Scope(models.TextChoices):
        ALL = "all", _("All relationships")
        PUBLIC = "public", _("Relationships that are not sensitive")

    initiative = models.ForeignKey(
        "initiatives.Initiative", on_delete=models.CASCADE, related_name="network_analyses"
    )
    scope = models.CharField(max_length=8, choices=Scope.choices)
    computed_at = models.DateTimeField(_("computed"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    results = models.JSONField(default=dict)

    class Meta:
        ordering = ["-computed_at", "-pk"]
        indexes = [models.Index(fields=["initiative", "scope", "-computed_at"])]

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.scope} {self.computed_at:%Y-%m-%d}"
