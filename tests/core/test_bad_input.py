"""Hostile and malformed input gets a clear 4xx answer and changes nothing, on every database."""

import pytest
from django.urls import reverse

from meshutaf.directory.models import Person
from meshutaf.initiatives.models import Initiative, Phase
from tests.api.test_api import api, patch, post
from tests.conftest import client_for

HUGE = str(2**64)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/initiatives?q=%00",
        "/api/v1/initiatives?kind=a%00b",
        "/api/v1/people?q=%00",
        "/initiatives/?q=%00",
        "/directory/organisations/?q=x%00",
    ],
)
def test_null_characters_in_query_strings_are_refused(owner, url):
    client = api(owner) if url.startswith("/api/") else client_for(owner)
    response = client.get(url)
    assert response.status_code == 400


def test_null_characters_in_json_bodies_are_refused(initiative, owner):
    response = patch(api(owner), f"/api/v1/initiatives/{initiative.pk}", {"vision": "a\u0000b"})
    assert response.status_code == 400
    assert "null character" in response.json()["detail"]
    response = post(api(owner), "/api/v1/people", {"full_name": "a\x00b"})
    assert response.status_code == 400
    initiative.refresh_from_db()
    assert "\x00" not in initiative.vision
    assert not Person.objects.filter(full_name__startswith="a").exists()


def test_null_characters_in_forms_are_refused(initiative, owner):
    url = reverse("initiatives:phase_create", args=[initiative.pk])
    multipart = client_for(owner).post(url, {"name": "a\x00b"})
    assert "Null characters are not allowed." in multipart.content.decode()
    urlencoded = client_for(owner).post(
        url, "name=a%00b", content_type="application/x-www-form-urlencoded"
    )
    assert urlencoded.status_code == 400
    assert not Phase.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/initiatives/{HUGE}",
        f"/api/v1/phases/{HUGE}",
        f"/api/v1/people?organisation={HUGE}",
        f"/api/v1/initiatives?offset={HUGE}",
        "/api/v1/initiatives?limit=100000",
        "/api/v1/initiatives?limit=abc",
    ],
)
def test_out_of_range_numbers_in_the_api(owner, url):
    response = api(owner).get(url)
    assert response.status_code in (404, 422), response.content


def test_out_of_range_ids_in_urls_are_not_found(owner):
    assert client_for(owner).get(f"/initiatives/{HUGE}/").status_code == 404
    assert client_for(owner).get("/initiatives/?page=99999999999999999999").status_code == 200


def test_out_of_range_ids_in_bodies(owner):
    response = post(
        api(owner),
        "/api/v1/initiatives",
        {"kind": "forum", "name": "x", "leading_partner_ids": [2**70]},
    )
    assert response.status_code == 422
    assert "leading_partner_ids" in response.json()["errors"]
    form = client_for(owner).post(
        reverse("initiatives:create"),
        {"name": "x", "kind": "forum", "status": "active", "leading_partners": [HUGE]},
    )
    assert form.status_code == 200
    assert "leading partners" in form.content.decode().lower()
    assert not Initiative.objects.exists()


def test_invalid_json_is_a_clear_error(owner):
    response = api(owner).post("/api/v1/initiatives", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "The request body is not valid JSON."
    assert not Initiative.objects.exists()


def test_overlong_values_are_field_errors(owner, initiative):
    response = patch(api(owner), f"/api/v1/initiatives/{initiative.pk}", {"name": "x" * 5000})
    assert response.status_code == 400
    assert "name" in response.json()["errors"]
    created = post(
        api(owner),
        f"/api/v1/initiatives/{initiative.pk}/invitations",
        {"email": "a@example.org", "message": "x" * 5000},
    )
    assert created.status_code == 400
    assert "message" in created.json()["errors"]


def test_null_for_text_fields_is_a_field_error(owner, initiative):
    response = patch(
        api(owner), f"/api/v1/initiatives/{initiative.pk}", {"short_description": None}
    )
    assert response.status_code == 400
    assert "short_description" in response.json()["errors"]


def test_a_body_larger_than_any_upload_is_refused_before_it_is_read(client, settings):
    settings.MESHUTAF_MAX_UPLOAD_MB = 150
    response = client.post(
        "/accounts/login/",
        data=b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(152 * 1024 * 1024),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert "at most 150 MB" in response.content.decode()


def test_the_largest_import_still_gets_through(client):
    # A Pol.is export of two files of 50 MB each is within what the importers take.
    response = client.post(
        "/accounts/login/",
        data=b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(100 * 1024 * 1024),
    )
    assert response.status_code != 413
