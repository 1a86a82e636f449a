"""Checks run before a site serves anyone (`meshutaf serve`, `meshutaf worker`) and by
`meshutaf check`.

Out of the box, e-mail goes to files in the data directory's outbox: right for a first look on
one's own machine, wrong for a site people reach over the network, where password-reset and
invitation links would sit in files (or, with the console backend, in the server's log)
instead of reaching anyone. A site whose address or allowed hosts are not this machine's own
(loopback) therefore refuses to start without a mail server, unless the operator says so
(MESHUTAF_ALLOW_LOCAL_MAIL=true).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

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
