"""Importing stakeholder lists: reading, validation with row numbers, matching, atomic apply."""

import io

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from meshutaf.core.text import normalize_name
from meshutaf.directory.models import Organisation, Person
from meshutaf.stakeholder_map import importing
from meshutaf.stakeholder_map.models import StakeholderProfile
from tests.factories import OrganisationFactory

CSV = (
    "שם,סוג,מגזר,ארגון,תפקיד,כוח,עניין,הסכמה\n"
    "משרד החינוך,ארגון,ממשלה ארצית,,,5,4,passive\n"
    "דנה לוי,אדם,,עמותת גשר,מנכ״לית,3,5,active\n"
    ",ארגון,חברה אזרחית,,,,,\n"
    "קרן גשר,ארגון,פילנתרופיה,,,9,2,\n"
    "עמותת גשר,ארגון,חברה אזרחית,,,2,4,maybe\n"
)


def _prepare(data: bytes, initiative, user, filename="list.csv"):
    headers, rows = importing.read_table(data, filename)
    mapping = importing.guess_mapping(headers)
    results = importing.validate_rows(rows, mapping)
    importing.match_rows(
        results,
        initiative=initiative,
        organisations=Organisation.objects.all(),
        people=Person.objects.all(),
    )
    return headers, mapping, results


@given(st.text(max_size=30))
def test_normalize_name_is_idempotent(text):
    assert normalize_name(normalize_name(text)) == normalize_name(text)


def test_normalize_folds_spellings():
    assert normalize_name("מִשְׂרַד הַחִינּוּךְ") == normalize_name("משרד החינוך.")
    assert normalize_name("وِزارةُ التَّربية") == normalize_name("وزاره التربيه")
    assert normalize_name("Ministry-of  Education") == "ministry of education"


def test_hebrew_headers_are_mapped_and_errors_carry_row_numbers(initiative, owner):
    _headers, mapping, results = _prepare(CSV.encode(), initiative, owner)
    assert {"name", "kind", "sector", "organisation", "power", "consent"} <= set(mapping)
    by_row = {result.number: result for result in results}
    assert by_row[2].errors == []
    assert by_row[2].values["sector"] == "government"
    assert by_row[3].values["kind"] == "person"
    assert by_row[4].errors == ["The name is missing."]
    assert any("1 to 5" in error for error in by_row[5].errors)
    assert any("maybe" in error for error in by_row[6].errors)


def test_exact_and_near_matches(initiative, owner):
    ministry = OrganisationFactory(name_he="משרד החִינוך", name_en="", sector="government")
    near = OrganisationFactory(name_he="עמותת גשרים", name_en="", sector="civil_society")
    _headers, _mapping, results = _prepare(CSV.encode(), initiative, owner)
    by_row = {result.number: result for result in results}
    assert by_row[2].existing == {"kind": "organisation", "id": ministry.pk, "name": str(ministry)}
    csv_text = "name,sector\nעמותת גשר,civil_society\n"
    _headers, _mapping, results = _prepare(csv_text.encode(), initiative, owner)
    assert [s["id"] for s in results[0].suggestions] == [near.pk]


def test_apply_writes_good_rows_and_links(initiative, owner):
    ministry = OrganisationFactory(name_he="משרד החינוך", name_en="", sector="government")
    csv_text = (
        "name,kind,sector,organisation,role,power\n"
        "משרד החינוך,organisation,government,,,5\n"
        "עמותת גשר,organisation,civil_society,,,2\n"
        "Dana Levi,person,,עמותת גשר,Director,3\n"
        "Broken,organisation,nowhere,,,\n"
    )
    _headers, _mapping, results = _prepare(csv_text.encode(), initiative, owner)
    outcome = importing.import_apply(
        initiative=initiative, by=owner, results=[r.as_dict() for r in results], decisions={}
    )
    assert outcome.created_profiles == 3
    assert outcome.linked_existing == 1
    assert outcome.skipped == 1
    assert StakeholderProfile.objects.get(organisation=ministry).power == 5
    dana = Person.objects.get(full_name="Dana Levi")
    assert dana.affiliations.get().organisation.name_he == "עמותת גשר"


