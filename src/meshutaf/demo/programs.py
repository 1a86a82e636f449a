"""The "Merhav" leadership programme for the demo (issue 15): an earlier cohort whose
graduates are in the alumni network with testimonials, and the current cohort taken through
every step: about 40 nominations by link from 12 ministries and authorities, the candidates'
applications, six steering-committee reviewers (one conflict of interest found in the
directory), calibration, a blind first pass, a discussion with revised reviews, the
committee's recommendation, a decision by the rules with a logged departure, ten sessions of
the four kinds with attendance and feedback, and five inter-ministerial projects.

Part of `meshutaf demo`; the words are in data/programs.toml, the scores are generated here
with a fixed seed (a true quality per candidate, a leniency per reviewer, noise), so every
machine gets the same selection. Writes go through the programs services.
"""

import datetime as dt
import random
import zoneinfo
from itertools import zip_longest
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meshutaf.accounts.models import User
from meshutaf.accounts.services import user_create
from meshutaf.core.access import Role
from meshutaf.demo.data import data_read
from meshutaf.directory.models import Organisation, Person
from meshutaf.directory.services import affiliation_add, person_create
from meshutaf.initiatives.models import Initiative, Membership
from meshutaf.initiatives.services import membership_add
from meshutaf.programs.models import (
    AttendanceStatus,
    Cohort,
    CohortPhase,
    Criterion,
    Gender,
    Nomination,
    NominationStatus,
    Participant,
    ParticipantStatus,
    QuotaKind,
    RecommendationChoice,
    Review,
    ReviewPhase,
    SessionKind,
)
from meshutaf.programs.services import (
    alumni,
    nominations,
    programmes,
    projects,
    reviews,
    selection,
    sessions,
)
from meshutaf.programs.services.reviews import ScoreIn

ZONE = zoneinfo.ZoneInfo("Asia/Jerusalem")
BIOS = (
    "מובילה את שולחן הדיור האזורי במחוז, עם שלושה ארגוני דיור ציבורי.",
    "אחראי על קולות קוראים במשרד; הכניס סעיף שותפות לכל קול קורא חדש.",
    "מנהלת את קשרי הקהילה בעירייה ומלווה ועדי שכונות.",
    "מתכנן תכניות תעסוקה לצעירים עם ארגוני מגזר שלישי בנגב.",
    "הקימה במשרד צוות קבוע לעבודה עם ארגוני החברה האזרחית.",
)
EVIDENCE = (
    "לפי הדוגמה בבקשה ובמכתב ההמלצה.",
    "ההמלצה מתארת שינוי נוהל שהוביל/ה עם שני משרדים.",
    "בבקשה אין דוגמה לעבודה עם ארגונים מחוץ למשרד.",
    "הוביל/ה צוות מעורב של רשות וארגונים; ההמלצה מאשרת.",
    "דוגמה אחת חזקה, אבל קצרה ולא ברורה מה היה חלקו/ה.",
    "המנכ״ל מתאר יוזמה אישית שנמשכה שנתיים.",
)
SEED = 15  # the programs issue's number: the selection never depends on the rest of the demo
CURRENT_START = dt.date(2026, 9, 6)
WITH_FEEDBACK_THRESHOLD_MISSED = 3  # the third session got too few answers to show

# A tiny valid PDF: the applications' CVs (the demo never ships real people's CVs).
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def _names(rng: random.Random, count: int) -> list[tuple[str, str, str]]:
    """Invented candidates: (Hebrew name, e-mail local part, gender)."""
    pools = data_read("names")
    people: list[tuple[str, str, str]] = []
    taken: set[str] = set()
    while len(people) < count:
        pool = pools["jewish"] if rng.random() < 0.7 else pools.get("arab", pools["jewish"])
        woman = rng.random() < 0.55
        first = rng.choice(pool["women"] if woman else pool["men"])
        last = rng.choice(pool["surnames"])
        local = f"{first[1]}.{last[1]}"
        if local in taken:
            continue
        taken.add(local)
        people.append((f"{first[0]} {last[0]}", local, Gender.WOMAN if woman else Gender.MAN))
    return people


