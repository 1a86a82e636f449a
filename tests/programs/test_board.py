"""The selection board and the consensus queue: staff only (a reviewer who is a member gets
403, an outsider 404); which scores count (the latest phase, calibration anchors, never a
recused reviewer's); raw beside adjusted; the filters; the download; a flat query count."""

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from meshutaf.programs import tasks
from meshutaf.programs.models import (
    BoardSnapshot,
    Conflict,
    ConflictSource,
    CriterionScore,
    Review,
    Reviewer,
    ReviewPhase,
)
from meshutaf.programs.selectors import selection as selectors
from tests.factories import MembershipFactory, PersonFactory, UserFactory


def add_reviewer(cohort, name):
    user = UserFactory(username=name, first_name=name)
    MembershipFactory(initiative=cohort.programme.initiative, user=user, role="partner")
    return Reviewer.objects.create(
        cohort=cohort, user=user, person=PersonFactory(user=user, full_name=name)
    )


def score(reviewer, nomination, values, *, phase=ReviewPhase.FIRST_PASS, submitted=True):
    """A review with one score per criterion (None = cannot judge; a single number for all)."""
    criteria = list(nomination.cohort.rubric_version.criteria.all())
    if not isinstance(values, list | tuple):
        values = [values] * len(criteria)
    review = Review.objects.create(
        reviewer=reviewer,
        nomination=nomination,
        phase=phase,
        rubric_version=nomination.cohort.rubric_version,
        submitted_at=timezone.now() if submitted else None,
    )
    CriterionScore.objects.bulk_create(
        CriterionScore(
            review=review,
            criterion=criterion,
            score=value,
            cannot_judge=value is None,
            confidence=2,
        )
        for criterion, value in zip(criteria, values, strict=True)
    )
    return review


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def panel(cohort):
    return [add_reviewer(cohort, name) for name in ("harsh", "middle", "lenient")]


@pytest.fixture
def scored(cohort, nominate, panel):
    """Four candidates, each scored by all three reviewers; `harsh` a point below."""
    people = [nominate(name=f"Candidate {letter}") for letter in "ABCD"]
    truth = [4.5, 3.5, 3.0, 2.0]
    for nomination, level in zip(people, truth, strict=True):
        for reviewer, offset in zip(panel, (-1, 0, 0.5), strict=True):
            value = max(1, min(5, round(level + offset)))
            score(reviewer, nomination, value)
    return people


def board_row(data, nomination):
    return next(row for row in data.rows if row.nomination_id == nomination.pk)


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize(
    "name", ["board", "consensus", "decision", "decision_log", "decision_log_export"]
)
def test_staff_only_pages(name, cohort, reviewer, as_user, owner, member, outsider):
    url = reverse(f"programs:{name}", args=[cohort.pk])
    assert as_user(owner).get(url).status_code == 200
    assert as_user(member).get(url).status_code == 403  # a reviewer, not staff
    assert as_user(outsider).get(url).status_code == 404
    assert as_user(None).get(url).status_code == 302


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_board_export_staff_only(file_format, cohort, as_user, owner, member, outsider):
    url = reverse("programs:board_export", args=[cohort.pk, file_format])
    assert as_user(owner).get(url).status_code == 200
    assert as_user(member).get(url).status_code == 403
    assert as_user(outsider).get(url).status_code == 404


def test_unknown_export_format_is_404(cohort, as_user, owner):
    url = reverse("programs:board_export", args=[cohort.pk, "pdf"])
    assert as_user(owner).get(url).status_code == 404


# ---------------------------------------------------------------- what counts


def test_board_sorted_by_adjusted_with_raw_beside(cohort, scored, panel):
    data = selectors.board(cohort)
    assert [row.name for row in data.rows] == [
        "Candidate A",
        "Candidate B",
        "Candidate C",
        "Candidate D",
    ]
    first = data.rows[0]
    assert first.raw_mean is not None
    assert first.adjusted is not None
    assert first.low < first.adjusted < first.high
    assert first.band[0] == 1
    assert first.n_reviews == 3
    offsets = {r.name: r.offset for r in data.reviewers}
    assert offsets["harsh"] < offsets["middle"] < offsets["lenient"]
    assert [a.code for a in data.agreement] == [c.code for c in data.criteria]
    assert all(a.reading in {"good", "tentative", "low", "undefined"} for a in data.agreement)


def test_recused_reviewer_is_left_out(cohort, scored, panel):
    target = scored[0]
    Conflict.objects.create(
        reviewer=panel[0], nomination=target, source=ConflictSource.SAME_ORGANISATION
    )
    row = board_row(selectors.board(cohort), target)
    assert row.n_reviews == 2
    assert row.conflicts == 1
    # Waived: counted again (and the cache does not hide the change).
    Conflict.objects.filter(nomination=target).update(
        waived_at=timezone.now(), waiver_reason="Not the same unit", updated_at=timezone.now()
    )
    row = board_row(selectors.board(cohort), target)
    assert row.n_reviews == 3
    assert row.conflicts == 0


def test_latest_phase_replaces_the_first_pass(cohort, nominate, panel):
    nomination = nominate(name="Revised")
    other = nominate(name="Other")
    score(panel[0], nomination, 1)
    score(panel[1], nomination, 5)
    score(panel[0], other, 3)
    score(panel[1], other, 3)
    before = board_row(selectors.board(cohort), nomination)
    assert before.spread == pytest.approx(4)
    score(panel[0], nomination, 5, phase=ReviewPhase.DISCUSSION)
    score(panel[2], nomination, 2, phase=ReviewPhase.DISCUSSION, submitted=False)  # not counted
    after = board_row(selectors.board(cohort), nomination)
    assert after.n_reviews == 2
    assert after.raw_mean == pytest.approx(5)
    assert after.spread == pytest.approx(0)


