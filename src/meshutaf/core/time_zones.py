"""Time zones as people read them: names in the reader's language (CLDR data through Babel), the
choices every time-zone picker offers, and whether a time needs its zone beside it. What is
stored is always the IANA id ("Asia/Jerusalem")."""

import datetime
import zoneinfo
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import get_timezone_gmt, get_timezone_location, get_timezone_name
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

# Offered first in every picker, after the site's own zone: where the partners of an Israeli
# backbone organisation most often meet from.
COMMON_TIME_ZONES = (
    "Asia/Jerusalem",
    "Asia/Hebron",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "UTC",
)

_UNIVERSAL = {"Etc/UTC", "Etc/GMT", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "Etc/Greenwich"}


def canonical_time_zone(zone: str) -> str:
    """The CLDR canonical id of an IANA id or alias ("Asia/Tel_Aviv" → "Asia/Jerusalem")."""
    return get_global("zone_aliases").get(zone, zone)


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(
            _("“%(zone)s” is not a known time zone."), params={"zone": value}
        ) from error


def _locale(language: str | None) -> Locale:
    code = (language or get_language() or settings.LANGUAGE_CODE).replace("-", "_")
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(settings.LANGUAGE_CODE)


@lru_cache(maxsize=4096)
def _name(zone: str, locale: Locale) -> str:
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zone
    canonical = canonical_time_zone(zone)
    if canonical in _UNIVERSAL:
        # Babel's generic form calls UTC "Unknown Region (UTC) Time"; CLDR's standard form
        # names it ("Coordinated Universal Time").
        return get_timezone_name(tz, width="long", zone_variant="standard", locale=locale)
    if canonical.startswith("Etc/"):
        return get_timezone_gmt(datetime.datetime.now(tz), width="long", locale=locale)
    # The location form ("United Kingdom Time", "Germany (Berlin) Time") names one zone each;
    # the generic form ("Central European Time") would give many zones one name.
    return get_timezone_location(tz, locale=locale)


def time_zone_name(zone: str, language: str | None = None) -> str:
    """The zone's name in `language` (default: the active one), e.g. "שעון בריטניה"."""
    return _name(zone, _locale(language)) if zone else ""


@lru_cache(maxsize=16)
def _options(locale: Locale, first: tuple[str, ...]) -> tuple[tuple, tuple]:
    available = zoneinfo.available_timezones()
    others = sorted(
        (
            zone
            for zone in get_global("zone_territories")
            if zone in available and zone not in first and not zone.startswith("Etc/")
        ),
        key=lambda zone: _name(zone, locale),
    )
    return (
        tuple((zone, _name(zone, locale)) for zone in first),
        tuple((zone, _name(zone, locale)) for zone in others),
    )


def time_zone_choices(*, include: str = "", language: str | None = None) -> list:
    """Grouped choices for a picker: the site's zone and the common ones first, then every other
    zone by its name in `language`. `include` keeps an object's current zone on offer."""
    first = tuple(dict.fromkeys([settings.TIME_ZONE, *COMMON_TIME_ZONES, *filter(None, [include])]))
    common, others = _options(_locale(language), first)
    return [
        (pgettext_lazy("time zones", "Common"), list(common)),
        (_("All time zones"), list(others)),
    ]


def viewer_time_zone() -> str:
    """The reader's zone: their account's setting, activated per request, else the site's."""
    return timezone.get_current_timezone_name()


def time_zone_note(zone: str, language: str | None = None) -> str:
    """The zone's name when it differs from the reader's, so a time can say where it is meant;
    empty when the reader is in that zone already."""
    if not zone or canonical_time_zone(zone) == canonical_time_zone(viewer_time_zone()):
        return ""
    return time_zone_name(zone, language)
