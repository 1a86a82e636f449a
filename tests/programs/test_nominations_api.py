"""The nominations API: programme staff only (owner / member / outsider), paginated, with the
nominator's details, never scores.

Called through the site's API when the router is mounted there, else through ninja's test
client on the router itself (where a refusal is the gate's exception, not yet its status)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import Resolver404, resolve
from ninja.testing import TestClient

from meshutaf.programs.api_nominations import router
from tests.conftest import client_for

PREFIX = "/api/v1"


def _mounted() -> bool:
    try:
        resolve(f"{PREFIX}/programs/nominations/1")
    except Resolver404:
        return False
    return True


def call(user, path: str) -> tuple[int, object]:
    if _mounted():
        response = client_for(user).get(PREFIX + path)
        return response.status_code, response.json()
    try:
        response = TestClient(router).get(path, user=user)
    except PermissionDenied:
        return 403, None
    except Http404:
        return 404, None
    return response.status_code, response.json()


def test_staff_list_a_cohorts_nominations(owner, cohort, nominate):
    for _ in range(3):
        nominate(nominator_name="מנכ״ל", nominator_email="dg@example.org")
    status, body = call(owner, f"/programs/cohorts/{cohort.pk}/nominations?limit=2")
    assert status == 200
    assert body["count"] == 3
    assert len(body["items"]) == 2
    item = body["items"][0]
    assert item["nominator_name"] == "מנכ״ל"
    assert item["nominator_email"] == "dg@example.org"
    assert item["status"] == "applied"
    assert not [key for key in item if "score" in key]


def test_staff_read_one_nomination(owner, nominate):
    nomination = nominate()
    nomination.application.referees.create(name="ממליצה", email="r@example.org")
    status, body = call(owner, f"/programs/nominations/{nomination.pk}")
    assert status == 200
    assert body["nominator_statement"] == "מובילה שינוי"
    assert body["application"]["statement"] == "רוצה ללמוד"
    assert body["application"]["referees"][0]["name"] == "ממליצה"
    assert body["application"]["has_cv"] is False


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("outsider", 404)])
def test_others_are_refused(request, cohort, nominate, reviewer, who, status):
    user = request.getfixturevalue(who)
    nomination = nominate()
    assert call(user, f"/programs/cohorts/{cohort.pk}/nominations")[0] == status
    assert call(user, f"/programs/nominations/{nomination.pk}")[0] == status
