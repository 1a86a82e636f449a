"""`meshutaf measurement progress`: assess a series in a CSV file against a target.

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
from pathlib import Path

from django.utils.translation import gettext as _

from meshutaf.core.commands import Refused, fail
from meshutaf.core.tables import TableFileError, read_rows
from meshutaf.measurement.curves import curve_test
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


def run(args) -> int:
    return cmd_progress(args)


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
