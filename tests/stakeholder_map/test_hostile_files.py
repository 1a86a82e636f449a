"""Hostile files sent to the stakeholder import page: refused with a message and nothing kept,
or read without the work their declared size asks for."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meshutaf.core import imports
from meshutaf.directory.models import Organisation
from meshutaf.stakeholder_map.importing import PROFILES_IMPORT
from meshutaf.stakeholder_map.models import StakeholderProfile

from ..conftest import client_for
from ..core import hostile

pytestmark = pytest.mark.django_db


def _upload(client, initiative, name, data):
    url = reverse("map:import_upload", args=[initiative.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def _staged(client, initiative, owner):
    """The rows staged for the preview; None when nothing was kept."""
    token = client.session.get(imports.session_key(PROFILES_IMPORT, initiative.pk))
    if token is None:
        return None
    stage = imports.stage_get(spec=PROFILES_IMPORT, token=token, user=owner, scope=initiative.pk)
    return stage.table().rows


def test_a_small_xlsx_declaring_20001_rows_of_16384_columns(initiative, owner, monkeypatch):
    client = client_for(owner)
    data = hostile.xlsx_declaring("A1:XFD20001")
    with hostile.metered(monkeypatch) as meter:
        response = _upload(client, initiative, "list.xlsx", data)
    assert response.status_code == 302
    assert meter.cells <= 6
    assert meter.items <= 2 * 6  # the reader's rows, then the table: no padded cell
    assert _staged(client, initiative, owner) == [["Acme", "government"], ["Beta", "business"]]


def test_a_cell_past_the_columns_allowed_on_every_row_is_refused_at_the_first(
    initiative, owner, monkeypatch
):
    client = client_for(owner)
    with hostile.metered(monkeypatch) as meter:
        response = _upload(client, initiative, "list.xlsx", hostile.xlsx_far_cells(40_000))
    assert response.status_code == 400
    assert "Row 2 has more than 256 columns." in response.content.decode()
    assert meter.items <= 1
    assert _staged(client, initiative, owner) is None


@pytest.mark.parametrize(
    "build", [hostile.xlsx_nested_in_cell, hostile.xlsx_nested_in_shared_string]
)
def test_a_cell_of_millions_of_elements_is_refused_and_nothing_is_kept(
    initiative, owner, monkeypatch, build
):
    client = client_for(owner)
    with hostile.metered(monkeypatch, memory=True) as meter:
        response = _upload(client, initiative, "list.xlsx", build())
    assert response.status_code == 400
    assert "has a cell made of more than 1,000 parts" in response.content.decode()
    assert meter.peak_bytes < 30_000_000  # not 2.4 million elements kept (230 MB)
    assert _staged(client, initiative, owner) is None
    assert not StakeholderProfile.objects.exists()


def test_a_zip_bomb_is_refused_and_nothing_is_kept(initiative, owner, monkeypatch):
    client = client_for(owner)
    bomb = hostile.xlsx_bomb()
    with hostile.metered(monkeypatch) as meter:
        response = _upload(client, initiative, "list.xlsx", bomb)
    assert response.status_code == 400
    assert "The file unpacks to more than 200.0" in response.content.decode()
    assert meter.inflated == 0
    assert _staged(client, initiative, owner) is None
    assert not StakeholderProfile.objects.exists()


def test_a_two_megabyte_cell_is_refused_with_its_row(initiative, owner):
    client = client_for(owner)
    response = _upload(client, initiative, "list.csv", hostile.csv_big_cell(header="name"))
    assert response.status_code == 400
    assert "Row 3 has a cell longer than 100,000 characters." in response.content.decode()
    assert _staged(client, initiative, owner) is None


def test_nul_bytes_are_cleaned_before_anything_is_stored(initiative, owner):
    client = client_for(owner)
    data = b"name,sector\nMinistry of Ed\x00ucation,govern\x00ment\n"
    response = _upload(client, initiative, "list.csv", data)
    assert response.status_code == 302
    assert _staged(client, initiative, owner) == [["Ministry of Education", "government"]]
    client.post(response["Location"], {"action": "apply"})
    assert Organisation.objects.get().name_he == "Ministry of Education"
