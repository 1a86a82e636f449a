"""The opinion map as the app keeps it: frozen, typed results, and the one conversion to and from
the JSON stored on a conversation (`OpinionMap.to_json` / `OpinionMap.from_json`).

Pure Python: no database, no numpy. `opinion.analyze` computes an `Analysis` at full precision
with whatever ids it was given; `OpinionMap.from_analysis` keeps what the app shows and stores
(ids are our primary keys, figures rounded), so a map read back equals the one written.

The stored JSON carries `"format": FORMAT`. Maps stored before formats were numbered have no
`format` key (they carry `"version": 1`) and the same layout; `from_json` reads both. Anything
else raises `StoredMapError` saying which value is wrong, instead of a KeyError in a template.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar, cast

if TYPE_CHECKING:
    from .opinion import Analysis

FORMAT = 1
Direction = Literal["agree", "disagree"]
DIRECTIONS = ("agree", "disagree")

T = TypeVar("T")


class StoredMapError(ValueError):
    """A stored opinion map this version cannot read: a wrong shape, or an unknown format."""


@dataclass(frozen=True)
class KState:
    """Pol.is's k smoother: the k last found best, how many updates in a row it has been
    best, and the k in use."""

    last_k: int
    count: int
    smoothed_k: int


@dataclass(frozen=True)
class Tally:
    """Votes on one statement: agreed, disagreed, passed."""

    agree: int
    disagree: int
    passed: int  # stored as "pass"

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passed


@dataclass(frozen=True)
class StatementFigures(Tally):
    """Everyone's votes on one statement, and each group's (by group id; empty while there are
    no groups). A statement moderated out keeps its counts but shapes nothing."""

    moderated_out: bool = False
    groups: tuple[Tally, ...] = ()


@dataclass(frozen=True)
class RepresentativeStatement:
    """A statement that sets a group apart, in the direction it does (Pol.is's repness)."""

    statement: int
    direction: Direction
    score: float  # ra · rat · pa · pat, what statements are ranked by
    probability: float  # smoothed (n + 1) / (N + 2): ranks, but reads wrong, so never shown
    ratio: float  # that share over the same share outside the group
    n_success: int  # what was counted: n_success of n_trials in the group agreed (disagreed)
    n_trials: int


@dataclass(frozen=True)
class OpinionGroup:
    id: int
    size: int
    center: tuple[float, float]
    representative: tuple[RepresentativeStatement, ...] = ()


class Position(NamedTuple):
    """Where a participant stands on the map, and their group (None: not clustered). A tuple,
    as stored: maps hold one per participant, and tens of thousands are read at once."""

    x: float
    y: float
    group: int | None


@dataclass(frozen=True)
class OpinionMap:
    """One analysis of a conversation. Ids are participant and statement primary keys."""

    positions: Mapping[int, Position]  # everyone with a vote; stored as "participants"
    groups: tuple[OpinionGroup, ...]
    consensus_agree: tuple[int, ...]
    consensus_disagree: tuple[int, ...]
    group_informed_consensus: Mapping[int, float]  # statement -> agreement product over groups
    group_informed_disagreement: Mapping[int, float]
    divisive: tuple[int, ...]  # most divisive first
    statements: Mapping[int, StatementFigures]
    priorities: Mapping[int, float]  # statement -> routing priority
    silhouette: float | None
    k_state: KState | None
    n_participants: int
    n_clustered: int
    n_statements: int
    n_votes: int
    seconds: float = 0.0
    # What the next update starts from (`replay.state_to_ids`): components, clusters and
    # the k smoother, by participant and statement id. Not shown; None when never computed.
    replay: Mapping[str, Any] | None = None

    @classmethod
    def empty(cls) -> OpinionMap:
        """A map with nothing in it, as before anyone has voted."""
        return cls(
            positions={},
            groups=(),
            consensus_agree=(),
            consensus_disagree=(),
            group_informed_consensus={},
            group_informed_disagreement={},
            divisive=(),
            statements={},
            priorities={},
            silhouette=None,
            k_state=None,
            n_participants=0,
            n_clustered=0,
            n_statements=0,
            n_votes=0,
        )

    @property
    def ready(self) -> bool:
        """Whether there is anything to show: someone has voted."""
        return bool(self.positions)

    # --- from the math ---------------------------------------------------------------------

    @classmethod
    def from_analysis(cls, analysis: Analysis) -> OpinionMap:
        """Keep what the app shows and stores, rounded as stored. Ids must be integers (our
        primary keys); a Pol.is export is analysed with its own ids by the command line."""
        return cls(
            positions={
                _key(pid): Position(round(x, 4), round(y, 4), analysis.participants.get(pid))
                for pid, (x, y) in analysis.positions.items()
            },
            groups=tuple(
                OpinionGroup(
                    id=group.id,
                    size=len(group.members),
                    center=(round(group.center[0], 4), round(group.center[1], 4)),
                    representative=tuple(
                        RepresentativeStatement(
                            statement=_key(rep.statement),
                            direction=cast(Direction, rep.direction),
                            score=round(rep.score, 4),
                            probability=round(rep.probability, 4),
                            ratio=round(rep.ratio, 3),
                            n_success=rep.n_success,
                            n_trials=rep.n_trials,
                        )
                        for rep in group.representative
                    ),
                )
                for group in analysis.groups
            ),
            consensus_agree=tuple(_key(sid) for sid in analysis.consensus_agree),
            consensus_disagree=tuple(_key(sid) for sid in analysis.consensus_disagree),
            group_informed_consensus=_rounded(analysis.group_informed_consensus),
            group_informed_disagreement=_rounded(analysis.group_informed_disagreement),
            divisive=tuple(_key(sid) for sid in analysis.divisive),
            statements={
                _key(sid): StatementFigures(
                    agree=stats["agree"],
                    disagree=stats["disagree"],
                    passed=stats["pass"],
                    moderated_out=stats["moderated_out"],
                    groups=tuple(
                        Tally(counts["agree"], counts["disagree"], counts["pass"])
                        for counts in stats.get("groups", ())
                    ),
                )
                for sid, stats in analysis.statement_stats.items()
            },
            priorities=_rounded(analysis.priorities),
            silhouette=analysis.silhouette,
            k_state=(
                None
                if analysis.k_state is None
                else KState(
                    analysis.k_state.last_k, analysis.k_state.count, analysis.k_state.smoothed_k
                )
            ),
            n_participants=analysis.n_participants,
            n_clustered=sum(1 for g in analysis.participants.values() if g is not None),
            n_statements=analysis.n_statements,
            n_votes=analysis.n_votes,
            seconds=round(analysis.seconds, 4),
        )

    # --- to and from the stored JSON -------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The JSON kept on the conversation. Object keys are ids as text (JSON's rule)."""
        return {
            "format": FORMAT,
            "participants": {str(pid): [p.x, p.y, p.group] for pid, p in self.positions.items()},
            "groups": [
                {
                    "id": group.id,
                    "size": group.size,
                    "center": list(group.center),
                    "representative": [
                        {
                            "statement": rep.statement,
                            "direction": rep.direction,
                            "score": rep.score,
                            "probability": rep.probability,
                            "ratio": rep.ratio,
                            "n_success": rep.n_success,
                            "n_trials": rep.n_trials,
                        }
                        for rep in group.representative
                    ],
                }
                for group in self.groups
            ],
            "consensus": {
                "agree": list(self.consensus_agree),
                "disagree": list(self.consensus_disagree),
            },
            "group_informed_consensus": _text_keys(self.group_informed_consensus),
            "group_informed_disagreement": _text_keys(self.group_informed_disagreement),
            "divisive": list(self.divisive),
            "statements": {
                str(sid): {
                    **_tally_json(figures),
                    "moderated_out": figures.moderated_out,
                    # Absent, not empty, while there are no groups (as always stored).
                    **(
                        {"groups": [_tally_json(t) for t in figures.groups]}
                        if figures.groups
                        else {}
                    ),
                }
                for sid, figures in self.statements.items()
            },
            "priorities": _text_keys(self.priorities),
            "silhouette": self.silhouette,
            "k_state": (
                None
                if self.k_state is None
                else [self.k_state.last_k, self.k_state.count, self.k_state.smoothed_k]
            ),
            "n_participants": self.n_participants,
            "n_clustered": self.n_clustered,
            "n_statements": self.n_statements,
            "n_votes": self.n_votes,
            "seconds": self.seconds,
            # Left out when absent, so a map from before the replay reads and writes the same.
            **({} if self.replay is None else {"replay": self.replay}),
        }

    @classmethod
    def from_json(cls, data: object) -> OpinionMap:
        """Read a stored map, of this format or from before formats were numbered. Raises
        `StoredMapError` naming the first value that is not what it should be."""
        if not isinstance(data, dict):
            raise StoredMapError(_message("the map", "an object", data))
        stored_format = data.get("format")
        if "format" not in data:
            # Before formats were numbered: the same layout, marked "version": 1.
            if data.get("version", 1) != 1:
                raise StoredMapError(
                    f"The stored opinion map has no format and version {data['version']!r}; "
                    "only version 1 was ever stored without a format."
                )
        elif stored_format != FORMAT:
            raise StoredMapError(
                f"The stored opinion map has format {stored_format!r}; this version reads "
                f"format {FORMAT} and maps stored before formats were numbered."
            )
        try:
            return cls._read(data)
        except _ShapeError as bad:
            raise StoredMapError(_message(bad.path.lstrip("."), bad.expected, bad.found)) from None

    @classmethod
    def _read(cls, data: dict) -> OpinionMap:
        groups = _field(data, "groups", _each(_group))
        positions = _field(data, "participants", _by_id(_position))
        known = {group.id for group in groups}
        for pid, position in positions.items():
            if position.group is not None and position.group not in known:
                path = f".participants[{str(pid)!r}][2]"
                raise _ShapeError("a group of the map or null", position.group, path)
        consensus = _field(data, "consensus", _object)
        return cls(
            positions=positions,
            groups=groups,
            consensus_agree=_field(consensus, "agree", _ids, at=".consensus"),
            consensus_disagree=_field(consensus, "disagree", _ids, at=".consensus"),
            group_informed_consensus=_field(data, "group_informed_consensus", _by_id(_number)),
            group_informed_disagreement=_field(
                data, "group_informed_disagreement", _by_id(_number)
            ),
            divisive=_field(data, "divisive", _ids),
            statements=_field(data, "statements", _by_id(_statement)),
            priorities=_field(data, "priorities", _by_id(_number)),
            silhouette=_field(data, "silhouette", _optional(_number)),
            k_state=_field(data, "k_state", _optional(_k_state)),
            n_participants=_field(data, "n_participants", _int),
            n_clustered=_field(data, "n_clustered", _int),
            n_statements=_field(data, "n_statements", _int),
            n_votes=_field(data, "n_votes", _int),
            seconds=_field(data, "seconds", _number),
            # Checked where it is read (`ReplayState.from_ids`): a bad one means a fresh start.
            replay=data["replay"] if isinstance(data.get("replay"), dict) else None,
        )

    def position_of(self, participant_id: int | None) -> Position | None:
        return None if participant_id is None else self.positions.get(participant_id)


# --- writing -------------------------------------------------------------------------------


def _key(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"opinion map ids are primary keys (integers), not {value!r}")
    return value


def _rounded(values: Mapping) -> dict[int, float]:
    return {_key(k): round(v, 5) for k, v in values.items()}


def _text_keys(values: Mapping[int, float]) -> dict[str, float]:
    return {str(k): v for k, v in values.items()}


def _tally_json(tally: Tally) -> dict[str, int]:
    return {"agree": tally.agree, "disagree": tally.disagree, "pass": tally.passed}


# --- reading -------------------------------------------------------------------------------
# Each reader takes a value and returns it typed, or raises _ShapeError. The path to the bad
# value is built only on the way out, so reading a good map formats no strings.

_MISSING = object()


class _ShapeError(Exception):
    def __init__(self, expected: str, found: object, path: str = ""):
        super().__init__(expected)
        self.expected, self.found, self.path = expected, found, path

    def at(self, prefix: str) -> _ShapeError:
        self.path = prefix + self.path
        return self


def _message(path: str, expected: str, found: object) -> str:
    shown = "nothing" if found is _MISSING else repr(found)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"The stored opinion map cannot be read: {path} should be {expected}, not {shown}."


def _field(data: dict, name: str, read: Callable[[Any], T], *, at: str = "") -> T:
    value = data.get(name, _MISSING)
    try:
        if value is _MISSING:
            raise _ShapeError("present", value)
        return read(value)
    except _ShapeError as bad:
        raise bad.at(f"{at}.{name}") from None


def _object(value: object) -> dict:
    if type(value) is not dict:
        raise _ShapeError("an object", value)
    return value


def _list(value: object) -> list:
    if type(value) is not list:
        raise _ShapeError("a list", value)
    return value


def _int(value: object) -> int:
    if type(value) is not int:  # JSON's true and false are not numbers here
        raise _ShapeError("a whole number", value)
    return value


def _number(value: object) -> float:
    if type(value) is float:
        return value
    if type(value) is int:
        return float(value)
    raise _ShapeError("a number", value)


def _bool(value: object) -> bool:
    if type(value) is not bool:
        raise _ShapeError("true or false", value)
    return value


def _optional(read: Callable[[Any], T]) -> Callable[[Any], T | None]:
    return lambda value: None if value is None else read(value)


def _each(read: Callable[[Any], T]) -> Callable[[Any], tuple[T, ...]]:
    def each(value: object) -> tuple[T, ...]:
        items = []
        for index, item in enumerate(_list(value)):
            try:
                items.append(read(item))
            except _ShapeError as bad:
                raise bad.at(f"[{index}]") from None
        return tuple(items)

    return each


def _by_id(read: Callable[[Any], T]) -> Callable[[Any], dict[int, T]]:
    """An object keyed by ids as text (JSON's keys are text) into a dict keyed by int."""

    def by_id(value: object) -> dict[int, T]:
        items = {}
        for key, item in _object(value).items():
            if not (key.isascii() and key.isdecimal()):
                raise _ShapeError("keyed by ids (whole numbers as text)", key)
            try:
                items[int(key)] = read(item)
            except _ShapeError as bad:
                raise bad.at(f"[{key!r}]") from None
        return items

    return by_id


_ids = _each(_int)


def _pair(value: object) -> tuple[float, float]:
    if type(value) is not list or len(value) != 2:
        raise _ShapeError("[x, y]", value)
    x, y = _each(_number)(value)
    return x, y


def _position(value: object) -> Position:
    if type(value) is not list or len(value) != 3:
        raise _ShapeError("[x, y, group]", value)
    x, y, group = value
    if type(x) is float and type(y) is float and (group is None or type(group) is int):
        return Position(x, y, group)  # the usual case, checked at once
    x, y = _pair(value[:2])
    try:
        return Position(x, y, _optional(_int)(group))
    except _ShapeError as bad:
        raise bad.at("[2]") from None


def _k_state(value: object) -> KState:
    if type(value) is not list or len(value) != 3:
        raise _ShapeError("three whole numbers", value)
    return KState(*_ids(value))


def _tally(value: object) -> Tally:
    data = _object(value)
    return Tally(
        agree=_field(data, "agree", _int),
        disagree=_field(data, "disagree", _int),
        passed=_field(data, "pass", _int),
    )


def _statement(value: object) -> StatementFigures:
    data = _object(value)
    tally = _tally(data)
    return StatementFigures(
        agree=tally.agree,
        disagree=tally.disagree,
        passed=tally.passed,
        moderated_out=_field(data, "moderated_out", _bool),
        # Absent while there are no groups.
        groups=_field(data, "groups", _each(_tally)) if "groups" in data else (),
    )


def _direction(value: object) -> Direction:
    if value not in DIRECTIONS:
        raise _ShapeError('"agree" or "disagree"', value)
    return cast(Direction, value)


def _representative(value: object) -> RepresentativeStatement:
    data = _object(value)
    return RepresentativeStatement(
        statement=_field(data, "statement", _int),
        direction=_field(data, "direction", _direction),
        score=_field(data, "score", _number),
        probability=_field(data, "probability", _number),
        ratio=_field(data, "ratio", _number),
        n_success=_field(data, "n_success", _int),
        n_trials=_field(data, "n_trials", _int),
    )


def _group(value: object) -> OpinionGroup:
    data = _object(value)
    return OpinionGroup(
        id=_field(data, "id", _int),
        size=_field(data, "size", _int),
        center=_field(data, "center", _pair),
        representative=_field(data, "representative", _each(_representative)),
    )
