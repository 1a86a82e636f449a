"""The background worker: heartbeats, jobs whose worker died, and the banner facilitators see
when no worker runs."""

import datetime as dt
import os
import signal

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meshutaf.core import worker
from meshutaf.core.models import WorkerHeartbeat
from meshutaf.discourse import services as discourse_services
from meshutaf.discourse.models import ModelStatus, ModelVersion, RunStatus, ScoringRun

from ..site_process import wait_for


def _running_job(*, worker_ids, started_minutes_ago=2, task_path=None, args=(1,)):
    now = timezone.now()
    return DBTaskResult.objects.create(
        status="RUNNING",
        task_path=task_path or "meshutaf.knowledge.tasks.extract_document_text",
        args_kwargs={"args": list(args), "kwargs": {}},
        backend_name="default",
        queue_name="default",
        priority=0,
        run_after=now,
        started_at=now - dt.timedelta(minutes=started_minutes_ago),
        worker_ids=list(worker_ids),
    )


@pytest.mark.django_db
def test_a_running_job_whose_worker_is_silent_is_queued_again():
    job = _running_job(worker_ids=["gone"])
    assert worker.orphaned_tasks_recover() == (1, 0)
    job.refresh_from_db()
    assert job.status == "READY"
    assert DBTaskResult.objects.ready().filter(pk=job.pk).exists()


@pytest.mark.django_db
def test_a_job_whose_worker_is_alive_is_left_alone():
    worker.heartbeat_record(worker_id="alive")
    job = _running_job(worker_ids=["alive"])
    just_started = _running_job(worker_ids=["gone"], started_minutes_ago=0)
    assert worker.orphaned_tasks_recover() == (0, 0)
    job.refresh_from_db()
    just_started.refresh_from_db()
    assert job.status == just_started.status == "RUNNING"


@pytest.mark.django_db
def test_a_job_that_killed_three_workers_fails_with_a_reason_and_its_run_too(
    deferred, initiative, owner
):
    corpus = discourse_services.corpus_create(name="Posts", initiative=initiative, by=owner)
    model = ModelVersion.objects.create(corpus=corpus, version=1, status=ModelStatus.READY)
    run = ScoringRun.objects.create(corpus=corpus, model=model, total=1, status=RunStatus.RUNNING)
    job = _running_job(
        worker_ids=["one", "two", "three"],
        task_path="meshutaf.discourse.tasks.score_corpus",
        args=(run.pk,),
    )
    assert worker.orphaned_tasks_recover() == (0, 1)
    job.refresh_from_db()
    run.refresh_from_db()
    assert job.status == "FAILED"
    assert "WorkerDiedError" in job.exception_class_path
    assert run.status == RunStatus.FAILED
    assert "worker" in run.error


@pytest.mark.django_db
def test_heartbeats_record_and_leave():
    worker.heartbeat_record(worker_id="w1")
    first = WorkerHeartbeat.objects.get(worker_id="w1")
    worker.heartbeat_record(worker_id="w1")
    assert WorkerHeartbeat.objects.get(worker_id="w1").last_seen >= first.last_seen
    assert WorkerHeartbeat.objects.count() == 1
    worker.heartbeat_remove(worker_id="w1")
    assert not WorkerHeartbeat.objects.exists()


