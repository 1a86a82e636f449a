"""Load: signed-in users walking the common pages, then a storm of anonymous writes, against a
real server on this machine, on SQLite and on PostgreSQL.

For each database, starts a site the way the product does (`meshutaf serve`: gunicorn and a
background worker) on 127.0.0.1 with a scratch data directory (and, for PostgreSQL, a scratch
database on postgres://postgres@127.0.0.1:5432, created and dropped; skipped with a message
when that server cannot be reached), loads the demo workspace, then:

1. Pages. `--users` (50) simulated people sign in (the demo's facilitator and partner, with
   CSRF and a session cookie, before the clock starts) and for `--duration` seconds (180) walk
   a mix of the pages people open most: the dashboard, an initiative, a meeting, a search, a
   deliberation's opinion map and the Discourse Index dashboard, each as the account may see
   it, with a think time drawn around `--think` seconds (1.0) between pages. One request in
   eight goes to a trivial view on the same server (`/health/live/`, or, where the site has none,
   a GET refused by a POST-only view: Django's stack with no work in the view), so the pages'
   cost can be read as a multiple of the framework's own.
2. Writes. `--voters` (50) anonymous participants open the demo deliberation's public link
   and vote through every statement (htmx, as the voting card does), while `--writers` (30)
   join the demo workshop's groups anonymously and post `--notes` (5) notes each. Each comes
   from its own loopback address, as phones on their own networks would, so the per-network
   limits that protect a conversation stay as they are. Afterwards the database must hold
   exactly as many new votes and notes as the server acknowledged.

Prints requests/s, p50/p95/p99, errors and the server's CPU per request, per phase and page,
and ends with one JSON line. Loopback only, bounded in users, time and writes. `--quick`: 10
users for 20 s, 10 voters, 6 writers. About 6 minutes per database with the defaults.
"""

import argparse
import contextlib
import http.client
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
PASSWORD = "meshutaf-demo-2026"  # noqa: S105 (the demo logins' published password)
POSTGRES = "postgres://postgres@127.0.0.1:5432"
TIMEOUT = 30.0
TRIVIAL_SHARE = 1 / 8
SEARCHES = ["שולחן עגול", "מתינות", "חינוך", "פגישה", "ניצולי שואה", "שיח", "קהילה", "תכנית"]
TARGET_P95_MS = 300


# --- The site -------------------------------------------------------------------------------


