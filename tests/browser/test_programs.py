"""A leadership cohort in real Chromium, from nomination to the first session: a
director-general nominates by link (no account), the candidate consents and applies by their
own link with a CV, two reviewers review (one recused automatically: the directory says they
work at the candidate's ministry, so they see neither the candidate's review page nor the
candidate in their queue), the other scores on the rubric page with the keyboard, staff
confirm the committee's decision, and the selected participant checks in to a session on a
phone by the QR code on the projector. Phases move through services between the steps a
person takes in the browser. Axe runs on every page; once in Hebrew (RTL), once in English."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meshutaf.core.access import Role
from meshutaf.directory.models import Sector
from meshutaf.programs.models import (
    Application,
    AttendanceStatus,
    CheckinMethod,
    CohortPhase,
    Conflict,
    Decision,
    Nomination,
    NominationStatus,
    Participant,
    Review,
    ReviewPhase,
    SessionAttendance,
)
from meshutaf.programs.services import nominations, programmes, reviews, selection, sessions
from meshutaf.programs.services.reviews import ScoreIn
from tests.factories import (
    AffiliationFactory,
    InitiativeFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)

from .conftest import assert_accessible, screenshot, watch_policy
from .qr_check import decode_qr
from .test_flows import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
CV = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def phone_for(browser, live_server):
    """A phone-sized, touch browser context; like `page_for`, it fails the test when a page
    broke the Content-Security-Policy."""
    contexts = []
    refusals: list[str] = []

    def open_page(locale: str):
        context = browser.new_context(
            locale=locale, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        watch_policy(page, refusals)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not refusals, "\n".join(refusals)


def _visit(page, path: str, *, status: int = 200):
    response = page.goto(page.base_url + path)
    assert response is not None, path
    assert response.status == status, (path, response.status)
    assert_accessible(page)
    return response


def _fits_width(page) -> None:
    """Nothing sticks out sideways: a phone does not scroll horizontally."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} is {overflow}px wider than the screen"


def _local(url: str, base_url: str) -> str:
    """A link as e-mailed or drawn in a code, pointed at the live server."""
    return re.sub(r"^https?://[^/]+", base_url, url)


def _scores(version, value: int) -> list[ScoreIn]:
    return [ScoreIn(criterion_id=c.pk, score=value) for c in version.criteria.order_by("pk")]


