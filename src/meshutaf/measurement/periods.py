"""Reporting periods, written as short codes that sort and read well in files and URLs.

    2024          a calendar year
    2024-Q3       a quarter
    2024-07       a month
    2024/25       a school year, September 2024 to August 2025
    FY2024        a fiscal year; Israel's runs with the calendar year, so FY2024 is 2024

Each code parses to a `Period`: its type, its first and last day, and its time as a decimal
year at its start (2024-Q3 is 2024.5), which is what the progress and curve tests use. Pure:
no database.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class PeriodType(StrEnum):
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    SCHOOL_YEAR = "school_year"
    FISCAL_YEAR = "fiscal_year"


PERIOD_TYPE_LABELS = {
    PeriodType.YEAR: _("Year"),
    PeriodType.QUARTER: _("Quarter"),
    PeriodType.MONTH: _("Month"),
    PeriodType.SCHOOL_YEAR: _("School year (September–August)"),
    PeriodType.FISCAL_YEAR: _("Fiscal year"),
}

FISCAL_YEAR_START_MONTH = 1  # Israel's fiscal year is the calendar year

_PATTERNS: tuple[tuple[PeriodType, re.Pattern[str]], ...] = (
    (PeriodType.QUARTER, re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)),
    (PeriodType.MONTH, re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")),
    (PeriodType.SCHOOL_YEAR, re.compile(r"^(\d{4})\s*[/–-]\s*(\d{2}|\d{4})$")),
    (PeriodType.FISCAL_YEAR, re.compile(r"^FY\s*(\d{4})$", re.IGNORECASE)),
    (PeriodType.YEAR, re.compile(r"^(\d{4})(?:\.0)?$")),
)


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    type: PeriodType
    code: str

    @property
    def time(self) -> float:
        """The start as a decimal year: 2024-Q3 → 2024.5, 2024/25 → 2024.667."""
        year_start = dt.date(self.start.year, 1, 1)
        days = (dt.date(self.start.year + 1, 1, 1) - year_start).days
        return self.start.year + (self.start - year_start).days / days

    @property
    def label(self) -> str:
        return self.code

    def previous(self) -> Period:
        return period_before(self)

    def __str__(self) -> str:
        return self.code


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _make(kind: PeriodType, year: int, number: int = 0) -> Period:
    if not 1900 <= year <= 2200:
        raise PeriodError(_("The year %(year)s is out of range.") % {"year": year})
    if kind is PeriodType.YEAR:
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), kind, f"{year}")
    if kind is PeriodType.QUARTER:
        month = 3 * (number - 1) + 1
        return Period(
            dt.date(year, month, 1), _month_end(year, month + 2), kind, f"{year}-Q{number}"
        )
    if kind is PeriodType.MONTH:
        return Period(
            dt.date(year, number, 1), _month_end(year, number), kind, f"{year}-{number:02d}"
        )
    if kind is PeriodType.SCHOOL_YEAR:
        return Period(
            dt.date(year, 9, 1), dt.date(year + 1, 8, 31), kind, f"{year}/{(year + 1) % 100:02d}"
        )
    month = FISCAL_YEAR_START_MONTH
    start = dt.date(year if month == 1 else year - 1, month, 1)
    end = dt.date(start.year + 1, month, 1) - dt.timedelta(days=1)
    return Period(start, end, kind, f"FY{year}")


def parse_period(text: object, *, expected: PeriodType | str | None = None) -> Period:
    """The period a code names, or PeriodError with a message for the user. With `expected`,
    a period of another type is refused (a quarterly indicator takes quarters)."""
    raw = str(text if text is not None else "").strip()
    if len(raw) <= 16:
        # Pages parse the same few dozen codes thousands of times; errors are not cached.
        return _parse_cached(raw, None if expected is None else str(expected))
    return _parse(raw, expected)


@functools.lru_cache(maxsize=4096)
def _parse_cached(raw: str, expected: str | None) -> Period:
    return _parse(raw, expected)


def _parse(raw: str, expected: PeriodType | str | None) -> Period:
    for kind, pattern in _PATTERNS:
        match = pattern.match(raw)
        if not match:
            continue
        year = int(match.group(1))
        if kind is PeriodType.SCHOOL_YEAR:
            second = match.group(2)
            following = int(second) if len(second) == 4 else (year + 1) % 100
            if (len(second) == 4 and following != year + 1) or (
                len(second) == 2 and int(second) != (year + 1) % 100
            ):
                break
            period = _make(kind, year)
        elif kind in (PeriodType.QUARTER, PeriodType.MONTH):
            period = _make(kind, year, int(match.group(2)))
        else:
            period = _make(kind, year)
        if expected is not None and period.type != PeriodType(expected):
            raise PeriodError(
                _("“%(period)s” is not a %(type)s, which this indicator is reported by.")
                % {"period": raw, "type": str(PERIOD_TYPE_LABELS[PeriodType(expected)]).lower()}
            )
        return period
    raise PeriodError(
        _(
            "“%(period)s” is not a period. Write a year (2024), a quarter (2024-Q3), a month "
            "(2024-07), a school year (2024/25) or a fiscal year (FY2024)."
        )
        % {"period": raw[:40]}
    )


def period_before(period: Period) -> Period:
    if period.type is PeriodType.QUARTER:
        quarter = (period.start.month - 1) // 3 + 1
        year = period.start.year
        return (
            _make(period.type, year - 1, 4)
            if quarter == 1
            else _make(period.type, year, quarter - 1)
        )
    if period.type is PeriodType.MONTH:
        year, month = period.start.year, period.start.month
        return (
            _make(period.type, year - 1, 12) if month == 1 else _make(period.type, year, month - 1)
        )
    year = int(re.sub(r"\D", "", period.code)[:4])
    return _make(period.type, year - 1)


def periods_between(first: Period, last: Period) -> list[Period]:
    """Every period of `first`'s type from `first` to `last`, both included."""
    if first.type != last.type:
        raise PeriodError(_("Both periods must be of the same type."))
    found: list[Period] = []
    current = last
    while current.start >= first.start:
        found.append(current)
        current = period_before(current)
    return found[::-1]
