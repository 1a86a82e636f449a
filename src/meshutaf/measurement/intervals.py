"""Confidence intervals for indicator values, and the "unreliable" flag. Pure scipy, no
database: every value a page shows comes with the range it could plausibly be.

The method follows the indicator's kind (issue 14, "The math"):

- **proportion**: the Wilson score interval (Wilson 1927; recommended over the textbook Wald
  interval by Brown, Cai & DasGupta 2001 and Newcombe 1998, because it stays inside 0…1 and
  keeps its coverage for small n and proportions near 0 or 1). Same formula as SciPy's
  `binomtest(x, n).proportion_ci(method="wilson")`. n = 0 has no interval (None).
- **count**: the exact Poisson interval of Garwood (1936): low = χ²(α/2; 2x)/2 (0 when x = 0),
  high = χ²(1 − α/2; 2x + 2)/2. A count of 0 still has an upper bound (3.689 at 95%).
- **rate per N** (count / exposure × N): the count's Garwood interval scaled by N / exposure,
  the exposure (population, person-years) taken as known. Exposure 0 has no interval.
- **survey estimates** (any kind with a given standard error, as a survey's design-based SE
  accounts for weighting and clustering): estimate ± z·SE. A **mean** with its n uses
  Student's t with n − 1 degrees of freedom instead of z. An **index** has an interval only
  with a given SE.

The relative standard error (RSE) is SE / |estimate|: 1/√x for counts and rates (the Poisson
SE √x over x), √((1 − p) / (n·p)) for proportions, the given SE over the estimate for survey
estimates. Above 30% the value is flagged `unreliable`, the threshold the US NCHS and CDC use
to mark estimates that should not be trusted alone. When the estimate is 0 the RSE is undefined:
`relative_standard_error` is None and `unreliable` is False, because the rule cannot speak;
the interval itself (e.g. 0 to 3.689 for a count of 0) shows the uncertainty, and small counts
are handled separately by suppression.

Inputs may be non-integer (weighted numerators); the formulas then use the gamma/beta
continuation of the integer case.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from scipy.special import gammaincinv, ndtri
from scipy.stats import t as student_t

from .aggregation import Kind, ObservationValue

UNRELIABLE_RSE = 0.30
DEFAULT_LEVEL = 0.95
# Field names for error messages, translated only if an error is shown.
_NUMERATOR, _DENOMINATOR = gettext_lazy("The numerator"), gettext_lazy("The denominator")
_MULTIPLIER, _COUNT = gettext_lazy("The multiplier"), gettext_lazy("The count")
_STANDARD_ERROR = gettext_lazy("The standard error")


class Method(StrEnum):
    WILSON = "wilson"
    GARWOOD = "garwood"
    NORMAL = "normal"
    STUDENT_T = "student_t"


@dataclass(frozen=True)
class Interval:
    """An estimate with its interval at `level`, the method used, and its reliability."""

    estimate: float
    low: float
    high: float
    level: float
    method: Method
    relative_standard_error: float | None
    unreliable: bool


def _level(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(
            _("The confidence level must be between 0 and 1, not %(level)r.") % {"level": level}
        )
    return float(level)


def _non_negative(name: object, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(
            _("%(name)s must be a finite number, not %(value)r.") % {"name": name, "value": value}
        )
    if value < 0:
        raise ValueError(_("%(name)s cannot be negative.") % {"name": name})
    return float(value)


def _interval(
    estimate: float, low: float, high: float, level: float, method: Method, rse: float | None
) -> Interval:
    return Interval(
        estimate=estimate,
        low=low,
        high=high,
        level=level,
        method=method,
        relative_standard_error=rse,
        unreliable=rse is not None and rse > UNRELIABLE_RSE,
    )


def relative_standard_error(estimate: float, standard_error: float) -> float | None:
    """SE / |estimate|; None when the estimate is 0 (undefined)."""
    if estimate == 0:
        return None
    return standard_error / abs(estimate)


def wilson_interval(
    numerator: float, denominator: float, *, level: float = DEFAULT_LEVEL
) -> Interval | None:
    """The Wilson score interval of numerator / denominator; None when the denominator is 0.
    A numerator outside 0…denominator is a ValueError."""
    level = _level(level)
    x = _non_negative(_NUMERATOR, numerator)
    n = _non_negative(_DENOMINATOR, denominator)
    if x > n:
        raise ValueError(
            _("The numerator (%(numerator)g) cannot be above the denominator (%(denominator)g).")
            % {"numerator": x, "denominator": n}
        )
    if n == 0:
        return None
    p = x / n
    z = float(ndtri(0.5 + 0.5 * level))
    # Newcombe's (1998) arrangement, as SciPy writes it, so both agree to the last bits.
    denom = 2 * (n + z**2)
    center = (2 * n * p + z**2) / denom
    delta = z / denom * math.sqrt(4 * n * p * (1 - p) + z**2)
    low = 0.0 if x == 0 else center - delta
    high = 1.0 if x == n else center + delta
    rse = None if p == 0 else math.sqrt((1 - p) / (n * p))
    return _interval(p, low, high, level, Method.WILSON, rse)


def garwood_interval(count: float, *, level: float = DEFAULT_LEVEL) -> Interval:
    """The exact Poisson interval of a count (Garwood 1936)."""
    level = _level(level)
    x = _non_negative(_COUNT, count)
    alpha = 1 - level
    # χ²(q; 2x)/2, the textbook form, is the inverse regularised gamma function at x, which
    # SciPy computes directly, some thirty times faster than through chi2.ppf.
    low = 0.0 if x == 0 else float(gammaincinv(x, alpha / 2))
    high = float(gammaincinv(x + 1, 1 - alpha / 2))
    rse = None if x == 0 else 1 / math.sqrt(x)
    return _interval(x, low, high, level, Method.GARWOOD, rse)


def rate_interval(
    count: float, exposure: float, *, per: float = 1.0, level: float = DEFAULT_LEVEL
) -> Interval | None:
    """The Garwood interval of count / exposure × per; None when the exposure is 0."""
    exposure = _non_negative(_DENOMINATOR, exposure)
    per = _non_negative(_MULTIPLIER, per)
    if per == 0:
        raise ValueError(_("The multiplier of a rate must be positive."))
    counted = garwood_interval(count, level=level)
    if exposure == 0:
        return None
    scale = per / exposure
    return _interval(
        counted.estimate * scale,
        counted.low * scale,
        counted.high * scale,
        counted.level,
        Method.GARWOOD,
        counted.relative_standard_error,
    )


def normal_interval(
    estimate: float, standard_error: float, *, level: float = DEFAULT_LEVEL
) -> Interval:
    """estimate ± z·SE, for survey estimates that come with their standard error."""
    level = _level(level)
    if (
        isinstance(estimate, bool)
        or not isinstance(estimate, numbers.Real)
        or not math.isfinite(estimate)
    ):
        raise ValueError(
            _("The estimate must be a finite number, not %(value)r.") % {"value": estimate}
        )
    error = _non_negative(_STANDARD_ERROR, standard_error)
    half = float(ndtri(0.5 + 0.5 * level)) * error
    return _interval(
        float(estimate),
        estimate - half,
        estimate + half,
        level,
        Method.NORMAL,
        relative_standard_error(estimate, error),
    )


def mean_interval(
    mean: float, standard_error: float, *, n: int | None = None, level: float = DEFAULT_LEVEL
) -> Interval:
    """A mean ± t·SE with n − 1 degrees of freedom when n ≥ 2 is known, else ± z·SE."""
    interval = normal_interval(mean, standard_error, level=level)
    if n is None or n < 2:
        return interval
    half = float(student_t.ppf(0.5 + 0.5 * interval.level, n - 1)) * standard_error
    return _interval(
        interval.estimate,
        interval.estimate - half,
        interval.estimate + half,
        interval.level,
        Method.STUDENT_T,
        interval.relative_standard_error,
    )


def interval_for(
    kind: Kind | str,
    *,
    value: float | None = None,
    numerator: float | None = None,
    denominator: float | None = None,
    per: float = 1.0,
    n: int | None = None,
    standard_error: float | None = None,
    level: float = DEFAULT_LEVEL,
) -> Interval | None:
    """The interval an indicator of this kind gets (see the module's docstring), or None when
    there is none: a 0 denominator, or a mean or index without a standard error.

    A given standard error wins over the kind's own method: it is a survey's design-based SE.
    Proportions and rates read the numerator and denominator, counts, means and indices the
    value.
    """
    kind = Kind(kind)
    if kind in (Kind.PROPORTION, Kind.RATE):
        if numerator is None or denominator is None:
            raise ValueError(_("A proportion or a rate needs a numerator and a denominator."))
        if standard_error is not None:
            if denominator == 0:
                return None
            estimate = numerator / denominator * (per if kind is Kind.RATE else 1.0)
            return normal_interval(estimate, standard_error, level=level)
        if kind is Kind.PROPORTION:
            return wilson_interval(numerator, denominator, level=level)
        return rate_interval(numerator, denominator, per=per, level=level)
    if value is None:
        raise ValueError(_("A value is needed."))
    if kind is Kind.COUNT and standard_error is None:
        return garwood_interval(value, level=level)
    if standard_error is None:
        return None
    if kind is Kind.MEAN:
        return mean_interval(value, standard_error, n=n, level=level)
    return normal_interval(value, standard_error, level=level)


def interval_of(observation: ObservationValue, *, level: float = DEFAULT_LEVEL) -> Interval | None:
    """The interval of an observation value, reported or aggregated."""
    return interval_for(
        observation.kind,
        value=observation.value,
        numerator=observation.numerator,
        denominator=observation.denominator,
        per=observation.per,
        n=observation.n,
        standard_error=observation.standard_error,
        level=level,
    )
