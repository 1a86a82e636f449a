"""What one viewer may see of stored values: the agreements' visibility (which values at
all) and small-number suppression of one value on its own (`shown_value`). Whole tables, where
complementary cells must be hidden too, are `tables`' business. See `selectors` for the rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from . import suppression
from .aggregation import Kind
from .intervals import Interval, interval_for
from .models import (
    Indicator,
    Observation,
    SharingAgreement,
    State,
    Visibility,
)
from .permissions import Viewer

PUBLISHED = (State.APPROVED, State.LOCKED)


# ---------------------------------------------------------------- visibility


def _allowed(viewer: Viewer) -> list[str]:
    return [Visibility.PUBLIC] if viewer.public else [Visibility.PUBLIC, Visibility.PARTNERS]


def observations_visible(
    viewer: Viewer, queryset: QuerySet[Observation] | None = None
) -> QuerySet[Observation]:
    """Current values `viewer` may see (before small-number suppression)."""
    queryset = (queryset if queryset is not None else Observation.objects.all()).filter(
        current=True
    )
    if viewer.backbone:
        return queryset
    today = timezone.localdate()
    agreement = SharingAgreement.objects.filter(
        partner=OuterRef("partner"),
        indicator=OuterRef("indicator"),
        visibility__in=_allowed(viewer),
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    published = Q(state__in=PUBLISHED) & (
        (Q(partner__isnull=True) & Q(indicator__visibility__in=_allowed(viewer)))
        | Q(Exists(agreement))
    )
    own = Q(partner_id__in=viewer.organisations) if viewer.organisations else Q(pk__in=[])
    return queryset.filter(published | own)


def sees_in_full(viewer: Viewer, partner_id: int | None) -> bool:
    """The backbone and a value's reporting partner see it unsuppressed."""
    return viewer.backbone or (partner_id is not None and partner_id in viewer.organisations)


# ---------------------------------------------------------------- one shown value


@dataclass(frozen=True)
class Shown:
    """A value as one viewer sees it."""

    value: float | None
    hidden: bool = False
    marker: str | None = None  # "<10" or "suppressed" when hidden
    small: bool = False  # a small count the viewer may see (marked for them)
    interval: Interval | None = None
    numerator: float | None = None
    denominator: float | None = None
    observation_id: int | None = None
    state: str = ""
    status: str = ""
    aggregated: bool = False


def _f(number: Decimal | None) -> float | None:
    return None if number is None else float(number)


def _count_of(indicator: Indicator, row) -> int | None:
    """The count suppression looks at: a count's value, a ratio's numerator."""
    number = (
        row.value if indicator.kind == Kind.COUNT else row.numerator if indicator.is_ratio else None
    )
    return None if number is None else max(0, round(float(number)))


def _interval(
    indicator: Indicator, value: float | None, numerator, denominator, standard_error, n=None
) -> Interval | None:
    try:
        return interval_for(
            indicator.kind,
            value=value,
            numerator=numerator,
            denominator=denominator,
            per=indicator.per if indicator.kind == Kind.RATE else 1.0,
            standard_error=standard_error,
            n=n,
        )
    except (ValueError, TypeError):
        return None


def shown_value(
    viewer: Viewer,
    indicator: Indicator,
    row,
    *,
    cell: suppression.ShownCell | None = None,
    with_interval: bool = True,
) -> Shown:
    """One stored value (an Observation or a row with its fields) for `viewer`: primary
    suppression, or the given table `cell`'s verdict when the value sits in a table. Without
    `with_interval` (a sparkline's points), the interval is not computed."""
    full = sees_in_full(viewer, row.partner_id)
    count = _count_of(indicator, row)
    value = _f(row.value)
    common = {
        "observation_id": row.pk,
        "state": row.state,
        "status": row.status,
    }
    if count is not None:
        if cell is None:
            cell = suppression.cell_view(
                key=row.pk, count=count, k=indicator.suppression_k, viewer_may_see_all=full
            )
        elif full and cell.hidden:
            cell = suppression.ShownCell(key=cell.key, count=count, reason=cell.reason, k=cell.k)
        if indicator.is_ratio:
            rate = suppression.rate_view(
                numerator=count,
                denominator=max(0, round(float(row.denominator or 0))),
                per=1.0,
                k=indicator.suppression_k,
                viewer_may_see_all=full,
                cells=[cell],
                proportion=indicator.kind == Kind.PROPORTION,
            )
            if rate.hidden:
                # Never "<10" for a rate: it would read as a value below ten (per cent).
                return Shown(value=None, hidden=True, marker="suppressed", **common)
        elif cell.hidden:
            return Shown(value=None, hidden=True, marker=cell.marker, **common)
    interval = (
        _interval(indicator, value, _f(row.numerator), _f(row.denominator), _f(row.standard_error))
        if with_interval
        else None
    )
    return Shown(
        value=value,
        small=bool(cell and cell.reason is not suppression.Reason.SHOWN),
        interval=interval,
        numerator=_f(row.numerator),
        denominator=_f(row.denominator),
        **common,
    )
