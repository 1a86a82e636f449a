"""The Discourse Index: corpora of online texts, a codebook, human annotation, local models,
scores and the index built from them.

A *corpus* belongs to an initiative (or, when made from the command line without one, only
to administrators). Its *items* are texts with where and when they were published; authors
are kept only as a salted hash. *Samples* draw items at random (or stratified by cell) so
that the human-coded items can audit the classifier; *assignments* give items to annotators,
whose *annotations* and a lead's *adjudications* become the gold labels. A trained *model
version* lives on disk under the data directory (arrays and JSON, never pickles) and its
*scores* are stored per item. The index itself is computed on demand from the scores and the
audit sample (see `selectors.index.corpus_index`), never stored, so it always matches the data.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meshutaf.core.models import TimeStampedModel

ITEM_MAX_LENGTH = 20_000


def new_salt() -> str:
    return secrets.token_hex(16)


class Corpus(TimeStampedModel):
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corpora",
        verbose_name=_("initiative"),
    )
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    is_synthetic = models.BooleanField(
        _("synthetic (demonstration) data"),
        default=False,
        help_text=_("Shown on every page of the corpus, so nobody mistakes it for real data."),
    )
    min_cell_items = models.PositiveIntegerField(
        _("smallest cell to report"),
        default=30,
        help_text=_("Cells with fewer items are flagged as too small to interpret."),
    )
    # Authors are stored only as HMAC(salt, author id): the same author is recognisable
    # within a corpus (threads, repeat posters) but not across corpora or by anyone
    # holding a list of ids without the salt.
    salt = models.CharField(max_length=64, default=new_salt, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("corpus")
        verbose_name_plural = _("corpora")

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    corpus = models.ForeignKey(Corpus, on_delete=models.CASCADE, related_name="communities")
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["corpus", "name"], name="discourse_community_unique")
        ]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    corpus = models.ForeignKey(Corpus, on_delete=models.CASCADE, related_name="items")
    text = models.TextField(_("text"), max_length=ITEM_MAX_LENGTH)
    platform = models.CharField(_("platform"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    community = models.ForeignKey(
        Community,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("community"),
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    detected_language = models.CharField(max_length=8, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    thread_id = models.CharField(_("thread"), max_length=200, blank=True)
    external_id = models.CharField(_("id in the source"), max_length=200, blank=True)
    author_hash = models.CharField(max_length=32, blank=True, editable=False)
    # sha256 of what identifies the post; a second import of the same file adds nothing.
    content_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["corpus", "content_hash"], name="discourse_item_unique_content"
            )
        ]
        indexes = [
            models.Index(fields=["corpus", "published_at"], name="discourse_item_published"),
            models.Index(fields=["corpus", "thread_id"], name="discourse_item_thread"),
        ]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return self.text[:60]


class ImportRecord(models.Model):
    """What one import brought in, for the corpus's history."""

    corpus = models.ForeignKey(Corpus, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=200)
    rows = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class Family(models.TextChoices):
    INCIVILITY = "incivility", _("Incivility")
    DIFFERENT_SPEECH = "different_speech", _("Different speech")
    OVERALL = "overall", _("Overall")
    FLAG = "flag", _("Flag")


class Dimension(models.Model):
    """One question of the corpus's codebook. The built-in dimensions take their label,
    definition and examples from `codebook.DEFAULTS` (translated) unless the corpus sets its
    own wording here."""

    corpus = models.ForeignKey(Corpus, on_delete=models.CASCADE, related_name="dimensions")
    key = models.SlugField(_("key"), max_length=40)
    family = models.CharField(_("family"), max_length=20, choices=Family)
    label = models.CharField(_("label"), max_length=80, blank=True)
    definition = models.TextField(_("definition"), max_length=2000, blank=True)
    examples = models.TextField(_("examples"), max_length=4000, blank=True)
    # A KeyboardEvent.code ("Digit1", "KeyQ"): codes, unlike keys, do not change with the
    # Hebrew or Arabic keyboard layout.
    shortcut = models.CharField(_("keyboard key"), max_length=12, blank=True)
    asks_target = models.BooleanField(_("asks for the target group"), default=False)
    targets = models.TextField(
        _("target groups"), blank=True, max_length=2000, help_text=_("One per line.")
    )
    active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["corpus", "key"], name="discourse_dimension_unique")
        ]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")

    def __str__(self) -> str:
        return self.key


