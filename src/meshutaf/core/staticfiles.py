"""Static files: collected (hashed names, compressed) once at install time and again only when
they change, so that starting the site takes seconds instead of a minute.

Source maps are left out: they are a third of the bytes (the API docs' Swagger and Redoc
bundles), cost most of the compression time and only a developer's browser asks for them.
"""

import hashlib
import json
import os

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from whitenoise.storage import CompressedManifestStaticFilesStorage

IGNORE_PATTERNS = ["*.map", "CVS", ".*", "*~"]
STAMP_NAME = ".meshutaf-collected"


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's hashed, compressed storage without rewriting `sourceMappingURL` comments
    (the maps are not collected, and a missing map must not stop the collection)."""

    patterns = (
        (
            "*.css",
            (
                r"""(?P<matched>url\((?P<quote>['"]{0,1})\s*(?P<url>.*?)(?P=quote)\))""",
                (
                    r"""(?P<matched>@import\s*["']\s*(?P<url>.*?)["'])""",
                    """@import url("%(url)s")""",
                ),
            ),
        ),
    )


def _fingerprint() -> str:
    """A digest of every file the finders would collect (path, size, modification time) and
    of the storage that would write them."""
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(IGNORE_PATTERNS):
            stat = os.stat(storage.path(path))
            entries.append((path, stat.st_size, stat.st_mtime_ns))
    entries.sort()
    payload = {"storage": settings.STORAGES["staticfiles"]["BACKEND"], "files": entries}
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


def collect_static_if_changed(*, force: bool = False) -> bool:
    """Collect the static files unless the last collection saw exactly these. Returns whether
    it collected."""
    root = settings.STATIC_ROOT
    stamp = root / STAMP_NAME
    fingerprint = _fingerprint()
    manifest = root / "staticfiles.json"
    if (
        not force
        and stamp.exists()
        and stamp.read_text().strip() == fingerprint
        and (manifest.exists() or "Manifest" not in settings.STORAGES["staticfiles"]["BACKEND"])
    ):
        return False
    root.mkdir(parents=True, exist_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=IGNORE_PATTERNS)
    stamp.write_text(fingerprint)
    return True
