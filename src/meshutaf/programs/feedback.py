"""Feedback and self-assessment figures, with no database: the fixed questions, the anonymous
respondent key, the minimum-responses threshold, and the response-shift-aware changes.

Nothing is shown until at least `minimum` people answered: below that, a mean or a comment
could be traced back to the one or two people who wrote it. Comments come sorted by their
text, never in the order they arrived, so their order tells nothing about who wrote them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import fmean

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SCALE = (1, 2, 3, 4, 5)


class SessionQuestion(models.TextChoices):
    RELEVANCE = "relevance", _("How relevant was the session to your work?")
    QUALITY = "quality", _("How good was the content?")
    FACILITATION = "facilitation", _("How well was the session facilitated?")
    USEFULNESS = "usefulness", _("How useful will it be in practice?")


class FinalQuestion(models.TextChoices):
    OVERALL = "overall", pgettext_lazy("feedback question", "Overall, how good was the programme?")
    RECOMMEND = "recommend", _("Would you recommend the programme to a colleague?")
    NETWORK = "network", _("How valuable is the network of peers you gained?")


SCALE_LABELS = {
    1: _("1 – very poor"),
    2: _("2 – poor"),
    3: _("3 – fair"),
    4: _("4 – good"),
    5: _("5 – very good"),
}


def questions_for(kind: str) -> type[models.TextChoices]:
    return FinalQuestion if kind == "final" else SessionQuestion


def respondent_key(*, participant_id: int, session_id: int | None) -> str:
    """Who answered, as a keyed hash: the same person answering the same form twice gets the
    same key (so the second answer is refused), but without the site's secret key nobody, a
    facilitator reading the table included, can tell whose answer a row is."""
    message = f"{participant_id}:{session_id if session_id is not None else 'final'}"
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def not_enough_message(count: int, needed: int) -> str:
    return str(
        _("Not enough responses yet (%(count)s of the %(needed)s needed).")
        % {"count": count, "needed": needed}
    )


@dataclass(frozen=True)
class QuestionResult:
    code: str
    label: str
    answered: int
    mean: float | None
    distribution: dict[int, int]


@dataclass(frozen=True)
class FeedbackResults:
    count: int
    needed: int
    questions: list[QuestionResult] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        return self.count >= self.needed

    @property
    def message(self) -> str:
        return "" if self.enough else not_enough_message(self.count, self.needed)


def feedback_results(
    *,
    responses: Sequence[tuple[Mapping[str, int], str]],
    questions: type[models.TextChoices],
    minimum: int,
) -> FeedbackResults:
    """Per question the mean and the count of each rating, and the comments, for the given
    (ratings, comment) pairs; only counts when fewer than `minimum` answered."""
    needed = max(int(minimum), 1)
    count = len(responses)
    if count < needed:
        return FeedbackResults(count=count, needed=needed)
    results = []
    for code, label in questions.choices:
        values = [int(ratings[code]) for ratings, _comment in responses if code in ratings]
        distribution = {score: values.count(score) for score in SCALE}
        results.append(
            QuestionResult(
                code=code,
                label=str(label),
                answered=len(values),
                mean=round(fmean(values), 2) if values else None,
                distribution=distribution,
            )
        )
    comments = sorted(
        (comment.strip() for _ratings, comment in responses if comment.strip()),
        key=str.casefold,
    )
    return FeedbackResults(count=count, needed=needed, questions=results, comments=comments)


def ratings_clean(raw: Mapping[str, object], codes: Iterable[str]) -> dict[str, int]:
    """Every code answered with a whole number on the 1–5 scale, and nothing else; raises
    ValueError naming the first problem."""
    wanted = list(codes)
    unknown = set(raw) - set(wanted)
    if unknown:
        raise ValueError(sorted(unknown)[0])
    clean = {}
    for code in wanted:
        value = raw.get(code)
        if isinstance(value, bool):
            raise ValueError(code)
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError) as error:
            raise ValueError(code) from error
        if number not in SCALE or str(value).strip() not in {str(s) for s in SCALE}:
            raise ValueError(code)
        clean[code] = number
    return clean


# ---------------------------------------------------------------- self-assessment


@dataclass(frozen=True)
class CriterionShift:
    code: str
    before: float | None
    then: float | None
    after: float | None
    # after − before: the change people report when asked at the start and at the end;
    # after − then: the same, with both ratings on the yardstick people hold at the end.
    change: float | None
    change_then: float | None


@dataclass(frozen=True)
class ShiftSummary:
    counts: dict[str, int]
    needed: int
    criteria: list[CriterionShift]

    @property
    def enough(self) -> bool:
        return (
            self.counts.get("after", 0) >= self.needed
            or self.counts.get("before", 0) >= self.needed
        )

    def message(self, moment: str) -> str:
        count = self.counts.get(moment, 0)
        return "" if count >= self.needed else not_enough_message(count, self.needed)


def _mean(values: list[float]) -> float | None:
    return round(fmean(values), 2) if values else None


def self_assessment_shift(
    *,
    by_participant: Mapping[int, Mapping[str, Mapping[str, int]]],
    criteria: Sequence[str],
    minimum: int = 1,
) -> ShiftSummary:
    """Means per criterion at each moment, and the mean paired changes, over the people who
    gave both ratings. `by_participant` maps a participant to {moment: {criterion: rating}}.
    A moment (or a change) fewer than `minimum` people answered is left empty (None); with
    minimum 1 this is one participant's own view."""
    needed = max(int(minimum), 1)
    moments = ("before", "then", "after")
    counts = {
        moment: sum(1 for answers in by_participant.values() if answers.get(moment))
        for moment in moments
    }
    rows = []
    for code in criteria:
        means: dict[str, float | None] = {}
        for moment in moments:
            values = [
                float(answers[moment][code])
                for answers in by_participant.values()
                if code in answers.get(moment, {})
            ]
            means[moment] = _mean(values) if len(values) >= needed else None

        def paired(later: str, earlier: str, code: str = code) -> float | None:
            differences = [
                float(answers[later][code]) - float(answers[earlier][code])
                for answers in by_participant.values()
                if code in answers.get(later, {}) and code in answers.get(earlier, {})
            ]
            return _mean(differences) if len(differences) >= needed else None

        rows.append(
            CriterionShift(
                code=code,
                before=means["before"],
                then=means["then"],
                after=means["after"],
                change=paired("after", "before"),
                change_then=paired("after", "then"),
            )
        )
    return ShiftSummary(counts=counts, needed=needed, criteria=rows)
