"""Health endpoints for a load balancer and for monitoring, answered without signing in and
saying nothing about the site's content: `live/` (the process answers), `ready/` (its database
and cache answer too) and `workers/` (a background worker was heard from lately, and how long
the oldest waiting job has waited). Each answers 200, or 503 with what fails, in JSON."""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .models import WorkerHeartbeat
from .worker import SILENT_AFTER, deferred_tasks

log = logging.getLogger(__name__)


def _answer(status_ok: bool, **details) -> JsonResponse:
    return JsonResponse(
        {"status": "ok" if status_ok else "failing", **details}, status=200 if status_ok else 503
    )


@never_cache
@require_safe
def live(request):
    return _answer(True)


def _probe(name: str, probe) -> str:
    try:
        probe()
    except Exception as error:
        log.warning("Health check: the %s does not answer: %s", name, error)
        return f"failing: {type(error).__name__}"
    return "ok"


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


@never_cache
@require_safe
def ready(request):
    """Whether this process can serve pages: the database and the shared cache answer (a read;
    nothing is written)."""
    found = {
        "database": _probe("database", _database),
        "cache": _probe("cache", lambda: cache.get("meshutaf:health")),
    }
    return _answer(all(value == "ok" for value in found.values()), **found)


@never_cache
@require_safe
def workers(request):
    """503 when jobs wait for workers and none has been heard from for SILENT_AFTER (the
    facilitators' banner says so too)."""
    if not deferred_tasks():
        return _answer(True, workers=0, waiting=0, oldest_waiting_seconds=0)
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    alive = WorkerHeartbeat.objects.filter(last_seen__gte=now - SILENT_AFTER).count()
    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return _answer(
        alive > 0,
        workers=alive,
        waiting=waiting.count(),
        oldest_waiting_seconds=int((now - oldest).total_seconds()) if oldest else 0,
    )


# Included by meshutaf.urls under health/.
urlpatterns = [
    path("live/", live, name="health_live"),
    path("ready/", ready, name="health_ready"),
    path("workers/", workers, name="health_workers"),
]