class SampleKind(models.TextChoices):
    RANDOM = "random", _("Simple random sample")
    STRATIFIED = "stratified", _("Stratified: the same number from every cell")
    # Chosen by the classifier's uncertainty: good for training, never an audit sample.
    ACTIVE = "active", _("Most uncertain items (for training only)")


class Period(models.TextChoices):
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class Sample(models.Model):
    corpus = models.ForeignKey(Corpus, on_delete=models.CASCADE, related_name="samples")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=SampleKind)
    period = models.CharField(_("period"), max_length=8, choices=Period, default=Period.MONTH)
    by_platform = models.BooleanField(_("by platform"), default=True)
    by_community = models.BooleanField(_("by community"), default=True)
    by_language = models.BooleanField(_("by language"), default=True)
    size = models.PositiveIntegerField(_("size"), help_text=_("Items per cell, or in all."))
    seed = models.PositiveIntegerField(_("seed"), default=0)
    population = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sample")
        verbose_name_plural = _("samples")

    def __str__(self) -> str:
        return self.name

    @property
    def is_audit(self) -> bool:
        return self.kind != SampleKind.ACTIVE


class SampleItem(models.Model):
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="sample_entries")
    cell = models.CharField(max_length=200, blank=True)
    # The chance this item had of being drawn: its weight in the audit is 1 / probability.
    inclusion_probability = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sample", "item"], name="discourse_sample_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sample_id}:{self.item_id}"


class Assignment(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="assignments")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discourse_assignments"
    )
    sample = models.ForeignKey(
        Sample, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments"
    )
    # Items of the reliability subset are coded by several annotators independently.
    reliability = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "annotator"], name="discourse_assignment_unique"
            )
        ]
        indexes = [models.Index(fields=["annotator", "done_at"], name="discourse_assign_todo")]

    def __str__(self) -> str:
        return f"{self.annotator_id}:{self.item_id}"


class Annotation(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="annotations")
    annotator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discourse_annotations"
    )
    # {dimension key: 0 or 1} for every active dimension at the time of coding.
    values = models.JSONField(default=dict)
    target = models.CharField(_("target group"), max_length=80, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "annotator"], name="discourse_annotation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.annotator_id}:{self.item_id}"


class Adjudication(models.Model):
    """A lead's final answer where annotators disagreed; it overrides their votes."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="adjudications")
    dimension = models.CharField(max_length=40)
    value = models.PositiveSmallIntegerField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "dimension"], name="discourse_adjudication_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.dimension}"


class ModelStatus(models.TextChoices):
    TRAINING = "training", _("Training")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ModelVersion(models.Model):
    """A trained classifier: its files live in `directory` under the data directory."""

    corpus = models.ForeignKey(Corpus, on_delete=models.CASCADE, related_name="model_versions")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=ModelStatus, default=ModelStatus.TRAINING)
    progress = models.FloatField(default=0)
    # Bumped with every progress report: a job whose heartbeat stops is a dead one.
    heartbeat = models.DateTimeField(null=True, blank=True)
    dimensions = models.JSONField(default=list)
    report = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    n_train = models.PositiveIntegerField(default=0)
    directory = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["corpus", "version"], name="discourse_model_unique")
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ScoringRun(models.Model):
    corpus = models.ForeignKey(Corpus, on_delete=models.CASCADE, related_name="scoring_runs")
    model = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=10, choices=RunStatus, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    heartbeat = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.corpus_id}:{self.model_id}:{self.status}"


class Score(models.Model):
    """An item's calibrated probabilities under one model version, as float32 in the order
    of `ModelVersion.dimensions` (one row per item keeps a million-item corpus loadable)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="scores")
    model = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="scores")
    probabilities = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "item"], name="discourse_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.model_id}:{self.item_id}"