def _member(initiative: Initiative, user: User, role: str, by: User) -> None:
    if not Membership.objects.filter(initiative=initiative, user=user).exists():
        membership_add(initiative=initiative, user=user, role=role, by=by)


def _account(username: str, full_name: str, email: str) -> User:
    first, _space, last = full_name.partition(" ")
    return user_create(
        username=username, password=None, email=email, first_name=first, last_name=last
    )


def build_programs(
    *,
    initiative: Initiative,
    facilitator: User,
    partner: User,
    orgs: dict[str, Organisation],
) -> Cohort:
    """The programme, its earlier cohort's alumni and the current cohort; returns the latter."""
    rng = random.Random(SEED)
    data = data_read("programs")
    _member(initiative, partner, Role.PARTNER, facilitator)
    spec = data["programme"]
    programme = programmes.programme_create(
        initiative=initiative,
        by=facilitator,
        name=spec["name"],
        description=" ".join(spec["description"].split()),
        goals=" ".join(spec["goals"].split()),
    )
    _earlier_cohort(programme, data, facilitator=facilitator, orgs=orgs, rng=rng)
    cohort = programmes.cohort_create(
        programme=programme,
        by=facilitator,
        name="מחזור ב׳ · 2026–2027",
        start_date=CURRENT_START,
        end_date=dt.date(2027, 2, 21),
        capacity=24,
        reviews_per_candidate=3,
    )
    _quotas(cohort, spec, facilitator=facilitator, orgs=orgs)
    candidates = _nominate(cohort, spec, orgs=orgs, rng=rng, facilitator=facilitator)
    # The closing date is set once the nominations are in (it is past when the demo loads).
    cohort = programmes.cohort_update(
        cohort=cohort, by=facilitator, data={"nominations_close": dt.date(2026, 7, 15)}
    )
    reviewers = _reviewers(cohort, data, facilitator=facilitator, partner=partner, orgs=orgs)
    _conflict_in_directory(reviewers, candidates, orgs=orgs)
    _select(cohort, facilitator=facilitator, candidates=candidates, reviewers=reviewers, rng=rng)
    _run(cohort, data, facilitator=facilitator, rng=rng)
    return cohort


# ---------------------------------------------------------------- the earlier cohort


def _earlier_cohort(programme, data, *, facilitator: User, orgs, rng: random.Random) -> None:
    """The first cohort ran before Meshutaf: its graduates are entered as such, and some
    joined the alumni network, post asks and offers, mentor, and wrote testimonials."""
    cohort = programmes.cohort_create(
        programme=programme,
        by=facilitator,
        name="מחזור א׳ · 2025",
        start_date=dt.date(2025, 1, 12),
        end_date=dt.date(2025, 7, 6),
        capacity=20,
    )
    # It predates the platform: it never went through the phases here.
    Cohort.objects.filter(pk=cohort.pk).update(phase=CohortPhase.COMPLETED)
    keys = data["programme"]["nominating"]
    graduates = []
    for index, (name, local, _gender) in enumerate(_names(rng, 18)):
        organisation = orgs[keys[index % len(keys)]]
        person = person_create(by=facilitator, full_name=name, email=f"{local}@example.org")
        affiliation_add(
            person=person,
            by=facilitator,
            organisation=organisation,
            role_title=rng.choice(data["programme"]["roles"]),
            start_date=dt.date(2019, 1, 1),
        )
        user = None
        if index < 8:
            user = _account(f"merhav.alum{index + 1}", name, f"{local}@example.org")
            person.user = user
            person.save(update_fields=["user"])
            _member(programme.initiative, user, Role.PARTICIPANT, facilitator)
        graduates.append(
            Participant.objects.create(
                cohort=cohort,
                person=person,
                user=user,
                organisation=organisation,
                status=ParticipantStatus.GRADUATED,
            )
        )
    expertise = ["דיור ציבורי", "תעסוקה", "בריאות הקהילה", "חינוך בלתי פורמלי", "רכש ממשלתי"]
    profiles = []
    for index, graduate in enumerate(graduates[:8]):
        profile = alumni.alumni_profile_opt_in(
            programme=programme,
            user=graduate.user,
            role_title=rng.choice(data["programme"]["roles"]),
            organisation=graduate.organisation,
            bio=BIOS[index % len(BIOS)],
            expertise=expertise[index % len(expertise)],
            email=graduate.person.email,
            phone=f"050-555-01{index:02d}",
            visibility={"phone": "staff", "email": "alumni", "bio": "members"},
        )
        profiles.append(profile)
    for graduate in graduates[8:]:
        alumni.alumni_profile_add(
            programme=programme, by=facilitator, person=graduate.person, cohort=cohort
        )
    alumni.exchange_post(
        profile=profiles[0],
        by=profiles[0].user,
        kind="ask",
        text="מחפשת מישהו שהוביל קול קורא משותף עם ארגונים, לשיחה של חצי שעה.",
    )
    alumni.exchange_post(
        profile=profiles[1],
        by=profiles[1].user,
        kind="offer",
        text="אשמח לשתף את נוהל השותפות שכתבנו במחוז, עם הטעויות שעשינו בדרך.",
    )
    alumni.mentoring_offer_create(
        profile=profiles[2], by=profiles[2].user, topics="עבודה עם רשויות מקומיות", capacity=2
    )
    for profile, item in zip(profiles[3:], data["testimonial"], strict=False):
        testimonial = alumni.testimonial_submit(
            programme=programme,
            by=profile.user,
            language=item["language"],
            text=" ".join(item["text"].split()),
            consent_scope=item["scope"],
        )
        alumni.testimonial_review(testimonial=testimonial, by=facilitator, approve=True)
        if "translation_en" in item:
            alumni.testimonial_translate(
                original=testimonial,
                by=facilitator,
                language="en",
                text=" ".join(item["translation_en"].split()),
            )


