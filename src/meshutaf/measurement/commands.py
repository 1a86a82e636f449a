"""`meshutaf measurement progress|import|geography`: assess a series in a CSV file against a
target; import indicator values (CSV, XLSX, Open SDG; see `importing.py`); import the CBS list
of localities as the geography tree (see `geography.py`).

`progress`:

The file has two columns, period and value, with or without a header row (a first row whose
period is not a period is taken as the header). Periods are years (2021), dates (2021-07-01)
or quarters (2021-Q3, 2021Q3); each becomes a decimal year at its start (2021-Q3 is 2021.5),
and the target year is its 1 January. Values are plain numbers with a dot for decimals;
anything else ("N/A", "see description") refuses the file with the row's number. The baseline
value is the mean of the points in the baseline year; the trend is fitted to the points from
the baseline year on (`progress.assess`); the curve test takes every point up to the end of the
baseline year as the baseline period (`curves.curve_test`).
"""

import datetime as dt
import json
import math
import re
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from meshutaf.core.access import Action, Role
from meshutaf.core.commands import Refused, active_user_named, fail
from meshutaf.core.forms import MAX_ID
from meshutaf.core.tables import TableFileError, read_rows
from meshutaf.directory.models import Organisation
from meshutaf.initiatives.permissions import initiative_get_for_user
from meshutaf.measurement import importing, services
from meshutaf.measurement.curves import curve_test
from meshutaf.measurement.geography import localities_read_path
from meshutaf.measurement.models import Framework, FrameworkStatus, Indicator
from meshutaf.measurement.progress import Assessment, Point, assess

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def add_parser(commands) -> None:
    measurement = commands.add_parser(
        "measurement", help=_("Assess indicators' progress towards their targets.")
    )
    measurement_commands = measurement.add_subparsers(
        dest="measurement_command", metavar=_("action"), required=True
    )
    progress = measurement_commands.add_parser(
        "progress",
        help=_("Assess a series against a target (UN ESCAP method) and test if its curve turned."),
        description=_(
            "Reads a CSV file of two columns, period and value (periods as years, dates "
            "YYYY-MM-DD or quarters YYYY-Qn; a header row is optional), and prints the share "
            "of the required progress made since the baseline, the value anticipated at the "
            "target year with its 95% prediction interval, the verdict, and whether the curve "
            "turned."
        ),
    )
    progress.add_argument("--series", required=True, metavar=_("FILE"), help=_("the CSV file"))
    progress.add_argument(
        "--baseline-year", type=int, required=True, metavar=_("YEAR"), help=_("the baseline year")
    )
    progress.add_argument(
        "--target", type=float, required=True, metavar=_("VALUE"), help=_("the target value")
    )
    progress.add_argument(
        "--target-year", type=int, required=True, metavar=_("YEAR"), help=_("the target year")
    )
    progress.add_argument(
        "--direction",
        choices=("up", "down"),
        default="up",
        help=_("up when higher is better (the default), down when lower is better"),
    )
    progress.add_argument("--json", action="store_true", help=_("print one JSON object"))
    _add_import_parser(measurement_commands)
    geography = measurement_commands.add_parser(
        "geography",
        help=_("Import the CBS list of localities as the geography tree."),
        description=_(
            "Reads the Central Bureau of Statistics' localities file (CSV: id, name, name_en, "
            "district_id, district_name, sub_district_id, sub_district_name, "
            "municipal_status_name, population, …) and creates or updates the country, its "
            "districts, sub-districts and localities. Running it again changes nothing."
        ),
    )
    geography.add_argument("file", metavar=_("FILE"), help=_("the localities CSV file"))
    geography.add_argument(
        "--as", dest="as_user", help=_("username recorded as the author (optional)")
    )
    geography.add_argument("--json", action="store_true", help=_("print one JSON object"))


