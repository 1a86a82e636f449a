"""The health endpoints a load balancer and monitoring poll (meshutaf.core.health): no
sign-in, JSON, and 503 with the reason when the database, the cache or the workers fail."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import include, path
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meshutaf.core import worker
from meshutaf.core.models import WorkerHeartbeat

urlpatterns = [path("health/", include("meshutaf.core.health"))]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


@pytest.fixture
def deferred(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_live_and_ready_answer_without_signing_in(client):
    assert client.get("/health/live/").json() == {"status": "ok"}
    ready = client.get("/health/ready/")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in ready["Cache-Control"]
    assert client.head("/health/ready/").status_code == 200
    assert client.post("/health/ready/").status_code == 405


def test_ready_is_503_when_the_cache_does_not_answer(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    ready = client.get("/health/ready/")
    assert ready.status_code == 503
    assert ready.json()["status"] == "failing"
    assert ready.json()["cache"].startswith("failing: ")
    assert ready.json()["database"] == "ok"


def test_workers_is_503_while_none_is_heard_from(client, deferred):
    job = DBTaskResult.objects.create(
        task_path="meshutaf.knowledge.tasks.extract_document_text",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        priority=0,
        run_after=timezone.now(),
    )
    DBTaskResult.objects.filter(pk=job.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=3)
    )
    silent = client.get("/health/workers/")
    assert silent.status_code == 503
    assert silent.json()["workers"] == 0
    assert silent.json()["waiting"] == 1
    assert silent.json()["oldest_waiting_seconds"] >= 180

    worker.heartbeat_record(worker_id="w1")
    heard = client.get("/health/workers/")
    assert heard.status_code == 200
    assert heard.json()["workers"] == 1

    WorkerHeartbeat.objects.update(last_seen=timezone.now() - dt.timedelta(minutes=5))
    assert client.get("/health/workers/").status_code == 503


def test_workers_is_ok_where_jobs_run_at_once(client):
    cache.clear()
    assert client.get("/health/workers/").json() == {
        "status": "ok",
        "workers": 0,
        "waiting": 0,
        "oldest_waiting_seconds": 0,
    }