# ---------------------------------------------------------------- nominations


def _quotas(cohort: Cohort, spec: dict[str, Any], *, facilitator: User, orgs) -> None:
    for key in spec["nominating"]:
        programmes.quota_create(
            cohort=cohort,
            by=facilitator,
            kind=QuotaKind.ORGANISATION,
            organisation=orgs[key],
            maximum=3,
        )
    programmes.quota_create(
        cohort=cohort, by=facilitator, kind=QuotaKind.SECTOR, value="local_authority", minimum=4
    )
    programmes.quota_create(
        cohort=cohort,
        by=facilitator,
        kind=QuotaKind.GENDER,
        value=Gender.WOMAN,
        minimum=12,
        binding=False,
    )


def _nominate(cohort, spec, *, orgs, rng: random.Random, facilitator: User) -> list[Nomination]:
    """Each director-general gets a link and nominates three or four; most candidates apply,
    two decline and one never answers."""
    people = iter(_names(rng, 60))
    candidates: list[Nomination] = []
    directors = iter(_names(rng, len(spec["nominating"])))
    for index, key in enumerate(spec["nominating"]):
        director, local, _gender = next(directors)
        # The director-general is in the directory, so a conflict with them can be found.
        dg = person_create(by=facilitator, full_name=director, email=f"dg.{local}@example.org")
        affiliation_add(
            person=dg,
            by=facilitator,
            organisation=orgs[key],
            role_title="מנכ״ל/ית",
            start_date=dt.date(2023, 1, 1),
        )
        link = nominations.invitation_create(
            cohort=cohort,
            by=facilitator,
            organisation=orgs[key],
            nominator_name=director,
            nominator_email=f"dg.{local}@example.org",
            max_nominations=4,
        ).invitation
        for _slot in range(4 if index % 3 == 0 else 3):
            name, local, gender = next(people)
            candidates.append(
                nominations.nomination_create_by_link(
                    invitation=link,
                    candidate_name=name,
                    candidate_email=f"{local}@example.org",
                    candidate_phone="",
                    rank=rng.choice(spec["ranks"]),
                    role_title=rng.choice(spec["roles"]),
                    gender=gender,
                    nominator_statement=rng.choice(spec["statements"]),
                ).nomination
            )
    referees = [name for name, _local, _gender in _names(rng, 12)]
    for position, nomination in enumerate(candidates):
        if position in (5, 22):
            nominations.candidate_decline(nomination=nomination)
            continue
        if position == 31:
            continue  # never answered the link
        nominations.candidate_consent(nomination=nomination)
        nominations.application_save(
            nomination=nomination,
            statement=rng.choice(spec["application_statements"]),
            leadership_example="הובלתי צוות בין-משרדי שכתב מחדש את נוהל ההתקשרות עם עמותות.",
            cv=SimpleUploadedFile("cv.pdf", _PDF, content_type="application/pdf"),
            referees=[
                {
                    "name": referees[position % len(referees)],
                    "role_title": "מנהל/ת ישיר/ה",
                    "email": f"referee.{position}@example.org",
                    "relation": "עבודה",
                }
            ],
            submit=True,
        )
    applied = [n for n in candidates if _refresh(n).status == NominationStatus.APPLIED]
    # Four calibration dossiers from four different ministries.
    anchors: dict[int, Nomination] = {}
    for nomination in applied:
        anchors.setdefault(nomination.organisation_id, nomination)
    for nomination in list(anchors.values())[::3][:4]:
        nominations.nomination_calibration_set(nomination=nomination, by=facilitator, anchor=True)
    return applied


