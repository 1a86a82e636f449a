"""Inter-ministerial projects: the team from the cohort (warned, not refused, when it is from
one ministry), milestones by the team, follow-ups at 6, 12 and 24 months, the final review on
the rubric with raw and adjusted results, permissions and flat query counts."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meshutaf.core.access import Role
from meshutaf.programs.models import FollowUp, Milestone, Participant, Project
from meshutaf.programs.selectors import projects as selectors
from meshutaf.programs.services import programmes
from meshutaf.programs.services import projects as services
from tests.factories import MembershipFactory, PersonFactory, UserFactory


def member_of(cohort, organisation, user=None, name=None):
    return Participant.objects.create(
        cohort=cohort,
        person=PersonFactory(user=user, **({"full_name": name} if name else {})),
        user=user,
        organisation=organisation,
    )


@pytest.fixture
def team(cohort, ministries, enrolled):
    enrolled.organisation = ministries[0]
    enrolled.save()
    return [enrolled, member_of(cohort, ministries[1]), member_of(cohort, ministries[2])]


@pytest.fixture
def project(cohort, owner, team):
    return services.project_create(
        cohort=cohort,
        by=owner,
        title="חלון אחד לעסקים קטנים",
        challenge="עסק קטן פונה לשבעה משרדים",
        sponsor=PersonFactory(full_name="מנכ״לית המשרד"),
        coach=PersonFactory(full_name="מאמן"),
        members=team,
    )


# ---------------------------------------------------------------- the project and its team


def test_create_with_a_team_and_follow_ups(project, team):
    assert set(project.members.all()) == set(team)
    follow_ups = list(project.follow_ups.order_by("months"))
    assert [(f.months, f.due_date) for f in follow_ups] == [
        (6, dt.date(2028, 1, 1)),
        (12, dt.date(2028, 7, 1)),
        (24, dt.date(2029, 7, 1)),
    ]
    assert selectors.team_single_ministry(team) is None


def test_a_team_from_one_ministry_is_warned_not_refused(as_user, cohort, owner, ministries):
    same = [member_of(cohort, ministries[0]), member_of(cohort, ministries[0])]
    url = reverse("programs:project_create", args=[cohort.pk])
    response = as_user(owner).post(
        url,
        {"title": "פרויקט", "status": "forming", "members": [p.pk for p in same]},
        follow=True,
    )
    assert response.status_code == 200
    assert Project.objects.count() == 1
    assert "inter-ministerial" in response.content.decode()
    assert selectors.team_single_ministry(same) == str(ministries[0])


def test_members_from_another_cohort_are_refused(cohort, programme, owner, ministries):
    other = programmes.cohort_create(programme=programme, by=owner, name="מחזור א")
    stranger = member_of(other, ministries[0])
    with pytest.raises(ValidationError):
        services.project_create(cohort=cohort, by=owner, title="x", members=[stranger])
    with pytest.raises(ValidationError):
        services.project_create(cohort=cohort, by=owner, title="  ")
    with pytest.raises(ValidationError):
        services.project_create(cohort=cohort, by=owner, title="x", status="dreaming")
    assert not Project.objects.exists()


def test_follow_ups_wait_for_the_cohorts_end_date(programme, owner):
    open_ended = programmes.cohort_create(programme=programme, by=owner, name="ללא תאריך")
    project = services.project_create(cohort=open_ended, by=owner, title="x")
    assert not project.follow_ups.exists()
    programmes.cohort_update(cohort=open_ended, by=owner, data={"end_date": dt.date(2030, 6, 30)})
    services.cohort_follow_ups_ensure(cohort=open_ended)
    assert sorted(project.follow_ups.values_list("due_date", flat=True)) == [
        dt.date(2030, 12, 30),
        dt.date(2031, 6, 30),
        dt.date(2032, 6, 30),
    ]


def test_follow_ups_due_and_recorded(as_user, programme, project, owner, member, outsider):
    due = selectors.follow_ups_due(programme=programme, today=dt.date(2028, 1, 10))
    assert [f.months for f in due] == [6]
    url = reverse("programs:follow_ups", args=[programme.pk])
    assert as_user(owner).get(url).status_code == 200
    assert as_user(member).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 404
    six = due[0]
    with pytest.raises(ValidationError):
        services.follow_up_record(follow_up=six, by=owner, status="done")  # says nothing
    with pytest.raises(ValidationError):
        services.follow_up_record(follow_up=six, by=owner, status="lost")
    record = reverse("programs:follow_up", args=[six.pk])
    assert as_user(member).post(record, {"status": "done"}).status_code == 403
    response = as_user(owner).post(
        record, {"status": "done", "still_active": "true", "outcome": "פועל בשני משרדים"}
    )
    assert response.status_code == 302
    six.refresh_from_db()
    assert six.still_active is True
    assert selectors.follow_ups_due(programme=programme, today=dt.date(2028, 1, 10)) == []


# ---------------------------------------------------------------- milestones


def test_team_members_and_staff_update_milestones(
    as_user, project, participant, owner, member, outsider
):
    url = reverse("programs:milestone_add", args=[project.pk])
    assert as_user(outsider).post(url, {"title": "x"}).status_code == 404
    assert as_user(member).post(url, {"title": "x"}).status_code == 403
    assert (
        as_user(participant).post(url, {"title": "מיפוי", "due_date": "2027-03-01"}).status_code
        == 302
    )
    assert as_user(owner).post(url, {"title": "פיילוט"}).status_code == 302
    milestone = Milestone.objects.get(title="מיפוי")
    done = reverse("programs:milestone_done", args=[milestone.pk])
    assert as_user(member).post(done).status_code == 403
    assert as_user(participant).post(done, {"done": "1"}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_at is not None
    as_user(participant).post(done, {"done": "0"})
    milestone.refresh_from_db()
    assert milestone.done_at is None


def test_a_milestone_without_a_title_is_refused(as_user, project, participant):
    url = reverse("programs:milestone_add", args=[project.pk])
    as_user(participant).post(url, {"title": "", "due_date": "2027-03-01"})
    as_user(participant).post(url, {"title": "x", "due_date": "soon"})
    assert not Milestone.objects.exists()
    with pytest.raises(ValidationError):
        services.milestone_add(project=project, by=participant, title="   ")


# ---------------------------------------------------------------- pages and permissions


def test_pages_by_role(as_user, cohort, project, owner, member, participant, outsider):
    for name, args in (("programs:projects", [cohort.pk]), ("programs:project", [project.pk])):
        url = reverse(name, args=args)
        for user in (owner, member, participant):
            assert as_user(user).get(url).status_code == 200
        assert as_user(outsider).get(url).status_code == 404
    for name, args in (
        ("programs:project_create", [cohort.pk]),
        ("programs:project_edit", [project.pk]),
        ("programs:project_reviewers", [project.pk]),
    ):
        url = reverse(name, args=args)
        assert as_user(owner).get(url).status_code == 200
        assert as_user(member).get(url).status_code == 403
        assert as_user(outsider).get(url).status_code == 404


def test_edit_keeps_the_team_in_the_cohort(as_user, project, owner, team):
    url = reverse("programs:project_edit", args=[project.pk])
    response = as_user(owner).post(
        url, {"title": "חלון אחד", "status": "active", "members": [team[0].pk, team[1].pk]}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == "active"
    assert project.members.count() == 2


def test_projects_list_query_count_is_flat(
    as_user, cohort, owner, member, ministries, django_assert_max_num_queries
):
    def add(count, start=0):
        for number in range(start, start + count):
            members = [member_of(cohort, ministries[i % 3]) for i in range(3)]
            project = services.project_create(
                cohort=cohort,
                by=owner,
                title=f"פרויקט {number}",
                members=members,
                sponsor=PersonFactory(),
                coach=PersonFactory(),
            )
            services.milestone_add(project=project, by=owner, title="שלב")

    url = reverse("programs:projects", args=[cohort.pk])
    for viewer in (owner, member):
        client = as_user(viewer)
        add(1, start=100 * viewer.pk)
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        add(8, start=100 * viewer.pk + 1)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(url)
        assert response.content.decode().count("פרויקט ") >= 9


# ---------------------------------------------------------------- the final review


@pytest.fixture
def reviewers(initiative, member):
    more = [UserFactory(username=f"reviewer{n}") for n in range(2)]
    for user in more:
        MembershipFactory(initiative=initiative, user=user, role=Role.PARTNER)
    return [member, *more]


def scores_for(review, value, cannot_judge_first=False):
    criteria = list(review.rubric_version.criteria.all())
    return {
        criterion.pk: (
            {"cannot_judge": True}
            if cannot_judge_first and index == 0
            else {"score": value, "confidence": 2, "evidence": "ראיתי"}
        )
        for index, criterion in enumerate(criteria)
    }


def test_review_on_the_cohorts_rubric_with_raw_and_adjusted(
    cohort, project, owner, reviewers, team, ministries
):
    other = services.project_create(
        cohort=cohort, by=owner, title="שני", members=[member_of(cohort, ministries[1])]
    )
    for target in (project, other):
        services.project_reviewers_set(project=target, by=owner, reviewers=reviewers)
    assert {r.rubric_version_id for r in project.reviews.all()} == {cohort.rubric_version_id}
    for offset, reviewer in enumerate(reviewers):
        for target, base in ((project, 4), (other, 2)):
            review = target.reviews.get(reviewer=reviewer)
            services.project_review_submit(
                review=review,
                by=reviewer,
                scores=scores_for(review, base + offset % 2 - 0),
                note="",
            )
    results = selectors.project_results(cohort=cohort)
    assert results[project.pk].n_reviewers == 3
    assert results[project.pk].raw_mean is not None
    assert results[project.pk].adjusted is not None
    assert results[project.pk].rank == 1
    assert results[other.pk].rank == 2
    cohort.rubric_version.refresh_from_db()
    assert cohort.rubric_version.frozen


def test_bad_reviews_are_refused_and_nothing_written(project, owner, reviewers, outsider):
    with pytest.raises(ValidationError):
        services.project_reviewers_set(project=project, by=owner, reviewers=[outsider])
    services.project_reviewers_set(project=project, by=owner, reviewers=reviewers[:1])
    review = project.reviews.get()
    for bad in (9, 0, None, "4"):
        with pytest.raises(ValidationError):
            services.project_review_submit(
                review=review, by=reviewers[0], scores=scores_for(review, bad)
            )
    with pytest.raises(ValidationError):
        services.project_review_submit(review=review, by=owner, scores=scores_for(review, 3))
    review.refresh_from_db()
    assert review.submitted_at is None
    assert not review.scores.exists()
    services.project_review_submit(
        review=review, by=reviewers[0], scores=scores_for(review, 3, cannot_judge_first=True)
    )
    assert review.scores.filter(cannot_judge=True, score__isnull=True).count() == 1
    with pytest.raises(ValidationError):
        services.project_review_submit(review=review, by=reviewers[0], scores=scores_for(review, 3))


def test_another_version_of_the_programmes_rubric_may_be_chosen(
    cohort, programme, project, owner, reviewers
):
    newer = programmes.rubric_version_new(version=cohort.rubric_version, by=owner)
    services.project_reviewers_set(
        project=project, by=owner, reviewers=reviewers, rubric_version=newer
    )
    assert {r.rubric_version_id for r in project.reviews.all()} == {newer.pk}
    elsewhere = programmes.programme_create(initiative=programme.initiative, by=owner, name="אחרת")
    foreign = programmes.programme_rubric_version(elsewhere)
    with pytest.raises(ValidationError):
        services.project_reviewers_set(
            project=project, by=owner, reviewers=reviewers, rubric_version=foreign
        )


def test_review_page_is_the_reviewers_own(as_user, project, owner, reviewers, outsider):
    services.project_reviewers_set(project=project, by=owner, reviewers=reviewers[:1])
    review = project.reviews.get()
    url = reverse("programs:project_review", args=[review.pk])
    assert as_user(reviewers[0]).get(url).status_code == 200
    assert as_user(owner).get(url).status_code == 404
    assert as_user(outsider).get(url).status_code == 404
    form = {"note": "טוב"}
    for criterion in review.rubric_version.criteria.all():
        form[f"criterion_{criterion.pk}"] = "4"
        form[f"criterion_{criterion.pk}_confidence"] = "3"
    assert as_user(reviewers[0]).post(url, form).status_code == 302
    review.refresh_from_db()
    assert review.submitted_at is not None
    page = as_user(owner).get(reverse("programs:project", args=[project.pk])).content.decode()
    assert "Raw mean" in page
    assert "Adjusted" in page
    member_page = as_user(reviewers[1]).get(reverse("programs:project", args=[project.pk]))
    assert "Raw mean" not in member_page.content.decode()


def test_follow_up_rows_exist_once(project):
    services.follow_ups_ensure(project=project)
    assert FollowUp.objects.filter(project=project).count() == 3
