"""Uploads through Django's storage (meshutaf.core.storage): with MESHUTAF_STORAGE=s3 a
document is written to, read from, served from and deleted in an S3-compatible bucket (a moto
server on loopback here), and nothing lands in the data directory."""

import io
import re
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meshutaf.core import storage
from meshutaf.knowledge import services
from meshutaf.knowledge.models import Extraction

from ..site_process import free_port

SRC = Path(__file__).resolve().parents[2] / "src" / "meshutaf"


def docx(text: str) -> bytes:
    body = io.BytesIO()
    with zipfile.ZipFile(body, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return body.getvalue()


@pytest.fixture(scope="module")
def s3_endpoint():
    server_module = pytest.importorskip("moto.server", reason="moto[server] is not installed")
    pytest.importorskip("storages", reason="the s3 extra (django-storages) is not installed")
    port = free_port()
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch, tmp_path):
    """An empty bucket, and the site's uploads in it, configured as an operator would."""
    import boto3

    name = f"meshutaf-{uuid.uuid4().hex[:12]}"
    for variable, value in {
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "MESHUTAF_STORAGE": "s3",
        "MESHUTAF_S3_BUCKET": name,
        "MESHUTAF_S3_ENDPOINT_URL": s3_endpoint,
        "MESHUTAF_S3_REGION": "us-east-1",
        "MESHUTAF_S3_PREFIX": "site-a",
    }.items():
        monkeypatch.setenv(variable, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "default": storage.uploads_storage()}
    settings.MEDIA_ROOT = tmp_path / "uploads"

    def keys() -> list[str]:
        listed = client.list_objects_v2(Bucket=name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(key: str) -> bytes:
        return client.get_object(Bucket=name, Key=key)["Body"].read()

    return keys, read


def test_a_document_lives_in_the_bucket_from_upload_to_deletion(
    bucket, initiative, owner, as_user, outsider, django_capture_on_commit_callbacks
):
    keys, read = bucket
    content = docx("minutes-in-the-bucket")
    document = services.document_upload(
        initiative=initiative,
        by=owner,
        upload=SimpleUploadedFile("minutes.docx", content),
        title="Minutes",
    )
    assert keys() == [f"site-a/{document.file.name}"]
    assert read(f"site-a/{document.file.name}") == content
    assert not Path(django_settings.MEDIA_ROOT).exists()  # nothing in the data directory

    # The worker reads it from the bucket.
    services.document_extract_text(document_id=document.pk)
    document.refresh_from_db()
    assert document.extraction == Extraction.DONE
    assert "minutes-in-the-bucket" in document.text

    # The permission-checked view streams it from there; outsiders get nothing.
    url = reverse("knowledge:document_download", args=[document.pk])
    response = as_user(owner).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert as_user(outsider).get(url).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(document=document, by=owner)
    assert keys() == []


def test_a_file_missing_from_the_bucket_is_not_found(bucket, initiative, owner, as_user):
    keys, _read = bucket
    document = services.document_upload(
        initiative=initiative, by=owner, upload=SimpleUploadedFile("a.docx", docx("gone"))
    )
    default_storage.delete(document.file.name)
    assert keys() == []
    with pytest.raises(FileNotFoundError):
        document.file.open("rb")
    url = reverse("knowledge:document_download", args=[document.pk])
    assert as_user(owner).get(url).status_code == 404


def test_a_name_taken_in_the_bucket_is_never_written_over(bucket):
    """As in the data directory: a second file of one name gets a name of its own, so a CV
    replaced in a transaction that rolls back still has its old file."""
    _keys, read = bucket
    first = default_storage.save("programs/cv/1/7.pdf", ContentFile(b"%PDF-first"))
    second = default_storage.save("programs/cv/1/7.pdf", ContentFile(b"%PDF-second"))
    assert first != second
    assert read(f"site-a/{first}") == b"%PDF-first"
    assert read(f"site-a/{second}") == b"%PDF-second"


def test_s3_without_a_bucket_or_the_extra_is_refused_with_a_message(monkeypatch):
    monkeypatch.setenv("MESHUTAF_STORAGE", "s3")
    monkeypatch.delenv("MESHUTAF_S3_BUCKET", raising=False)
    monkeypatch.setattr(storage, "find_spec", lambda name: None)
    with pytest.raises(ImproperlyConfigured, match=re.escape("pip install 'meshutaf[s3]'")):
        storage.uploads_storage()
    monkeypatch.setattr(storage, "find_spec", lambda name: object())
    with pytest.raises(ImproperlyConfigured, match="MESHUTAF_S3_BUCKET"):
        storage.uploads_storage()
    monkeypatch.setenv("MESHUTAF_STORAGE", "nfs")
    with pytest.raises(ImproperlyConfigured, match="local, s3"):
        storage.uploads_storage()


def test_the_command_refuses_to_start_without_the_bucket(site):
    done = subprocess.run(
        [sys.executable, "-m", "meshutaf", "check"],
        env={**site.env, "MESHUTAF_STORAGE": "s3"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "MESHUTAF_S3_BUCKET" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_local_default_keeps_uploads_in_the_data_directory(monkeypatch):
    monkeypatch.delenv("MESHUTAF_STORAGE", raising=False)
    assert storage.uploads_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


# Code that reaches an upload by its path would fail once uploads are in a bucket: only the
# settings (MEDIA_ROOT) and the backup of the data directory's own files may (and the static
# files' own storage, which is no upload's).
PATH_ACCESS = re.compile(r"MEDIA_ROOT|\b(file|cv)\.path\b|default_storage\.path\(|storage\.path\(")
ALLOWED = {"settings.py", "core/backup.py", "core/staticfiles.py"}


def test_no_code_reaches_an_upload_by_its_path():
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if path.relative_to(SRC).as_posix() not in ALLOWED
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PATH_ACCESS.search(line)
    ]
    assert offenders == []