def _refresh(nomination: Nomination) -> Nomination:
    nomination.refresh_from_db()
    return nomination


def _reviewers(cohort, data, *, facilitator: User, partner: User, orgs) -> list:
    """The steering committee: five invented members and the demo's partner."""
    users = [partner]
    for index, spec in enumerate(data["reviewer"]):
        user = _account(
            f"merhav.committee{index + 1}", spec["name"], f"committee{index + 1}@example.org"
        )
        person = person_create(by=facilitator, user=user, full_name=spec["name"], email=user.email)
        affiliation_add(
            person=person,
            by=facilitator,
            organisation=orgs[spec["org"]],
            role_title=spec["role"],
            start_date=dt.date(2021, 1, 1),
        )
        _member(cohort.programme.initiative, user, Role.PARTNER, facilitator)
        users.append(user)
    return [reviews.reviewer_add(cohort=cohort, user=user, by=facilitator) for user in users]


def _conflict_in_directory(reviewers, candidates: list[Nomination], *, orgs) -> None:
    """One reviewer used to work at the welfare ministry alongside one of its candidates: the
    directory's history makes the conflict that recuses her, found when reviews start. (The
    other candidates joined their ministries after she left.)"""
    marked = next(r for r in reviewers if r.person and r.person.full_name.startswith("רינה"))
    welfare = orgs["welfare"]
    candidate = next(
        n
        for n in candidates
        if n.organisation_id == welfare.pk and not n.calibration_anchor and n.candidate_person
    )
    affiliation_add(
        person=marked.person,
        by=None,
        organisation=welfare,
        role_title="מנהלת תחום",
        start_date=dt.date(2015, 1, 1),
        end_date=dt.date(2020, 12, 31),
    )
    for nomination in candidates:
        if nomination.candidate_person is not None:
            nomination.candidate_person.affiliations.filter(start_date__isnull=True).update(
                start_date=dt.date(2016, 9, 1) if nomination == candidate else dt.date(2021, 3, 1)
            )


# ---------------------------------------------------------------- selection


def _scores(review: Review, quality: float, leniency: float, rng: random.Random) -> list[ScoreIn]:
    items = []
    for criterion in review.rubric_version.criteria.all():
        if rng.random() < 0.04:
            items.append(ScoreIn(criterion.pk, None, cannot_judge=True))
            continue
        raw = quality + leniency + rng.gauss(0, 0.55)
        score = min(5, max(1, round(raw)))
        items.append(
            ScoreIn(
                criterion.pk,
                score,
                evidence=rng.choice(EVIDENCE),
                confidence=rng.choice([2, 3, 3]),
            )
        )
    return items


def _submit_all(reviews_, *, quality, leniency, rng, contested=frozenset()) -> None:
    """Submit every review; on a contested candidate the first reviewer saw far more in the
    dossier than the others (a real disagreement, not a lenient reviewer)."""
    seen: set[int] = set()
    for review in reviews_:
        surprise = 0.0
        if review.nomination_id in contested and review.nomination_id not in seen:
            surprise = 1.9
        seen.add(review.nomination_id)
        reviews.review_save(
            review=review,
            by=review.reviewer.user,
            scores=_scores(
                review,
                quality[review.nomination_id] + surprise,
                leniency[review.reviewer_id],
                rng,
            ),
            submit=True,
        )


