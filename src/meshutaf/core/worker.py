"""The background worker: django-tasks' database worker with a heartbeat beside it, and the
recovery of jobs whose worker died (killed, out of memory, the machine restarted).

A job is claimed by a worker (`DBTaskResult.worker_ids` grows by one id per claim). Each
worker records a heartbeat every few seconds from a thread of its own, so a long job does not
silence it. Any worker that sees a running job whose worker has not been heard from for
four heartbeats puts the job back in the queue, where it runs again. Heartbeats are written and
judged in the database's time, so workers on several machines need not agree on the time; a
worker whose own heartbeat was held up (the database unreachable or locked for a while) gives
the others a beat to be heard again before it takes any of their jobs for orphaned, since
theirs were held up too. The jobs are written to be
run again: scoring resumes where it stopped, indexing and analyses start over, meeting
invitations skip whoever the job already reached; reminders are claimed per meeting before
they go out, so a batch cut off half-way is not sent twice (nor finished). A job that has
already killed `MAX_ATTEMPTS` workers is failed with a reason instead, so one poisonous job
cannot take every worker down in turn; the apps mark their own records (a document, a
scoring run) failed by `task_finished`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import DateTimeField, ExpressionWrapper, Value
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.crypto import get_random_string

from .models import WorkerHeartbeat

log = logging.getLogger(__name__)

BEAT_SECONDS = 10  # how often a worker says it is alive (settings.WORKER_BEAT_SECONDS)
# The banner says "background jobs are not running" after this long without a heartbeat;
# longer than a worker's restart so that one does not make it flicker.
SILENT_AFTER = dt.timedelta(minutes=2)
MAX_ATTEMPTS = 3


def _beat_seconds() -> float:
    return float(getattr(settings, "WORKER_BEAT_SECONDS", BEAT_SECONDS))


def _dead_after() -> dt.timedelta:
    """A worker not heard from for four beats is taken for dead."""
    return dt.timedelta(seconds=4 * _beat_seconds())


class WorkerDiedError(RuntimeError):
    """Recorded as the failure of a job whose workers kept dying while running it."""


def deferred_tasks() -> bool:
    """Whether jobs wait for a worker (the database backend); tests and single-process set-ups
    run them at once and need none."""
    from django_tasks import default_task_backend

    return bool(default_task_backend.supports_defer)


# --- Reads ---------------------------------------------------------------------------------


def worker_last_seen() -> dt.datetime | None:
    return (
        WorkerHeartbeat.objects.order_by("-last_seen").values_list("last_seen", flat=True).first()
    )


def workers_silent(*, now: dt.datetime | None = None) -> bool:
    """True when jobs wait for a worker and none has been heard from for `SILENT_AFTER`."""
    if not deferred_tasks():
        return False
    last_seen = worker_last_seen()
    now = now or timezone.now()
    return last_seen is None or now - last_seen > SILENT_AFTER


# --- Writes --------------------------------------------------------------------------------


def heartbeat_record(*, worker_id: str, started_at: dt.datetime | None = None) -> None:
    # The database's clock, not this machine's: workers on machines whose clocks differ judge
    # each other's heartbeats by one clock.
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen": Now(), "hostname": socket.gethostname()[:255], "pid": os.getpid()},
        create_defaults={
            "last_seen": Now(),
            "started_at": started_at or timezone.now(),
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


def heartbeat_remove(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def interrupted_jobs_requeue(*, worker_id: str, since: dt.datetime) -> int:
    """Put back in the queue the job this worker gave up when told twice to stop (Ctrl+C
    pressed twice, say): django-tasks records it as failed with SystemExit, but nothing went
    wrong with the job itself, and it should run again."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    interrupted = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED,
        finished_at__gte=since,
        exception_class_path__in=["builtins.SystemExit", "builtins.KeyboardInterrupt"],
    )
    ids = [job.pk for job in interrupted if job.worker_ids and job.worker_ids[-1] == worker_id]
    return DBTaskResult.objects.filter(pk__in=ids).update(
        status=TaskResultStatus.READY,
        started_at=None,
        finished_at=None,
        exception_class_path="",
        traceback="",
        run_after=timezone.now(),
    )


