"""`meshutaf programs rank`: rank a cohort's candidates from a file of reviews (see
`ranking.py` for the statistics), as JSON or a table.

The file (CSV, or XLSX) has a header row naming the columns candidate, reviewer, criterion and
score, and optionally weight (the criterion's, the same on each of its rows) and confidence (the
reviewer's in that score, any positive number, e.g. 1–3). An empty score means the reviewer
cannot judge that criterion: it is left out, not counted as low. Any other score that is not a
plain number (text, NaN, infinity), a name missing, a name longer than `MAX_NAME_CHARS`, the
same candidate, reviewer and criterion twice, or two weights for one criterion refuses the
whole file with the row's number (exit code 2).
"""

import json
import math
import re
from pathlib import Path

from django.utils.translation import gettext as _

from meshutaf.core.commands import Refused, fail
from meshutaf.core.tables import TableFileError, read_rows
from meshutaf.programs.ranking import Ranking, Review, rank

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
MAX_NAME_CHARS = 200
REQUIRED = ("candidate", "reviewer", "criterion", "score")
OPTIONAL = ("weight", "confidence")
# Plain decimals only: Python's float() would also take "nan", "inf" and "1_0".
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def add_parser(commands) -> None:
    programs = commands.add_parser(
        "programs", help=_("Leadership programmes: rank a cohort's candidates from reviews.")
    )
    programs_commands = programs.add_subparsers(
        dest="programs_command", metavar=_("action"), required=True
    )
    command = programs_commands.add_parser(
        "rank",
        help=_(
            "Rank candidates from reviewers' scores, adjusting for lenient and harsh reviewers."
        ),
        description=_(
            "Reads a CSV file with the columns candidate, reviewer, criterion and score "
            "(optional: weight per criterion, confidence per score; an empty score means the "
            "reviewer cannot judge it) and prints each candidate's raw mean, median and "
            "spread, the score adjusted for each reviewer's leniency with its 95-per-cent "
            "interval and rank band, each reviewer's offset, Krippendorff's alpha per "
            "criterion, and the candidates whose reviewers disagree enough to need a "
            "consensus discussion."
        ),
    )
    command.add_argument("--reviews", required=True, metavar=_("FILE"), help=_("the CSV file"))
    command.add_argument(
        "--scale",
        nargs=2,
        type=float,
        metavar=(_("LOW"), _("HIGH")),
        help=_("the scores' scale, e.g. 1 5 (default: the lowest and highest score given)"),
    )
    command.add_argument(
        "--consensus-threshold",
        type=float,
        metavar=_("POINTS"),
        help=_(
            "how far apart reviewers' scores (each corrected for its reviewer's leniency) must "
            "be for a candidate to need a consensus discussion (default: 3/8 of the scale, "
            "1.5 points on 1 to 5)"
        ),
    )
    command.add_argument("--json", action="store_true", help=_("print one JSON object"))


def run(args) -> int:
    return cmd_rank(args)


def cmd_rank(args) -> int:
    scale = None
    if args.scale is not None:
        low, high = args.scale
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            return fail(_("The scale's low end must be a number below its high end."))
        scale = (low, high)
    threshold = args.consensus_threshold
    if threshold is not None and not (math.isfinite(threshold) and threshold >= 0):
        return fail(_("The consensus threshold must be a number of points, 0 or more."))
    reviews, weights = read_reviews(args.reviews, scale=scale)
    try:
        result = rank(reviews, weights=weights, scale=scale, consensus_threshold=threshold)
    except ValueError as error:
        return fail(str(error))
    if args.json:
        print(json.dumps(as_json(result), ensure_ascii=False))
    else:
        print_table(result)
    return 0


def read_reviews(
    path: str, *, scale: tuple[float, float] | None = None
) -> tuple[list[Review], dict[str, float]]:
    """The reviews and the criteria's weights in the file at `path`; Refused otherwise."""
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
    if not rows:
        raise Refused(_("%(path)s is empty.") % {"path": path})
    columns = _columns(rows[0])
    reviews: list[Review] = []
    weights: dict[str, tuple[float, int]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: row[i] if i < len(row) else "" for name, i in columns.items()}
        names = [cells[name] for name in ("candidate", "reviewer", "criterion")]
        if not all(names):
            raise Refused(
                _("Row %(row)s: the candidate, the reviewer and the criterion must all be given.")
                % {"row": number}
            )
        if any(len(name) > MAX_NAME_CHARS for name in names):
            raise Refused(
                _("Row %(row)s: a name is longer than %(count)s characters.")
                % {"row": number, "count": MAX_NAME_CHARS}
            )
        candidate, reviewer, criterion = names
        key = (candidate, reviewer, criterion)
        if key in seen:
            raise Refused(
                _(
                    "Row %(row)s: %(reviewer)s scored %(candidate)s on %(criterion)s already, "
                    "on row %(first)s."
                )
                % {
                    "row": number,
                    "reviewer": reviewer,
                    "candidate": candidate,
                    "criterion": criterion,
                    "first": seen[key],
                }
            )
        seen[key] = number
        score = _score(cells["score"], number, scale)
        confidence = None
        if cells.get("confidence"):
            confidence = _positive(cells["confidence"])
            if confidence is None:
                raise Refused(
                    _("Row %(row)s: the confidence %(value)s is not a number above 0.")
                    % {"row": number, "value": repr(cells["confidence"])}
                )
        if cells.get("weight"):
            _weigh(weights, criterion, cells["weight"], number)
        reviews.append(Review(candidate, reviewer, criterion, score, confidence))
    if not reviews:
        raise Refused(_("%(path)s holds no reviews.") % {"path": path})
    return reviews, {criterion: weight for criterion, (weight, _row) in weights.items()}


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = cell.strip().lower()
        if name in REQUIRED + OPTIONAL:
            if name in columns:
                raise Refused(_("The column %(column)s appears twice.") % {"column": name})
            columns[name] = i
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise Refused(
            _(
                "The first row must name the columns candidate, reviewer, criterion and score; "
                "missing: %(columns)s."
            )
            % {"columns": ", ".join(missing)}
        )
    return columns


