"""`meshutaf serve`: the web server (gunicorn) and one background worker, started, watched and
stopped together, so one command gives a site whose uploads are read, invitations sent and
opinion maps drawn. No database access here; the children do that.

The worker is restarted when it dies (with a growing pause, so a broken installation does not
spin); the site stops when the web server stops. Deployments that run their workers apart
(several machines, a process manager) pass `--no-worker`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .env import env_int

READY_TIMEOUT = 120.0  # seconds for gunicorn to answer before we give up
# Seconds a child gets after SIGTERM: the worker finishes a short job; a long one (scoring) is
# cut off and queued again by the next worker (core.worker).
STOP_TIMEOUT = 20.0
MAX_RESTART_PAUSE = 30.0
# Requests each web server process serves at once (MESHUTAF_THREADS).
DEFAULT_THREADS = 4


@dataclass
class Child:
    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    restarts: int = 0
    next_start: float = 0.0
    started_at: float = field(default=0.0)

    def start(self) -> None:
        # Each child gets a session of its own, so that Ctrl+C in the terminal reaches only us
        # and each child then gets exactly one SIGTERM, from us: a second signal would make the
        # worker abandon its job half-way and record it as failed. Should we die without a
        # word (kill -9), the kernel sends the children SIGTERM, so none is left holding the port.
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter)
            self.command, start_new_session=True, preexec_fn=_terminate_with_parent
        )
        self.started_at = time.monotonic()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def _terminate_with_parent() -> None:
    """In the child, before it runs: ask Linux for SIGTERM when the parent dies."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1  # noqa: N806 (the kernel's name)
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def gunicorn_command(
    *, host: str, port: int, workers: int, threads: int | None = None
) -> list[str]:
    threads = threads or env_int("MESHUTAF_THREADS", DEFAULT_THREADS, minimum=1, maximum=64)
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "meshutaf.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        # Threads in each process: a request waiting on the database (a round trip to
        # PostgreSQL, SQLite's disk) leaves the process to another one. With one request per
        # process, a few processes sat idle waiting while others queued (bench/load.py).
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        # Load the application once, before forking: the workers start in a fraction of the
        # time and share the loaded code's memory.
        "--preload",
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]


def worker_command() -> list[str]:
    return [sys.executable, "-m", "meshutaf", "worker"]


def _connect_host(host: str) -> str:
    host = host.strip("[]")
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104


def port_free(host: str, port: int) -> bool:
    """Whether nothing listens on the port yet (otherwise we would greet the user with an
    address that answers with someone else's site)."""
    return not listening(host, port)


def listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((_connect_host(host), port), timeout=0.5):
            return True
    except OSError:
        return False


def _stop(children: list[Child]) -> None:
    for child in children:
        if child.process is not None and child.running():
            child.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in children:
        if child.process is None:
            continue
        try:
            child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.process.pid, signal.SIGKILL)  # the child and anything it forked
            child.process.wait()


def supervise(
    *,
    host: str,
    port: int,
    web_workers: int,
    with_worker: bool,
    on_ready: Callable[[str], None],
    on_event: Callable[[str, dict], None],
    web: list[str] | None = None,
    worker: list[str] | None = None,
) -> int:
    """Run until the web server stops or we are told to stop; returns the exit code.

    `on_ready(url)` is called once the web server accepts connections; `on_event(kind, data)`
    reports what happens to the children (kinds: "web_failed", "worker_died",
    "worker_restarted"), so the caller can word it in the user's language.
    """
    web_child = Child("web", web or gunicorn_command(host=host, port=port, workers=web_workers))
    worker_child = Child("worker", worker or worker_command())
    children = [web_child, *([worker_child] if with_worker else [])]
    stopping = {"signal": None}

    def request_stop(signum, _frame) -> None:
        stopping["signal"] = signum

    # A closed terminal (SIGHUP) stops the site too: gunicorn would take HUP for "reload" and
    # outlive us, holding the port.
    previous = {
        sig: signal.signal(sig, request_stop)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
    try:
        if not port_free(host, port):
            on_event("web_failed", {"code": None})
            return 1
        for child in children:
            child.start()
        ready_by = time.monotonic() + READY_TIMEOUT
        announced = False
        while stopping["signal"] is None:
            if not web_child.running():
                code = web_child.process.returncode if web_child.process is not None else None
                on_event("web_failed" if not announced else "web_stopped", {"code": code})
                _stop(children)
                return code or 1
            if not announced:
                if listening(host, port):
                    announced = True
                    shown = _connect_host(host)
                    shown = f"[{shown}]" if ":" in shown else shown
                    on_ready(f"http://{shown}:{port}/")
                elif time.monotonic() > ready_by:
                    on_event("web_failed", {"code": None})
                    _stop(children)
                    return 1
            if with_worker and not worker_child.running():
                now = time.monotonic()
                if worker_child.next_start == 0.0:
                    code = worker_child.process.returncode if worker_child.process else None
                    # A worker that ran for a while before dying starts again at once.
                    if now - worker_child.started_at > 60:
                        worker_child.restarts = 0
                    pause = min(MAX_RESTART_PAUSE, 2.0**worker_child.restarts)
                    worker_child.next_start = now + pause
                    on_event("worker_died", {"code": code, "pause": pause})
                elif now >= worker_child.next_start:
                    worker_child.restarts += 1
                    worker_child.next_start = 0.0
                    worker_child.start()
                    on_event("worker_restarted", {"restarts": worker_child.restarts})
            time.sleep(0.2)
        _stop(children)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