@dataclass
class Site:
    database: str
    env: dict[str, str]
    data_dir: Path
    port: int
    process: subprocess.Popen | None = None
    facts: dict = field(default_factory=dict)

    def url(self, path: str = "/") -> str:
        return f"http://{HOST}:{self.port}{path}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def site_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "MESHUTAF_DATA_DIR")
    }
    env["MESHUTAF_DATA_DIR"] = str(data_dir)
    env.setdefault("DJANGO_SETTINGS_MODULE", "meshutaf.settings")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    # The demo facilitator would first be asked to enrol a second factor; the bench measures
    # pages, not the enrolment.
    env["MESHUTAF_2FA_REQUIRED_FOR"] = "none"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run(site: Site, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [PYTHON, "-m", "meshutaf", *args],
        env=site.env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"`meshutaf {' '.join(args)}` failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


# Run in the site's environment (its settings, its database): what the pages and the storm
# need to know, and how many votes and notes are stored.
FACTS = """
import json, django
django.setup()
from meshutaf.deliberation.models import Conversation, Vote
from meshutaf.discourse.models import Corpus
from meshutaf.initiatives.models import Membership
from meshutaf.meetings.models import Meeting
from meshutaf.workshops.models import Contribution, WorkshopSession

def cells(schema):
    for section in schema.get("sections", []):
        if section.get("kind") == "grid":
            for row in section["rows"]:
                for column in section["columns"]:
                    yield [section["key"], row["key"], column["key"]]
        else:
            yield [section["key"], "", ""]

conversation = Conversation.objects.filter(status="open", allow_anonymous=True).first()
workshop = WorkshopSession.objects.filter(status="open", allow_anonymous=True).first()
accounts = {}
for username in ("facilitator", "partner"):
    mine = sorted(Membership.objects.filter(user__username=username).values_list(
        "initiative_id", flat=True))
    accounts[username] = {"initiatives": mine} | {
        name: sorted(model.objects.filter(initiative_id__in=mine).values_list("pk", flat=True))
        for name, model in (("meetings", Meeting), ("conversations", Conversation),
                            ("corpora", Corpus))
    }
print(json.dumps({
    "accounts": accounts,
    "conversation": conversation and {"pk": conversation.pk, "token": conversation.token},
    "workshop": workshop and {"pk": workshop.pk, "cells": list(cells(workshop.schema)),
                              "tokens": [group.join_token for group in workshop.groups.all()]},
    "votes": Vote.objects.filter(statement__conversation=conversation).count(),
    "notes": Contribution.objects.filter(session=workshop).count(),
}))
"""


def site_facts(site: Site) -> dict:
    done = subprocess.run(  # noqa: S603
        [PYTHON, "-c", FACTS], env=site.env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"reading the site's facts failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


SCRATCH: list[Path] = []  # data folders made here, removed at the end unless --keep


def site_prepare(args, database: str, static_from: Path | None) -> Site:
    data_dir = Path(tempfile.mkdtemp(prefix=f"meshutaf-load-{database}-"))
    SCRATCH.append(data_dir)
    database_url = None
    if database == "postgresql":
        database_url = f"{POSTGRES}/meshutaf_load_{os.getpid()}"
    site = Site(database, site_env(data_dir, database_url), data_dir, free_port())
    started = time.perf_counter()
    if args.copy and database == "sqlite":
        # A folder this bench prepared before (--keep): the same demo, without the minute.
        ignore = shutil.ignore_patterns("serve.log", "logs")
        shutil.copytree(args.copy, data_dir, dirs_exist_ok=True, ignore=ignore)
        run(site, "migrate")
    else:
        if static_from is not None and (static_from / "static").is_dir():
            # Collected once for the first site; `serve` sees its stamp and skips the minute.
            shutil.copytree(static_from / "static", data_dir / "static")
        run(site, "migrate")
        run(site, "demo")
    site.facts = site_facts(site)
    print(f"  migrated and loaded the demo in {time.perf_counter() - started:.0f} s")
    command = [PYTHON, "-m", "meshutaf", "serve", "--host", HOST, "--port", str(site.port)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    log = (data_dir / "serve.log").open("w")
    site.process = subprocess.Popen(  # noqa: S603
        command, env=site.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if site.process.poll() is not None:
            raise SystemExit(f"the server stopped; see {data_dir / 'serve.log'}")
        with contextlib.suppress(OSError):
            if Browser(site).get("/accounts/login/", label="-").status == 200:
                return site
        time.sleep(0.5)
    raise SystemExit("the server did not answer within 3 minutes")


def site_stop(site: Site) -> None:
    if site.process is not None and site.process.poll() is None:
        site.process.send_signal(signal.SIGTERM)
        try:
            site.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(site.process.pid, signal.SIGKILL)
            site.process.wait()


def process_tree(root: int) -> list[int]:
    """The process and all its descendants (gunicorn's master and workers, the job worker)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


def cpu_seconds(site: Site, since: dict[str, float] | None = None) -> dict[str, float]:
    """CPU seconds used by the site's processes (so far, or `since` an earlier reading), by
    kind ("web": gunicorn, "jobs": the background worker), from /proc; empty without it."""
    if site.process is None or not Path("/proc").is_dir():
        return {}
    ticks = os.sysconf("SC_CLK_TCK")
    used = {"web": 0.0, "jobs": 0.0}
    for pid in process_tree(site.process.pid):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            kind = "jobs" if b"worker" in command and b"gunicorn" not in command else "web"
            used[kind] += (int(fields[11]) + int(fields[12])) / ticks
    return {kind: round(value - (since or {}).get(kind, 0.0), 1) for kind, value in used.items()}


def server_shape(site: Site) -> str:
    """How gunicorn was started: its processes and threads, read from its command line."""
    for pid in process_tree(site.process.pid) if site.process else []:
        with contextlib.suppress(OSError):
            words = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
            if "gunicorn" in words:
                given = dict(itertools.pairwise(words))
                return (
                    f"gunicorn, {given.get('--workers', '1')} processes × "
                    f"{given.get('--threads', '1')} threads"
                )
    return "unknown"


def postgres_reachable() -> str | None:
    """None when a scratch database can be made, else why not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL at {POSTGRES} is not reachable ({str(error).strip()})"


def postgres_admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(statement)


# --- A browser ------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str
    seconds: float


class Recorder:
    """Every timed request: (phase, label, seconds, ok)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: list[tuple[str, str, float, bool]] = []
        self.errors: dict[str, int] = {}
        self.phase = "-"

    def add(self, label: str, seconds: float, ok: bool, problem: str = "") -> None:
        with self.lock:
            self.rows.append((self.phase, label, seconds, ok))
            if not ok:
                self.errors[problem] = self.errors.get(problem, 0) + 1


class Browser:
    """One person's browser: its cookies, its network address, no connection kept between
    requests (as behind a reverse proxy, and gunicorn's sync workers close them anyway)."""

    def __init__(self, site: Site, recorder: Recorder | None = None, address: str = HOST):
        self.site = site
        self.recorder = recorder
        self.address = address
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        *,
        label: str,
        data: dict | None = None,
        htmx: bool = False,
        expect: tuple[int, ...] = (200,),
    ) -> Answer:
        headers = {"Accept-Language": "he", "Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:
            headers["HX-Request"] = "true"
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(
                HOST, self.site.port, timeout=TIMEOUT, source_address=(self.address, 0)
            )
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                text = response.read().decode("utf-8", "replace")
            finally:
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            seconds = time.perf_counter() - started
            if self.recorder is not None:
                self.recorder.add(label, seconds, False, type(error).__name__)
            return Answer(0, http.client.HTTPMessage(), "", seconds)
        seconds = time.perf_counter() - started
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value in ('""', "") or "max-age=0" in cookie.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        ok = response.status in expect
        if self.recorder is not None:
            self.recorder.add(label, seconds, ok, f"HTTP {response.status} {label}")
        return Answer(response.status, response.headers, text, seconds)

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Answer:
        return self.request("POST", path, data=data, **kwargs)

    def sign_in(self, username: str) -> None:
        self.get("/accounts/login/", label="sign-in")
        answer = self.post(
            "/accounts/login/",
            {"username": username, "password": PASSWORD},
            label="sign-in",
            expect=(302,),
        )
        landing = self.get("/", label="-")
        if answer.status != 302 or landing.status != 200:
            raise SystemExit(
                f"{username} could not sign in (HTTP {answer.status}, then {landing.status} "
                f"at /; location {answer.headers.get('Location')})"
            )


# --- The page mix ---------------------------------------------------------------------------


def page_choices(site: Site, username: str) -> list[tuple[str, str, float]]:
    """(label, path, weight) for what this account may open; every page is checked once."""
    mine = site.facts["accounts"][username]
    pages: list[tuple[str, str, float]] = [("dashboard", "/", 2.0)]
    pages += [
        ("initiative", f"/initiatives/{pk}/", 2.0 / len(mine["initiatives"]))
        for pk in mine["initiatives"]
    ]
    pages += [
        ("meeting", f"/meetings/{pk}/", 2.0 / max(1, len(mine["meetings"])))
        for pk in mine["meetings"]
    ]
    pages += [
        ("search", "/search/?" + urllib.parse.urlencode({"q": query}), 2.0 / len(SEARCHES))
        for query in SEARCHES
    ]
    pages += [("opinion map", f"/deliberations/{pk}/map/", 1.0) for pk in mine["conversations"]]
    pages += [("discourse index", f"/discourse/{pk}/index/", 1.0) for pk in mine["corpora"]]
    checker = Browser(site)
    checker.sign_in(username)
    kept = []
    for label, path, weight in pages:
        status = checker.get(path, label="-").status
        if status == 200:
            kept.append((label, path, weight))
        else:
            print(f"  {username}: {path} answered {status}; left out of the mix")
    return kept


def trivial_path(site: Site) -> tuple[str, int]:
    """A view that does nothing, and the status it answers with."""
    if Browser(site).get("/health/live/", label="-").status == 200:
        return "/health/live/", 200
    token = site.facts["conversation"]["token"]
    return f"/d/{token}/vote/", 405  # POST only: refused before the view does anything


def page_user(
    browser: Browser,
    pages: list[tuple[str, str, float]],
    trivial: tuple[str, int],
    *,
    start: float,
    stop: float,
    think: float,
    rng: random.Random,
) -> None:
    labels = [page[0] for page in pages]
    paths = [page[1] for page in pages]
    weights = [page[2] for page in pages]
    time.sleep(max(0.0, start - time.perf_counter()) + rng.uniform(0, think))
    while time.perf_counter() < stop:
        if rng.random() < TRIVIAL_SHARE:
            browser.get(trivial[0], label="trivial view", expect=(trivial[1],))
        else:
            index = rng.choices(range(len(pages)), weights=weights, k=1)[0]
            browser.get(paths[index], label=labels[index])
            if paths[index] == "/":
                # The dashboard loads its meetings and action items as soon as it is shown.
                browser.get("/my/upcoming/", label="dashboard meetings", htmx=True)
        time.sleep(rng.uniform(0.5 * think, 1.5 * think))


# --- The write storm ------------------------------------------------------------------------

STATEMENT = re.compile(r'name="statement" value="(\d+)"')
VERSION = re.compile(r"/live/\?v=(\d+)")
LIVE_POLL = 3.0


@dataclass
class Writes:
    lock: threading.Lock = field(default_factory=threading.Lock)
    votes: int = 0
    notes: int = 0
    refused: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, ok: bool, why: str = "") -> None:
        with self.lock:
            if ok:
                setattr(self, kind, getattr(self, kind) + 1)
            else:
                self.refused[why] = self.refused.get(why, 0) + 1


def voter(browser: Browser, token: str, writes: Writes, think: float, rng: random.Random) -> None:
    answer = browser.get(f"/d/{token}/", label="vote page")
    for _ in range(500):  # more than any conversation here has statements
        found = STATEMENT.search(answer.body)
        if answer.status != 200 or found is None:
            return
        time.sleep(rng.uniform(0.5 * think, 1.5 * think))
        answer = browser.post(
            f"/d/{token}/vote/",
            {"statement": found.group(1), "value": rng.choice(["1", "-1", "0"])},
            label="vote",
            htmx=True,
        )
        stored = answer.status == 200 and "alert--error" not in answer.body
        writes.count("votes", stored, f"vote: HTTP {answer.status}")


def note_writer(
    browser: Browser,
    token: str,
    cells: list[list[str]],
    notes: int,
    writes: Writes,
    think: float,
    rng: random.Random,
) -> None:
    browser.get(f"/w/{token}/", label="workshop page")
    joined = browser.post(f"/w/{token}/", {"anonymous": "on"}, label="join", expect=(302,))
    if joined.status != 302:
        writes.count("notes", False, f"join: HTTP {joined.status}")
        return
    page = browser.get(f"/w/{token}/", label="workshop page")
    version = VERSION.search(page.body)
    polled = time.perf_counter()
    for number in range(notes):
        time.sleep(rng.uniform(0.5 * think, 1.5 * think))
        if version and time.perf_counter() - polled >= LIVE_POLL:
            # The canvas asks every 3 s whether anything changed (204 when not).
            browser.get(
                f"/w/{token}/live/?v={version.group(1)}",
                label="workshop poll",
                htmx=True,
                expect=(200, 204),
            )
            polled = time.perf_counter()
        section, row, column = rng.choice(cells)
        answer = browser.post(
            f"/w/{token}/add/",
            {
                "section": section,
                "row": row,
                "column": column,
                "text": f"רעיון {number + 1} מהמשתתף {browser.address}",
            },
            label="note",
            htmx=True,
        )
        stored = answer.status == 200 and "workshop-saved" in answer.headers.get("HX-Trigger", "")
        writes.count("notes", stored, f"note: HTTP {answer.status}")


# --- Figures --------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(rows: list[tuple[str, str, float, bool]], seconds: float) -> dict:
    times = [row[2] for row in rows]
    return {
        "requests": len(rows),
        "requests_per_s": round(len(rows) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(times, 0.50) * 1000, 1),
        "p95_ms": round(percentile(times, 0.95) * 1000, 1),
        "p99_ms": round(percentile(times, 0.99) * 1000, 1),
        "errors": sum(1 for row in rows if not row[3]),
    }


def show(name: str, figures: dict) -> None:
    print(
        f"  {name:18} {figures['requests']:6d} req {figures['requests_per_s']:7.1f}/s   "
        f"p50 {figures['p50_ms']:7.1f}  p95 {figures['p95_ms']:7.1f}  "
        f"p99 {figures['p99_ms']:7.1f} ms   errors {figures['errors']}"
    )


def show_cpu(figures: dict, elapsed: float) -> None:
    cpu = figures["server_cpu_s"]
    if not cpu or not figures["requests"]:
        return
    per_request = 1000 * cpu["web"] / figures["requests"]
    figures["web_cpu_ms_per_request"] = round(per_request, 1)
    print(
        f"  CPU: web server {cpu['web']:.0f} s ({per_request:.1f} ms a request, "
        f"{cpu['web'] / elapsed:.2f} cores), background worker {cpu['jobs']:.0f} s, "
        f"this client {figures['client_cpu_s']:.0f} s, of {elapsed * (os.cpu_count() or 1):.0f}"
        " core-seconds"
    )


def threads_run(targets: list[threading.Thread]) -> None:
    for thread in targets:
        thread.start()
    for thread in targets:
        thread.join()


def measure_pages(site: Site, recorder: Recorder, args) -> dict:
    accounts = ["facilitator", "partner"]
    choices = {username: page_choices(site, username) for username in accounts}
    trivial = trivial_path(site)
    print(f"  server: {server_shape(site)}; trivial view: GET {trivial[0]} (HTTP {trivial[1]})")
    browsers = []
    started = time.perf_counter()
    recorder.phase = "sign-in"
    for index in range(args.users):
        browser = Browser(site, recorder)
        browser.sign_in(accounts[index % len(accounts)])
        browsers.append(browser)
    signed_in = time.perf_counter() - started
    print(f"  {args.users} users signed in in {signed_in:.1f} s")
    recorder.phase = "pages"
    start = time.perf_counter() + 0.5
    stop = start + args.duration
    cpu_before, client_before = cpu_seconds(site), time.process_time()
    threads_run(
        [
            threading.Thread(
                target=page_user,
                args=(browser, choices[accounts[index % len(accounts)]], trivial),
                kwargs={
                    "start": start,
                    "stop": stop,
                    "think": args.think,
                    "rng": random.Random(index),
                },
            )
            for index, browser in enumerate(browsers)
        ]
    )
    elapsed = time.perf_counter() - start
    cpu = cpu_seconds(site, since=cpu_before)
    client_cpu = time.process_time() - client_before
    rows = [row for row in recorder.rows if row[0] == "pages"]
    pages = [row for row in rows if row[1] != "trivial view"]
    trivial_rows = [row for row in rows if row[1] == "trivial view"]
    figures = {
        "users": args.users,
        "seconds": round(elapsed, 1),
        **summary(rows, elapsed),
        "pages": summary(pages, elapsed),
        "trivial": summary(trivial_rows, elapsed),
        "per_page": {},
        "server_cpu_s": cpu,
        "client_cpu_s": round(client_cpu, 1),
    }
    print(f"pages, {args.users} users, {elapsed:.0f} s:")
    show("all requests", figures)
    show_cpu(figures, elapsed)
    show("pages", figures["pages"])
    show("trivial view", figures["trivial"])
    for label in sorted({row[1] for row in pages}):
        figures["per_page"][label] = summary([row for row in pages if row[1] == label], elapsed)
        show(label, figures["per_page"][label])
    for share in ("p50", "p95"):
        trivial = figures["trivial"][f"{share}_ms"] or 1e-9
        figures[f"ratio_to_trivial_{share}"] = round(figures["pages"][f"{share}_ms"] / trivial, 1)
    print(
        f"  pages / trivial view: p50 ×{figures['ratio_to_trivial_p50']}, "
        f"p95 ×{figures['ratio_to_trivial_p95']}   (goal: p95 ≤ {TARGET_P95_MS} ms: "
        f"{'met' if figures['pages']['p95_ms'] <= TARGET_P95_MS else 'not met'})"
    )
    return figures


def measure_writes(site: Site, recorder: Recorder, args) -> dict:
    conversation, workshop = site.facts["conversation"], site.facts["workshop"]
    if not args.voters and not args.writers:
        return {"skipped": True}
    if conversation is None or workshop is None:
        print("writes: skipped, the demo has no open conversation or workshop")
        return {"skipped": True}
    recorder.phase = "writes"
    writes = Writes()
    # Each participant from its own loopback address: voters 127.0.1-2.x, writers 127.0.3-4.x.
    threads = [
        threading.Thread(
            target=voter,
            args=(
                Browser(site, recorder, f"127.0.{1 + index // 250}.{1 + index % 250}"),
                conversation["token"],
                writes,
                args.write_think,
                random.Random(1000 + index),
            ),
        )
        for index in range(args.voters)
    ] + [
        threading.Thread(
            target=note_writer,
            args=(
                Browser(site, recorder, f"127.0.{3 + index // 250}.{1 + index % 250}"),
                workshop["tokens"][index % len(workshop["tokens"])],
                workshop["cells"],
                args.notes,
                writes,
                args.write_think,
                random.Random(2000 + index),
            ),
        )
        for index in range(args.writers)
    ]
    start = time.perf_counter()
    cpu_before, client_before = cpu_seconds(site), time.process_time()
    threads_run(threads)
    elapsed = time.perf_counter() - start
    cpu = cpu_seconds(site, since=cpu_before)
    client_cpu = time.process_time() - client_before
    after = site_facts(site)
    stored_votes = after["votes"] - site.facts["votes"]
    stored_notes = after["notes"] - site.facts["notes"]
    rows = [row for row in recorder.rows if row[0] == "writes"]
    figures = {
        "voters": args.voters,
        "writers": args.writers,
        "seconds": round(elapsed, 1),
        **summary(rows, elapsed),
        "votes_acknowledged": writes.votes,
        "votes_stored": stored_votes,
        "notes_acknowledged": writes.notes,
        "notes_stored": stored_notes,
        "refused": writes.refused,
        "lost_writes": abs(writes.votes - stored_votes) + abs(writes.notes - stored_notes),
        "per_request": {},
        "server_cpu_s": cpu,
        "client_cpu_s": round(client_cpu, 1),
    }
    print(f"writes, {args.voters} voters and {args.writers} note writers, {elapsed:.0f} s:")
    show("all requests", figures)
    show_cpu(figures, elapsed)
    for label in ("vote", "note"):
        figures["per_request"][label] = summary([r for r in rows if r[1] == label], elapsed)
        show(label, figures["per_request"][label])
    print(
        f"  votes: {writes.votes} acknowledged, {stored_votes} stored; notes: {writes.notes} "
        f"acknowledged, {stored_notes} stored; lost or unexplained: {figures['lost_writes']}"
        + (f"; refused: {writes.refused}" if writes.refused else "")
    )
    return figures


def measure(database: str, args, static_from: Path | None) -> tuple[dict, Path | None]:
    print(f"== {database}")
    if database == "postgresql":
        if problem := postgres_reachable():
            print(f"skipped: {problem}")
            return {"skipped": problem}, static_from
        postgres_admin(f"CREATE DATABASE meshutaf_load_{os.getpid()}")
    site = None
    try:
        site = site_prepare(args, database, static_from)
        recorder = Recorder()
        figures = {"pages": measure_pages(site, recorder, args)}
        figures["writes"] = measure_writes(site, recorder, args)
        if recorder.errors:
            print(f"  errors: {recorder.errors}")
        figures["errors_by_kind"] = recorder.errors
        return figures, site.data_dir
    finally:
        if site is not None:
            site_stop(site)
        if database == "postgresql":
            postgres_admin(f"DROP DATABASE IF EXISTS meshutaf_load_{os.getpid()} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of page load")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between pages")
    parser.add_argument("--voters", type=int, default=50)
    parser.add_argument("--writers", type=int, default=30)
    parser.add_argument("--notes", type=int, default=5, help="notes per writer")
    parser.add_argument("--write-think", type=float, default=0.5, help="mean seconds per write")
    parser.add_argument("--workers", type=int, help="web server processes (serve's default)")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--keep", action="store_true", help="keep the scratch data folders")
    parser.add_argument(
        "--copy",
        type=Path,
        help="SQLite: start from a copy of this data folder (`meshutaf migrate && meshutaf demo`)",
    )
    parser.add_argument("--quick", action="store_true", help="10 users for 20 s, fewer writes")
    args = parser.parse_args()
    if args.quick:
        args.users, args.duration, args.voters, args.writers = 10, 20.0, 10, 6
    # Bounded: at most 500 of each (the loopback addresses of a range), minutes, not hours.
    args.users, args.voters, args.writers = (
        max(low, min(n, 500)) for low, n in ((1, args.users), (0, args.voters), (0, args.writers))
    )
    args.duration = max(1.0, min(args.duration, 1800.0))
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results: dict = {"benchmark": "load", "cores": os.cpu_count(), "think_s": args.think}
    static_from = None
    try:
        for database in databases:
            results[database], static_from = measure(database, args, static_from)
    finally:
        if not args.keep:
            for folder in SCRATCH:
                shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
