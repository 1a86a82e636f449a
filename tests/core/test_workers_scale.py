"""The scale-out path: several `meshutaf worker` processes on one PostgreSQL database share the
queue. Two real workers run 500 jobs of three kinds (meeting invitations, document text, a job
that marks each run), each exactly once, and when one is killed (-9) in the middle of a slow job
the other takes that job over within a minute."""

import datetime as dt
import os
import signal
import threading
import time

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django_tasks import task

from ..site_process import wait_for

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="several workers on one queue is the PostgreSQL set-up (SQLite has a single writer): "
    "this runs in the suite's PostgreSQL pass",
)

JOBS = {"record_run": 300, "send_invitations": 100, "extract_document_text": 100}
RUN_KEY = "test-run:"


@task()
def record_run(key: str) -> None:
    """A job whose every run leaves a mark keyed by the job (RateCounter's key is unique): a
    second run of the same job shows as a count of 2."""
    from meshutaf.core.models import RateCounter

    try:
        with transaction.atomic():
            RateCounter.objects.create(
                key=RUN_KEY + key, count=1, expires_at=dt.datetime(2999, 1, 1, tzinfo=dt.UTC)
            )
    except IntegrityError:
        RateCounter.objects.filter(key=RUN_KEY + key).update(count=F("count") + 1)


# Run inside the site: a meeting with 100 invitees (one invitation job each), 100 Word
# documents in the site's storage (one text extraction job each), 300 jobs that only mark
# their run, mixed; and a slow job held back (due tomorrow) until the test lets it go in the
# middle of the run, for a worker to be killed in.
SETUP = """
import datetime as dt, io, random, zipfile
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from meshutaf.knowledge.models import Document, Extraction
from meshutaf.knowledge.tasks import extract_document_text
from meshutaf.meetings.models import Meeting, MeetingInvitee
from meshutaf.meetings.tasks import send_invitations
from tests.core.slow_tasks import note_and_wait
from tests.core.test_workers_scale import record_run
from tests.factories import InitiativeFactory, PersonFactory, UserFactory

def docx(text):
    body = io.BytesIO()
    with zipfile.ZipFile(body, "w") as archive:
        archive.writestr("word/document.xml", (
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"))
    return body.getvalue()

owner = UserFactory(username="scale-owner")
initiative = InitiativeFactory(created_by=owner)
start = timezone.now() + dt.timedelta(days=7)
meeting = Meeting.objects.create(initiative=initiative, title="Plenary", starts_at=start,
                                 ends_at=start + dt.timedelta(hours=2), created_by=owner)
jobs = []
for n in range(100):
    person = PersonFactory(email=f"invitee{n}@example.org")
    invitee = MeetingInvitee.objects.create(meeting=meeting, person=person, name=f"Invitee {n}",
                                            email=person.email)
    jobs.append((send_invitations, (meeting.pk, [invitee.pk])))
    document = Document(initiative=initiative, title=f"Minutes {n}", file_type="docx",
                        original_name=f"minutes-{n}.docx", extraction=Extraction.PENDING)
    document.file.save("minutes.docx", ContentFile(docx(f"minutes-number-{n}")), save=False)
    document.save()
    jobs.append((extract_document_text, (document.pk,)))
jobs += [(record_run, (str(n),)) for n in range(300)]
random.Random(17).shuffle(jobs)
with transaction.atomic():
    for job, args in jobs:
        job.enqueue(*args)
    note_and_wait.using(priority=10, run_after=timezone.now() + dt.timedelta(days=1)
                        ).enqueue(%(marker)r, 600)
print(len(jobs))
"""

JOB_ROWS = (
    "select task_path, status, jsonb_array_length(worker_ids) "
    "from django_tasks_database_dbtaskresult where task_path not like '%tick'"
)
SLOW_JOB = (
    "select status, worker_ids from django_tasks_database_dbtaskresult "
    "where task_path like '%note_and_wait'"
)


def _kind(task_path: str) -> str:
    return task_path.rsplit(".", 1)[-1]


def _start_worker(site, log: list[str]):
    """A `meshutaf worker` whose output (a line per job) is read as it comes: a full pipe would
    stop it."""
    process = site.start("worker")
    threading.Thread(target=lambda: log.extend(process.stdout), daemon=True).start()
    return process