def _add_import_parser(measurement_commands) -> None:
    command = measurement_commands.add_parser(
        "import",
        help=_("Import indicator values from a CSV, XLSX or Open SDG file."),
        description=_(
            "Checks every row against its indicator (numbers, periods, disaggregation), "
            "reports conflicts (the same cell twice with different values) and missing "
            "cells, and writes the values into the initiative's framework as the backbone's "
            "drafts (or a partner's submitted values with --partner). One bad row writes "
            "nothing unless --skip-bad. With --dry-run it checks only, and needs no initiative."
        ),
    )
    command.add_argument("file", metavar=_("FILE"), help=_("the file to import"))
    command.add_argument(
        "--format",
        choices=importing.FORMATS,
        help=_("csv, xlsx or open-sdg (default: from the file's name)"),
    )
    command.add_argument("--initiative", type=int, help=_("initiative id"))
    command.add_argument(
        "--framework", type=int, help=_("framework id, when the initiative has several in use")
    )
    command.add_argument(
        "--indicator", metavar=_("CODE"), help=_("the indicator of every row (its code)")
    )
    command.add_argument(
        "--as",
        dest="as_user",
        help=_("username of a facilitator of the initiative (recorded as the author)"),
    )
    command.add_argument(
        "--partner", type=int, help=_("id of the partner organisation the values come from")
    )
    command.add_argument("--approve", action="store_true", help=_("approve the values on import"))
    command.add_argument(
        "--dry-run", action="store_true", help=_("check the file and report; write nothing")
    )
    command.add_argument(
        "--skip-bad", action="store_true", help=_("write the good rows, leave out the bad ones")
    )
    command.add_argument("--json", action="store_true", help=_("print one JSON object"))


def run(args) -> int:
    if args.measurement_command == "import":
        return cmd_import(args)
    if args.measurement_command == "geography":
        return cmd_geography(args)
    return cmd_progress(args)


def cmd_import(args) -> int:
    for name in ("initiative", "framework", "partner"):
        value = getattr(args, name)
        if value is not None and not 0 < value <= MAX_ID:
            return fail(_("There is no %(name)s %(id)s.") % {"name": name, "id": value})
    if args.initiative is None and args.framework is None and not args.dry_run:
        return fail(
            _(
                "Say which initiative's framework to import into (--initiative ID), or check "
                "the file only (--dry-run)."
            )
        )
    user = active_user_named(args.as_user) if args.as_user else None
    framework = None
    if args.initiative is not None or args.framework is not None:
        framework = _framework_of(args, user)
    indicator: Indicator | str | None = args.indicator
    if framework is not None and args.indicator:
        indicator = framework.indicators.filter(code=args.indicator.strip()).first()
        if indicator is None:
            return fail(
                _("No indicator of this framework has the code %(code)s.")
                % {"code": args.indicator}
            )
    partner = None
    if args.partner is not None:
        partner = Organisation.objects.filter(pk=args.partner).first()
        if partner is None:
            return fail(_("There is no organisation %(id)s.") % {"id": args.partner})
    file_format = args.format or ("xlsx" if args.file.lower().endswith(".xlsx") else "csv")
    try:
        report = importing.import_file(
            args.file,
            format=file_format,
            framework=framework,
            indicator=indicator,
            by=user,
            role=Role.FACILITATOR,
            partner=partner,
            dry_run=args.dry_run,
            skip_bad=args.skip_bad,
            approve=args.approve,
        )
    except TableFileError as error:
        return fail(str(error))
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        _print_import(report)
    for warning in report.warnings:
        print(_line(_("warning"), warning), file=sys.stderr)
    return 1 if report.refused else 0