def _select(cohort, *, facilitator: User, candidates, reviewers, rng: random.Random) -> None:
    quality = {n.pk: rng.gauss(3.3, 0.7) for n in candidates}
    offsets = [-0.6, 0.5, 0.0, -0.25, 0.4, 0.1]
    leniency = {r.pk: offsets[i % len(offsets)] for i, r in enumerate(reviewers)}

    def owed(phase: str):
        return (
            Review.objects.filter(reviewer__cohort=cohort, phase=phase, submitted_at__isnull=True)
            .select_related("reviewer__user", "rubric_version")
            .order_by("pk")
        )

    programmes.cohort_phase_advance(cohort=cohort, by=facilitator, to=CohortPhase.CALIBRATION)
    _submit_all(owed(ReviewPhase.CALIBRATION), quality=quality, leniency=leniency, rng=rng)
    programmes.cohort_phase_advance(cohort=cohort, by=facilitator, to=CohortPhase.FIRST_PASS)
    contested = frozenset(sorted(quality, key=lambda pk: abs(quality[pk] - 3.0))[:3])
    _submit_all(
        owed(ReviewPhase.FIRST_PASS),
        quality=quality,
        leniency=leniency,
        rng=rng,
        contested=contested,
    )
    programmes.cohort_phase_advance(cohort=cohort, by=facilitator, to=CohortPhase.DISCUSSION)
    # Two reviewers revise a review after the discussion of a contested candidate.
    revisited = (
        Review.objects.filter(
            reviewer__cohort=cohort,
            phase=ReviewPhase.FIRST_PASS,
            nomination_id__in=sorted(contested),
        )
        .select_related("reviewer__user", "nomination")
        .order_by("nomination_id", "pk")[:2]
    )
    for review in revisited:
        reviews.discussion_note_add(
            nomination=review.nomination,
            by=review.reviewer.user,
            text="בבקשה יש דוגמה חזקה לעבודה עם ארגונים שלא ראיתי בקריאה הראשונה.",
            allowed=True,
        )
        revised = reviews.review_revise(review=review, by=review.reviewer.user)
        reviews.review_save(
            review=revised,
            by=review.reviewer.user,
            scores=_scores(revised, quality[review.nomination_id] + 0.3, 0.0, rng),
            submit=True,
        )
    programmes.cohort_phase_advance(cohort=cohort, by=facilitator, to=CohortPhase.RECOMMENDATION)
    ranked = sorted(candidates, key=lambda n: -quality[n.pk])
    for place, nomination in enumerate(ranked):
        if place == 6:
            choice, rationale = (
                RecommendationChoice.DO_NOT_RECOMMEND,
                "המועמד עובר לתפקיד אחר בחודש הבא ולא יוכל להשתתף במפגשים.",
            )
        elif place < 27:
            choice, rationale = RecommendationChoice.RECOMMEND, ""
        else:
            choice, rationale = (
                RecommendationChoice.WAITLIST,
                "מועמדות טובה, אבל הדוגמאות לעבודה עם ארגונים עדיין מעטות; מתאימה למחזור הבא.",
            )
        selection.recommendation_record(
            nomination=nomination, by=facilitator, choice=choice, rationale=rationale
        )
    programmes.cohort_phase_advance(cohort=cohort, by=facilitator, to=CohortPhase.DECISION)
    proposal = selection.decision_propose(cohort=cohort)
    selection.decision_confirm(cohort=cohort, by=facilitator, fingerprint=proposal.fingerprint)
    programmes.cohort_phase_advance(cohort=cohort, by=facilitator, to=CohortPhase.RUNNING)


# ---------------------------------------------------------------- the programme running


