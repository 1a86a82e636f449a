"""A real Meshutaf site in other processes, as a new user starts it: its own data folder, its
own database (SQLite in the folder, or a fresh PostgreSQL database when the suite runs on
PostgreSQL), and the `meshutaf` command run as the operator would run it."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    def __init__(self, data_dir: Path, database_url: str | None, *, manifest_static=False):
        self.data_dir = data_dir
        self.database_url = database_url
        # Hashed, compressed static files take a dozen seconds to collect: only the tests that
        # are about them (or about a new user's first start) pay for them.
        self.manifest_static = manifest_static
        self.processes: list[subprocess.Popen] = []

    @property
    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("MESHUTAF_", "DJANGO_")) and key != "DATABASE_URL"
        }
        env.update(
            MESHUTAF_DATA_DIR=str(self.data_dir),
            MESHUTAF_LANGUAGE="en",
            MESHUTAF_WORKER_BEAT_SECONDS="1",
            # These sites' tests sign in as staff with a password alone; two-factor sign-in
            # has its own tests.
            MESHUTAF_2FA_REQUIRED_FOR="none",
            PYTHONPATH=str(ROOT),  # the test-only tasks in tests/ are importable
            PYTHONUNBUFFERED="1",
            MESHUTAF_MANIFEST_STATIC="true" if self.manifest_static else "false",
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def command(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 (our own command)
            [sys.executable, "-m", "meshutaf", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )

    def shell(self, code: str) -> str:
        """Run Python inside the site (Django set up) and return what it printed."""
        return self.command("manage", "shell", "-c", code).stdout

    def start(self, *args: str) -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "meshutaf", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # so a test can signal it and all its children
        )
        self.processes.append(process)
        return process

    def query(self, sql: str) -> list[tuple]:
        """Read the site's database directly (no Django in this process talks to it)."""
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as connection:
                return connection.execute(sql).fetchall()
        with closing(sqlite3.connect(self.data_dir / "meshutaf.sqlite3", timeout=20)) as db:
            return db.execute(sql).fetchall()

    def table_counts(self) -> dict[str, int]:
        """Rows per table of the site's database (SQLite's own tables left out)."""
        if self.database_url:
            sql = (
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        count = 'SELECT COUNT(*) FROM "{}"'  # names read from the database itself
        names = sorted(row[0] for row in self.query(sql))
        return {name: self.query(count.format(name))[0][0] for name in names}

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_for(predicate, *, timeout: float, interval: float = 0.2, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(message or "timed out")


def drain(process: subprocess.Popen) -> None:
    """Keep reading a long-running process's output in the background: a served site writes a
    line per request, and a pipe nobody reads fills up and stops the site mid-request."""

    def read() -> None:
        for _line in process.stdout:
            pass

    threading.Thread(target=read, daemon=True).start()


def read_line_with(process: subprocess.Popen, text: str, *, timeout: float) -> tuple[str, list]:
    """Read the process's output until a line contains `text`; returns it and every line."""
    import selectors

    lines: list[str] = []
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not selector.select(timeout=0.5):
            if process.poll() is not None:
                break
            continue
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if text in line:
            return line, lines
    raise AssertionError(f"no line with {text!r} in:\n{''.join(lines)}")


def create_database(url: str, *, template: bool = False) -> str:
    """A new PostgreSQL database on the server of `url`: empty, or a copy of `url`'s database
    when `template`."""
    import psycopg

    server_url, source = url.rsplit("/", 1)
    name = f"meshutaf_site_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{source}"' if template else ""
    with psycopg.connect(server_url + "/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"{copy}')
    return f"{server_url}/{name}"


def drop_database(url: str) -> None:
    import psycopg

    server_url, name = url.rsplit("/", 1)
    with psycopg.connect(server_url + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
