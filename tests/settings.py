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
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
