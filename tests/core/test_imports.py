"""The staged-upload import wizard: a file is staged on disk for its owner and scope, read back
with the columns guessed or chosen, checked row by row and applied all or nothing; bad files
are refused with the readers' messages and leave nothing behind; another user's or scope's
stage is 404, an expired one is removed and refused."""

import dataclasses
import datetime as dt
import importlib
import re
import stat

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from meshutaf.core import imports

from . import hostile

pytestmark = pytest.mark.django_db


def _check(table, *, prefix=""):
    rows = []
    for number, raw in table.records():
        row = imports.ImportRow(number=number, values={"name": prefix + raw["name"]})
        if not raw["name"]:
            row.errors.append("The name is missing.")
        if raw.get("size") and not raw["size"].isdigit():
            row.errors.append(f"{raw['size']} is not a number.")
        rows.append(row)
    return rows


def _apply(checked, *, fail_after=None):
    """Groups named after the valid rows; raises once `fail_after` of them are written."""
    for index, row in enumerate(checked.valid):
        if index == fail_after:
            raise ValidationError("Something went wrong half way.")
        Group.objects.create(name=row.values["name"])
    return len(checked.valid)


SPEC = imports.ImportSpec(
    key="tests.groups",
    fields=(
        imports.Field("name", "Name", required=True, guesses=("name", "שם", "الاسم")),
        imports.Field("size", "Size", guesses=("size", "גודל")),
    ),
    check=_check,
    apply=_apply,
    max_bytes=200_000,
    max_rows=5,
)
OTHER_SPEC = imports.ImportSpec(key="tests.other", fields=SPEC.fields, check=_check, apply=_apply)
CSV = "שם,גודל,הערות\nאלפא,3,\nבטא,x,\n,4,ריק\n".encode()


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _request(user, session=None):
    request = RequestFactory().post("/")
    request.user = user
    engine = importlib.import_module(settings.SESSION_ENGINE)
    request.session = session if session is not None else engine.SessionStore()
    return request


def _receive(request, data=CSV, name="groups.csv", spec=SPEC, scope=1):
    upload = SimpleUploadedFile(name, data)
    return imports.stage_receive(request, spec=spec, scope=scope, upload=upload)


def _files(data_dir):
    folder = data_dir / imports.FOLDER
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_a_file_is_staged_on_disk_privately_and_the_session_keeps_its_token(owner, data_dir):
    request = _request(owner)
    stage = _receive(request)
    folder = data_dir / imports.FOLDER
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert _files(data_dir) == [f"{stage.token}.data", f"{stage.token}.json"]
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (folder / f"{stage.token}.data").read_bytes() == CSV
    assert dict(request.session) == {imports.session_key(SPEC, 1): stage.token}
    assert len(stage.token) == 32


def test_the_stage_reads_back_with_the_columns_guessed_then_chosen(owner):
    request = _request(owner)
    _receive(request)
    stage = imports.stage_current(request, spec=SPEC, scope=1)
    table = stage.table()
    assert table.filename == "groups.csv"
    assert table.headers == ["שם", "גודל", "הערות"]
    assert table.rows[0] == ["אלפא", "3", ""]
    assert table.mapping == {"name": 0, "size": 1}  # guessed from Hebrew headers
    assert table.header("size") == "גודל"
    assert table.mapping_by_header() == {"name": "שם", "size": "גודל"}

    chosen = imports.mapping_posted(
        {"column_name": "2", "column_size": "", "column_nope": "0"},
        spec=SPEC,
        headers=table.headers,
    )
    assert chosen == {"name": 2}
    stage.remap(chosen)
    again = imports.stage_current(request, spec=SPEC, scope=1)
    assert again.table().mapping == {"name": 2}
    assert list(again.table().records())[2] == (4, {"name": "ריק"})
    by_header = imports.mapping_posted(
        {"column_name": "שם", "column_size": "elsewhere"},
        spec=SPEC,
        headers=table.headers,
        by="header",
    )
    assert by_header == {"name": 0}
    assert imports.mapping_posted({"column_name": "9"}, spec=SPEC, headers=table.headers) == {}


def test_check_gives_each_row_its_errors_or_the_file_its_problem(owner):
    request = _request(owner)
    stage = _receive(request)
    checked = stage.check(prefix="group ")
    assert [row.number for row in checked.valid] == [2]
    assert checked.valid[0].values == {"name": "group אלפא"}
    assert [(row.number, row.errors) for row in checked.invalid] == [
        (3, ["x is not a number."]),
        (4, ["The name is missing."]),
    ]
    assert not checked.problem
    stage.remap({"size": 1})
    missing = stage.check()
    assert missing.problem == "Choose the column that holds the name."
    assert missing.rows == []
    with pytest.raises(ValidationError):
        imports.stage_apply(request, stage=stage, checked=missing)
    assert not Group.objects.exists()


