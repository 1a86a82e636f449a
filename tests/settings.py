"""Test settings: the real settings with fast hashing, captured email and plain static files."""

from meshutaf.settings import *  # noqa: F403
from meshutaf.settings import LOGGING, STORAGES

# The suite neither needs nor writes the data directory's key or log file (a fresh clone has
# neither); the sites it starts in other processes make their own.
SECRET_KEY = "tests only, not secret"
LOGGING = {
    **LOGGING,
    "handlers": {"console": LOGGING["handlers"]["console"]},
    "root": {**LOGGING["root"], "handlers": ["console"]},
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOW_LOCAL_MAIL = True  # captured on purpose (the test client's host is not loopback)
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Two-factor sign-in is off for the suite's users; tests/accounts/test_two_factor.py and the
# browser test turn the site's policy on.
TWO_FACTOR_REQUIRED_FOR = []
# The pages' query budgets count their own queries, not the cache's: the suite keeps its cache
# in this process (the sites it starts in other processes use the real, shared one).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
