"""Writes of the selection: the steering committee's recommendation per candidate, and the
decision, proposed by the explicit rules (`decide`) and confirmed by staff, with every
override's reason in the decision log and the selected enrolled as participants. Each caller
has already passed the cohort's or the nomination's gate with MANAGE."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from meshutaf.directory.services import person_create

from .. import decide
from ..models import (
    Cohort,
    CohortPhase,
    Decision,
    LogKind,
    Nomination,
    NominationStatus,
    Participant,
    Recommendation,
    RecommendationChoice,
)
from ..selectors import selection as selectors
from . import enrolment
from .programmes import log

MAX_REASON = 2000


@transaction.atomic
def recommendation_record(
    *,
    nomination: Nomination,
    by,
    choice: str,
    rationale: str = "",
    meeting=None,
) -> Recommendation:
    """Record (or change) the committee's recommendation for one candidate, while the cohort
    is in its recommendation phase. Not recommending needs a rationale: it will explain a
    departure from rank order."""
    cohort = Cohort.objects.select_for_update().get(pk=nomination.cohort_id)
    if cohort.phase != CohortPhase.RECOMMENDATION:
        raise ValidationError(
            _(
                "Recommendations are recorded in the recommendation phase; "
                "the cohort is in “%(phase)s”."
            )
            % {"phase": cohort.get_phase_display()}
        )
    if choice not in RecommendationChoice.values:
        raise ValidationError({"choice": _("Choose a recommendation.")})
    if nomination.status != NominationStatus.APPLIED:
        raise ValidationError(_("Only a candidate who applied can be recommended."))
    rationale = (rationale or "").strip()
    if choice != RecommendationChoice.RECOMMEND and not rationale:
        raise ValidationError(
            {"rationale": _("Say why: it explains the candidate's place in the decision log.")}
        )
    if len(rationale) > MAX_REASON:
        raise ValidationError(
            {"rationale": _("At most %(count)s characters.") % {"count": MAX_REASON}}
        )
    if meeting is not None and meeting.initiative_id != cohort.programme.initiative_id:
        raise ValidationError({"meeting": _("That meeting belongs to another initiative.")})
    recommendation, _created = Recommendation.objects.update_or_create(
        nomination=nomination,
        defaults={
            "choice": choice,
            "rationale": rationale,
            "meeting": meeting,
            "recorded_by": by,
        },
    )
    log(
        cohort=cohort,
        kind=LogKind.NOTE,
        by=by,
        nomination=nomination,
        reason=_("The steering committee's recommendation: %(choice)s. %(rationale)s")
        % {"choice": recommendation.get_choice_display(), "rationale": rationale},
    )
    return recommendation


@dataclass(frozen=True)
class DecisionProposal:
    proposal: decide.Proposal
    fingerprint: str  # of the scores it was made from
    quotas: dict[int, str]  # id → label, for the reasons' words


def decision_propose(*, cohort: Cohort, waitlist_size: int | None = None) -> DecisionProposal:
    """The rules' proposal for the cohort (writes nothing): see `decide` for the rules."""
    if waitlist_size is None:
        waitlist_size = selectors.default_waitlist_size(cohort)
    if waitlist_size < 0 or waitlist_size > 10_000:
        raise ValidationError({"waitlist_size": _("Enter a number from 0 to 10,000.")})
    candidates, quotas, fingerprint = selectors.decision_inputs(cohort)
    proposal = decide.decide(
        candidates, capacity=cohort.capacity, quotas=quotas, waitlist_size=waitlist_size
    )
    return DecisionProposal(
        proposal=proposal, fingerprint=fingerprint, quotas=selectors.quota_labels(cohort)
    )


OUTCOME_TO_DECISION = {
    decide.SELECTED: Decision.SELECTED,
    decide.WAITLISTED: Decision.WAITLISTED,
    decide.NOT_SELECTED: Decision.NOT_SELECTED,
}


