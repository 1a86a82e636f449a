"""The candidate's application by link: consent first or decline, draft and submit, read-only
after, bad input refused with nothing written, the CV bounded to a PDF, and who may download
it (staff, or a reviewer assigned to the candidate and not recused)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meshutaf.programs.models import (
    Application,
    CohortPhase,
    Conflict,
    ConflictSource,
    Nomination,
    NominationStatus,
    Referee,
    Review,
    ReviewPhase,
)
from meshutaf.programs.services import nominations as services
from tests.conftest import client_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def candidacy(cohort, ministries, owner):
    """A nomination made by staff, and the candidate's raw token."""
    return services.nomination_create(
        cohort=cohort,
        by=owner,
        organisation=ministries[0],
        nominator_name="יעל לוי",
        nominator_email="dg@example.org",
        candidate_name="דנה כהן",
        candidate_email="dana@example.org",
        role_title="ראש אגף",
        nominator_statement="מובילה שינוי בשיתוף החברה האזרחית",
    )


def apply_url(token: str) -> str:
    return reverse("programs:apply", args=[token])


def cv(content: bytes = PDF, name: str = "cv.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def application_data(**overrides):
    data = {
        "action": "submit",
        "statement": "רוצה להוביל שינוי",
        "leadership_example": "הקמתי שולחן עגול",
        "referees-TOTAL_FORMS": "3",
        "referees-INITIAL_FORMS": "0",
        "referees-MIN_NUM_FORMS": "3",
        "referees-MAX_NUM_FORMS": "3",
        "referees-0-name": "רונית",
        "referees-0-role_title": "סמנכ״לית",
        "referees-0-email": "ronit@example.org",
        "referees-0-relation": "ממונה לשעבר",
    }
    data.update(overrides)
    return data


def consented(candidacy) -> Nomination:
    return services.candidate_consent(nomination=candidacy.nomination)


def test_consent_comes_first_and_says_who_sees_what(candidacy):
    client = client_for(None)
    page = client.get(apply_url(candidacy.raw_token))
    assert page.status_code == 200
    text = page.content.decode()
    assert "reviewers" in text
    assert "conflict-of-interest" in text
    # nothing about the nominator is shown to the candidate
    assert "יעל לוי" not in text
    assert "dg@example.org" not in text
    assert "מובילה שינוי בשיתוף" not in text
    # an application before consent is refused
    response = client.post(apply_url(candidacy.raw_token), application_data(cv=cv()))
    assert not Application.objects.exists()
    assert response.status_code == 200
    response = client.post(apply_url(candidacy.raw_token), {"action": "consent"})
    assert response.status_code == 400
    assert Nomination.objects.get().consent_at is None
    response = client.post(apply_url(candidacy.raw_token), {"action": "consent", "consent": "on"})
    assert response.status_code == 302
    assert Nomination.objects.get().consent_at is not None


def test_declining_keeps_nothing_and_ends_the_link(candidacy):
    consented(candidacy)
    client = client_for(None)
    client.post(apply_url(candidacy.raw_token), application_data(action="save", cv=cv()))
    assert Application.objects.exists()
    response = client.post(apply_url(candidacy.raw_token), {"action": "decline"})
    assert response.status_code == 200
    nomination = Nomination.objects.get()
    assert nomination.status == NominationStatus.DECLINED
    assert nomination.consent_at is None
    assert not Application.objects.exists()
    assert not Referee.objects.exists()
    assert client.get(apply_url(candidacy.raw_token)).status_code == 410


def test_decline_before_consent(candidacy):
    client_for(None).post(apply_url(candidacy.raw_token), {"action": "decline"})
    assert Nomination.objects.get().status == NominationStatus.DECLINED
    assert not Application.objects.exists()


def test_draft_then_submit_then_read_only(candidacy):
    consented(candidacy)
    client = client_for(None)
    url = apply_url(candidacy.raw_token)
    response = client.post(url, application_data(action="save", statement=""))
    assert response.status_code == 302
    draft = Application.objects.get()
    assert draft.submitted_at is None
    assert draft.referees.count() == 1
    assert Nomination.objects.get().status == NominationStatus.NOMINATED
    response = client.post(url, application_data(cv=cv(name="קורות חיים.pdf")))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.submitted_at is not None
    assert application.cv_name == "קורות חיים.pdf"
    assert application.cv.read().startswith(b"%PDF-")
    assert application.referees.count() == 1
    assert Nomination.objects.get().status == NominationStatus.APPLIED
    page = client.get(url)
    assert page.status_code == 200
    assert "can no longer be changed" in page.content.decode()
    client.post(url, application_data(statement="שונה"))
    assert Application.objects.get().statement == "רוצה להוביל שינוי"


def test_submitting_needs_statement_cv_and_a_referee(candidacy):
    consented(candidacy)
    client = client_for(None)
    response = client.post(
        apply_url(candidacy.raw_token),
        application_data(
            statement="",
            **{f"referees-0-{name}": "" for name in ("name", "role_title", "email", "relation")},
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "statement" in errors
    assert "cv" in errors
    assert "Name at least one referee." in errors["__all__"]
    assert not Application.objects.exists()
    assert Nomination.objects.get().status == NominationStatus.NOMINATED


def test_a_referee_needs_a_name_and_a_way_to_reach_them(candidacy):
    consented(candidacy)
    response = client_for(None).post(
        apply_url(candidacy.raw_token),
        application_data(cv=cv(), **{"referees-0-email": "", "referees-1-name": "רק שם"}),
    )
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_not_a_pdf_is_refused(candidacy):
    consented(candidacy)
    response = client_for(None).post(
        apply_url(candidacy.raw_token),
        application_data(cv=cv(b"MZ\x90\x00 not a pdf", name="cv.pdf")),
    )
    assert response.status_code == 400
    assert "PDF" in str(response.context["form"].errors["cv"])
    assert not Application.objects.exists()


def test_a_cv_too_large_is_refused(candidacy, tmp_path):
    consented(candidacy)
    big = PDF + b"0" * services.CV_MAX_BYTES
    response = client_for(None).post(apply_url(candidacy.raw_token), application_data(cv=cv(big)))
    assert response.status_code == 400
    assert "larger than" in str(response.context["form"].errors["cv"])
    assert not Application.objects.exists()
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_new_cv_replaces_the_old(candidacy, tmp_path, django_capture_on_commit_callbacks):
    nomination = consented(candidacy)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_save(nomination=nomination, statement="x", cv=cv())
    with django_capture_on_commit_callbacks(execute=True):
        services.application_save(nomination=nomination, statement="x", cv=cv(PDF + b"%v2"))
    files = list(tmp_path.rglob("*.pdf"))
    assert len(files) == 1
    assert files[0].read_bytes().endswith(b"%v2")


def test_applications_close_with_the_phase(candidacy, cohort):
    consented(candidacy)
    type(cohort).objects.filter(pk=cohort.pk).update(phase=CohortPhase.CALIBRATION)
    client = client_for(None)
    page = client.get(apply_url(candidacy.raw_token))
    assert "closed" in page.content.decode()
    client.post(apply_url(candidacy.raw_token), application_data(cv=cv()))
    assert not Application.objects.exists()


def test_unknown_and_withdrawn_links(candidacy):
    assert client_for(None).get(apply_url("nope")).status_code == 404
    Nomination.objects.update(status=NominationStatus.WITHDRAWN)
    assert client_for(None).get(apply_url(candidacy.raw_token)).status_code == 410


def test_a_new_application_link_ends_the_old(
    as_user, owner, candidacy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        as_user(owner).post(reverse("programs:nomination_resend", args=[candidacy.nomination.pk]))
    assert client_for(None).get(apply_url(candidacy.raw_token)).status_code == 404


# ---------------------------------------------------------------- the CV download


@pytest.fixture
def submitted(candidacy):
    nomination = consented(candidacy)
    services.application_save(
        nomination=nomination,
        statement="x",
        cv=cv(),
        referees=[{"name": "ר", "email": "r@example.org"}],
        submit=True,
    )
    return Nomination.objects.get(pk=nomination.pk)


def cv_url(nomination) -> str:
    return reverse("programs:nomination_cv", args=[nomination.pk])


def test_staff_download_the_cv(as_user, owner, submitted):
    response = as_user(owner).get(cv_url(submitted))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_member_and_outsider_do_not(as_user, member, outsider, participant, submitted):
    assert as_user(member).get(cv_url(submitted)).status_code == 404
    assert as_user(participant).get(cv_url(submitted)).status_code == 404
    assert as_user(outsider).get(cv_url(submitted)).status_code == 404
    assert client_for(None).get(cv_url(submitted)).status_code == 302


def test_an_assigned_reviewer_downloads_unless_recused(
    as_user, member, owner, reviewer, submitted, cohort
):
    client = as_user(member)
    assert client.get(cv_url(submitted)).status_code == 404  # a reviewer, not assigned
    Review.objects.create(
        reviewer=reviewer,
        nomination=submitted,
        phase=ReviewPhase.FIRST_PASS,
        rubric_version=cohort.rubric_version,
    )
    assert client.get(cv_url(submitted)).status_code == 200
    conflict = Conflict.objects.create(
        reviewer=reviewer, nomination=submitted, source=ConflictSource.SAME_ORGANISATION
    )
    assert client.get(cv_url(submitted)).status_code == 404
    Conflict.objects.filter(pk=conflict.pk).update(
        waived_at=submitted.created_at, waived_by=owner, waiver_reason="different unit"
    )
    assert client.get(cv_url(submitted)).status_code == 200
