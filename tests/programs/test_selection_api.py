"""The selection API: the board and the decision log, for programme staff only (a reviewer
who is a member gets 403, an outsider 404), typed as SelectionBoardV1."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import Resolver404, resolve
from ninja import NinjaAPI
from ninja.security import django_auth
from ninja.testing import TestClient

from meshutaf.programs.api_selection import router
from meshutaf.programs.services.programmes import log
from tests.api.test_api import api

from .test_board import _fresh_cache, panel, score  # noqa: F401 - fixtures


def _client():
    """The real API when the router is mounted there; until then a test API of its own,
    answering 404 and 403 as the real one does."""
    try:
        resolve("/api/v1/programs/cohorts/1/board")
    except Resolver404:
        pass
    else:
        return "real", api
    test_api = NinjaAPI(urls_namespace="selection-tests", auth=[django_auth])
    test_api.add_exception_handler(
        Http404, lambda request, exc: test_api.create_response(request, {}, status=404)
    )
    test_api.add_exception_handler(
        PermissionDenied, lambda request, exc: test_api.create_response(request, {}, status=403)
    )
    test_api.add_router("/v1/", router)
    return "test", TestClient(test_api)


@pytest.fixture(scope="module")
def client_kind():
    return _client()


def get(client_kind, user, path):
    kind, client = client_kind
    if kind == "real":
        return client(user).get("/api" + path)
    return client.get(path, user=user)


@pytest.fixture
def scored(cohort, nominate, panel):  # noqa: F811
    people = [nominate(name=name) for name in ("Dana", "Eli")]
    for nomination, level in zip(people, (5, 2), strict=True):
        for reviewer in panel:
            score(reviewer, nomination, level)
    return people


def test_board_by_role(client_kind, cohort, scored, reviewer, owner, member, outsider):
    path = f"/v1/programs/cohorts/{cohort.pk}/board"
    response = get(client_kind, owner, path)
    assert response.status_code == 200
    body = response.json()
    assert [c["name"] for c in body["candidates"]] == ["Dana", "Eli"]
    first = body["candidates"][0]
    assert first["raw_mean"] == pytest.approx(5)
    assert first["adjusted"] is not None
    assert first["band"][0] == 1
    assert first["reviews"] == 3
    assert len(body["reviewers"]) == 3
    assert {a["criterion"] for a in body["agreement"]} == {
        c.code for c in cohort.rubric_version.criteria.all()
    }
    assert get(client_kind, member, path).status_code == 403
    assert get(client_kind, outsider, path).status_code == 404


def test_decision_log_by_role(client_kind, cohort, owner, member, outsider):
    log(cohort=cohort, kind="note", by=owner, reason="Opened")
    path = f"/v1/programs/cohorts/{cohort.pk}/decision-log"
    response = get(client_kind, owner, path)
    assert response.status_code == 200
    assert response.json()[0]["reason"] == "Opened"
    assert get(client_kind, member, path).status_code == 403
    assert get(client_kind, outsider, path).status_code == 404
