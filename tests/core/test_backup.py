"""`meshutaf backup` and `meshutaf restore` (meshutaf.core.backup), run as an operator runs them:
the demo site backed up and restored into a new site on the same kind of database (SQLite,
or PostgreSQL when the suite runs on it), compared table by table and file by file."""

import hashlib
import io
import json
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest

from meshutaf.core.backup import FILE_FOLDERS, MANIFEST, _allowed


def tables(site) -> dict[str, int]:
    return site.table_counts()


def files(site) -> dict[str, str]:
    found = {}
    for folder in FILE_FOLDERS:
        root = site.data_dir / folder
        for path in sorted(root.rglob("*")) if root.is_dir() else []:
            if path.is_file():
                found[path.relative_to(site.data_dir).as_posix()] = hashlib.sha256(
                    path.read_bytes()
                ).hexdigest()
    return found


def failing(site, *args) -> subprocess.CompletedProcess:
    with pytest.raises(subprocess.CalledProcessError) as raised:
        site.command(*args)
    assert raised.value.returncode == 2
    return raised.value


@pytest.fixture(scope="module")
def demo_archive(tmp_path_factory, _migrated_site):
    """The demo workspace on a site of the suite's database kind, and its backup."""
    import shutil

    from ..site_process import Site, create_database, drop_database

    folder = tmp_path_factory.mktemp("backup-source")
    data_dir = folder / "site"
    data_dir.mkdir(mode=0o700)
    database_url = None
    if _migrated_site.database_url:
        database_url = create_database(_migrated_site.database_url, template=True)
    else:
        shutil.copy2(_migrated_site.data_dir / "meshutaf.sqlite3", data_dir / "meshutaf.sqlite3")
    source = Site(data_dir, database_url)
    try:
        source.command("demo", timeout=600)
        archive = folder / "demo.tar.gz"
        done = source.command("backup", str(archive))
        yield source, archive, done
    finally:
        if database_url:
            drop_database(database_url)


def test_the_demo_site_comes_back_whole_in_a_new_site(demo_archive, make_site):
    source, archive, done = demo_archive
    assert "Backup written" in done.stdout
    assert "Database:" in done.stderr  # progress, on standard error
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # it holds everything
    expected_tables, expected_files = tables(source), files(source)
    assert sum(expected_tables.values()) > 1000
    assert any(name.startswith("uploads/") for name in expected_files)
    assert any(name.startswith("discourse/models/") for name in expected_files)
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile(MANIFEST))
    assert manifest["secret_key"] is False
    assert "settings/secret_key" not in {m["name"] for m in manifest["members"]}

    target = make_site("target")
    restored = target.command("restore", str(archive))
    assert "Restored" in restored.stdout
    assert tables(target) == expected_tables  # every table, history tables included
    assert files(target) == expected_files
    # The restored site works: it answers as the demo did.
    # The restored site reads the same: every opinion map, and every trained Discourse
    # model loaded from its files and scoring a text.
    code = "\n".join(
        [
            "import json",
            "from django.conf import settings",
            "from meshutaf.deliberation.models import Conversation",
            "from meshutaf.discourse.learner.model import TrainedModel",
            "from meshutaf.discourse.models import ModelVersion",
            "maps = {c.pk: c.analysis for c in Conversation.objects.order_by('pk')}",
            "scores = {m.pk: TrainedModel.load(settings.DATA_DIR / m.directory)"
            ".predict_proba(['שלום לכולם']).round(6).tolist()"
            " for m in ModelVersion.objects.exclude(directory='').order_by('pk')}",
            "print(json.dumps([maps, scores], sort_keys=True, default=str))",
        ]
    )
    maps, scores = json.loads(source.shell(code).splitlines()[-1])
    assert any(maps.values())
    assert scores
    assert json.loads(target.shell(code).splitlines()[-1]) == [maps, scores]

    # A second restore into the same site is refused, and changes nothing.
    refused = failing(target, "restore", str(archive))
    assert "holds data already" in refused.stderr
    assert tables(target) == expected_tables


def test_a_damaged_or_altered_archive_is_refused_before_anything_changes(
    demo_archive, make_site, tmp_path
):
    _, archive, _ = demo_archive
    target = make_site("target")
    before = tables(target)
    # One uploaded file altered, the manifest left as it was.
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(altered, "w:gz") as copy:
        changed = False
        for member in source:
            data = source.extractfile(member).read() if member.isfile() else b""
            if member.name.startswith("files/uploads/") and not changed:
                data, changed = data + b"!", True
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    assert "does not match its manifest" in failing(target, "restore", str(altered)).stderr
    # Cut short.
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert "damaged" in failing(target, "restore", str(truncated)).stderr
    # Not an archive at all.
    text = tmp_path / "notes.tar.gz"
    text.write_text("hello")
    assert "damaged" in failing(target, "restore", str(text)).stderr
    assert tables(target) == before
    assert files(target) == {}
    assert not list(target.data_dir.glob(".restore-*"))  # the staging folder is gone


def test_an_archive_reaching_outside_its_folders_is_refused(make_site, tmp_path):
    target = make_site("target")
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as archive:
        data = b"owned"
        info = tarfile.TarInfo("files/uploads/../../secret_key")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    assert "does not" in failing(target, "restore", str(evil)).stderr
    link = tmp_path / "link.tar.gz"
    with tarfile.open(link, "w:gz") as archive:
        info = tarfile.TarInfo("files/uploads/x")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        archive.addfile(info)
    assert "does not" in failing(target, "restore", str(link)).stderr
    assert files(target) == {}


def test_backup_never_overwrites_and_the_key_only_when_asked(make_site, tmp_path):
    source = make_site("source")
    archive = tmp_path / "a.tar.gz"
    archive.write_text("keep me")
    assert "exists already" in failing(source, "backup", str(archive)).stderr
    assert archive.read_text() == "keep me"
    keyed = tmp_path / "keyed.tar.gz"
    source.command("backup", "--include-secret-key", str(keyed))
    target = make_site("target")
    target.command("restore", str(keyed))
    key = target.data_dir / "secret_key"
    assert key.read_text() == (source.data_dir / "secret_key").read_text()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("manifest.json", True),
        ("database/meshutaf.sqlite3", True),
        ("files/uploads/knowledge/1/a.pdf", True),
        ("files/discourse/models/3/weights.npz", True),
        ("files/uploads/../../x", False),
        ("/etc/passwd", False),
        ("files/logs/meshutaf.log", False),
        ("database/other.sqlite3", False),
        ("", False),
    ],
)
def test_only_the_members_of_a_backup_are_accepted(name, allowed):
    assert _allowed(name) is allowed


def test_the_folders_backed_up_are_the_data_directory_s_data(settings):
    assert Path(settings.MEDIA_ROOT).relative_to(settings.DATA_DIR).as_posix() in FILE_FOLDERS
