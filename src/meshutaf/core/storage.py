"""Where uploaded files (documents, CVs) are kept, read from the environment for settings.py:
the data directory's uploads folder, or a bucket of an S3-compatible object store.

Every reader and writer of uploads goes through Django's storage (`FieldFile.open()`,
`.storage.delete()`), never a path, so either serves. What a library must read from a path
stays in the data directory whatever this says: trained Discourse models, staged imports,
the outbox (docs/deployment.md). Nothing here reads Django's settings: settings.py imports it.
"""

from importlib.util import find_spec
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .env import env_str

LOCAL = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
S3_BACKEND = "storages.backends.s3.S3Storage"


def uploads_storage() -> dict[str, Any]:
    """STORAGES["default"] as MESHUTAF_STORAGE says: "local" (the default) or "s3", with
    MESHUTAF_S3_BUCKET, MESHUTAF_S3_ENDPOINT_URL (any S3-compatible store), MESHUTAF_S3_REGION
    and MESHUTAF_S3_PREFIX; the keys come the AWS way (AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY, a profile, or the machine's role)."""
    kind = env_str("MESHUTAF_STORAGE", "local", choices=["local", "s3"])
    if kind == "local":
        return dict(LOCAL)
    missing = [name for name in ("storages", "boto3") if find_spec(name) is None]
    if missing:
        raise ImproperlyConfigured(
            "MESHUTAF_STORAGE=s3 needs django-storages and boto3, which this installation "
            f"lacks ({', '.join(missing)}): install Meshutaf with its s3 extra "
            "(pip install 'meshutaf[s3]'), or unset MESHUTAF_STORAGE to keep uploads in the "
            "data directory."
        )
    bucket = env_str("MESHUTAF_S3_BUCKET").strip()
    if not bucket:
        raise ImproperlyConfigured(
            "MESHUTAF_STORAGE=s3 needs MESHUTAF_S3_BUCKET: the bucket that keeps the uploads."
        )
    endpoint = env_str("MESHUTAF_S3_ENDPOINT_URL").strip() or None
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": env_str("MESHUTAF_S3_REGION").strip() or None,
            "location": env_str("MESHUTAF_S3_PREFIX").strip().strip("/"),
            # As in the data directory, a new file never takes the name of one stored: a
            # replaced CV whose transaction rolls back still has its old file.
            "file_overwrite": False,
            # Private objects, streamed only by the site's permission-checked views; no ACL
            # header, so buckets that refuse ACLs (the default on AWS now) accept the writes.
            "default_acl": None,
            "querystring_auth": True,
            # Other stores than AWS (MinIO, Ceph, Garage) name buckets in the path.
            "addressing_style": "path" if endpoint else None,
        },
    }
