"""Calendar arithmetic for the My meetings calendar, with no database: which days a month or a
week view shows, parsing the `?month=` and `?week=` of its address, and the Hebrew-calendar
date of a day (in Hebrew numerals, or transliterated) computed with pyluach."""

import datetime
from dataclasses import dataclass

from pyluach import dates as hebrew

# The years the calendar pages accept: wide enough for any real meeting, narrow enough that
# moving a month or a week from either end stays a valid date.
MIN_YEAR = 1900
MAX_YEAR = 2200

# Hebrew months (pyluach numbers them from Nisan = 1; 13 is Adar II in a leap year).
_LATIN_MONTHS = {
    1: "Nisan",
    2: "Iyar",
    3: "Sivan",
    4: "Tammuz",
    5: "Av",
    6: "Elul",
    7: "Tishrei",
    8: "Cheshvan",
    9: "Kislev",
    10: "Tevet",
    11: "Shevat",
    12: "Adar",
    13: "Adar II",
}
_ARABIC_MONTHS = {
    1: "نيسان",
    2: "أيار",
    3: "سيفان",
    4: "تموز",
    5: "آب",
    6: "أيلول",
    7: "تشري",
    8: "حشفان",
    9: "كيسليف",
    10: "طيفيت",
    11: "شباط",
    12: "آذار",
    13: "آذار الثاني",
}


def first_weekday(language: str, locale_first_day: int) -> int:
    """The first day of the week as Python counts (Monday = 0, Sunday = 6): Sunday in Hebrew
    and Arabic, else the locale's (`locale_first_day` as Django's FIRST_DAY_OF_WEEK counts,
    Sunday = 0)."""
    if language[:2] in ("he", "ar"):
        return 6
    return (int(locale_first_day) - 1) % 7


def week_start(day: datetime.date, first: int) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - first) % 7)


def week_days(day: datetime.date, first: int) -> list[datetime.date]:
    start = week_start(day, first)
    return [start + datetime.timedelta(days=offset) for offset in range(7)]


def month_weeks(year: int, month: int, first: int) -> list[list[datetime.date]]:
    """The weeks (rows of seven days) that cover a month, from the week of its first day."""
    day = week_start(datetime.date(year, month, 1), first)
    last = add_months(datetime.date(year, month, 1), 1) - datetime.timedelta(days=1)
    weeks = []
    while day <= last:
        weeks.append([day + datetime.timedelta(days=offset) for offset in range(7)])
        day += datetime.timedelta(days=7)
    return weeks


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` away from the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _in_range(day: datetime.date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def parse_month(value: str | None) -> datetime.date | None:
    """ "2026-12" → 1 December 2026; None for anything else (or out of range)."""
    value = (value or "").strip()
    if len(value) != 7 or value[4] != "-" or not (value[:4] + value[5:]).isdigit():
        return None
    year, month = int(value[:4]), int(value[5:])
    if not 1 <= month <= 12 or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    return datetime.date(year, month, 1)


def parse_day(value: str | None) -> datetime.date | None:
    """ "2026-12-06" → that date; None for anything else (or out of range)."""
    value = (value or "").strip()
    if len(value) != 10:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    return day if _in_range(day) else None


@dataclass(frozen=True)
class HebrewDay:
    day: str  # the day of the month: "ט״ו" in Hebrew, "15" otherwise
    month: str  # "כסלו", "Kislev", "كيسليف"
    year: str  # "תשפ״ז" in Hebrew, "5787" otherwise
    first_of_month: bool

    @property
    def short(self) -> str:
        """Day and month, for a calendar cell: "ט״ו כסלו", "15 Kislev"."""
        return f"{self.day} {self.month}"

    @property
    def full(self) -> str:
        """ "ט״ו בכסלו תשפ״ז", "15 Kislev 5787"."""
        if self.day.isdigit():
            return f"{self.day} {self.month} {self.year}"
        return f"{self.day} ב{self.month} {self.year}"


def hebrew_day(day: datetime.date, language: str) -> HebrewDay:
    date = hebrew.HebrewDate.from_pydate(day)
    leap = _is_leap(date.year)
    language = language[:2]
    if language == "he":
        return HebrewDay(
            day=date.hebrew_day(),
            month=date.month_name(hebrew=True),
            year=date.hebrew_year(),
            first_of_month=date.day == 1,
        )
    names = _ARABIC_MONTHS if language == "ar" else _LATIN_MONTHS
    month = names[date.month]
    if date.month == 12 and leap:
        month = "آذار الأول" if language == "ar" else "Adar I"
    return HebrewDay(
        day=str(date.day), month=month, year=str(date.year), first_of_month=date.day == 1
    )


def _is_leap(year: int) -> bool:
    return (7 * year + 1) % 19 < 7


def hebrew_span(first: datetime.date, last: datetime.date, language: str) -> str:
    """The Hebrew months a range of days falls in, for a caption: "כסלו–טבת תשפ״ז"."""
    start, end = hebrew_day(first, language), hebrew_day(last, language)
    if (start.month, start.year) == (end.month, end.year):
        return f"{start.month} {start.year}"
    if start.year == end.year:
        return f"{start.month}–{end.month} {end.year}"
    return f"{start.month} {start.year}–{end.month} {end.year}"