@transaction.atomic
def decision_confirm(
    *,
    cohort: Cohort,
    by,
    overrides: Mapping[int, tuple[str, str]] | None = None,
    waitlist_size: int | None = None,
    fingerprint: str | None = None,
) -> DecisionProposal:
    """Confirm the rules' proposal, with staff's overrides (nomination id → (decision,
    reason); a reason is required): writes every candidate's decision, logs the rules, each
    departure from rank order and each decision, and enrols the selected as participants.
    Once only; refused when the scores changed since the proposal shown (`fingerprint`)."""
    cohort = (
        Cohort.objects.select_for_update(of=("self",))
        .select_related("programme", "rubric_version")
        .get(pk=cohort.pk)
    )
    if cohort.phase != CohortPhase.DECISION:
        raise ValidationError(
            _("The decision is confirmed in the decision phase; the cohort is in “%(phase)s”.")
            % {"phase": cohort.get_phase_display()}
        )
    if selectors.decided(cohort):
        raise ValidationError(_("This cohort's decision has already been confirmed."))
    made = decision_propose(cohort=cohort, waitlist_size=waitlist_size)
    if fingerprint is not None and fingerprint != made.fingerprint:
        raise ValidationError(
            _("The scores changed since this proposal was made. Read the new proposal first.")
        )
    proposal = made.proposal
    placements = {p.id: p for p in proposal.placements}
    checked = _checked_overrides(overrides or {}, placements, cohort)

    final: dict[int, str] = {pk: OUTCOME_TO_DECISION[p.outcome] for pk, p in placements.items()}
    for pk, (decision, _reason) in checked.items():
        final[pk] = decision
    selected_count = sum(1 for d in final.values() if d == Decision.SELECTED)
    if selected_count > cohort.capacity:
        raise ValidationError(
            _("%(count)s selected, but the cohort has %(places)s places.")
            % {"count": selected_count, "places": cohort.capacity}
        )

    nominations = {
        n.pk: n
        for n in Nomination.objects.filter(cohort=cohort).select_related(
            "candidate_person", "organisation"
        )
    }
    log(cohort=cohort, kind=LogKind.RULE, by=by, reason=_rules_summary(cohort, made))
    for placement in proposal.placements:
        nomination = nominations[placement.id]
        if placement.departs and placement.id not in checked:
            log(
                cohort=cohort,
                kind=LogKind.DEPARTURE,
                by=by,
                nomination=nomination,
                rank=placement.rank,
                decision=OUTCOME_TO_DECISION[placement.outcome],
                reason=" ".join(selectors.reason_text(r, made.quotas) for r in placement.reasons),
            )
        if placement.id in checked:
            decision, reason = checked[placement.id]
            log(
                cohort=cohort,
                kind=LogKind.DEPARTURE,
                by=by,
                nomination=nomination,
                rank=placement.rank,
                decision=decision,
                reason=_("Changed by staff from “%(proposed)s”: %(reason)s")
                % {
                    "proposed": Decision(OUTCOME_TO_DECISION[placement.outcome]).label,
                    "reason": reason,
                },
            )
        log(
            cohort=cohort,
            kind=LogKind.DECISION,
            by=by,
            nomination=nomination,
            rank=placement.rank,
            decision=final[placement.id],
            reason=_decision_reason(placement, final[placement.id], made.quotas),
        )
    for decision in (Decision.SELECTED, Decision.WAITLISTED, Decision.NOT_SELECTED):
        Nomination.objects.filter(pk__in=[pk for pk, d in final.items() if d == decision]).update(
            decision=decision
        )
    for pk, decision in final.items():
        if decision == Decision.SELECTED:
            _enrol(cohort=cohort, nomination=nominations[pk], by=by)
    enrolment.selected_notify(cohort=cohort)
    return made


def _checked_overrides(
    overrides: Mapping[int, tuple[str, str]], placements: Mapping[int, decide.Placement], cohort
) -> dict[int, tuple[str, str]]:
    """The overrides that change a proposed outcome, each with its reason; refused whole
    (nothing written) when one is not valid."""
    checked: dict[int, tuple[str, str]] = {}
    errors: list[str] = []
    for pk, (decision, reason) in overrides.items():
        placement = placements.get(pk)
        if placement is None:
            errors.append(_("A candidate of another cohort cannot be decided here."))
            continue
        if decision not in (Decision.SELECTED, Decision.WAITLISTED, Decision.NOT_SELECTED):
            errors.append(_("Choose selected, waiting list or not selected."))
            continue
        if decision == OUTCOME_TO_DECISION[placement.outcome]:
            continue  # the proposal's own outcome: not an override
        reason = (reason or "").strip()
        if not reason:
            errors.append(
                _("Say why %(name)s departs from the proposal: every override needs a reason.")
                % {"name": placement.name}
            )
            continue
        if len(reason) > MAX_REASON:
            errors.append(_("At most %(count)s characters.") % {"count": MAX_REASON})
            continue
        if decision != Decision.NOT_SELECTED and decide.INELIGIBLE in {
            r.code for r in placement.reasons
        }:
            errors.append(
                _("%(name)s did not apply or withdrew, and cannot be selected or wait.")
                % {"name": placement.name}
            )
            continue
        checked[pk] = (decision, reason)
    if errors:
        raise ValidationError(errors)
    return checked


def _rules_summary(cohort: Cohort, made: DecisionProposal) -> str:
    proposal = made.proposal
    quotas = "; ".join(made.quotas[q.quota_id] for q in proposal.unmet)
    text = _(
        "Rules applied: eligibility, rank by adjusted score (ties by raw mean, then name), the "
        "committee's recommendations, binding quotas, %(places)s places, a waiting list of "
        "%(waitlist)s."
    ) % {"places": proposal.capacity, "waitlist": proposal.waitlist_size}
    if proposal.unfilled:
        text += " " + _("%(count)s places left unfilled.") % {"count": proposal.unfilled}
    if quotas:
        text += " " + _("Minimums not met: %(quotas)s.") % {"quotas": quotas}
    return text


def _decision_reason(placement: decide.Placement, decision: str, quotas: dict[int, str]) -> str:
    parts = []
    if placement.rank is not None:
        parts.append(_("Rank %(rank)s by adjusted score.") % {"rank": placement.rank})
    if decision == Decision.WAITLISTED and placement.waitlist_position:
        parts.append(
            _("Waiting list, place %(position)s.") % {"position": placement.waitlist_position}
        )
    parts.extend(selectors.reason_text(r, quotas) for r in placement.reasons)
    return " ".join(str(p) for p in parts)


def _enrol(*, cohort: Cohort, nomination: Nomination, by) -> Participant:
    """The selected candidate as a participant: their directory person (made from the
    nomination's name and e-mail when they have none), with that person's account, if any."""
    person = nomination.candidate_person
    if person is None:
        person = person_create(
            by=by, full_name=nomination.candidate_name, email=nomination.candidate_email
        )
        nomination.candidate_person = person
        nomination.save(update_fields=["candidate_person", "updated_at"])
    participant, _created = Participant.objects.get_or_create(
        cohort=cohort,
        person=person,
        defaults={
            "user": person.user,
            "nomination": nomination,
            "organisation": nomination.organisation,
        },
    )
    return participant
