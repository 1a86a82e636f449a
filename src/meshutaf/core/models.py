"""Abstract base models shared by every app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


def validate_date_range(instance, start: str = "start_date", end: str = "end_date") -> None:
    """Report an end before the start on the end field, where the user can see and fix it.
    (The database check constraint stays as the last line of defence.)"""
    from django.core.exceptions import ValidationError

    start_value, end_value = getattr(instance, start), getattr(instance, end)
    if start_value and end_value and end_value < start_value:
        raise ValidationError({end: _("The end date cannot be before the start date.")})


class WorkerHeartbeat(models.Model):
    """A running `meshutaf worker`, as last heard from. The site warns facilitators when none
    has been heard for a while, and the workers find jobs whose worker died by it."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process"), default=0)
    started_at = models.DateTimeField(_("started"))
    last_seen = models.DateTimeField(_("last heartbeat"), db_index=True)

    class Meta:
        verbose_name = _("background worker")
        verbose_name_plural = _("background workers")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class RateCounter(models.Model):
    """How many times something happened in one time window (see core.ratelimit)."""

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
