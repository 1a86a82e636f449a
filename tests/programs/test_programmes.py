"""Programme and cohort pages: who sees and changes what, the phase moving one step at a time,
quotas, and the rubric frozen once reviews start."""

import pytest
from django.urls import reverse

from meshutaf.programs.models import Cohort, CohortPhase, DecisionLogEntry, Programme, Quota
from meshutaf.programs.services import programmes as programmes_services
from meshutaf.programs.services import programmes as services
from tests.conftest import client_for
from tests.factories import OrganisationFactory


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 200), ("member", 200), ("participant", 200), ("outsider", 404)]
)
def test_programme_and_cohort_pages_by_role(request, cohort, who, status):
    client = client_for(request.getfixturevalue(who))
    initiative = cohort.programme.initiative
    for url in (
        reverse("programs:programme_list", args=[initiative.pk]),
        reverse("programs:programme", args=[cohort.programme_id]),
        reverse("programs:cohort", args=[cohort.pk]),
    ):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("outsider", 404)])
def test_only_staff_change_programmes(request, cohort, who, status):
    client = client_for(request.getfixturevalue(who))
    initiative = cohort.programme.initiative
    posts = [
        (reverse("programs:programme_create", args=[initiative.pk]), {"name": "X"}),
        (reverse("programs:programme_edit", args=[cohort.programme_id]), {"name": "X"}),
        (reverse("programs:cohort_create", args=[cohort.programme_id]), {"name": "X"}),
        (reverse("programs:cohort_edit", args=[cohort.pk]), {"name": "X"}),
        (reverse("programs:cohort_phase", args=[cohort.pk]), {"to": "calibration"}),
        (reverse("programs:quotas", args=[cohort.pk]), {"kind": "gender", "gender": "woman"}),
        (reverse("programs:rubric_version", args=[cohort.rubric_version_id]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == status, url
    assert Programme.objects.count() == 1
    assert Cohort.objects.get().phase == CohortPhase.NOMINATION
    assert not Quota.objects.exists()


def test_owner_creates_a_programme_with_the_default_rubric(initiative, owner):
    client = client_for(owner)
    response = client.post(
        reverse("programs:programme_create", args=[initiative.pk]),
        {"name": "מרחב", "description": "", "goals": ""},
    )
    programme = Programme.objects.get()
    assert response.status_code == 302
    version = programme.rubrics.get().versions.get()
    assert [c.code for c in version.criteria.all()] == [
        "leadership",
        "change",
        "teamwork",
        "social_awareness",
        "civil_society",
    ]
    assert version.criteria.get(code="teamwork").levels.count() == 3
    response = client.post(
        reverse("programs:cohort_create", args=[programme.pk]),
        {
            "name": "מחזור א",
            "start_date": "2027-03-01",
            "end_date": "2027-01-01",
            "capacity": 24,
            "reviews_per_candidate": 3,
            "consensus_spread": "1.5",
            "attendance_required_share": "0.8",
            "feedback_min_responses": 5,
        },
    )
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.content.decode()
    assert not Cohort.objects.exists()


def test_phase_moves_one_step_forward_and_is_logged(cohort, owner, nominate):
    url = reverse("programs:cohort_phase", args=[cohort.pk])
    client = client_for(owner)
    client.post(url, {"to": "first_pass"})
    cohort.refresh_from_db()
    assert cohort.phase == CohortPhase.NOMINATION
    client.post(url, {"to": "nonsense"})
    cohort.refresh_from_db()
    assert cohort.phase == CohortPhase.NOMINATION
    assert not DecisionLogEntry.objects.exists()


def test_rubric_freezes_and_refuses_edits(cohort, owner):
    version = cohort.rubric_version
    services.rubric_version_freeze(version=version, by=owner)
    client = client_for(owner)
    rows = {
        "form-TOTAL_FORMS": "5",
        "form-INITIAL_FORMS": "5",
        **{f"form-{i}-name_en": "Changed" for i in range(5)},
        **{f"form-{i}-weight": "2" for i in range(5)},
    }
    response = client.post(reverse("programs:rubric_version", args=[version.pk]), rows, follow=True)
    assert "This rubric version is frozen" in response.content.decode()
    assert not version.criteria.filter(name_en="Changed").exists()
    copy = services.rubric_version_new(version=version, by=owner)
    assert copy.number == 2
    assert not copy.frozen
    assert copy.criteria.count() == 5
    response = client.post(reverse("programs:rubric_version", args=[copy.pk]), rows)
    assert copy.criteria.filter(name_en="Changed", weight=2).count() == 5


def test_quota_form_refuses_bad_input(cohort, owner, ministries):
    client = client_for(owner)
    url = reverse("programs:quotas", args=[cohort.pk])
    response = client.post(url, {"kind": "organisation", "minimum": 2, "maximum": 1})
    body = response.content.decode()
    assert "Choose the ministry or authority." in body
    assert "“At most” cannot be less than “at least”." in body
    assert not Quota.objects.exists()
    response = client.post(
        url,
        {
            "kind": "organisation",
            "organisation": ministries[0].pk,
            "maximum": 3,
            "minimum": 0,
            "binding": "on",
        },
    )
    assert response.status_code == 302
    assert Quota.objects.get().maximum == 3


def test_cohort_page_query_count_flat(cohort, owner, django_assert_max_num_queries, nominate):
    client = client_for(owner)
    url = reverse("programs:cohort", args=[cohort.pk])
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200


def test_staff_edit_anchors_add_and_remove_criteria_until_frozen(cohort, owner, member):
    version = programmes_services.rubric_version_new(version=cohort.rubric_version, by=owner)
    client = client_for(owner)
    page = reverse("programs:rubric_version", args=[version.pk])
    criteria = list(version.criteria.all())
    rows = {"form-TOTAL_FORMS": str(len(criteria)), "form-INITIAL_FORMS": str(len(criteria))}
    for i, criterion in enumerate(criteria):
        rows |= {f"form-{i}-name_en": criterion.name_en, f"form-{i}-weight": "1"}
    rows["form-0-anchor_2_en"] = "Leads a meeting of peers from two offices."
    rows["form-0-anchor_5_he"] = ""
    assert client.post(page, rows).status_code == 302
    first = version.criteria.order_by("order").first()
    assert first.levels.get(score=2).anchor_en.startswith("Leads a meeting")
    assert not first.levels.filter(score=5).exists()  # every language emptied: no anchor
    add = reverse("programs:criterion_add", args=[version.pk])
    assert client_for(member).post(add, {"name_en": "Curiosity", "weight": "1"}).status_code == 403
    client.post(add, {"name_en": "", "name_he": "", "weight": "1"})
    assert version.criteria.count() == 5
    client.post(add, {"name_en": "Curiosity", "weight": "2"})
    added = version.criteria.get(code="curiosity")
    assert added.order == 5
    client.post(reverse("programs:criterion_remove", args=[added.pk]))
    assert not version.criteria.filter(code="curiosity").exists()
    use = reverse("programs:rubric_version_use", args=[version.pk])
    assert client.post(use, {"cohort": cohort.pk}).status_code == 302
    cohort.refresh_from_db()
    assert cohort.rubric_version == version
    programmes_services.rubric_version_freeze(version=version, by=owner)
    client.post(add, {"name_en": "Late", "weight": "1"})
    assert not version.criteria.filter(code="late").exists()
    assert client.post(use, {"cohort": "x"}).status_code == 302


def test_the_quota_form_finds_public_bodies_by_typing(cohort, owner, ministries):
    search = reverse("programs:pick_public_bodies", args=[cohort.pk])
    html = client_for(owner).get(reverse("programs:quotas", args=[cohort.pk])).text
    assert search in html
    found = client_for(owner).get(search, {"q": "ומשרד"}).json()["options"]
    assert sorted(option["label"] for option in found) == [
        "Ministry of Education",
        "Ministry of Welfare",
    ]
    # Only public bodies: a civil-society organisation with the same word is not offered.
    OrganisationFactory(name_he="משרד עורכי דין", name_en="A law office")
    labels = [o["label"] for o in client_for(owner).get(search, {"q": "משרד"}).json()["options"]]
    assert "A law office" not in labels
    assert client_for(owner).get(search, {"q": "x" * 200}).status_code == 400


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("outsider", 404)])
def test_only_the_cohorts_staff_search_its_public_bodies(request, cohort, ministries, who, status):
    search = reverse("programs:pick_public_bodies", args=[cohort.pk])
    response = client_for(request.getfixturevalue(who)).get(search, {"q": "משרד"})
    assert response.status_code == status
