"""Certificates: the attendance rule at its edges, issuing in bulk, the participant's own PDF
(Hebrew right to left, English left to right) and the public check by code."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from meshutaf.programs.certificates import meets_attendance_rule
from meshutaf.programs.models import Certificate, Participant, ParticipantStatus
from meshutaf.programs.services import sessions as services
from tests.factories import PersonFactory

from .test_sessions import START, add_session


@pytest.mark.parametrize(
    ("attended", "required", "share", "meets"),
    [
        (4, 5, Decimal("0.80"), True),  # exactly the share
        (3, 5, Decimal("0.80"), False),
        (7, 9, Decimal("0.80"), False),  # 0.777…
        (8, 10, "0.8", True),
        (1, 3, Decimal("0.33"), True),
        (0, 0, Decimal("0.80"), False),  # no required session: nothing to complete
        (0, 5, Decimal("0.00"), True),
        (5, 5, Decimal("1.00"), True),
        (4, 5, Decimal("1.00"), False),
        (9, 5, Decimal("1.00"), True),  # never more than all
    ],
)
def test_the_rule(attended, required, share, meets):
    assert meets_attendance_rule(attended=attended, required=required, share=share) is meets


@pytest.fixture
def five_required(cohort, owner):
    sessions = [
        add_session(cohort, owner, number=n, starts_at=START + dt.timedelta(days=7 * n))
        for n in range(1, 6)
    ]
    optional = add_session(cohort, owner, number=6, required=False, starts_at=START)
    return sessions, optional


def mark(sessions, participant, owner, statuses):
    for session, status in zip(sessions, statuses, strict=False):
        services.attendance_mark(session=session, participant=participant, status=status, by=owner)


def test_present_and_late_count_excused_and_optional_do_not(five_required, enrolled, owner):
    sessions, optional = five_required
    mark(sessions, enrolled, owner, ["present", "late", "present", "excused", "absent"])
    mark([optional], enrolled, owner, ["present"])
    assert services.attended_required(participant=enrolled) == (3, 5)
    with pytest.raises(ValidationError, match="attended 3 of 5 required sessions"):
        services.certificate_issue(participant=enrolled, by=owner)
    services.attendance_mark(session=sessions[3], participant=enrolled, status="late", by=owner)
    certificate = services.certificate_issue(participant=enrolled, by=owner)
    assert len(certificate.code) == 14
    assert services.certificate_issue(participant=enrolled, by=owner) == certificate


def test_bulk_issue_only_to_those_who_meet_the_rule(
    as_user, five_required, cohort, enrolled, owner, member, outsider
):
    sessions, _optional = five_required
    short = Participant.objects.create(cohort=cohort, person=PersonFactory(full_name="Short"))
    gone = Participant.objects.create(cohort=cohort, person=PersonFactory())
    mark(sessions, enrolled, owner, ["present"] * 4)
    mark(sessions, short, owner, ["present"] * 3)
    mark(sessions, gone, owner, ["present"] * 5)
    gone.status = ParticipantStatus.WITHDRAWN
    gone.save()
    url = reverse("programs:certificates", args=[cohort.pk])
    assert as_user(member).post(url).status_code == 403
    assert as_user(outsider).post(url).status_code == 404
    assert as_user(member).get(url).status_code == 403
    assert not Certificate.objects.exists()
    page = as_user(owner).get(url).content.decode()
    assert "Issue 1 certificate" in page
    as_user(owner).post(url)
    assert list(Certificate.objects.values_list("participant", flat=True)) == [enrolled.pk]
    as_user(owner).post(url)
    assert Certificate.objects.count() == 1


def test_a_participant_downloads_their_own_pdf_only(
    as_user, five_required, cohort, enrolled, owner, participant, member, outsider
):
    sessions, _optional = five_required
    mark(sessions, enrolled, owner, ["present"] * 5)
    url = reverse("programs:certificate_download", args=[enrolled.pk])
    assert as_user(participant).get(url).status_code == 404  # not issued yet
    certificate = services.certificate_issue(participant=enrolled, by=owner)
    response = as_user(participant).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert certificate.code in text
    assert "Certificate of completion" in text
    assert as_user(owner).get(url).status_code == 200
    assert as_user(member).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 404


def test_the_pdf_in_hebrew_is_right_to_left(five_required, enrolled, owner):
    from meshutaf.programs.certificates import certificate_html, certificate_pdf

    sessions, _optional = five_required
    mark(sessions, enrolled, owner, ["present"] * 5)
    certificate = services.certificate_issue(participant=enrolled, by=owner)
    html = certificate_html(certificate=certificate, verify_url="https://x/c/", language="he")
    assert '<html lang="he" dir="rtl">' in html
    pdf = certificate_pdf(certificate=certificate, verify_url="https://x/c/", language="he")
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    assert certificate.code in text
    assert "מרחב" in text


def test_the_public_check_shows_name_programme_cohort_and_date_only(
    as_user, five_required, enrolled, owner, participant
):
    sessions, _optional = five_required
    mark(sessions, enrolled, owner, ["present"] * 5)
    certificate = services.certificate_issue(participant=enrolled, by=owner)
    enrolled.person.email = "secret@example.org"
    enrolled.person.save()
    page = as_user(None).get(reverse("programs:certificate_verify", args=[certificate.code]))
    body = page.content.decode()
    assert page.status_code == 200
    assert enrolled.person.full_name in body
    assert "מרחב" in body
    assert "מחזור ב" in body
    assert "secret@example.org" not in body
    assert "Present" not in body
    lower = as_user(None).get(
        reverse("programs:certificate_verify", args=[certificate.code.lower()])
    )
    assert lower.status_code == 200
    missing = as_user(None).get(reverse("programs:certificate_verify", args=["NOPE-NOPE-NOPE"]))
    assert missing.status_code == 404
    assert "No certificate has the code" in missing.content.decode()