def _storm_left(site) -> int:
    ((left,),) = site.query(
        "select count(*) from django_tasks_database_dbtaskresult "
        "where status in ('READY', 'RUNNING') and task_path not like '%note_and_wait' "
        "and task_path not like '%tick'"
    )
    return left


def test_two_workers_run_500_mixed_jobs_exactly_once_and_take_over_a_killed_one(site, tmp_path):
    marker = tmp_path / "slow-starts"
    enqueued = site.shell(SETUP % {"marker": str(marker)})
    assert enqueued.split()[-1] == str(sum(JOBS.values()))

    logs: list[list[str]] = [[], []]
    workers = [_start_worker(site, logs[0]), _start_worker(site, logs[1])]
    started = time.monotonic()

    # A third of the way through, the slow job is let go; it starts on one of the workers:
    # kill that one, in the middle of the job.
    total = sum(JOBS.values())
    wait_for(lambda: _storm_left(site) <= total * 2 // 3, timeout=60, interval=0.1)
    site.query(
        "update django_tasks_database_dbtaskresult set run_after = now() "
        "where task_path like '%note_and_wait' returning id"
    )
    wait_for(lambda: marker.exists() and marker.read_text() == "1", timeout=60)
    ((_status, (victim_id,)),) = site.query(SLOW_JOB)
    ((victim_pid,),) = site.query(
        f"select pid from core_workerheartbeat where worker_id = '{victim_id}'"  # noqa: S608
    )
    (victim,) = [process for process in workers if process.pid == victim_pid]
    left_at_kill = _storm_left(site)
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    killed = time.monotonic()

    # The other worker takes the job over: it is claimed a second time, and finishes.
    wait_for(
        lambda: len(site.query(SLOW_JOB)[0][1]) == 2,
        timeout=60,
        interval=0.2,
        message="no worker took over the job of the killed one within a minute",
    )
    takeover = time.monotonic() - killed
    wait_for(lambda: site.query(SLOW_JOB)[0][0] == "SUCCESSFUL", timeout=30)
    assert marker.read_text() == "2"
    (survivor,) = [process for process in workers if process is not victim]
    assert site.query(SLOW_JOB)[0][1][1] != victim_id

    wait_for(lambda: _storm_left(site) == 0, timeout=90, interval=0.5)
    elapsed = time.monotonic() - started

    # Every job ran once: finished well, claimed by one worker only.
    rows = site.query(JOB_ROWS)
    kinds = dict.fromkeys(JOBS, 0)
    for task_path, status, claims in rows:
        if _kind(task_path) in kinds:
            assert (status, claims) == ("SUCCESSFUL", 1), task_path
            kinds[_kind(task_path)] += 1
    assert kinds == JOBS
    # ... and did its work once: one mark per job, one e-mail per invitee, every document read.
    runs = dict(site.query(f"select key, count from core_ratecounter where key like '{RUN_KEY}%'"))  # noqa: S608
    assert sorted(runs) == sorted(f"{RUN_KEY}{n}" for n in range(300))
    duplicates = sum(runs.values()) - len(runs)
    assert duplicates == 0
    recipients = [
        line.split(":", 1)[1].strip()
        for path in (site.data_dir / "outbox").iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    ]
    assert sorted(recipients) == sorted(f"invitee{n}@example.org" for n in range(100))
    assert site.query(
        "select extraction, count(*) from knowledge_document group by extraction"
    ) == [("done", 100)]
    ((read_back,),) = site.query(
        "select count(*) from knowledge_document where text like 'minutes-number-%'"
    )
    assert read_back == 100
    # Both workers shared the queue.
    share = dict(
        site.query(
            "select worker_ids->>0, count(*) from django_tasks_database_dbtaskresult "
            "where task_path not like '%note_and_wait' and task_path not like '%tick' "
            "group by 1"
        )
    )
    assert len(share) == 2

    os.killpg(survivor.pid, signal.SIGTERM)
    survivor.wait(timeout=30)
    print(
        f"\n{sum(JOBS.values())} jobs in {elapsed:.1f} s on two workers "
        f"(shares {sorted(share.values())}), {duplicates} run twice; "
        f"{left_at_kill} were waiting when one worker was killed; "
        f"its job was taken over after {takeover:.1f} s"
    )