def _framework_of(args, user) -> Framework:
    """The framework to import into: --framework, else the initiative's one in use; the
    user (when given) must facilitate its initiative."""
    if args.framework is not None:
        framework = Framework.objects.select_related("area").filter(pk=args.framework).first()
        if framework is None or args.initiative not in (None, framework.initiative_id):
            raise Refused(_("There is no framework %(id)s.") % {"id": args.framework})
        initiative_id = framework.initiative_id
    else:
        initiative_id = args.initiative
        in_use = list(
            Framework.objects.select_related("area").filter(
                initiative_id=initiative_id, status=FrameworkStatus.ACTIVE
            )
        )
        if not in_use:
            raise Refused(
                _("Initiative %(id)s has no results framework in use.") % {"id": initiative_id}
            )
        if len(in_use) > 1:
            raise Refused(
                _(
                    "Initiative %(id)s has several frameworks in use (%(ids)s); choose one "
                    "with --framework ID."
                )
                % {"id": initiative_id, "ids": ", ".join(str(f.pk) for f in in_use)}
            )
        framework = in_use[0]
    if user is not None:
        try:
            initiative_get_for_user(user=user, pk=initiative_id, action=Action.MANAGE)
        except (Http404, PermissionDenied):
            raise Refused(
                _("%(username)s does not facilitate initiative %(id)s.")
                % {"username": args.as_user, "id": initiative_id}
            ) from None
    return framework


def _line(label: str, item: dict) -> str:
    if item.get("row") is None:
        return f"{label}: {item['message']}"
    return _("%(label)s: row %(row)s: %(message)s") % {
        "label": label,
        "row": item["row"],
        "message": item["message"],
    }


def _print_import(report: importing.ImportReport) -> None:
    print(
        _("%(rows)s rows read: %(observations)s values found valid, %(written)s written.")
        % {"rows": report.rows, "observations": report.observations, "written": report.written}
    )
    for conflict in report.conflicts:
        key = " ".join(str(part) for part in conflict["key"].values() if part)
        values = ", ".join(json.dumps(value, ensure_ascii=False) for value in conflict["values"])
        print(_("conflict: %(key)s: %(values)s") % {"key": key, "values": values})
    for error in report.errors:
        print(_line(_("error"), error))
    if report.refused and not report.written:
        print(_("Nothing was written."))


def cmd_geography(args) -> int:
    try:
        localities = localities_read_path(args.file)
    except TableFileError as error:
        return fail(str(error))
    user = active_user_named(args.as_user) if args.as_user else None
    try:
        counts = services.geography_import(rows=localities, by=user)
    except ValidationError as error:
        return fail(" ".join(error.messages))
    result = {
        "country": counts["country"],
        "districts": counts["district"],
        "sub_districts": counts["sub_district"],
        "localities": counts["locality"],
        "created": counts["created"],
        "updated": counts["updated"],
        "unchanged": counts["unchanged"],
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        _(
            "%(localities)s localities in %(sub_districts)s sub-districts and %(districts)s "
            "districts: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."
        )
        % result
    )
    return 0


