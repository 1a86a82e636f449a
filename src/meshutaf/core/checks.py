"""Checks run before a site serves anyone (`meshutaf serve`, `meshutaf worker`) and by
`meshutaf check`.

Out of the box, e-mail goes to files in the data directory's outbox: right for a first look on
one's own machine, wrong for a site people reach over the network, where password-reset and
invitation links would sit in files (or, with the console backend, in the server's log)
instead of reaching anyone. A site whose address or allowed hosts are not this machine's own
(loopback) therefore refuses to start without a mail server, unless the operator says so
(MESHUTAF_ALLOW_LOCAL_MAIL=true).

Such a site is also warned when its cache lives in one process's memory (several web and worker
processes would each keep their own), and when it is served over HTTPS with cookies that would
also go over plain HTTP, or without HSTS.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

from .caches import process_local_caches

LOCAL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def public_address() -> str | None:
    """The first address the site answers on that is not this machine's own, if any."""
    if (urlsplit(settings.SITE_URL).hostname or "").lower() not in LOOPBACK:
        return settings.SITE_URL
    for host in settings.ALLOWED_HOSTS:
        if host.strip("[]").lower() not in LOOPBACK:
            return host
    return None


def local_mail_problem() -> str | None:
    """Why this site must not start with its mail configuration, or None."""
    if settings.EMAIL_BACKEND not in LOCAL_BACKENDS or settings.ALLOW_LOCAL_MAIL:
        return None
    address = public_address()
    if address is None:
        return None
    return _(
        "This site answers at %(address)s, but its e-mail is not sent: password-reset and "
        "invitation links would stay on the server. Set MESHUTAF_EMAIL_HOST (see "
        "docs/operator.md, Email), or MESHUTAF_ALLOW_LOCAL_MAIL=true to start anyway."
    ) % {"address": address}


@checks.register(checks.Tags.security, deploy=False)
def mail_is_sent(app_configs=None, **kwargs):
    problem = local_mail_problem()
    return [checks.Error(problem, id="meshutaf.E001")] if problem else []


def process_local_cache_problem() -> str | None:
    """Why this site's cache would not be shared by its processes, or None."""
    local = process_local_caches()
    address = public_address()
    if not local or address is None:
        return None
    return _(
        "This site answers at %(address)s, but its cache (%(aliases)s) lives in the memory of "
        "each process: several web and worker processes would not share it. Set "
        "MESHUTAF_REDIS_URL, or leave CACHES to the database cache (see docs/deployment.md)."
    ) % {"address": address, "aliases": ", ".join(local)}


def https_problems() -> list[str]:
    """What a site served over HTTPS to others is missing: secure cookies, HSTS."""
    if not settings.SITE_URL.startswith("https://") or public_address() is None:
        return []
    problems = []
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        problems.append(
            _(
                "This site is served over HTTPS, but its cookies may also be sent over plain "
                "HTTP: set MESHUTAF_SECURE_COOKIES=true."
            )
        )
    if not settings.SECURE_HSTS_SECONDS:
        problems.append(
            _(
                "This site is served over HTTPS without HSTS: browsers may still reach it over "
                "plain HTTP first. Set MESHUTAF_HSTS_SECONDS (for example 31536000) once HTTPS "
                "works for good (see docs/deployment.md)."
            )
        )
    return problems


@checks.register(checks.Tags.caches, deploy=False)
def cache_is_shared(app_configs=None, **kwargs):
    problem = process_local_cache_problem()
    return [checks.Warning(problem, id="meshutaf.W002")] if problem else []


@checks.register(checks.Tags.security, deploy=False)
def https_is_enforced(app_configs=None, **kwargs):
    return [checks.Warning(problem, id="meshutaf.W003") for problem in https_problems()]


def startup_warnings() -> list[str]:
    """The warnings above, for the commands that start the site to print."""
    return [message for message in [process_local_cache_problem(), *https_problems()] if message]
