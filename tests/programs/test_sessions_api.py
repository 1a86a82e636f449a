"""The sessions API: the cohort's sessions for members, attendance for staff (read and mark,
the marking overriding a scan), the participant's check-in, and feedback past the threshold.

The router is served here on its own (with the site API's authentication and error
handlers), so these tests do not depend on where the programs API is mounted."""

import datetime as dt
import json

import pytest
from django.urls import path
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import django_auth

from meshutaf.api.api import api as site_api
from meshutaf.programs import checkin
from meshutaf.programs.api_sessions import router
from meshutaf.programs.models import Participant, SessionAttendance
from meshutaf.programs.services import sessions as services
from meshutaf.urls import urlpatterns as site_urlpatterns
from tests.factories import PersonFactory

from .test_sessions import add_session

test_api = NinjaAPI(auth=django_auth, urls_namespace="programs-sessions-api-test")
test_api._exception_handlers.update(site_api._exception_handlers)
test_api.add_router("/v1/", router)
# First, so its paths win over the site API (which may or may not mount this router yet).
urlpatterns = [path("api/", test_api.urls), *site_urlpatterns]
pytestmark = pytest.mark.urls(__name__)

GOOD = {"relevance": 5, "quality": 4, "facilitation": 4, "usefulness": 3}


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def session(cohort, owner):
    return add_session(cohort, owner, starts_at=timezone.now() - dt.timedelta(minutes=5))


def test_sessions_for_members_not_outsiders(
    as_user, cohort, session, owner, member, participant, outsider
):
    url = f"/api/v1/programs/cohorts/{cohort.pk}/sessions"
    for user in (owner, member, participant):
        response = as_user(user).get(url)
        assert response.status_code == 200
        assert [row["id"] for row in response.json()] == [session.pk]
        assert response.json()[0]["kind_label"] == "Case study"
    assert as_user(outsider).get(url).status_code == 404
    assert as_user(None).get(url).status_code == 401


def test_attendance_is_staff_only_and_marking_overrides_a_scan(
    as_user, session, owner, member, outsider, participant, enrolled
):
    url = f"/api/v1/programs/sessions/{session.pk}/attendance"
    services.session_checkin_open(session=session, by=owner)
    scanned = post(
        as_user(participant), "/api/v1/programs/checkin", {"token": checkin.make_token(session.pk)}
    )
    assert scanned.status_code == 200
    assert scanned.json()["method"] == "qr"
    assert as_user(member).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 404
    body = {"participant_id": enrolled.pk, "status": "excused"}
    assert post(as_user(member), url, body).status_code == 403
    assert post(as_user(outsider), url, body).status_code == 404
    marked = post(as_user(owner), url, body)
    assert marked.status_code == 200
    assert marked.json()["status"] == "excused"
    assert marked.json()["method"] == "facilitator"
    rows = as_user(owner).get(url).json()
    assert rows == [
        {
            "participant_id": enrolled.pk,
            "name": enrolled.person.full_name,
            "status": "excused",
            "method": "facilitator",
            "checked_in_at": rows[0]["checked_in_at"],
        }
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"participant_id": "x", "status": "present"}, "participant_id"),
        ({"participant_id": 0, "status": "present"}, "participant_id"),
        ({"participant_id": 999999, "status": "present"}, "participant_id"),
        ({"status": "present"}, "participant_id"),
        ({"participant_id": None, "status": "asleep"}, "participant_id"),
    ],
)
def test_bad_marks_are_refused(as_user, session, owner, enrolled, body, field):
    response = post(as_user(owner), f"/api/v1/programs/sessions/{session.pk}/attendance", body)
    assert response.status_code in (400, 422)
    assert field in json.dumps(response.json())
    assert not SessionAttendance.objects.exists()


def test_a_bad_status_is_refused_with_a_message(as_user, session, owner, enrolled):
    response = post(
        as_user(owner),
        f"/api/v1/programs/sessions/{session.pk}/attendance",
        {"participant_id": enrolled.pk, "status": "asleep"},
    )
    assert response.status_code == 400
    assert "Choose present, late, excused or absent." in json.dumps(response.json())
    assert not SessionAttendance.objects.exists()


def test_check_in_refusals(as_user, cohort, session, owner, participant, enrolled, member):
    services.session_checkin_open(session=session, by=owner)
    other = add_session(cohort, owner)
    services.session_checkin_open(session=other, by=owner)
    client = as_user(participant)
    expired = checkin.make_token(session.pk, now=timezone.now().timestamp() - 600)
    response = post(client, "/api/v1/programs/checkin", {"token": expired})
    assert response.status_code == 400
    assert "This code has expired: scan the code on the screen again." in json.dumps(
        response.json(), ensure_ascii=False
    )
    wrong = post(
        client,
        "/api/v1/programs/checkin",
        {"token": checkin.make_token(other.pk), "session_id": session.pk},
    )
    assert wrong.status_code == 400
    assert "another session" in json.dumps(wrong.json())
    tampered = post(
        client, "/api/v1/programs/checkin", {"token": checkin.make_token(session.pk)[:-4]}
    )
    assert tampered.status_code == 400
    not_one = post(
        as_user(member), "/api/v1/programs/checkin", {"token": checkin.make_token(session.pk)}
    )
    assert not_one.status_code == 400
    assert "not a participant" in json.dumps(not_one.json())
    assert not SessionAttendance.objects.exists()


def test_feedback_is_thresholded(as_user, cohort, session, owner, member, outsider):
    url = f"/api/v1/programs/sessions/{session.pk}/feedback"
    people = [Participant.objects.create(cohort=cohort, person=PersonFactory()) for _ in range(5)]
    for person in people[:4]:
        services.feedback_submit(participant=person, session=session, ratings=GOOD, comment="ok")
    few = as_user(owner).get(url).json()
    assert few["enough"] is False
    assert few["questions"] == []
    assert few["comments"] == []
    assert few["message"] == "Not enough responses yet (4 of the 5 needed)."
    services.feedback_submit(participant=people[4], session=session, ratings=GOOD)
    enough = as_user(owner).get(url).json()
    assert enough["enough"] is True
    assert enough["responses"] == 5
    assert enough["questions"][0]["mean"] == 5.0
    assert enough["questions"][0]["distribution"]["5"] == 5
    assert enough["comments"] == ["ok"] * 4
    assert as_user(member).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 404
