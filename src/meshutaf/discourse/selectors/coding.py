"""Reads about coding work: an annotator's queue and counts, the thread around an item, who may
be given items to code, and each sample's and annotator's progress. Callers have passed the
gate in `permissions.py`."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from meshutaf.initiatives.models import Membership

from ..models import Annotation, Assignment, Corpus, Item, Sample, SampleItem


def next_assignment(*, corpus: Corpus, user) -> Assignment | None:
    return (
        Assignment.objects.filter(item__corpus=corpus, annotator=user, done_at__isnull=True)
        .select_related("item__community")
        .order_by("position", "id")
        .first()
    )


def assignment_counts(*, corpus: Corpus, user) -> dict:
    mine = Assignment.objects.filter(item__corpus=corpus, annotator=user)
    return mine.aggregate(total=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))


def previous_coded_item_id(*, assignment: Assignment) -> int | None:
    """The item the annotator coded last before this one, to step back to."""
    return (
        Assignment.objects.filter(
            item__corpus_id=assignment.item.corpus_id, annotator_id=assignment.annotator_id
        )
        .filter(done_at__isnull=False)
        .exclude(pk=assignment.pk)
        .order_by("-done_at")
        .values_list("item_id", flat=True)
        .first()
    )


def own_annotation(*, item: Item, user) -> Annotation | None:
    return Annotation.objects.filter(item=item, annotator=user).first()


def thread_context(*, item: Item, limit: int = 5) -> list[Item]:
    """The posts before this one in its thread, oldest first."""
    if not item.thread_id:
        return []
    earlier = Item.objects.filter(corpus_id=item.corpus_id, thread_id=item.thread_id).exclude(
        pk=item.pk
    )
    if item.published_at:
        earlier = earlier.filter(
            Q(published_at__lt=item.published_at) | Q(published_at__isnull=True)
        )
    else:
        earlier = earlier.filter(pk__lt=item.pk)
    return list(reversed(earlier.order_by("-published_at", "-pk")[:limit]))


def _with_users(rows: list[dict]) -> list[dict]:
    users = get_user_model().objects.in_bulk([row["annotator_id"] for row in rows])
    for row in rows:
        row["user"] = users.get(row["annotator_id"])
    return rows


def annotator_progress(*, corpus: Corpus) -> list[dict]:
    """Each annotator with their assigned and coded counts: {"user", "total", "done"}."""
    rows = _with_users(
        list(
            Assignment.objects.filter(item__corpus=corpus)
            .values("annotator_id")
            .annotate(total=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
        )
    )
    return sorted(rows, key=lambda row: str(row["user"].display_name if row["user"] else ""))


def corpus_members(*, corpus: Corpus):
    """Who may be given items to code: the initiative's members (administrators for a corpus
    without an initiative)."""
    users = get_user_model().objects.filter(is_active=True)
    if corpus.initiative_id is None:
        users = users.filter(is_superuser=True)
    else:
        users = users.filter(
            pk__in=Membership.objects.filter(initiative_id=corpus.initiative_id).values("user_id")
        )
    return users.order_by("first_name", "last_name", "username")


def _count(queryset):
    """A correlated count for `annotate` (one subquery, not a join that multiplies rows)."""
    counted = queryset.order_by().values("sample").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), 0)


def samples_with_progress(*, corpus: Corpus) -> QuerySet[Sample]:
    """The corpus's samples, newest first, with their items, assignments, coded assignments
    and coded items counted."""
    return corpus.samples.annotate(
        n_items=_count(SampleItem.objects.filter(sample=OuterRef("pk"))),
        n_assigned=_count(Assignment.objects.filter(sample=OuterRef("pk"))),
        n_done=_count(Assignment.objects.filter(sample=OuterRef("pk"), done_at__isnull=False)),
        n_coded=_count(
            SampleItem.objects.filter(
                Exists(Annotation.objects.filter(item_id=OuterRef("item_id"))),
                sample=OuterRef("pk"),
            )
        ),
    )


def sample_cells(*, sample: Sample) -> list[dict]:
    """The sample's cells (strata) with their item counts: {"cell", "n"}."""
    return list(sample.entries.values("cell").annotate(n=Count("id")).order_by("cell"))


def sample_progress(*, sample: Sample) -> list[dict]:
    """Each annotator of the sample with their assigned and coded counts."""
    return _with_users(
        list(
            sample.assignments.values("annotator_id")
            .annotate(total=Count("id"), done=Count("id", filter=Q(done_at__isnull=False)))
            .order_by("annotator_id")
        )
    )