def test_apply_is_all_or_nothing(initiative, owner):
    csv_text = "name,sector\nOne,government\nTwo,government\n"
    _headers, _mapping, results = _prepare(csv_text.encode(), initiative, owner)
    rows = [r.as_dict() for r in results]
    rows[1]["values"]["power"] = 42  # as if tampered with between preview and confirmation
    with pytest.raises(ValidationError, match="Row 3"):
        importing.import_apply(initiative=initiative, by=owner, results=rows, decisions={})
    assert not Organisation.objects.filter(name_he__in=["One", "Two"]).exists()
    assert not StakeholderProfile.objects.exists()


def test_xlsx_and_bad_files(initiative, owner):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Sector", "Power"])
    sheet.append(["Tel Aviv University", "academia", 3])
    stream = io.BytesIO()
    workbook.save(stream)
    _headers, _mapping, results = _prepare(stream.getvalue(), initiative, owner, "list.xlsx")
    assert results[0].errors == []
    assert results[0].values["power"] == 3
    with pytest.raises(importing.ImportFileError):
        importing.read_table(b"", "empty.csv")
    with pytest.raises(importing.ImportFileError):
        importing.read_table(b"PK\x03\x04 not really a zip", "fake.xlsx")
    with pytest.raises(importing.ImportFileError):
        importing.read_table(b"\xff\xfe\x00\x00binary", "x.csv")


def test_import_pages_preview_then_confirm(initiative, owner, member, outsider):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from tests.conftest import client_for

    upload = reverse("map:import_upload", args=[initiative.pk])
    assert client_for(outsider).get(upload).status_code == 404
    assert client_for(member).get(upload).status_code == 403
    client = client_for(owner)
    bad = client.post(upload, {"file": SimpleUploadedFile("x.csv", b"")})
    assert bad.status_code == 400
    csv_text = "name,sector,power\nMinistry,government,5\nBroken,nowhere,\n"
    response = client.post(upload, {"file": SimpleUploadedFile("list.csv", csv_text.encode())})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    content = preview.content.decode()
    assert "Unknown sector" in content
    assert not StakeholderProfile.objects.exists()  # nothing written before confirming
    done = client.post(response["Location"], {"action": "apply"})
    assert done.status_code == 302
    assert StakeholderProfile.objects.filter(initiative=initiative).count() == 1


def test_cli_import_dry_run_then_real(initiative, owner, member, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MESHUTAF_LANGUAGE", "en")
    from meshutaf import cli

    path = tmp_path / "list.csv"
    path.write_text("name,sector\nMinistry,government\nBroken,nowhere\n", encoding="utf-8")
    base = ["stakeholders", "import", str(path), "--initiative", str(initiative.pk)]
    assert cli.main([*base, "--as", member.username]) == 2  # partners cannot import
    assert cli.main([*base, "--as", owner.username, "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "Row 3" in out
    assert not StakeholderProfile.objects.exists()
    assert cli.main([*base, "--as", owner.username]) == 0
    assert StakeholderProfile.objects.filter(initiative=initiative).count() == 1
    assert (
        cli.main(
            [
                "stakeholders",
                "import",
                str(tmp_path / "missing.csv"),
                "--initiative",
                str(initiative.pk),
                "--as",
                owner.username,
            ]
        )
        == 2
    )


def test_cli_without_a_user(initiative, owner, tmp_path, capsys, monkeypatch):
    from meshutaf import cli

    monkeypatch.setenv("MESHUTAF_LANGUAGE", "en")
    OrganisationFactory(name_he="משרד החינוך", name_en="", sector="government")
    path = tmp_path / "list.csv"
    path.write_text("name,sector\nמשרד החינוך,government\nNew body,academia\n", encoding="utf-8")
    assert cli.main(["stakeholders", "import", str(path), "--initiative", str(initiative.pk)]) == 0
    assert StakeholderProfile.objects.filter(initiative=initiative).count() == 2
    assert Organisation.objects.filter(name_he="משרד החינוך").count() == 1  # matched, not copied
    capsys.readouterr()
    assert cli.main(["stakeholders", "export", "--initiative", str(initiative.pk)]) == 0
    assert "New body" in capsys.readouterr().out
    assert cli.main(["stakeholders", "export", "--initiative", "999999"]) == 2