@pytest.fixture
def deferred(settings):
    """Jobs wait for a worker, as in production (the tests run them at once otherwise)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    cache.clear()
    yield
    cache.clear()


BANNER = "Background jobs are not running"


@pytest.mark.django_db
def test_facilitators_see_a_banner_when_no_worker_runs(deferred, initiative, as_user, owner):
    page = as_user(owner).get("/")
    assert BANNER in page.content.decode()


@pytest.mark.django_db
def test_the_banner_goes_once_a_worker_is_heard_from(deferred, initiative, as_user, owner):
    worker.heartbeat_record(worker_id="w1")
    assert BANNER not in as_user(owner).get("/").content.decode()


@pytest.mark.django_db
def test_a_worker_silent_for_minutes_brings_the_banner_back(deferred, initiative, as_user, owner):
    worker.heartbeat_record(worker_id="w1")
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - dt.timedelta(minutes=5))
    assert BANNER in as_user(owner).get("/").content.decode()


@pytest.mark.django_db
def test_partners_and_outsiders_see_no_banner(deferred, initiative, as_user, member, outsider):
    assert BANNER not in as_user(member).get("/").content.decode()
    assert BANNER not in as_user(outsider).get("/").content.decode()


@pytest.mark.django_db
def test_no_banner_where_jobs_run_at_once(initiative, as_user, owner):
    cache.clear()
    assert BANNER not in as_user(owner).get("/").content.decode()


JOB_STATUS = (
    "select status from django_tasks_database_dbtaskresult where task_path like '%note_and_wait'"
)
JOB_WORKERS = JOB_STATUS.replace("status", "worker_ids", 1)


def test_a_job_killed_with_its_worker_runs_again_under_a_new_worker(site, tmp_path):
    """kill -9 the worker in the middle of a job: the next worker finishes it, within a
    minute of starting, without anyone touching the job."""
    marker = tmp_path / "starts"
    site.shell(
        "from tests.core.slow_tasks import note_and_wait; "
        f"note_and_wait.enqueue({str(marker)!r}, 600)"
    )
    first = site.start("worker")
    wait_for(lambda: marker.exists() and marker.read_text() == "1", timeout=60)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert site.query(JOB_STATUS) == [("RUNNING",)]

    second = site.start("worker")
    wait_for(
        lambda: site.query(JOB_STATUS) == [("SUCCESSFUL",)],
        timeout=60,
        interval=0.5,
        message="the job was not run again by the new worker",
    )
    assert marker.read_text() == "2"
    ((worker_ids,),) = site.query(JOB_WORKERS)
    assert str(worker_ids).count("-") >= 2  # claimed by both workers
    os.killpg(second.pid, signal.SIGTERM)
    second.wait(timeout=30)
    # A worker that stops cleanly takes its heartbeat with it.
    assert (second.pid,) not in site.query("select pid from core_workerheartbeat")


@pytest.mark.django_db
def test_a_document_whose_reading_killed_three_workers_is_marked_unreadable(
    deferred, initiative, owner
):
    from meshutaf.knowledge.models import Document, Extraction

    document = Document.objects.create(
        initiative=initiative, title="Bomb", file="documents/x.xlsx", file_type="xlsx"
    )
    assert document.extraction == Extraction.PENDING
    _running_job(
        worker_ids=["one", "two", "three"],
        task_path="meshutaf.knowledge.tasks.extract_document_text",
        args=(document.pk,),
    )
    assert worker.orphaned_tasks_recover() == (0, 1)
    document.refresh_from_db()
    assert document.extraction == Extraction.FAILED


@pytest.mark.django_db
def test_a_job_given_up_on_a_second_stop_signal_is_queued_again():
    job = _running_job(worker_ids=["me"])
    job.set_failed(SystemExit(1))
    other = _running_job(worker_ids=["someone-else"])
    other.set_failed(SystemExit(1))
    since = timezone.now() - dt.timedelta(minutes=1)
    assert worker.interrupted_jobs_requeue(worker_id="me", since=since) == 1
    job.refresh_from_db()
    other.refresh_from_db()
    assert job.status == "READY"
    assert other.status == "FAILED"


@pytest.mark.django_db
def test_counts_past_their_use_are_forgotten():
    from axes.models import AccessAttempt

    from meshutaf.core.models import RateCounter

    now = timezone.now()
    RateCounter.objects.create(key="old", count=3, expires_at=now - dt.timedelta(minutes=1))
    RateCounter.objects.create(key="current", count=3, expires_at=now + dt.timedelta(minutes=1))
    old = AccessAttempt.objects.create(
        username="dana", ip_address="203.0.113.5", failures_since_start=5, user_agent=""
    )
    AccessAttempt.objects.filter(pk=old.pk).update(attempt_time=now - dt.timedelta(hours=2))
    AccessAttempt.objects.create(
        username="omer", ip_address="203.0.113.6", failures_since_start=1, user_agent=""
    )
    worker.expired_counts_forget()
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["current"]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["omer"]
