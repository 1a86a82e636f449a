"""The search index: one row per searchable thing, whichever app it belongs to."""

from django.db import models

from meshutaf.initiatives.models import Initiative


class SearchEntry(models.Model):
    """One searchable thing. `terms` holds the folded words with their prefix-stripped forms;
    the database's full-text index (FTS5 on SQLite, a tsvector on PostgreSQL; see
    `engine.py`) is built over it. `title` and `body` are kept as written, for display.

    `kind` is one of the kinds registered in `registry` by the app that owns the object."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    date = models.DateTimeField(null=True, blank=True)
    # Drafts and the like: only the initiative's facilitators find them.
    facilitators_only = models.BooleanField(default=False)
    terms = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_once")
        ]
        indexes = [models.Index(fields=["initiative", "facilitators_only"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
