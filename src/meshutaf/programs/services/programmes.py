"""Writes for programmes, cohorts, the cohort's phase, quotas and rubrics. Each caller has
already passed the object's gate (`permissions.py`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from meshutaf.core.services import model_delete, model_save, model_update

from .. import indexing
from ..models import (
    PHASE_ORDER,
    Cohort,
    CohortPhase,
    Criterion,
    DecisionLogEntry,
    Level,
    LogKind,
    Programme,
    Quota,
    Rubric,
    RubricVersion,
)
from ..rubric_defaults import DEFAULT_CRITERIA
from . import reviews

PROGRAMME_FIELDS = ("name", "description", "goals")
MAX_CRITERIA = 20
COHORT_FIELDS = (
    "name",
    "start_date",
    "end_date",
    "nominations_close",
    "capacity",
    "reviews_per_candidate",
    "consensus_spread",
    "attendance_required_share",
    "feedback_min_responses",
)


@transaction.atomic
def programme_create(*, initiative, by, name: str, **fields: Any) -> Programme:
    programme = model_save(
        Programme(initiative=initiative, name=name, created_by=by, **fields), by=by
    )
    rubric_default_create(programme=programme, by=by)
    indexing.index_programme(programme)
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, by, data: dict[str, Any]) -> Programme:
    programme, changed = model_update(instance=programme, fields=PROGRAMME_FIELDS, data=data, by=by)
    if changed:
        indexing.index_programme(programme)
    return programme


@transaction.atomic
def rubric_default_create(*, programme: Programme, by) -> RubricVersion:
    """The seed's five criteria, equally weighted, anchored at 1, 3 and 5, as version 1."""
    rubric = model_save(Rubric(programme=programme, name=_("Selection rubric")), by=by)
    version = model_save(RubricVersion(rubric=rubric, number=1), by=by)
    for order, default in enumerate(DEFAULT_CRITERIA):
        criterion = Criterion.objects.create(
            version=version,
            code=default.code,
            name_he=default.name["he"],
            name_ar=default.name["ar"],
            name_en=default.name["en"],
            order=order,
        )
        Level.objects.bulk_create(
            Level(
                criterion=criterion,
                score=score,
                anchor_he=texts["he"],
                anchor_ar=texts["ar"],
                anchor_en=texts["en"],
            )
            for score, texts in default.anchors.items()
        )
    return version


def programme_rubric_version(programme: Programme) -> RubricVersion | None:
    """The programme's newest rubric version, which new cohorts review against."""
    return (
        RubricVersion.objects.filter(rubric__programme=programme)
        .order_by("-rubric__pk", "-number")
        .first()
    )


@transaction.atomic
def rubric_version_new(*, version: RubricVersion, by) -> RubricVersion:
    """An editable copy of a (frozen) version, criteria and anchors included."""
    latest = version.rubric.versions.order_by("-number").values_list("number", flat=True)[0]
    copy = model_save(
        RubricVersion(
            rubric=version.rubric,
            number=latest + 1,
            scale_min=version.scale_min,
            scale_max=version.scale_max,
        ),
        by=by,
    )
    for criterion in version.criteria.prefetch_related("levels"):
        levels = list(criterion.levels.all())
        criterion.pk = None
        criterion.version = copy
        criterion.save()
        for level in levels:
            level.pk = None
            level.criterion = criterion
        Level.objects.bulk_create(levels)
    return copy


@transaction.atomic
def rubric_criteria_update(*, version: RubricVersion, by, rows: list[dict[str, Any]]) -> None:
    """Change the names, descriptions and weights of an unfrozen version's criteria, in
    their order."""
    version = RubricVersion.objects.select_for_update().get(pk=version.pk)
    rubric_version_editable(version)
    criteria = list(version.criteria.order_by("order", "pk"))
    if len(rows) != len(criteria):
        raise ValidationError(_("The rubric changed while you were editing it: reload the page."))
    for criterion, row in zip(criteria, rows, strict=True):
        for name in ("name_he", "name_ar", "name_en", "description", "weight"):
            setattr(criterion, name, row.get(name, getattr(criterion, name)))
        criterion.full_clean()
        criterion.save()
        for score, texts in (row.get("anchors") or {}).items():
            if not version.scale_min <= score <= version.scale_max:
                raise ValidationError(_("An anchor is outside the rubric's scale."))
            if not any(texts.values()):
                Level.objects.filter(criterion=criterion, score=score).delete()
                continue
            Level.objects.update_or_create(
                criterion=criterion,
                score=score,
                defaults={f"anchor_{language}": text for language, text in texts.items()},
            )