def test_calibration_review_of_an_anchor_counts(cohort, nominate, panel):
    anchor = nominate(name="Anchor", calibration_anchor=True)
    for reviewer in panel:
        score(reviewer, anchor, 4, phase=ReviewPhase.CALIBRATION)
    row = board_row(selectors.board(cohort), anchor)
    assert row.n_reviews == 3
    assert row.raw_mean == pytest.approx(4)


def test_cannot_judge_is_counted_not_scored(cohort, nominate, panel):
    nomination = nominate(name="Partly")
    score(panel[0], nomination, [4, None, 4, 4, 4])
    score(panel[1], nomination, [None, None, None, None, None])
    row = board_row(selectors.board(cohort), nomination)
    assert row.n_cannot_judge == 6
    assert row.n_reviews == 2
    assert row.raw_mean == pytest.approx(4)


def test_consensus_queue(cohort, nominate, panel, as_user, owner):
    split = nominate(name="Split")
    calm = nominate(name="Calm")
    score(panel[0], split, 1)
    score(panel[1], split, 5)
    score(panel[0], calm, 3)
    score(panel[1], calm, 3)
    data = selectors.board(cohort)
    assert [row.name for row in data.queue] == ["Split"]
    page = as_user(owner).get(reverse("programs:consensus", args=[cohort.pk]))
    assert "Split" in page.content.decode()
    assert "Calm" not in page.content.decode()
    queue_only = as_user(owner).get(reverse("programs:board", args=[cohort.pk]) + "?queue=on")
    content = queue_only.content.decode()
    assert "Split" in content
    assert "Calm" not in content


def test_board_page(cohort, scored, ministries, as_user, owner):
    response = as_user(owner).get(reverse("programs:board", args=[cohort.pk]))
    content = response.content.decode()
    assert "Adjusted score (corrected for reviewers)" in content
    assert "Raw mean" in content
    assert '<bdi dir="ltr" class="num">1–' in content  # a rank band
    assert "points harsher than the average reviewer" in content
    assert "<caption" in content
    assert 'scope="col"' in content
    filtered = as_user(owner).get(
        reverse("programs:board", args=[cohort.pk]) + f"?organisation={ministries[1].pk}"
    )
    names = [n.candidate_name for n in scored if n.organisation_id == ministries[1].pk]
    assert names
    assert all(name in filtered.content.decode() for name in names)
    others = [n.candidate_name for n in scored if n.organisation_id != ministries[1].pk]
    assert not any(name in filtered.content.decode() for name in others)
    bad = as_user(owner).get(reverse("programs:board", args=[cohort.pk]) + "?organisation=x")
    assert bad.status_code == 200  # an unknown filter shows the whole board


def test_board_export_marks_raw_and_adjusted(cohort, nominate, panel, as_user, owner):
    formula = nominate(name="=HYPERLINK(1)")
    score(panel[0], formula, 3)
    url = reverse("programs:board_export", args=[cohort.pk, "csv"])
    text = as_user(owner).get(url).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert "adjusted score (model)" in rows[0]
    assert "raw mean" in rows[0]
    assert rows[1][3] == "'=HYPERLINK(1)"
    workbook = as_user(owner).get(reverse("programs:board_export", args=[cohort.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet.cell(row=2, column=4).value == "'=HYPERLINK(1)"


# ---------------------------------------------------------------- query count


def _fill(cohort, nominate, panel, count):
    for i in range(count):
        nomination = nominate(name=f"Q{i:03d}")
        for j, reviewer in enumerate(panel):
            if (i + j) % 3 != 2:
                score(reviewer, nomination, 1 + (i + j) % 5)
    Conflict.objects.create(
        reviewer=panel[0], nomination=nomination, source=ConflictSource.DECLARED
    )


@pytest.mark.parametrize("count", [5, 40])
def test_board_query_count_is_flat(
    count, cohort, nominate, panel, as_user, owner, django_assert_max_num_queries
):
    _fill(cohort, nominate, panel, count)
    client = as_user(owner)
    url = reverse("programs:board", args=[cohort.pk])
    with django_assert_max_num_queries(22):
        assert client.get(url).status_code == 200  # cold: the scores are read
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200  # warm: from the cache


# ---------------------------------------------------------------- the stored board


def _no_computing(*args, **kwargs):
    raise AssertionError("the board was computed instead of read")


def test_the_worker_stores_the_board_and_pages_read_it(
    cohort, scored, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.board_refresh_later(cohort.pk)
    snapshot = BoardSnapshot.objects.get(cohort=cohort)
    assert selectors.board_refresh(cohort) is False  # nothing changed since
    cache.clear()
    monkeypatch.setattr(selectors, "_read_scores", _no_computing)
    computed, fingerprint = selectors.scores(cohort)
    assert fingerprint == snapshot.fingerprint
    assert len(computed.result.candidates) == len(scored)


def test_a_stale_snapshot_is_never_shown(cohort, scored, panel):
    selectors.board_refresh(cohort)
    before = BoardSnapshot.objects.get(cohort=cohort).fingerprint
    extra = add_reviewer(cohort, "late")
    score(extra, scored[0], 1)
    cache.clear()
    computed, fingerprint = selectors.scores(cohort)
    assert fingerprint != before
    row = next(c for c in computed.result.candidates if c.id == str(scored[0].pk))
    assert row.n_reviewers == len(panel) + 1
    assert BoardSnapshot.objects.get(cohort=cohort).fingerprint == fingerprint


def test_refresh_of_a_cohort_that_is_gone_does_nothing(db):
    assert tasks.board_refresh.call(999_999) is False
