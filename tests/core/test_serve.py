"""`meshutaf serve` as `make run` starts it: the web server and a background worker, the
address printed once the site answers, a dead worker restarted, everything stopped together."""

import os
import signal
import urllib.request

import pytest
from django.db import connection

from ..site_process import free_port, read_line_with, wait_for

HEARTBEATS = "select pid from core_workerheartbeat"


def _answers(url: str) -> bool:
    with urllib.request.urlopen(url + "accounts/login/", timeout=10) as response:  # noqa: S310
        return response.status == 200


def test_serve_runs_the_site_and_a_worker_and_stops_them_together(site):
    port = free_port()
    serve = site.start("serve", "--port", str(port), "--workers", "1")
    read_line_with(serve, f"http://127.0.0.1:{port}/", timeout=90)
    # The address is printed only once the site answers.
    assert _answers(f"http://127.0.0.1:{port}/")

    ((worker_pid,),) = wait_for(lambda: site.query(HEARTBEATS), timeout=30)
    os.kill(worker_pid, signal.SIGKILL)
    # The supervisor starts a new worker, which records its own heartbeat.
    wait_for(
        lambda: any(pid != worker_pid for (pid,) in site.query(HEARTBEATS)),
        timeout=30,
        message="the worker was not restarted",
    )
    (new_pid,) = [pid for (pid,) in site.query(HEARTBEATS) if pid != worker_pid]

    serve.send_signal(signal.SIGTERM)
    assert serve.wait(timeout=40) == 0
    for pid in (new_pid,):
        wait_for(lambda pid=pid: not _alive(pid), timeout=10, message=f"{pid} still runs")
    try:
        _answers(f"http://127.0.0.1:{port}/")
    except OSError:
        pass
    else:
        raise AssertionError("the web server still answers after serve stopped")


def test_serve_without_a_worker_starts_none(site):
    port = free_port()
    serve = site.start("serve", "--port", str(port), "--workers", "1", "--no-worker")
    read_line_with(serve, f"http://127.0.0.1:{port}/", timeout=90)
    assert _answers(f"http://127.0.0.1:{port}/")
    assert site.query(HEARTBEATS) == []


def test_serve_says_so_when_the_port_is_taken(site):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        serve = site.start("serve", "--port", str(port), "--workers", "1", "--no-worker")
        line, _output = read_line_with(serve, "did not start", timeout=90)
        assert str(port) in line
        assert serve.wait(timeout=30) != 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that has exited but not been reaped yet counts as gone.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_ctrl_c_lets_the_running_job_finish(site, tmp_path):
    """Ctrl+C in the terminal signals the whole foreground group; the worker must still get a
    single stop request, finish its job and not record it as failed."""
    marker = tmp_path / "starts"
    site.shell(
        "from tests.core.slow_tasks import note_and_wait; "
        f"note_and_wait.enqueue({str(marker)!r}, 3)"
    )
    port = free_port()
    serve = site.start("serve", "--port", str(port), "--workers", "1")
    read_line_with(serve, f"http://127.0.0.1:{port}/", timeout=90)
    wait_for(lambda: marker.exists(), timeout=30, message="the job never started")
    os.killpg(serve.pid, signal.SIGINT)  # what the terminal does on Ctrl+C
    assert serve.wait(timeout=40) == 0
    assert site.query(SLOW_JOB) == [("SUCCESSFUL",)]


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(lambda pid: os.killpg(pid, signal.SIGHUP), id="the terminal is closed"),
        pytest.param(lambda pid: os.kill(pid, signal.SIGKILL), id="serve is killed"),
    ],
)
def test_nothing_outlives_serve(site, stop):
    port = free_port()
    serve = site.start("serve", "--port", str(port), "--workers", "1")
    read_line_with(serve, f"http://127.0.0.1:{port}/", timeout=90)
    ((worker_pid,),) = wait_for(lambda: site.query(HEARTBEATS), timeout=30)
    stop(serve.pid)
    serve.wait(timeout=40)
    wait_for(lambda: not _alive(worker_pid), timeout=30, message="the worker outlived serve")
    wait_for(lambda: _port_free(port), timeout=30, message="the web server outlived serve")


SLOW_JOB = (
    "select status from django_tasks_database_dbtaskresult where task_path like '%note_and_wait'"
)


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.django_db
def test_migrate_refuses_a_database_from_before_the_reorganisation(capsys, monkeypatch):
    from django.db.migrations.recorder import MigrationRecorder

    monkeypatch.setenv("MESHUTAF_LANGUAGE", "en")

    from meshutaf import cli

    MigrationRecorder(connection).record_applied("stakeholders", "0001_initial")
    assert cli.main(["migrate"]) == 2
    assert "no upgrade path" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["PORT", "MESHUTAF_WORKERS"])
def test_a_malformed_port_or_worker_count_is_named_not_a_traceback(name, capsys, monkeypatch):
    from meshutaf import cli

    monkeypatch.setenv(name, "80a")
    assert cli.main(["check"]) == 2
    assert name in capsys.readouterr().err