@transaction.atomic
def criterion_add(
    *, version: RubricVersion, by, name_he: str = "", name_en: str = "", weight=1
) -> Criterion:
    version = RubricVersion.objects.select_for_update().get(pk=version.pk)
    rubric_version_editable(version)
    if version.criteria.count() >= MAX_CRITERIA:
        raise ValidationError(
            _("A rubric has at most %(count)s criteria.") % {"count": MAX_CRITERIA}
        )
    base = slugify(name_en or "") or "criterion"
    code, n = base[:36], 1
    while version.criteria.filter(code=code).exists():
        n += 1
        code = f"{base[:33]}-{n}"
    last = version.criteria.order_by("-order").values_list("order", flat=True).first()
    criterion = Criterion(
        version=version,
        code=code,
        name_he=name_he.strip(),
        name_en=name_en.strip(),
        weight=weight,
        order=(last if last is not None else -1) + 1,
    )
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_remove(*, criterion: Criterion, by) -> None:
    version = RubricVersion.objects.select_for_update().get(pk=criterion.version_id)
    rubric_version_editable(version)
    if version.criteria.count() <= 1:
        raise ValidationError(_("A rubric keeps at least one criterion."))
    criterion.delete()


@transaction.atomic
def rubric_version_freeze(*, version: RubricVersion, by) -> RubricVersion:
    version = RubricVersion.objects.select_for_update().get(pk=version.pk)
    if version.frozen:
        return version
    if not version.criteria.exists():
        raise ValidationError(_("A rubric needs at least one criterion before it is frozen."))
    version.frozen_at = timezone.now()
    version.frozen_by = by
    version.save(update_fields=["frozen_at", "frozen_by"])
    return version


def rubric_version_editable(version: RubricVersion) -> None:
    if version.frozen:
        raise ValidationError(
            _("This rubric version is frozen: reviews use it. Make a new version to change it.")
        )


@transaction.atomic
def cohort_create(*, programme: Programme, by, name: str, **fields: Any) -> Cohort:
    cohort = model_save(
        Cohort(
            programme=programme,
            name=name,
            rubric_version=programme_rubric_version(programme),
            **fields,
        ),
        by=by,
    )
    return cohort


@transaction.atomic
def cohort_update(*, cohort: Cohort, by, data: dict[str, Any]) -> Cohort:
    end_date = cohort.end_date
    cohort, _changed = model_update(instance=cohort, fields=COHORT_FIELDS, data=data, by=by)
    if cohort.end_date != end_date:
        # Projects' follow-ups fall 6, 12 and 24 months after the cohort's end. (Imported
        # here: the projects service reads the programme's rubric from this module.)
        from .projects import cohort_follow_ups_ensure

        cohort_follow_ups_ensure(cohort=cohort)
    return cohort


@transaction.atomic
def cohort_rubric_set(*, cohort: Cohort, version: RubricVersion, by) -> Cohort:
    if version.rubric.programme_id != cohort.programme_id:
        raise ValidationError(_("That rubric belongs to another programme."))
    if cohort.phase_at_least(CohortPhase.CALIBRATION):
        raise ValidationError(_("Reviews have started: the cohort's rubric can no longer change."))
    cohort.rubric_version = version
    cohort.save(update_fields=["rubric_version", "updated_at"])
    return cohort


def log(
    *,
    cohort: Cohort,
    kind: str,
    by,
    reason: str = "",
    nomination=None,
    rank: int | None = None,
    decision: str = "",
) -> DecisionLogEntry:
    """Append to the cohort's decision log (append-only: nothing edits or deletes it)."""
    entry = DecisionLogEntry(
        cohort=cohort,
        nomination=nomination,
        kind=kind,
        rank=rank,
        decision=decision,
        reason=reason,
        by=by,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def cohort_phase_advance(*, cohort: Cohort, by, to: str) -> Cohort:
    """Move the cohort to the next phase (never back, never skipping one: what reviewers
    have been shown cannot be unshown). Entering calibration freezes the rubric; each review
    phase's assignments are made as it opens (`reviews.phase_entered`)."""
    cohort = (
        Cohort.objects.select_for_update(of=("self",))
        .select_related("rubric_version")
        .get(pk=cohort.pk)
    )
    if to not in PHASE_ORDER:
        raise ValidationError(_("Unknown phase."))
    current = PHASE_ORDER.index(cohort.phase)
    if PHASE_ORDER.index(to) != current + 1:
        raise ValidationError(
            _(
                "A cohort moves one phase at a time, forward: "
                "from “%(phase)s” the next is “%(next)s”."
            )
            % {
                "phase": CohortPhase(cohort.phase).label,
                "next": CohortPhase(PHASE_ORDER[min(current + 1, len(PHASE_ORDER) - 1)]).label,
            }
        )
    if to == CohortPhase.CALIBRATION:
        if cohort.rubric_version is None:
            raise ValidationError(_("Choose the cohort's rubric before reviews start."))
        rubric_version_freeze(version=cohort.rubric_version, by=by)
    reviews.phase_entered(cohort=cohort, phase=to, by=by)
    cohort.phase = to
    cohort.save(update_fields=["phase", "updated_at"])
    log(cohort=cohort, kind=LogKind.PHASE, by=by, reason=str(CohortPhase(to).label))
    return cohort


@transaction.atomic
def quota_create(*, cohort: Cohort, by, **fields: Any) -> Quota:
    return model_save(Quota(cohort=cohort, **fields), by=by)


@transaction.atomic
def quota_delete(*, quota: Quota, by) -> None:
    if quota.cohort.phase_at_least(CohortPhase.DECISION):
        raise ValidationError(_("The decision has started: its quotas can no longer change."))
    model_delete(quota, by=by)
