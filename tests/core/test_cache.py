"""The cache every process of a site shares (settings.CACHES): Redis when MESHUTAF_REDIS_URL
or REDIS_URL is set, else the database's cache table, never one process's memory; and the
checks that warn a public site whose cache, cookies or HSTS fall short."""

import json
import os
import socket
import subprocess
import sys
import uuid
from contextlib import closing

import pytest
from django.core import checks as django_checks

from meshutaf.core.checks import https_problems, process_local_cache_problem

REDIS = "redis://127.0.0.1:6379/0"
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "meshutaf_cache",
    }
}
PUBLIC = "https://meshutaf.example.org"


def redis_running() -> bool:
    with closing(socket.socket()) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


needs_redis = pytest.mark.skipif(not redis_running(), reason="no Redis at 127.0.0.1:6379")


def run(site, code: str, **env: str) -> subprocess.Popen:
    """Python inside the site (Django set up), in a process of its own."""
    return subprocess.Popen(  # noqa: S603 (our own command)
        [sys.executable, "-m", "meshutaf", "manage", "shell", "-c", code],
        env={**site.env, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def output(process: subprocess.Popen) -> str:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out.strip().splitlines()[-1]


def cache_settings(**env: str) -> dict:
    """CACHES as settings.py makes it from these variables."""
    code = "import json, meshutaf.settings as s; print(json.dumps(s.CACHES))"
    clean = {k: v for k, v in os.environ.items() if "REDIS_URL" not in k}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)["default"]


def test_without_redis_the_cache_is_the_database_s():
    assert cache_settings()["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.parametrize("name", ["MESHUTAF_REDIS_URL", "REDIS_URL"])
def test_with_a_redis_url_the_cache_is_redis(name):
    found = cache_settings(**{name: "redis://cache.internal:6379/2"})
    assert found["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert found["LOCATION"] == "redis://cache.internal:6379/2"


COUNT = 150
INCREMENT = """
from django.core.cache import cache
cache.add({key!r}, 0, 600)
for _ in range({count}):
    cache.incr({key!r})
print(cache.get({key!r}))
"""


@needs_redis
def test_two_processes_count_on_one_redis_counter(site):
    key = f"test-counter-{uuid.uuid4().hex}"
    code = INCREMENT.format(key=key, count=COUNT)
    processes = [run(site, code, MESHUTAF_REDIS_URL=REDIS) for _ in range(2)]
    last = max(int(output(process)) for process in processes)
    assert last == 2 * COUNT  # not one increment lost between them
    read = run(
        site, f"from django.core.cache import cache; print(cache.get({key!r}))", REDIS_URL=REDIS
    )
    assert int(output(read)) == 2 * COUNT


def test_two_processes_see_one_database_cache(site):
    key = f"test-shared-{uuid.uuid4().hex}"
    written = run(
        site, f"from django.core.cache import cache; cache.set({key!r}, 'seen', 600); print('ok')"
    )
    assert output(written) == "ok"
    read = run(site, f"from django.core.cache import cache; print(cache.get({key!r}))")
    assert output(read) == "seen"
    ((rows,),) = site.query("select count(*) from meshutaf_cache")
    assert rows == 1


LIMIT = """
import datetime as dt
from meshutaf.core.ratelimit import rate_limit_hit
print(sum(rate_limit_hit(key={key!r}, limit=5, window=dt.timedelta(hours=1)) for _ in range(3)))
"""


def test_two_processes_share_one_rate_limit(site):
    """Five requests an hour: three in one web process and three in another make six, and
    the sixth is refused, whichever process it reached."""
    code = LIMIT.format(key=f"test-limit-{uuid.uuid4().hex}")
    first = output(run(site, code))
    second = output(run(site, code))
    assert (int(first), int(second)) == (0, 1)


@pytest.mark.parametrize(
    ("caches", "site_url", "hosts", "warned"),
    [
        (LOCMEM, PUBLIC, ["meshutaf.example.org"], True),
        (LOCMEM, "http://127.0.0.1:8000", ["127.0.0.1", "localhost"], False),  # one's own
        (DATABASE_CACHE, PUBLIC, ["meshutaf.example.org"], False),
        (
            {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}},
            PUBLIC,
            ["*"],
            False,
        ),
        (
            {**DATABASE_CACHE, "sessions": LOCMEM["default"]},
            "http://127.0.0.1:8000",
            ["*"],
            True,
        ),
    ],
)
def test_a_public_site_is_warned_of_a_cache_in_one_process_s_memory(
    settings, caches, site_url, hosts, warned
):
    settings.CACHES, settings.SITE_URL, settings.ALLOWED_HOSTS = caches, site_url, hosts
    problem = process_local_cache_problem()
    assert (problem is not None) is warned
    found = [e for e in django_checks.run_checks() if e.id == "meshutaf.W002"]
    assert bool(found) is warned
    if warned:
        assert "MESHUTAF_REDIS_URL" in problem
        assert found[0].level == django_checks.WARNING


@pytest.mark.parametrize(
    ("site_url", "secure_cookies", "hsts", "warnings"),
    [
        ("http://127.0.0.1:8000", False, 0, set()),
        (PUBLIC, False, 0, {"MESHUTAF_SECURE_COOKIES", "MESHUTAF_HSTS_SECONDS"}),
        (PUBLIC, True, 0, {"MESHUTAF_HSTS_SECONDS"}),
        (PUBLIC, True, 31536000, set()),
        ("http://meshutaf.example.org", False, 0, set()),  # no HTTPS yet: nothing to enforce
    ],
)
def test_a_site_on_https_is_warned_without_secure_cookies_or_hsts(
    settings, site_url, secure_cookies, hsts, warnings
):
    settings.SITE_URL, settings.ALLOWED_HOSTS = site_url, ["meshutaf.example.org"]
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = secure_cookies
    settings.SECURE_HSTS_SECONDS = hsts
    problems = https_problems()
    assert {
        name
        for name in ("MESHUTAF_SECURE_COOKIES", "MESHUTAF_HSTS_SECONDS")
        for p in problems
        if name in p
    } == warnings
    found = [e for e in django_checks.run_checks() if e.id == "meshutaf.W003"]
    assert len(found) == len(warnings)


@pytest.mark.django_db
def test_hsts_is_sent_on_https_requests_once_set(settings, client):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    behind_proxy = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert behind_proxy["Strict-Transport-Security"] == "max-age=3600"
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")
