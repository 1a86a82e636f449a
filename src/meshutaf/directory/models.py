"""Organisations (by sector), people, and the affiliations that tie them together."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meshutaf.core.models import TimeStampedModel, validate_date_range
from meshutaf.core.name_keys import name_key
from meshutaf.core.text import pick_localized


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("National government")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    BUSINESS = "business", _("Business")
    PHILANTHROPY = "philanthropy", _("Philanthropy")
    ACADEMIA = "academia", _("Academia")
    COMMUNITY = "community", _("Community and residents")
    MEDIA = "media", _("Media")
    OTHER = "other", _("Other")


class Organisation(TimeStampedModel):
    name_he = models.CharField(_("name in Hebrew"), max_length=200, blank=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    # The folded names for the type-to-search pickers (core.name_keys), kept by save().
    name_key = models.CharField(max_length=700, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_he", "name_en", "name_ar", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_he="", name_ar="", name_en=""),
                name="organisation_has_a_name",
                violation_error_message=_("Give the organisation a name in at least one language."),
            ),
            models.CheckConstraint(
                condition=Q(sector__in=Sector.values), name="organisation_sector_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_key = name_key(self.name_he, self.name_ar, self.name_en)[:700]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name_he", "name_ar", "name_en"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        """The name in the reader's language, or the best available one."""
        return pick_localized({"he": self.name_he, "ar": self.name_ar, "en": self.name_en})


class Person(TimeStampedModel):
    """Someone in the field. Many people never log in; `user` links those who do."""

    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    bio = models.TextField(_("about"), blank=True)
    # The folded name for the type-to-search pickers (core.name_keys), kept by save().
    name_key = models.CharField(max_length=300, blank=True, editable=False)
    organisations = models.ManyToManyField(
        Organisation,
        through="Affiliation",
        through_fields=("person", "organisation"),
        related_name="people",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.name_key = name_key(self.full_name)[:300]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)


class Affiliation(TimeStampedModel):
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="affiliations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="affiliations",
    )
    role_title = models.CharField(_("role title"), max_length=200, blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)
    reports_to = models.ForeignKey(
        Person,
        verbose_name=_("reports to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text=_("The person's line manager in this role, if known."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="affiliation_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def clean(self) -> None:
        validate_date_range(self)

    def __str__(self) -> str:
        return f"{self.person} — {self.organisation}"

    @property
    def is_current(self) -> bool:
        from django.utils import timezone

        return self.end_date is None or self.end_date >= timezone.localdate()
