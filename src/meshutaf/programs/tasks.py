"""Background jobs of the programs app: the selection board's statistics are recomputed by
the worker after each change to what they read (a submitted review, a conflict found,
declared or waived), so the board page reads them instead of computing them."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from .models import Cohort
from .selectors import selection


@task()
def board_refresh(cohort_id: int) -> bool:
    cohort = Cohort.objects.select_related("rubric_version").filter(pk=cohort_id).first()
    if cohort is None:
        return False
    return selection.board_refresh(cohort)


def board_refresh_later(cohort_id: int) -> None:
    """Queue a refresh once the change that calls for it is committed."""
    transaction.on_commit(lambda: board_refresh.enqueue(cohort_id))
