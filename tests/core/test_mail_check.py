"""A site reached over the network does not start while its e-mail stays on the server
(meshutaf.core.checks): password-reset and invitation links must reach people, not files."""

import subprocess
import sys

import pytest
from django.core import checks as django_checks

from meshutaf.core.checks import local_mail_problem

OUTBOX = "django.core.mail.backends.filebased.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]


@pytest.mark.parametrize(
    ("backend", "site_url", "hosts", "allowed", "refused"),
    [
        (OUTBOX, "http://127.0.0.1:8000", LOOPBACK_HOSTS, False, False),  # make run
        (OUTBOX, "https://meshutaf.example.org", LOOPBACK_HOSTS, False, True),
        (CONSOLE, "http://127.0.0.1:8000", ["meshutaf.example.org"], False, True),
        (OUTBOX, "http://127.0.0.1:8000", ["*"], False, True),
        (OUTBOX, "https://meshutaf.example.org", LOOPBACK_HOSTS, True, False),  # said so
        (SMTP, "https://meshutaf.example.org", ["meshutaf.example.org"], False, False),
    ],
)
def test_local_mail_is_refused_only_where_the_site_is_public(
    settings, backend, site_url, hosts, allowed, refused
):
    settings.EMAIL_BACKEND, settings.SITE_URL = backend, site_url
    settings.ALLOWED_HOSTS, settings.ALLOW_LOCAL_MAIL = hosts, allowed
    problem = local_mail_problem()
    assert (problem is not None) is refused
    errors = [e for e in django_checks.run_checks() if e.id == "meshutaf.E001"]
    assert bool(errors) is refused
    if refused:
        assert "MESHUTAF_EMAIL_HOST" in problem
        assert "MESHUTAF_ALLOW_LOCAL_MAIL" in problem


def test_serve_and_worker_refuse_to_start_on_a_public_address_without_mail(site):
    env = {
        **site.env,
        "MESHUTAF_SITE_URL": "https://meshutaf.example.org",
        "MESHUTAF_ALLOWED_HOSTS": "meshutaf.example.org",
    }
    for command in (["serve", "--port", "1"], ["worker"]):
        done = subprocess.run(  # noqa: S603 (our own command)
            [sys.executable, "-m", "meshutaf", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert "MESHUTAF_EMAIL_HOST" in done.stderr
        assert "Traceback" not in done.stderr
