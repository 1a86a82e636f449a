"""Heartbeats between workers on several machines: judged by the database's clock, and no job
taken from a worker that could not be heard because the database itself was out of reach."""

import datetime as dt
import time

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meshutaf.core import worker


def _running_job(*, worker_id: str, started_minutes_ago: float = 2) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status="RUNNING",
        task_path="meshutaf.knowledge.tasks.extract_document_text",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        priority=0,
        run_after=now,
        started_at=now - dt.timedelta(minutes=started_minutes_ago),
        worker_ids=[worker_id],
    )


@pytest.mark.django_db
@pytest.mark.parametrize("skew", [dt.timedelta(minutes=10), -dt.timedelta(minutes=10)])
def test_workers_whose_clocks_disagree_judge_heartbeats_by_the_database_s(skew):
    # One machine's clock is ten minutes off: the worker there beats, and the one here
    # (whose clock is right) must not take it for dead; nor, the other way round.
    with time_machine.travel(timezone.now() + skew, tick=True):
        worker.heartbeat_record(worker_id="elsewhere")
        job = _running_job(worker_id="elsewhere")
    assert worker.orphaned_tasks_recover() == (0, 0)
    with time_machine.travel(timezone.now() + skew, tick=True):
        assert worker.orphaned_tasks_recover() == (0, 0)
    job.refresh_from_db()
    assert job.status == "RUNNING"


@pytest.mark.django_db
def test_a_worker_gone_silent_by_the_database_s_clock_loses_its_job():
    worker.heartbeat_record(worker_id="gone")
    job = _running_job(worker_id="gone")
    # Its last beat was longer ago than four beats.
    worker.WorkerHeartbeat.objects.filter(worker_id="gone").update(
        last_seen=timezone.now() - 5 * dt.timedelta(seconds=worker._beat_seconds())
    )
    assert worker.orphaned_tasks_recover() == (1, 0)
    job.refresh_from_db()
    assert job.status == "READY"


@pytest.mark.django_db
def test_after_its_own_heartbeat_was_held_up_a_worker_waits_a_beat_before_taking_jobs(
    settings,
):
    """The database was out of reach for a minute: every worker's heartbeat stopped, not only
    the others'. Taking their jobs at once would run them twice."""
    settings.WORKER_BEAT_SECONDS = 10
    job = _running_job(worker_id="held-up-too")
    worker.WorkerHeartbeat.objects.create(
        worker_id="held-up-too",
        started_at=timezone.now() - dt.timedelta(minutes=5),
        last_seen=timezone.now() - dt.timedelta(seconds=70),
    )
    a_minute_ago = time.monotonic() - 60
    last_beat = worker.heartbeat_beat(
        worker_id="me", started_at=timezone.now(), last_beat=a_minute_ago
    )
    job.refresh_from_db()
    assert job.status == "RUNNING"
    assert worker.WorkerHeartbeat.objects.filter(worker_id="me").exists()

    # A beat later the other worker has still not been heard: it is gone, and so is its job.
    worker.heartbeat_beat(worker_id="me", started_at=timezone.now(), last_beat=last_beat - 10)
    job.refresh_from_db()
    assert job.status == "READY"