def test_apply_writes_everything_or_nothing(owner, data_dir):
    data = b"name\nalpha\nbeta\ngamma\n"
    request = _request(owner)
    stage = _receive(request, data)
    checked = stage.check()
    with pytest.raises(ValidationError, match="half way"):
        imports.stage_apply(request, stage=stage, checked=checked, fail_after=2)
    assert not Group.objects.exists()
    # The stage stays for another try.
    assert imports.stage_current(request, spec=SPEC, scope=1) is not None

    assert imports.stage_apply(request, stage=stage, checked=checked) == 3
    assert sorted(Group.objects.values_list("name", flat=True)) == ["alpha", "beta", "gamma"]
    assert _files(data_dir) == []
    assert dict(request.session) == {}
    assert imports.stage_current(request, spec=SPEC, scope=1) is None


def test_another_users_or_scopes_or_importers_stage_is_404(owner, outsider):
    stage = _receive(_request(owner))
    for user, scope, spec in ((outsider, 1, SPEC), (owner, 2, SPEC), (owner, 1, OTHER_SPEC)):
        with pytest.raises(Http404):
            imports.stage_get(spec=spec, token=stage.token, user=user, scope=scope)
    # A session carrying someone else's token (say, kept across a change of user) gets 404 too.
    theirs = _request(outsider)
    theirs.session[imports.session_key(SPEC, 1)] = stage.token
    with pytest.raises(Http404):
        imports.stage_current(theirs, spec=SPEC, scope=1)
    # Forgetting it removes nothing of the owner's.
    imports.stage_forget(theirs, spec=SPEC, scope=1)
    assert imports.stage_get(spec=SPEC, token=stage.token, user=owner, scope=1) is not None
    for token in ("../../secret_key", "ABC", None):
        with pytest.raises(Http404):
            imports.stage_get(spec=SPEC, token=token, user=owner, scope=1)


def test_each_scope_keeps_its_own_stage_and_a_new_upload_replaces_the_old(owner, data_dir):
    request = _request(owner)
    first = _receive(request, scope=1)
    other = _receive(request, scope=2)
    replaced = _receive(request, b"name\nalpha\n", scope=1)
    assert replaced.token != first.token
    assert imports.stage_current(request, spec=SPEC, scope=1).table().rows == [["alpha"]]
    assert imports.stage_current(request, spec=SPEC, scope=2).token == other.token
    assert f"{first.token}.data" not in _files(data_dir)


def test_an_expired_stage_is_removed_and_refused(owner, data_dir):
    request = _request(owner)
    with time_machine.travel(timezone.now() - dt.timedelta(days=2)):
        old = _receive(request, scope=1)
        abandoned = _receive(_request(owner), scope=3)  # nobody comes back for this one
    assert imports.stage_current(request, spec=SPEC, scope=1) is None
    assert imports.session_key(SPEC, 1) not in request.session
    assert not any(name.startswith(old.token) for name in _files(data_dir))
    # The next upload anywhere clears the other stale stages.
    fresh = _receive(_request(owner), scope=4)
    assert _files(data_dir) == [f"{fresh.token}.data", f"{fresh.token}.json"]
    assert imports.stage_get(spec=SPEC, token=abandoned.token, user=owner, scope=3) is None


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("big.csv", b"name\n" + b"x\n" * 150_000, "The file is larger than 195.3"),
        ("many.csv", b"name\n" + b"a\n" * 10, "At most 5 rows can be imported at once."),
        ("wide.csv", hostile.csv_many_columns(300), "Row 1 has more than 256 columns."),
        ("empty.csv", b"", "The file has no rows."),
        ("header.csv", b"name,size\n", "The file has no rows under its header."),
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "This is an old Excel file (.xls)."),
        ("fake.xlsx", b"PK\x03\x04 not really", "This is not an Excel (.xlsx) file"),
        ("binary.csv", b"\xff\xfe\x00\x00binary", "This does not look like a CSV file."),
        (
            "cell.csv",
            b"name\n" + b"x" * 100_001,
            "Row 2 has a cell longer than 100,000 characters.",
        ),
    ],
)
def test_a_file_past_a_bound_is_refused_with_its_message_and_stores_nothing(
    owner, data_dir, name, data, message
):
    request = _request(owner)
    kept = _receive(request, b"name\nkept\n")
    with pytest.raises(imports.ImportFileError) as refused:
        _receive(request, data, name)
    assert message in str(refused.value)
    # The file before it stays staged; nothing of the refused one is.
    assert _files(data_dir) == [f"{kept.token}.data", f"{kept.token}.json"]
    assert dict(request.session) == {imports.session_key(SPEC, 1): kept.token}