def heartbeats_forget(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> None:
    """Forget workers that died without a word (killed) long ago."""
    WorkerHeartbeat.objects.filter(last_seen__lt=timezone.now() - older_than).delete()


def expired_counts_forget() -> None:
    """Forget what the limits no longer need: finished rate windows, and failed sign-ins (with
    their addresses) whose cool-off is over."""
    from axes.models import AccessAttempt

    from .models import RateCounter

    now = timezone.now()
    RateCounter.objects.filter(expires_at__lt=now).delete()
    cool_off = dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    AccessAttempt.objects.filter(attempt_time__lt=now - cool_off).delete()


def _silent_since() -> ExpressionWrapper:
    """The time, by the database's clock, before which a worker not heard from is dead."""
    return ExpressionWrapper(Now() - Value(_dead_after()), output_field=DateTimeField())


def orphaned_tasks_recover(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Requeue running jobs whose worker has gone silent, or fail those that have already cost
    `MAX_ATTEMPTS` workers. Returns (requeued, failed). `now` (tests) replaces the database's
    clock."""
    from django_tasks_db.compat import TaskResultStatus, task_finished
    from django_tasks_db.models import DBTaskResult

    cutoff = _silent_since() if now is None else now - _dead_after()
    now = now or timezone.now()
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).values_list("worker_id", flat=True)
    )
    requeued, failed = 0, []
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update().filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        )
        for job in running:
            if job.worker_ids and job.worker_ids[-1] in alive:
                continue
            if len(job.worker_ids) >= MAX_ATTEMPTS:
                job.set_failed(
                    WorkerDiedError(
                        f"The worker stopped while running this job {len(job.worker_ids)} times."
                    )
                )
                failed.append(job)
                continue
            requeued += DBTaskResult.objects.filter(
                pk=job.pk, status=TaskResultStatus.RUNNING
            ).update(status=TaskResultStatus.READY, started_at=None, run_after=now)
            log.warning("Job %s (%s) lost its worker; queued again", job.pk, job.task_path)
    for job in failed:
        log.error("Job %s (%s) failed: its workers kept dying", job.pk, job.task_path)
        # Let the apps mark their own records (a scoring run, a model) as failed.
        try:
            task_finished.send(sender=type(job.task.get_backend()), task_result=job.task_result)
        except Exception:
            log.exception("Could not report the failure of job %s", job.pk)
    return requeued, len(failed)


# --- The worker process --------------------------------------------------------------------


def heartbeat_beat(*, worker_id: str, started_at: dt.datetime, last_beat: float) -> float:
    """One heartbeat, then the recovery of orphaned jobs, unless our own heartbeat was held up
    since `last_beat` (time.monotonic()): the other workers' were held up too, and may not have
    been heard since; taking their jobs now would run them twice. Returns when it beat."""
    heartbeat_record(worker_id=worker_id, started_at=started_at)
    beat_at = time.monotonic()
    if beat_at - last_beat <= 2 * _beat_seconds():
        orphaned_tasks_recover()
    else:
        log.warning("Worker heartbeat held up for %.0f s", beat_at - last_beat)
    return beat_at


def _beat_forever(worker_id: str, started_at: dt.datetime, stop: threading.Event) -> None:
    beats = 0
    last_beat = time.monotonic()  # worker_run's first heartbeat
    # The first recovery waits a beat too: a worker (re)started just after the database came
    # back must not take the jobs of workers that have not been heard from again yet.
    while not stop.wait(_beat_seconds()):
        try:
            close_old_connections()
            last_beat = heartbeat_beat(
                worker_id=worker_id, started_at=started_at, last_beat=last_beat
            )
            if beats % 360 == 0:  # on the first beat, then about hourly
                expired_counts_forget()
                heartbeats_forget()
        except Exception:  # a locked or unreachable database: try again on the next beat
            log.exception("Worker heartbeat failed")
        beats += 1


def worker_run(*, interval: float = 1.0) -> None:
    """Run django-tasks' database worker until it is stopped, with a heartbeat beside it."""
    from django.core.management import call_command

    worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"
    started_at = timezone.now()
    heartbeat_record(worker_id=worker_id, started_at=started_at)
    stop = threading.Event()
    beat = threading.Thread(
        target=_beat_forever, args=(worker_id, started_at, stop), name="heartbeat", daemon=True
    )
    beat.start()
    try:
        call_command(
            "db_worker",
            worker_id=worker_id,
            interval=interval,
            startup_delay=False,
            reload=False,
            verbosity=1,
        )
    finally:
        stop.set()
        try:
            interrupted_jobs_requeue(worker_id=worker_id, since=started_at)
            heartbeat_remove(worker_id=worker_id)
        except Exception:
            log.exception("Could not put back the interrupted job or remove the heartbeat")
