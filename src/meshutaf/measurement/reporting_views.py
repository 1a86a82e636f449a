"""The reporting workflow's pages: the backbone opens and closes rounds and reviews what
partners submit; a partner sees what is due, enters or uploads its values and fixes what came
back; one value's page shows its history. Every view passes a gate of `permissions.py` first;
a partner reaches only the organisations it reports for (`may_report_for`)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.core.access import Action
from meshutaf.core.forms import form_submitted
from meshutaf.directory.models import Organisation

from . import rules, selectors, services, tasks
from .aggregation import FlagCode, Kind, ObservationValue, check_disaggregation
from .keys import key_frozen, key_string, schema_from_json
from .models import (
    Framework,
    Geography,
    Indicator,
    Observation,
    ReportingRound,
    ReportingTask,
    RoundState,
    Severity,
    State,
    ValidationRule,
)
from .periods import PeriodError, parse_period
from .permissions import (
    Viewer,
    framework_get_for_user,
    is_backbone,
    may_report_for,
    observation_get_for_user,
    round_get_for_user,
)
from .reporting_forms import (
    EntrySheet,
    ReasonForm,
    RoundForm,
    indicator_label,
    key_label,
    value_text,
)

BIG_CHANGE = 50  # per cent: a change from the previous period this large is flagged


# ---------------------------------------------------------------- rounds


@login_required
def round_create(request, framework_id: int):
    framework = framework_get_for_user(user=request.user, pk=framework_id, action=Action.MANAGE).obj
    form = RoundForm(
        request.POST or None, framework=framework, partners=_partner_choices(framework)
    )
    round = form_submitted(
        request,
        form,
        lambda data: services.round_open(
            framework=framework,
            by=request.user,
            period=data["period"],
            due_date=data["due_date"],
            indicators=list(data["indicators"]),
            partners=list(data["partners"]),
        ),
    )
    if round:
        # The partners hear of it once the round is stored; then daily while it is due.
        transaction.on_commit(partial(tasks.reporting_reminders.enqueue, round.pk))
        messages.success(request, _("The round is open; each partner has its task."))
        return redirect("measurement:round", round.pk)
    return render(
        request,
        "measurement/round_form.html",
        {"initiative": framework.initiative, "framework": framework, "form": form},
    )


@login_required
def round_detail(request, round_id: int):
    round, role = round_get_for_user(user=request.user, pk=round_id, action=Action.CONTRIBUTE)
    viewer = Viewer.of(user=request.user, role=role)
    round_tasks = list(round.tasks.select_related("partner").order_by("partner__name_he"))
    if not viewer.backbone:
        round_tasks = [t for t in round_tasks if t.partner_id in viewer.organisations]
        if not round_tasks:
            raise PermissionDenied
    indicators = list(round.indicators.order_by("order", "code"))
    progress = _task_progress(
        [(round, task) for task in round_tasks], indicators={round.pk: indicators}
    )
    return render(
        request,
        "measurement/round_detail.html",
        {
            "initiative": round.framework.initiative,
            "framework": round.framework,
            "round": round,
            "backbone": viewer.backbone,
            "indicators": [(i, indicator_label(i)) for i in indicators],
            "tasks": [(task, progress[task.pk]) for task in round_tasks],
        },
    )


@login_required
@require_POST
def round_close(request, round_id: int):
    round = round_get_for_user(user=request.user, pk=round_id, action=Action.MANAGE).obj
    try:
        locked = services.round_close(round=round, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The round is closed; %(count)s approved values are locked.") % {"count": locked},
        )
    return redirect("measurement:round", round.pk)


# ---------------------------------------------------------------- the partner's inbox


@dataclass
class TaskProgress:
    expected: int = 0
    states: Counter = field(default_factory=Counter)

    @property
    def entered(self) -> int:
        return sum(self.states.values())

    @property
    def returned(self) -> int:
        return self.states[State.RETURNED]

    @property
    def done(self) -> int:
        return self.states[State.APPROVED] + self.states[State.LOCKED]

    @property
    def submitted(self) -> int:
        return self.states[State.SUBMITTED]

    @property
    def drafts(self) -> int:
        return self.states[State.DRAFT]


@login_required
def inbox(request, framework_id: int):
    framework, role = framework_get_for_user(
        user=request.user, pk=framework_id, action=Action.CONTRIBUTE
    )
    viewer = Viewer.of(user=request.user, role=role)
    due = selectors.reporting_inbox(viewer, framework)
    indicators = {r.pk: list(r.indicators.all()) for r, _task in due}
    progress = _task_progress(due, indicators=indicators)
    today = timezone.localdate()
    rounds = list(framework.rounds.order_by("-due_date", "-pk")[:20]) if viewer.backbone else []
    return render(
        request,
        "measurement/reporting_inbox.html",
        {
            "initiative": framework.initiative,
            "framework": framework,
            "backbone": viewer.backbone,
            "reports_for": bool(viewer.organisations),
            "tasks": [(r, task, progress[task.pk], (r.due_date - today).days) for r, task in due],
            "rounds": rounds,
        },
    )


def _task_progress(
    due: list[tuple[ReportingRound, ReportingTask]], *, indicators: dict[int, list[Indicator]]
) -> dict[int, TaskProgress]:
    """How far each task is: the cells it asks for (each indicator's total and single
    disaggregation values) and its partner's current values by state. One query."""
    progress = {task.pk: TaskProgress() for _r, task in due}
    if not due:
        return progress
    counts: dict[tuple[int, str, int], Counter] = defaultdict(Counter)
    rows = (
        Observation.objects.filter(
            current=True,
            indicator_id__in={i.pk for items in indicators.values() for i in items},
            period__in={r.period for r, _task in due},
            partner_id__in={task.partner_id for _r, task in due},
        )
        .values("indicator_id", "period", "partner_id", "state")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[(row["indicator_id"], row["period"], row["partner_id"])][row["state"]] += row["n"]
    for r, task in due:
        for indicator in indicators.get(r.pk, []):
            item = progress[task.pk]
            item.expected += len(selectors.keys_of(indicator))
            item.states.update(counts.get((indicator.pk, r.period, task.partner_id), Counter()))
    return progress


# ---------------------------------------------------------------- entering values


def _task_for(request, round_id: int, partner_id: int):
    """The round, the task and the viewer's role: 404 outside, 403 for a member who does not
    report for this partner."""
    round, role = round_get_for_user(user=request.user, pk=round_id, action=Action.CONTRIBUTE)
    if not may_report_for(user=request.user, role=role, partner_id=partner_id):
        raise PermissionDenied
    task = get_object_or_404(
        ReportingTask.objects.select_related("partner"), round=round, partner_id=partner_id
    )
    return round, task, role


def _geography_choices(framework: Framework) -> list[Geography]:
    if framework.area is None:
        return []
    children, units = selectors.geography_tree(
        framework.area, initiative_id=framework.initiative_id
    )
    ordered: list[Geography] = []

    def visit(unit_id: int, depth: int) -> None:
        unit = units[unit_id]
        unit.indent = "– " * depth
        ordered.append(unit)
        for kid in children.get(unit_id, []):
            visit(kid, depth + 1)

    visit(framework.area.pk, 0)
    return ordered


def _sheet(round, task, geography, *, backbone: bool, data=None) -> EntrySheet:
    indicators = list(round.indicators.order_by("order", "code"))
    current = {
        (o.indicator_id, o.disaggregation): o
        for o in Observation.objects.filter(
            indicator__in=indicators, geography=geography, period=round.period, current=True
        ).select_related("reviewed_by")
    }
    return EntrySheet(
        round=round,
        partner=task.partner,
        indicators=indicators,
        current=current,
        backbone=backbone,
        data=data,
    )


@login_required
def entry(request, round_id: int, partner_id: int):
    round, task, role = _task_for(request, round_id, partner_id)
    framework = round.framework
    units = _geography_choices(framework)
    chosen = request.POST.get("geography") or request.GET.get("geography")
    geography = next((u for u in units if str(u.pk) == chosen), units[0] if units else None)
    if chosen and geography is not None and str(geography.pk) != chosen:
        raise Http404
    backbone = is_backbone(role)
    sheet = None
    if geography is not None:
        posted = request.method == "POST"
        sheet = _sheet(
            round, task, geography, backbone=backbone, data=request.POST if posted else None
        )
        if posted:
            submit = request.POST.get("action") == "submit"
            written = _write(
                request,
                sheet,
                round=round,
                task=task,
                geography=geography,
                role=role,
                submit=submit,
            )
            if written is not None:
                if written:
                    text = (
                        _("%(count)s values submitted for review.")
                        if submit
                        else _("%(count)s values saved as drafts.")
                    )
                    messages.success(request, text % {"count": written})
                else:
                    messages.info(request, _("Nothing was changed."))
                url = reverse("measurement:entry", args=[round.pk, task.partner_id])
                return redirect(f"{url}?geography={geography.pk}")
    return render(
        request,
        "measurement/reporting_entry.html",
        {
            "initiative": framework.initiative,
            "framework": framework,
            "round": round,
            "task": task,
            "backbone": backbone,
            "units": units,
            "geography": geography,
            "sheet": sheet,
            "closed": round.state == RoundState.CLOSED,
        },
        status=400 if sheet is not None and sheet.problems else 200,
    )


def _write(request, sheet: EntrySheet, *, round, task, geography, role, submit: bool) -> int | None:
    """Write every change of the sheet, or none: the number written, or None when a cell was
    refused (its reason is then on the cell)."""
    changes = sheet.changes(submit=submit)
    if changes is None:
        return None
    confirm = request.POST.get("confirm_warnings") == "1"
    with transaction.atomic():
        for change in changes:
            try:
                if change.record:
                    services.observation_record(
                        indicator=change.cell.indicator,
                        by=request.user,
                        role=role,
                        geography=geography,
                        entry=change.entry,
                        partner=task.partner,
                        round=round,
                        submit=submit,
                        confirm_warnings=confirm,
                    )
                else:
                    services.observation_submit(observation=change.cell.current, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                sheet.refused(change, error)
        if sheet.problems:
            transaction.set_rollback(True)
            return None
    return len(changes)


# ---------------------------------------------------------------- the backbone's review queue


@dataclass
class ReviewRow:
    observation: Observation
    previous: Observation | None
    change: Decimal | None = None
    change_percent: float | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def key_label(self) -> str:
        return key_label(self.observation.disaggregation)

    @property
    def indicator_label(self) -> str:
        return indicator_label(self.observation.indicator)

    @property
    def value_text(self) -> str:
        return value_text(self.observation.indicator, self.observation)

    @property
    def previous_text(self) -> str:
        return value_text(self.observation.indicator, self.previous)

    @property
    def change_text(self) -> str:
        if self.change is None:
            return "—"
        indicator = self.observation.indicator
        proportion = indicator.kind == Kind.PROPORTION
        decimals = 0 if indicator.kind == Kind.COUNT else indicator.decimals
        shown = formats.number_format(self.change * (100 if proportion else 1), decimals)
        sign = "+" if self.change > 0 else ""
        text = _("%(change)s points") % {"change": sign + shown} if proportion else sign + shown
        if self.change_percent is not None:
            text += f" ({sign}{formats.number_format(self.change_percent, 0)}%)"
        return text


@login_required
def review(request, framework_id: int):
    framework = framework_get_for_user(user=request.user, pk=framework_id, action=Action.MANAGE).obj
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        outcome = _review_posted(request, framework, form)
        if outcome is not None:
            return redirect("measurement:review", framework.pk)
    rows = _review_rows(framework)
    return render(
        request,
        "measurement/review_queue.html",
        {
            "initiative": framework.initiative,
            "framework": framework,
            "rows": rows,
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _review_posted(request, framework: Framework, form: ReasonForm) -> int | None:
    one = request.POST.get("approve_one", "")
    action = "approve" if one else request.POST.get("action", "")
    ids = [one] if one else request.POST.getlist("ids")
    ids = [int(i) for i in ids if i.isascii() and i.isdigit() and len(i) < 18]
    if not ids:
        form.add_error(None, _("Choose the values to review."))
        return None
    reason = ""
    if action == "return":
        if not form.is_valid():
            return None
        reason = form.cleaned_data["reason"]
    observations = list(
        Observation.objects.filter(pk__in=ids, indicator__framework=framework, current=True)
    )
    if len(observations) != len(set(ids)):
        form.add_error(None, _("Some of these values have changed since; look again."))
        return None
    try:
        count = services.observations_review(
            observations=observations, by=request.user, action=action, reason=reason
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return None
    text = (
        _("%(count)s values approved.") if action == "approve" else _("%(count)s values returned.")
    )
    messages.success(request, text % {"count": count})
    return count


def _review_rows(framework: Framework) -> list[ReviewRow]:
    """The queue with each value's change from the previous period and its data-quality
    flags: a large change, a small count, the framework's rules broken, and parts of a
    disaggregation that do not add up to their total. A fixed number of queries."""
    rows = [ReviewRow(o, p) for o, p in selectors.review_queue(framework)]
    for row in rows:
        value, before = row.observation.value, row.previous.value if row.previous else None
        if value is None or before is None:
            continue
        row.change = value - before
        if before != 0:
            row.change_percent = float(row.change / abs(before) * 100)
            if abs(row.change_percent) > BIG_CHANGE:
                row.flags.append(
                    _("Changed by more than %(percent)s%% from the previous period.")
                    % {"percent": BIG_CHANGE}
                )
    for row in rows:
        observation, indicator = row.observation, row.observation.indicator
        count = observation.value if indicator.kind == Kind.COUNT else observation.numerator
        if count is not None and 0 < count < indicator.suppression_k:
            row.flags.append(
                _("A small number: others will see it as “<%(k)s”.")
                % {"k": indicator.suppression_k}
            )
    if rows:
        _rule_flags(framework, rows)
    return rows


def _rule_flags(framework: Framework, rows: list[ReviewRow]) -> None:
    """Evaluate the framework's rules and the disaggregations' sums over the current values
    of the cells in the queue (and their previous periods), and flag the rows they touch."""
    periods: set[str] = set()
    for row in rows:
        periods.add(row.observation.period)
        try:
            periods.add(parse_period(row.observation.period).previous().code)
        except PeriodError:
            continue
    cells: dict[tuple[int, int, str, str], dict] = {}
    for stored in Observation.objects.filter(
        indicator__framework=framework,
        current=True,
        period__in=periods,
        geography_id__in={row.observation.geography_id for row in rows},
    ).values(
        "indicator_id",
        "geography_id",
        "period",
        "disaggregation",
        "value",
        "numerator",
        "denominator",
    ):
        cells[
            (
                stored["indicator_id"],
                stored["geography_id"],
                stored["period"],
                stored["disaggregation"],
            )
        ] = stored
    codes = dict(Indicator.objects.filter(framework=framework).values_list("code", "pk"))
    parsed = []
    for rule in ValidationRule.objects.filter(framework=framework):
        try:
            parsed.append((rule, rules.parse(rule.left), rules.parse(rule.right)))
        except rules.RuleError:
            continue

    def lookup_in(geography_id: int, period: str):
        def lookup(term: rules.Term) -> float | None:
            cells_typed = dict(
                part.split("=", 1) for part in term.key.replace(";", "|").split("|") if "=" in part
            )
            found = cells.get((codes.get(term.code), geography_id, period, key_string(cells_typed)))
            number = None if found is None else found.get(term.part)
            return None if number is None else float(number)

        return lookup

    by_table: dict[tuple[int, int, str], dict[str, dict]] = defaultdict(dict)
    for (indicator_id, geography_id, period, key), stored in cells.items():
        by_table[(indicator_id, geography_id, period)][key] = stored
    for row in rows:
        observation = row.observation
        for rule, left, right in parsed:
            if observation.indicator.code not in {t.code for t in left.terms + right.terms}:
                continue
            current = lookup_in(observation.geography_id, observation.period)
            previous = None
            if rule.operator == "change":
                try:
                    before = parse_period(observation.period).previous().code
                except PeriodError:
                    continue
                previous = left.evaluate(lookup_in(observation.geography_id, before))
            if (
                rules.holds(
                    rule.operator,
                    left.evaluate(current),
                    right.evaluate(current),
                    previous=previous,
                )
                is False
            ):
                row.flags.append(
                    (
                        _("Rule not met: %(rule)s")
                        if rule.severity == Severity.ERROR
                        else _("Rule warning: %(rule)s")
                    )
                    % {"rule": rule.name}
                )
        _sum_flags(row, by_table)


def _sum_flags(row: ReviewRow, cells: dict) -> None:
    """Flag a row that is a total or a part of a disaggregation whose parts, all reported,
    do not add up to the total."""
    observation, indicator = row.observation, row.observation.indicator
    try:
        schema = schema_from_json(indicator.dimensions)
    except ValueError:
        return
    if not schema:
        return
    values = {}
    for key, stored in cells.get(
        (indicator.pk, observation.geography_id, observation.period), {}
    ).items():
        value = _value_of(indicator, stored)
        if value is not None:
            values[key_frozen(key)] = value
    try:
        flags = check_disaggregation(schema=schema, observations=values, tolerance=1e-6)
    except ValueError:
        return
    mine = key_frozen(observation.disaggregation)
    for flag in flags:
        if flag.code is not FlagCode.PARTS_DO_NOT_ADD_UP:
            continue
        extra = mine - flag.where
        part = flag.where < mine and len(extra) == 1 and next(iter(extra))[0] == flag.dimension
        if flag.where == mine or part:
            row.flags.append(
                _("The parts of %(dimension)s do not add up: %(message)s")
                % {"dimension": flag.dimension, "message": flag.message}
            )


def _value_of(indicator: Indicator, stored: dict) -> ObservationValue | None:
    try:
        if indicator.is_ratio:
            if stored["numerator"] is None or stored["denominator"] is None:
                return None
            return ObservationValue(
                kind=Kind(indicator.kind),
                numerator=float(stored["numerator"]),
                denominator=float(stored["denominator"]),
                per=float(indicator.per) if indicator.kind == Kind.RATE else 1.0,
            )
        if stored["value"] is None or not math.isfinite(float(stored["value"])):
            return None
        return ObservationValue(kind=Kind(indicator.kind), value=float(stored["value"]))
    except ValueError:
        return None


# ---------------------------------------------------------------- one value


def _value_for(request, observation_id: int, action: Action = Action.VIEW):
    """A value for the backbone or its reporting partner; 404 outside, 403 for other members."""
    observation, role = observation_get_for_user(
        user=request.user, pk=observation_id, action=action
    )
    if not may_report_for(user=request.user, role=role, partner_id=observation.partner_id):
        raise PermissionDenied
    return observation, role


@login_required
def observation_detail(request, observation_id: int):
    observation, role = _value_for(request, observation_id)
    backbone = is_backbone(role)
    indicator = observation.indicator
    chain = selectors.history(observation)
    for revision in chain:
        revision.value_text = value_text(indicator, revision)
    current = next((o for o in chain if o.current), None)
    reason = None
    if current is not None:
        reason = services.why_not_editable(current, round=current.round, backbone=backbone)
    return render(
        request,
        "measurement/review_value.html",
        {
            "initiative": indicator.framework.initiative,
            "framework": indicator.framework,
            "observation": observation,
            "current": current,
            "indicator_label": indicator_label(indicator),
            "key_label": key_label(observation.disaggregation),
            "history": chain,
            "backbone": backbone,
            "reason": reason,
            "form": ReasonForm(),
        },
    )


@login_required
@require_POST
def observation_action(request, observation_id: int):
    """Approve, return, lock or unlock (the backbone), or submit (the reporting partner)."""
    action = request.POST.get("action", "")
    needed = Action.CONTRIBUTE if action == "submit" else Action.MANAGE
    observation, _role = _value_for(request, observation_id, action=needed)
    form = ReasonForm(request.POST)
    try:
        if action == "approve":
            services.observation_approve(observation=observation, by=request.user)
            messages.success(request, _("Approved."))
        elif action == "lock":
            services.observation_lock(observation=observation, by=request.user)
            messages.success(request, _("Locked."))
        elif action == "submit":
            services.observation_submit(observation=observation, by=request.user)
            messages.success(request, _("Submitted for review."))
        elif action in ("return", "unlock"):
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            if action == "return":
                services.observation_return(observation=observation, by=request.user, reason=reason)
                messages.success(request, _("Returned to the partner with the reason."))
            else:
                services.observation_unlock(observation=observation, by=request.user, reason=reason)
                messages.success(request, _("Unlocked; the partner can correct it."))
        else:
            messages.error(request, _("Choose what to do with the value."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("measurement:observation", observation.pk)


# ---------------------------------------------------------------- choices


def _partner_choices(framework: Framework):
    """The organisations that may be asked to report: those of the initiative's members,
    its leading partners and its facilitating organisation."""
    initiative = framework.initiative
    return (
        Organisation.objects.filter(
            Q(affiliations__person__user__memberships__initiative=initiative)
            | Q(led_initiatives=initiative)
            | Q(pk=initiative.facilitating_organisation_id or 0)
        )
        .distinct()
        .order_by("name_he", "name_en", "pk")
    )