def _score(text: str, number: int, scale: tuple[float, float] | None) -> float | None:
    if not text:
        return None  # cannot judge
    if not _NUMBER.match(text) or not math.isfinite(value := float(text)):
        raise Refused(
            _(
                "Row %(row)s: the score %(value)s is not a number (leave the cell empty when "
                "the reviewer cannot judge)."
            )
            % {"row": number, "value": repr(text)}
        )
    if scale is not None and not scale[0] <= value <= scale[1]:
        raise Refused(
            _("Row %(row)s: the score %(value)s is outside the scale, %(low)s to %(high)s.")
            % {"row": number, "value": text, "low": f"{scale[0]:g}", "high": f"{scale[1]:g}"}
        )
    return value


def _positive(text: str) -> float | None:
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) and value > 0 else None


def _weigh(weights: dict[str, tuple[float, int]], criterion: str, text: str, number: int) -> None:
    weight = _positive(text)
    if weight is None:
        raise Refused(
            _("Row %(row)s: the weight %(value)s is not a number above 0.")
            % {"row": number, "value": repr(text)}
        )
    if criterion in weights and weights[criterion][0] != weight:
        raise Refused(
            _(
                "Row %(row)s: the weight of %(criterion)s is %(weight)s, but %(other)s on "
                "row %(first)s; a criterion has one weight."
            )
            % {
                "row": number,
                "criterion": criterion,
                "weight": f"{weight:g}",
                "other": f"{weights[criterion][0]:g}",
                "first": weights[criterion][1],
            }
        )
    weights.setdefault(criterion, (weight, number))


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def as_json(result: Ranking) -> dict:
    return {
        "candidates": [
            {
                "id": c.id,
                "raw_mean": _number(c.raw_mean),
                "median": _number(c.median),
                "spread": _number(c.spread),
                "sd": _number(c.sd),
                "n_reviewers": c.n_reviewers,
                "adjusted": _number(c.adjusted),
                "se": _number(c.se),
                "low": _number(c.low),
                "high": _number(c.high),
                "rank": c.rank,
                "band": None if c.band is None else list(c.band),
                "disagreement": _number(c.disagreement),
                "consensus": c.consensus,
            }
            for c in result.candidates
        ],
        "reviewers": [
            {
                "id": r.id,
                "offset": _number(r.offset),
                "se": _number(r.se),
                "n_candidates": r.n_candidates,
                "component": r.component,
            }
            for r in result.reviewers
        ],
        "alpha": {criterion: _number(value) for criterion, value in result.alpha.items()},
        "alpha_overall": _number(result.alpha_overall),
        "consensus_queue": list(result.consensus_queue),
        "level": result.level,
        "scale": list(result.scale),
        "residual_sd": _number(result.residual_sd),
        "prior_sd": _number(result.prior_sd),
        "components": result.components,
    }


def _cell(value: float | None) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.2f}"


def print_table(result: Ranking) -> None:
    headings = [
        _("rank"),
        _("candidate"),
        _("reviewers"),
        _("raw mean"),
        _("median"),
        _("spread"),
        _("adjusted"),
        _("interval"),
        _("rank band"),
        _("consensus"),
    ]
    rows = [
        [
            "–" if c.rank is None else str(c.rank),
            c.id,
            str(c.n_reviewers),
            _cell(c.raw_mean),
            _cell(c.median),
            _cell(c.spread),
            _cell(c.adjusted),
            "–" if c.rank is None else f"{_cell(c.low)}–{_cell(c.high)}",
            "–" if c.band is None else f"{c.band[0]}–{c.band[1]}",
            _("yes") if c.consensus else "",
        ]
        for c in result.candidates
    ]
    _print_rows(headings, rows)
    print()
    print(
        _(
            "Adjusted: the score an average reviewer would give, with its %(level)s interval "
            "and the ranks it may plausibly hold (1 is the best)."
        )
        % {"level": f"{result.level:.0%}"}
    )
    if result.components > 1:
        print(
            _(
                "The reviewers fall into %(count)s groups that share no candidate; each group's "
                "offsets are set against its own average."
            )
            % {"count": result.components}
        )
    print()
    _print_rows(
        [_("reviewer"), _("candidates"), _("offset"), _("standard error")],
        [[r.id, str(r.n_candidates), _cell(r.offset), _cell(r.se)] for r in result.reviewers],
    )
    print()
    for criterion, value in result.alpha.items():
        print(
            _("Krippendorff's alpha, %(criterion)s: %(alpha)s")
            % {"criterion": criterion, "alpha": _cell(value)}
        )
    print(_("Krippendorff's alpha, overall: %(alpha)s") % {"alpha": _cell(result.alpha_overall)})
    if result.consensus_queue:
        print(
            _("For a consensus discussion: %(candidates)s")
            % {"candidates": ", ".join(result.consensus_queue)}
        )
    else:
        print(_("No candidate needs a consensus discussion."))


def _print_rows(headings: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in [headings, *rows]) for i in range(len(headings))]
    for row in [headings, *rows]:
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print(line.rstrip())