def _run(cohort: Cohort, data, *, facilitator: User, rng: random.Random) -> None:
    participants = list(cohort.participants.select_related("person", "organisation"))
    day = CURRENT_START
    held = []
    for number, spec in enumerate(data["session"], start=1):
        session = sessions.session_create(
            cohort=cohort,
            by=facilitator,
            number=number,
            title=spec["title"],
            kind=SessionKind(spec["kind"]),
            starts_at=_at(day, 9),
            ends_at=_at(day, 15 if spec["kind"] != "field_tour" else 17),
            place=spec["place"],
            required=spec.get("required", True),
        )
        if session.starts_at <= timezone.now():  # the sessions held by the day it loads
            held.append(session)
        day += dt.timedelta(days=17)
    for index, session in enumerate(held, start=1):
        answers = 3 if index == WITH_FEEDBACK_THRESHOLD_MISSED else rng.randint(9, 16)
        for position, participant in enumerate(participants):
            draw = rng.random()
            status = (
                AttendanceStatus.PRESENT
                if draw < 0.82
                else AttendanceStatus.LATE
                if draw < 0.89
                else AttendanceStatus.EXCUSED
                if draw < 0.95
                else AttendanceStatus.ABSENT
            )
            sessions.attendance_mark(
                session=session, participant=participant, status=status, by=facilitator
            )
            if position < answers and status != AttendanceStatus.ABSENT:
                base = rng.choice([3, 4, 4, 5])
                sessions.feedback_submit(
                    participant=participant,
                    session=session,
                    ratings={
                        "relevance": base,
                        "quality": min(5, base + rng.choice([0, 0, 1])),
                        "facilitation": min(5, max(1, base + rng.choice([-1, 0, 1]))),
                        "usefulness": max(1, base - rng.choice([0, 1])),
                    },
                    comment=rng.choice(
                        [
                            "",
                            "הסיפור של הארגון היה מאיר עיניים.",
                            "הייתי רוצה יותר זמן לשיחה בקבוצות קטנות.",
                            "הכלים מתאימים בדיוק לעבודה שלי במחוז.",
                        ]
                    ),
                    now=session.ends_at,
                )
    first_end = held[0].ends_at
    codes = list(
        Criterion.objects.filter(version=cohort.rubric_version_id).values_list("code", flat=True)
    )
    for participant in participants[:20]:
        sessions.self_assessment_save(
            participant=participant,
            moment="before",
            ratings={code: rng.choice([2, 3, 3, 4]) for code in codes},
            now=first_end - dt.timedelta(hours=2),
        )
    _projects(cohort, data, participants, facilitator=facilitator, rng=rng)


def _projects(cohort, data, participants, *, facilitator: User, rng: random.Random) -> None:
    """Five inter-ministerial teams (no two members from one ministry while others are left),
    each with a sponsoring director-general and one of two coaches."""
    by_ministry: dict[int, list[Participant]] = {}
    for participant in participants:
        by_ministry.setdefault(participant.organisation_id or 0, []).append(participant)
    for group in by_ministry.values():
        rng.shuffle(group)
    # Deal the participants out ministry by ministry, so each team mixes ministries.
    dealt = [p for round_ in zip_longest(*by_ministry.values()) for p in round_ if p]
    teams: list[list[Participant]] = [[] for _ in data["project"]]
    for position, participant in enumerate(dealt):
        teams[position % len(teams)].append(participant)
    coaches = [
        person_create(by=facilitator, full_name=name, email=f"coach.{local}@example.org")
        for name, local, _gender in _names(rng, 2)
    ]
    sponsors = list(
        Nomination.objects.filter(cohort=cohort, nominator_person__isnull=False)
        .order_by("organisation_id")
        .values_list("nominator_person", flat=True)
        .distinct()
    )
    for index, spec in enumerate(data["project"]):
        project = projects.project_create(
            cohort=cohort,
            by=facilitator,
            title=spec["title"],
            challenge=spec["challenge"],
            sponsor=Person.objects.filter(pk__in=sponsors[index * 2 : index * 2 + 1]).first(),
            coach=coaches[index % len(coaches)],
            members=teams[index],
            status="active",
        )
        projects.milestone_add(
            project=project,
            by=facilitator,
            title="מיפוי השחקנים וראיונות",
            due_date=dt.date(2026, 11, 15),
        )
        done = projects.milestone_add(
            project=project, by=facilitator, title="הגדרת הבעיה", due_date=dt.date(2026, 10, 20)
        )
        projects.milestone_done(milestone=done, by=facilitator)
        projects.milestone_add(
            project=project,
            by=facilitator,
            title="הצגה בפני המנכ״לים",
            due_date=dt.date(2027, 2, 21),
        )