def test_guesses_are_compared_as_names_and_a_column_serves_one_field():
    spec = imports.ImportSpec(
        key="tests.guess",
        fields=(
            imports.Field("first", "First", guesses=("Name",)),
            imports.Field("second", "Second", guesses=("name", "other")),
        ),
        check=_check,
        apply=_apply,
    )
    assert spec.guess([" NAME. ", "Other"]) == {"first": 0, "second": 1}
    assert spec.guess(["name", "name"]) == {"first": 0, "second": 1}
    assert spec.guess(["something"]) == {}


# --- One step, nothing staged ---------------------------------------------------------------


def _upload(data, name="groups.csv"):
    return SimpleUploadedFile(name, data)


def test_one_step_applies_everything_or_nothing_and_stages_nothing(data_dir):
    data = b"name\nalpha\nbeta\ngamma\n"
    with pytest.raises(ValidationError, match="half way"):
        imports.import_once(spec=SPEC, upload=_upload(data), fail_after=2)
    assert not Group.objects.exists()
    outcome = imports.import_once(spec=SPEC, upload=_upload(data), context={"prefix": "g "})
    assert outcome == 3
    assert sorted(Group.objects.values_list("name", flat=True)) == ["g alpha", "g beta", "g gamma"]
    assert _files(data_dir) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name\n" + b"a\n" * 10, "At most 5 rows can be imported at once."),
        (b"\xff\xfe\x00\x00binary", "This does not look like a CSV file."),
        (b"", "The file has no rows."),
        (b"size\n3\n", "Choose the column that holds the name."),
        (b"name\nrefuse\n", "The file is refused."),
    ],
)
def test_one_step_refuses_a_bad_file_before_apply_and_writes_nothing(data_dir, data, message):
    def check(table):
        if table.rows == [["refuse"]]:
            raise ValidationError("The file is refused.")
        return _check(table)

    def apply(checked):
        raise AssertionError("apply must not run")

    spec = dataclasses.replace(SPEC, check=check, apply=apply)
    checked = imports.import_check(spec=spec, upload=_upload(data))
    assert message in checked.problem
    assert checked.rows == []
    with pytest.raises(ValidationError, match=re.escape(message)):
        imports.import_once(spec=spec, upload=_upload(data))
    assert not Group.objects.exists()
    assert _files(data_dir) == []


def test_one_step_check_gives_each_row_its_errors():
    checked = imports.import_check(spec=SPEC, upload=_upload(CSV), prefix="group ")
    assert not checked.problem
    assert [row.values["name"] for row in checked.valid] == ["group אלפא"]
    assert [row.number for row in checked.invalid] == [3, 4]


DETECT = imports.ImportSpec(
    key="tests.detect",
    fields=(imports.Field("name", "Name", guesses=("name",)),),
    check=lambda table: [imports.ImportRow(number, dict(raw)) for number, raw in table.records()],
    apply=lambda checked: None,
    rows_required=False,
    header="detect",
    header_detect=lambda first_row: "name" in first_row,
)


def test_a_header_is_detected_or_taken_on_the_users_word():
    named = DETECT.table(b"name\nalpha,extra\n", "x.csv", first_row_is_header=False)
    assert (named.has_header, named.headers, named.mapping) == (True, ["name"], {"name": 0})
    assert (named.rows, named.widths) == ([["alpha"]], [2])  # cut to the header, as read: 2
    assert list(named.records()) == [(2, {"name": "alpha"})]

    headerless = DETECT.table(b"alpha,a2\nbeta\n", "x.csv", first_row_is_header=False)
    assert (headerless.has_header, headerless.headers, headerless.mapping) == (False, ["", ""], {})
    assert (headerless.rows, headerless.widths) == ([["alpha", "a2"], ["beta", ""]], [2, 1])
    assert headerless.first_number == 1

    said = DETECT.table(b"Opinions\nalpha\n", "x.csv", first_row_is_header=True)
    assert (said.has_header, said.headers, said.rows) == (True, ["Opinions"], [["alpha"]])

    empty = DETECT.table(b"", "x.csv")
    assert (empty.has_header, empty.headers, empty.rows) == (False, [], [])
    with pytest.raises(imports.ImportFileError, match=r"The file has no rows\."):
        SPEC.table(b"", "x.csv")


def test_a_spec_may_split_at_commas_only_and_tell_a_workbook_by_its_content():
    data = b"name;size\nalpha;3\n"
    assert SPEC.table(data, "x.csv").headers == ["name", "size"]
    strict = dataclasses.replace(SPEC, sniff=False, type_by_name=False)
    assert strict.table(data, "x.csv").headers == ["name;size"]
    with pytest.raises(imports.ImportFileError):
        SPEC.table(b"name\nalpha\n", "x.xlsx")
    assert strict.table(b"name\nalpha\n", "x.xlsx").rows == [["alpha"]]
