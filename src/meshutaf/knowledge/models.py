"""An initiative's knowledge: uploaded documents, short insights and lessons, and the search
index that covers them together with meetings, minutes, decisions and action items."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meshutaf.core.models import TimeStampedModel
from meshutaf.initiatives.models import Initiative, Phase
from meshutaf.meetings.models import AgendaItem, Meeting


class DocumentType(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    XLSX = "xlsx", "XLSX"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"
    GIF = "gif", "GIF"
    WEBP = "webp", "WebP"


class Extraction(models.TextChoices):
    PENDING = "pending", _("Reading the text…")
    DONE = "done", _("Text indexed")
    NONE = "none", _("No text to index")
    FAILED = "failed", _("Could not read the text")


def document_path(instance: "Document", filename: str) -> str:
    # Never the uploader's file name: it may hold anything, and it is kept in `original_name`.
    return f"documents/{instance.initiative_id}/{uuid.uuid4().hex}.{instance.file_type}"


class Document(TimeStampedModel):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="documents")
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    original_name = models.CharField(max_length=255, editable=False)
    file_type = models.CharField(max_length=8, choices=DocumentType.choices, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    text = models.TextField(blank=True, editable=False)
    extraction = models.CharField(
        max_length=16, choices=Extraction.choices, default=Extraction.PENDING, editable=False
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:document", args=[self.pk])


class Insight(TimeStampedModel):
    """A short lesson or insight, tagged, tied to the initiative and optionally to the meeting
    or phase it came from. Key insights go into the summary report."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="insights")
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="insights",
    )
    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.SET_NULL, null=True, blank=True
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    is_key = models.BooleanField(_("key insight"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("insight")
        verbose_name_plural = _("insights")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:insights", args=[self.initiative_id]) + f"#insight-{self.pk}"