def period_time(text: str) -> float | None:
    """The decimal year at the start of a period written as a year, a date or a quarter;
    None when the text is none of them."""
    text = text.strip()
    if match := _YEAR.match(text):
        return float(match.group(1))
    if match := _QUARTER.match(text):
        return int(match.group(1)) + (int(match.group(2)) - 1) / 4
    if _DATE.match(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None
        days = (dt.date(day.year + 1, 1, 1) - dt.date(day.year, 1, 1)).days
        return day.year + (day.timetuple().tm_yday - 1) / days
    return None


def read_series(path: str) -> list[Point]:
    """The points of the file at `path` in time order; Refused with a message otherwise."""
    try:
        with Path(path).open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise Refused(
            _("Cannot read %(path)s: %(reason)s")
            % {"path": path, "reason": error.strerror or error}
        ) from None
    if len(data) > MAX_BYTES:
        raise Refused(_("%(path)s is larger than 5 MB.") % {"path": path})
    try:
        rows = read_rows(data, Path(path).name, max_rows=MAX_ROWS)
    except TableFileError as error:
        raise Refused(str(error)) from None
    if rows and period_time(rows[0][0]) is None:
        rows, first = rows[1:], 2  # a header
    else:
        first = 1
    points: dict[float, Point] = {}
    for number, row in enumerate(rows, start=first):
        time = period_time(row[0])
        if time is None:
            raise Refused(
                _("Row %(row)s: %(period)s is not a year, a date (YYYY-MM-DD) or a quarter.")
                % {"row": number, "period": row[0]}
            )
        value = _number(row[1] if len(row) > 1 else "")
        if value is None:
            raise Refused(
                _("Row %(row)s: the value %(value)s is not a number.")
                % {"row": number, "value": repr(row[1] if len(row) > 1 else "")}
            )
        if time in points:
            raise Refused(
                _("Row %(row)s: %(period)s appears twice.") % {"row": number, "period": row[0]}
            )
        points[time] = Point(time=time, value=value)
    if not points:
        raise Refused(_("%(path)s holds no values.") % {"path": path})
    return [points[time] for time in sorted(points)]


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def cmd_progress(args) -> int:
    if not math.isfinite(args.target):
        return fail(_("The target must be a number."))
    if not 1000 <= args.baseline_year < args.target_year <= 9999:
        return fail(_("The baseline year must come before the target year."))
    points = read_series(args.series)
    in_baseline = [p.value for p in points if args.baseline_year <= p.time < args.baseline_year + 1]
    if not in_baseline:
        return fail(
            _("The series has no value in the baseline year %(year)s.")
            % {"year": args.baseline_year}
        )
    baseline = sum(in_baseline) / len(in_baseline)
    try:
        result = assess(
            points,
            baseline=baseline,
            target=args.target,
            target_time=float(args.target_year),
            direction=args.direction,
            since=float(args.baseline_year),
        )
    except ValueError:
        return fail(
            _(
                "The target must be better than the baseline (%(baseline)s): above it with "
                "--direction up, below it with --direction down."
            )
            % {"baseline": f"{baseline:g}"}
        )
    baseline_points = sum(1 for p in points if p.time < args.baseline_year + 1)
    curve = curve_test(
        [p.value for p in points], baseline_points=baseline_points, direction=args.direction
    )
    turned = None if curve is None else curve.turned
    if args.json:
        print(json.dumps(_as_json(result, year=args.target_year, turned=turned)))
    else:
        _print_summary(result, args=args, turned=turned)
    return 0


def _as_json(result: Assessment, *, year: int, turned: bool | None) -> dict:
    projection = result.anticipated
    return {
        "current_status": result.current_status,
        "anticipated": {
            "value": None if projection is None else projection.value,
            "low": None if projection is None else projection.low,
            "high": None if projection is None else projection.high,
            "year": year,
        },
        "verdict": result.verdict,
        "turned": turned,
    }


def _print_summary(result: Assessment, *, args, turned: bool | None) -> None:
    labels = {
        "on_track": _("on track"),
        "needs_acceleration": _("needs acceleration"),
        "regressing": _("regressing"),
        "uncertain": _("uncertain"),
        "insufficient_data": _("insufficient data (fewer than 3 points since the baseline)"),
    }
    if result.current_status is not None:
        print(
            _("Current status: %(share)s of the required progress made since %(year)s.")
            % {"share": f"{result.current_status:.0%}", "year": args.baseline_year}
        )
    projection = result.anticipated
    if projection is not None:
        print(
            _("Anticipated in %(year)s: %(value)s (95%% interval %(low)s to %(high)s).")
            % {
                "year": args.target_year,
                "value": f"{projection.value:.4g}",
                "low": f"{projection.low:.4g}",
                "high": f"{projection.high:.4g}",
            }
        )
    print(_("Verdict: %(verdict)s.") % {"verdict": labels[result.verdict]})
    if result.verdict == "uncertain":
        print(
            _("The interval leaves open: %(verdicts)s.")
            % {"verdicts": ", ".join(labels[verdict] for verdict in result.possible)}
        )
    turned_text = {
        None: _("too early to tell (fewer than 6 points after the baseline)"),
        True: _("yes"),
        False: _("no"),
    }[turned]
    print(_("Curve turned: %(answer)s.") % {"answer": turned_text})