@pytest.mark.parametrize("locale", ["he-IL", "en-US"])
def test_cohort_from_nomination_to_check_in(page_for, phone_for, locale):
    tag = locale[:2]
    staff = UserFactory(username="noa", first_name="Noa", is_backbone=True)
    rina = UserFactory(username="rina", first_name="Rina")
    yossi = UserFactory(username="yossi", first_name="Yossi")
    tamar = UserFactory(username="tamar", first_name="Tamar", email="tamar@example.org")
    PersonFactory(full_name="תמר לוי", email="tamar@example.org", user=tamar)
    welfare = OrganisationFactory(
        name_he="משרד הרווחה", name_en="Ministry of Welfare", sector=Sector.GOVERNMENT
    )
    education = OrganisationFactory(
        name_he="משרד החינוך", name_en="Ministry of Education", sector=Sector.GOVERNMENT
    )
    haifa = OrganisationFactory(
        name_he="עיריית חיפה", name_en="Haifa Municipality", sector=Sector.LOCAL_AUTHORITY
    )
    # Yossi works at the Ministry of Welfare today: the directory makes him recused from
    # the ministry's candidate without anyone declaring it.
    AffiliationFactory(
        person=PersonFactory(full_name="יוסי מזרחי", email="yossi@example.org", user=yossi),
        organisation=welfare,
        start_date=dt.date(2019, 1, 1),
    )
    PersonFactory(full_name="רינה כץ", email="rina@example.org", user=rina)
    initiative = InitiativeFactory(name="מרחב", created_by=staff)
    MembershipFactory(initiative=initiative, user=staff, role=Role.FACILITATOR)
    MembershipFactory(initiative=initiative, user=rina, role=Role.PARTNER)
    MembershipFactory(initiative=initiative, user=yossi, role=Role.PARTNER)
    programme = programmes.programme_create(
        initiative=initiative, by=staff, name="מרחב", description="תכנית מנהיגות לבכירים"
    )
    cohort = programmes.cohort_create(
        programme=programme,
        by=staff,
        name="מחזור ג",
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + dt.timedelta(days=180),
        capacity=4,
        reviews_per_candidate=2,
    )
    version = cohort.rubric_version
    # Three calibration dossiers and one more candidate, from the other two ministries.
    others = []
    for number, (organisation, anchor) in enumerate(
        [(education, True), (haifa, True), (education, True), (haifa, False)], start=1
    ):
        nomination = Nomination.objects.create(
            cohort=cohort,
            nominator_name="מנכ״ל",
            organisation=organisation,
            candidate_name=f"מועמד {number}",
            candidate_email=f"candidate{number}@example.org",
            role_title="ראש אגף",
            nominator_statement="מוביל שינוי",
            status=NominationStatus.APPLIED,
            consent_at=timezone.now(),
            calibration_anchor=anchor,
        )
        Application.objects.create(
            nomination=nomination, statement="רוצה ללמוד", submitted_at=timezone.now()
        )
        others.append(nomination)
    for user in (rina, yossi):
        reviews.reviewer_add(cohort=cohort, user=user, by=staff)
    link = nominations.invitation_create(
        cohort=cohort,
        by=staff,
        organisation=welfare,
        nominator_name="ד״ר אבי גולן",
        nominator_email="dg@welfare.example.org",
        max_nominations=2,
    )

    # ---- The director-general nominates by link, without an account.
    nominator = page_for(locale)
    _visit(nominator, reverse("programs:nominate", args=[link.raw_token]))
    assert nominator.locator("html").get_attribute("lang") == tag
    screenshot(nominator, f"programs-nominate-{tag}")
    nominator.locator("#id_candidate_name").fill("תמר לוי")
    nominator.locator("#id_candidate_email").fill("tamar@example.org")
    nominator.locator("#id_rank").fill("סמנכ״לית")
    nominator.locator("#id_role_title").fill("סמנכ״לית תכנון")
    nominator.locator("#id_nominator_statement").fill("הובילה את הרפורמה בשירותים החברתיים.")
    nominator.locator("form.form button[type=submit]").click()
    nominator.locator(".alert--success").wait_for()
    assert_accessible(nominator)
    candidacy = Nomination.objects.get(candidate_email="tamar@example.org")
    assert candidacy.organisation == welfare
    assert candidacy.status == NominationStatus.NOMINATED
    assert "תמר לוי" in nominator.locator("#your-candidates ~ *").first.inner_text()

    # ---- The candidate applies by the link e-mailed to her: consent, statement, CV, referee.
    message = next(m for m in mail.outbox if "tamar@example.org" in m.to)
    apply_link = re.search(r"https?://\S+/apply/[\w-]+/", message.body).group(0)
    candidate = page_for(locale)
    candidate.goto(_local(apply_link, candidate.base_url))
    assert_accessible(candidate)
    screenshot(candidate, f"programs-apply-consent-{tag}")
    candidate.locator("#id_consent").check()
    candidate.locator("button[name=action][value=consent]").click()
    candidate.locator("#id_statement").wait_for()
    assert_accessible(candidate)
    candidate.locator("#id_statement").fill("כדי ללמוד להוביל שינוי בין משרדים.")
    candidate.locator("#id_leadership_example").fill("צוות משותף עם משרד החינוך ועם עמותות.")
    candidate.locator("#id_cv").set_input_files(
        files=[{"name": "cv-tamar.pdf", "mimeType": "application/pdf", "buffer": CV}]
    )
    candidate.locator("[name=referees-0-name]").fill("משה פרץ")
    candidate.locator("[name=referees-0-email]").fill("moshe@example.org")
    candidate.locator("[name=referees-0-relation]").fill("מנהל לשעבר")
    candidate.locator("button[name=action][value=submit]").click()
    candidate.locator(".alert--success").first.wait_for()
    assert_accessible(candidate)
    screenshot(candidate, f"programs-apply-submitted-{tag}")
    candidacy.refresh_from_db()
    assert candidacy.status == NominationStatus.APPLIED
    application = Application.objects.get(nomination=candidacy)
    assert application.submitted_at is not None
    assert application.cv_name == "cv-tamar.pdf"
    assert [r.name for r in application.referees.all()] == ["משה פרץ"]

    # ---- Calibration: conflicts are looked for in the directory; Yossi is recused.
    programmes.cohort_phase_advance(cohort=cohort, by=staff, to=CohortPhase.CALIBRATION)
    conflict = Conflict.objects.get(nomination=candidacy)
    assert conflict.reviewer.user == yossi
    assert conflict.waived_at is None
    assert not Conflict.objects.filter(reviewer__user=rina).exists()
    for review in Review.objects.filter(phase=ReviewPhase.CALIBRATION):
        reviews.review_save(
            review=review, by=review.reviewer.user, scores=_scores(version, 3), submit=True
        )
    programmes.cohort_phase_advance(cohort=cohort, by=staff, to=CohortPhase.FIRST_PASS)
    first_pass = Review.objects.filter(phase=ReviewPhase.FIRST_PASS)
    assert set(
        first_pass.filter(nomination=candidacy).values_list("reviewer__user", flat=True)
    ) == {rina.pk}
    # Both score the other candidate (so the model sees them share one).
    for review in first_pass.filter(nomination=others[-1]):
        reviews.review_save(
            review=review, by=review.reviewer.user, scores=_scores(version, 3), submit=True
        )
    tamar_review = first_pass.get(nomination=candidacy)

    # ---- Rina scores Tamar on the rubric page, with the keyboard.
    reviewer = page_for(locale)
    log_in(reviewer, "rina")
    _visit(reviewer, reverse("programs:review_queue", args=[cohort.pk]))
    review_path = reverse("programs:review", args=[tamar_review.pk])
    reviewer.locator(f'#review-{tamar_review.pk} a[href="{review_path}"]').click()
    reviewer.wait_for_url(re.compile(rf".*{re.escape(review_path)}$"))
    assert_accessible(reviewer)
    # What the candidate wrote keeps its own direction on a page of the other direction (a
    # Hebrew sentence's full stop stays at its end on the English page).
    # Checked at the end, so the rest of the flow runs whatever this finds.
    not_isolated = [
        text.evaluate("dd => dd.outerHTML")
        for text in reviewer.locator(".dossier dd.prose").all()
        if not text.evaluate(
            "dd => dd.hasAttribute('dir') || [...dd.children].some(c => c.localName === 'bdi')"
        )
    ]
    # Blind: the nominator is not on the page before Rina submits.
    assert "אבי גולן" not in reviewer.locator("main").inner_text()
    criteria = list(version.criteria.order_by("order", "pk"))
    first = reviewer.locator(f"input[name=score_{criteria[0].pk}][value='3']")
    first.focus()
    first.press("Space")
    reviewer.keyboard.press("ArrowDown")  # 3 → 4, the same way in both directions of text
    assert reviewer.locator(f"input[name=score_{criteria[0].pk}][value='4']").is_checked()
    reviewer.keyboard.press("Tab")  # the level group is one stop: next is the evidence note
    focused = reviewer.evaluate("() => document.activeElement.name")
    assert focused == f"evidence_{criteria[0].pk}", focused
    reviewer.keyboard.type("ניהלה צוות בין-משרדי")
    for criterion in criteria[1:]:
        reviewer.locator(f"input[name=score_{criterion.pk}][value='5']").check()
    reviewer.locator(f"input[name=confidence_{criteria[1].pk}][value='3']").check()
    screenshot(reviewer, f"programs-review-{tag}")
    reviewer.locator("#review-form button[name=submit]").click()
    reviewer.locator(".alert--success").first.wait_for()
    assert_accessible(reviewer)
    tamar_review.refresh_from_db()
    assert tamar_review.submitted_at is not None
    scores = {s.criterion_id: s for s in tamar_review.scores.all()}
    assert scores[criteria[0].pk].score == 4
    assert scores[criteria[0].pk].evidence == "ניהלה צוות בין-משרדי"
    assert {scores[c.pk].score for c in criteria[1:]} == {5}
    assert scores[criteria[1].pk].confidence == 3
    # Submitted: now the nominator shows.
    assert "אבי גולן" in reviewer.locator("main").inner_text()

    # ---- Yossi, recused, sees neither Tamar in his queue nor her review page.
    recused = page_for(locale)
    log_in(recused, "yossi")
    _visit(recused, reverse("programs:review_queue", args=[cohort.pk]))
    assert "תמר" not in recused.content()
    screenshot(recused, f"programs-queue-recused-{tag}")
    _visit(recused, review_path, status=404)
    assert "תמר" not in recused.content()

    # ---- Discussion and recommendation (the committee records it), then the decision.
    programmes.cohort_phase_advance(cohort=cohort, by=staff, to=CohortPhase.DISCUSSION)
    _visit(recused, reverse("programs:discussion", args=[cohort.pk, candidacy.pk]), status=404)
    programmes.cohort_phase_advance(cohort=cohort, by=staff, to=CohortPhase.RECOMMENDATION)
    for nomination in (candidacy, others[-1]):
        selection.recommendation_record(nomination=nomination, by=staff, choice="recommend")
    programmes.cohort_phase_advance(cohort=cohort, by=staff, to=CohortPhase.DECISION)

    committee = page_for(locale)
    log_in(committee, "noa")
    _visit(committee, reverse("programs:decision", args=[cohort.pk]))
    assert committee.locator(f"#override-{candidacy.pk}").is_visible()
    screenshot(committee, f"programs-decision-{tag}")
    committee.locator("form[method=post] .actions button[type=submit]").click()
    committee.wait_for_url(re.compile(r".*/decision-log/$"))
    assert_accessible(committee)
    screenshot(committee, f"programs-decision-log-{tag}")
    candidacy.refresh_from_db()
    assert candidacy.decision == Decision.SELECTED
    participant = Participant.objects.get(cohort=cohort, nomination=candidacy)
    assert participant.user == tamar

    # ---- A session; staff open check-in and the projector shows the code.
    programmes.cohort_phase_advance(cohort=cohort, by=staff, to=CohortPhase.RUNNING)
    session = sessions.session_create(
        cohort=cohort,
        by=staff,
        title="מקרה בוחן: רפורמה בין-משרדית",
        kind="case_study",
        starts_at=timezone.now() - dt.timedelta(minutes=5),
        ends_at=timezone.now() + dt.timedelta(hours=3),
        place="ירושלים",
    )
    _visit(committee, reverse("programs:session", args=[session.pk]))
    open_path = reverse("programs:checkin_open", args=[session.pk])
    committee.locator(f'form[action="{open_path}"] button[type=submit]').click()
    committee.wait_for_url(re.compile(r".*/checkin/screen/$"))
    assert_accessible(committee)
    screenshot(committee, f"programs-checkin-screen-{tag}")
    codes = decode_qr(committee, "#checkin-code svg", name=f"programs-checkin-qr-{tag}")
    assert len(codes) == 1, codes
    assert re.fullmatch(rf"{re.escape(committee.base_url)}/\S*checkin/[^/]+/", codes[0]), codes

    # ---- Tamar checks in on her phone.
    phone = phone_for(locale)
    log_in(phone, "tamar")
    _visit(phone, codes[0][len(phone.base_url) :])
    _fits_width(phone)
    phone.locator("button.checkin-big-button").tap()
    phone.locator(".alert--success").wait_for()
    assert_accessible(phone)
    _fits_width(phone)
    screenshot(phone, f"programs-checkin-phone-{tag}")
    record = SessionAttendance.objects.get(session=session, participant=participant)
    assert record.status == AttendanceStatus.PRESENT
    assert record.method == CheckinMethod.QR

    # ---- The attendance sheet (on the facilitator's phone) shows her present.
    sheet = phone_for(locale)
    log_in(sheet, "noa")
    _visit(sheet, reverse("programs:attendance", args=[session.pk]))
    _fits_width(sheet)
    row = sheet.locator(f"#p{participant.pk}")
    assert row.locator("button[value=present]").get_attribute("aria-pressed") == "true"
    assert row.locator("button[aria-pressed=true]").count() == 1
    screenshot(sheet, f"programs-attendance-phone-{tag}")
    assert not not_isolated, not_isolated
