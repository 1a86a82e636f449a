"""The reporting workflow's pages: the backbone opens and closes rounds and reviews what
partners submit; a partner sees what is due, enters or uploads its values and fixes what came
back; one value's page shows its history. Every view passes a gate of `permissions.py` first;
a partner reaches only the organisations it reports for (`may_report_for`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from meshutaf.core import imports
from meshutaf.core.access import Action
from meshutaf.core.forms import form_submitted
from meshutaf.directory.models import Organisation

from . import importing, selectors, services
from .models import (
    Framework,
    Geography,
    Indicator,
    Observation,
    ObservationEvent,
    ReportingRound,
    ReportingTask,
    RoundState,
    State,
)
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
    value_text,
)
from .reporting_review import review_rows

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
    round_tasks = list(
        round.tasks.select_related("partner")
        .prefetch_related("indicators")
        .order_by("partner__name_he")
    )
    if not viewer.backbone:
        round_tasks = [t for t in round_tasks if t.partner_id in viewer.organisations]
        if not round_tasks:
            raise PermissionDenied
    indicators = list(round.indicators.order_by("order", "code"))
    progress = _task_progress(
        [(round, task) for task in round_tasks], area_id=round.framework.area_id
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
            "tasks": [
                (task, progress[task.pk], progress[task.pk].state_of(task)) for task in round_tasks
            ],
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
            ngettext(
                "The round is closed; %(count)s approved value is locked.",
                "The round is closed; %(count)s approved values are locked.",
                locked,
            )
            % {"count": locked},
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

    def state_of(self, task: ReportingTask) -> str:
        """Where the task stands, in words: what came back to fix first, then what waits."""
        if self.returned:
            return ngettext(
                "Returned: %(count)s value to fix",
                "Returned: %(count)s values to fix",
                self.returned,
            ) % {"count": self.returned}
        if not self.entered:
            return _("Not started")
        if self.drafts:
            return ngettext(
                "In progress: %(count)s draft", "In progress: %(count)s drafts", self.drafts
            ) % {"count": self.drafts}
        if self.submitted:
            if task.submitted_at is None:
                return _("Submitted, waiting for review")
            return _("Submitted on %(when)s, waiting for review") % {
                "when": formats.date_format(
                    timezone.localtime(task.submitted_at), "SHORT_DATE_FORMAT"
                )
            }
        if self.expected and self.done >= self.expected:
            return _("Approved")
        return pgettext("a reporting task", "In progress")


@login_required
def inbox(request, framework_id: int):
    framework, role = framework_get_for_user(
        user=request.user, pk=framework_id, action=Action.CONTRIBUTE
    )
    viewer = Viewer.of(user=request.user, role=role)
    due = selectors.reporting_inbox(viewer, framework)
    prefetch_related_objects([task for _r, task in due], "indicators")
    progress = _task_progress(due, area_id=framework.area_id)
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
    due: list[tuple[ReportingRound, ReportingTask]], *, area_id: int | None
) -> dict[int, TaskProgress]:
    """How far each task is over the framework's area: the cells it asks for (each of its
    indicators' total and single disaggregation values) and its partner's current values of
    those indicators by state. One query (the tasks' indicators prefetched)."""
    indicators: dict[int, list[Indicator]] = {
        task.pk: list(task.indicators.all()) for _r, task in due
    }
    progress = {task.pk: TaskProgress() for _r, task in due}
    if not due:
        return progress
    counts: dict[tuple[int, str, int], Counter] = defaultdict(Counter)
    rows = (
        Observation.objects.filter(
            current=True,
            geography_id=area_id or 0,  # no area: nothing to count
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
        for indicator in indicators.get(task.pk, []):
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


def _geography_choices(framework: Framework) -> list[tuple[Geography, str]]:
    """The units a task's values may be for: the framework's area and everything under it,
    in tree order, each with its indent for a list."""
    if framework.area is None:
        return []
    children, units = selectors.geography_tree(
        framework.area, initiative_id=framework.initiative_id
    )
    ordered: list[tuple[Geography, str]] = []

    def visit(unit_id: int, depth: int) -> None:
        ordered.append((units[unit_id], "– " * depth))
        for kid in children.get(unit_id, []):
            visit(kid, depth + 1)

    visit(framework.area.pk, 0)
    return ordered


def _sheet(round, task, geography, *, backbone: bool, data=None) -> EntrySheet:
    """The sheet of the indicators `task` asks its partner for."""
    indicators = list(task.indicators.order_by("order", "code"))
    current = {
        (o.indicator_id, o.disaggregation): o
        for o in Observation.objects.filter(
            indicator__in=indicators, geography=geography, period=round.period, current=True
        )
        .select_related("reviewed_by")
        .prefetch_related(
            Prefetch("events", queryset=ObservationEvent.objects.select_related("by"))
        )
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
    geography = next(
        (unit for unit, _indent in units if str(unit.pk) == chosen),
        units[0][0] if units else None,
    )
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
                        ngettext(
                            "%(count)s value submitted for review.",
                            "%(count)s values submitted for review.",
                            written,
                        )
                        if submit
                        else ngettext(
                            "%(count)s value saved as a draft.",
                            "%(count)s values saved as drafts.",
                            written,
                        )
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
            "upload_url": reverse("measurement:upload", args=[round.pk, task.partner_id])
            if round.state == RoundState.OPEN or backbone
            else "",
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
                elif change.cell.current is not None:
                    services.observation_submit(observation=change.cell.current, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                sheet.refused(change, error)
        if sheet.problems:
            transaction.set_rollback(True)
            return None
    return len(changes)


# ---------------------------------------------------------------- uploading a file

PREVIEW_ROWS = 50


def _upload_scope(round: ReportingRound, task: ReportingTask) -> str:
    return f"{round.pk}-{task.partner_id}"


@login_required
def upload(request, round_id: int, partner_id: int):
    """Step 1: a CSV or XLSX file of the task's values. Nothing is written yet."""
    round, task, _role = _task_for(request, round_id, partner_id)
    error = None
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        if upload_file is None:
            error = _("Choose a CSV or Excel file.")
        else:
            try:
                imports.stage_receive(
                    request,
                    spec=importing.OBSERVATIONS_IMPORT,
                    scope=_upload_scope(round, task),
                    upload=upload_file,
                )
            except imports.ImportFileError as problem:
                error = str(problem)
            else:
                return redirect("measurement:upload_preview", round.pk, task.partner_id)
    return render(
        request,
        "measurement/reporting_upload.html",
        {
            "initiative": round.framework.initiative,
            "framework": round.framework,
            "round": round,
            "task": task,
            "error": error,
            "fields": importing.OBSERVATIONS_IMPORT.fields,
        },
        status=400 if error else 200,
    )


@login_required
def upload_preview(request, round_id: int, partner_id: int):
    """Step 2: the columns, every row's problems and warnings, then confirm. One bad row
    writes nothing unless the partner chooses to skip bad rows."""
    round, task, role = _task_for(request, round_id, partner_id)
    spec = importing.OBSERVATIONS_IMPORT
    scope = _upload_scope(round, task)
    stage = imports.stage_current(request, spec=spec, scope=scope)
    if stage is None:
        messages.info(request, _("Upload a file first."))
        return redirect("measurement:upload", round.pk, task.partner_id)
    if request.method == "POST" and request.POST.get("action") == "remap":
        headers = stage.table().headers
        stage.remap(imports.mapping_posted(request.POST, spec=spec, headers=headers))
        return redirect("measurement:upload_preview", round.pk, task.partner_id)
    framework = round.framework
    context = {"framework": framework, "role": role, "partner": task.partner, "round": round}
    checked = stage.check(**context)
    error = checked.problem or None
    if request.method == "POST" and request.POST.get("action") == "apply":
        try:
            report = imports.stage_apply(
                request,
                stage=stage,
                checked=checked,
                by=request.user,
                skip_bad=request.POST.get("skip_bad") == "1",
                **context,
            )
        except (ValidationError, PermissionDenied) as problem:
            error = " ".join(getattr(problem, "messages", [])) or _(
                "You cannot write these values."
            )
        else:
            messages.success(
                request,
                ngettext(
                    "%(written)s value written and submitted for review.",
                    "%(written)s values written and submitted for review.",
                    report.written,
                )
                % {"written": report.written},
            )
            return redirect("measurement:entry", round.pk, task.partner_id)
    valid = checked.valid
    return render(
        request,
        "measurement/reporting_upload_preview.html",
        {
            "initiative": framework.initiative,
            "framework": framework,
            "round": round,
            "task": task,
            "table": checked.table,
            "field_columns": [(item, checked.table.mapping.get(item.name)) for item in spec.fields],
            "invalid": checked.invalid,
            "valid": valid[:PREVIEW_ROWS],
            "valid_count": len(valid),
            "file_warnings": getattr(checked.rows, "warnings", []),
            "error": error,
        },
        status=400 if error else 200,
    )


# ---------------------------------------------------------------- the backbone's review queue


@login_required
def review(request, framework_id: int):
    framework = framework_get_for_user(user=request.user, pk=framework_id, action=Action.MANAGE).obj
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        outcome = _review_posted(request, framework, form)
        if outcome is not None:
            return redirect("measurement:review", framework.pk)
    rows = review_rows(framework)
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
        ngettext("%(count)s value approved.", "%(count)s values approved.", count)
        if action == "approve"
        else ngettext("%(count)s value returned.", "%(count)s values returned.", count)
    )
    messages.success(request, text % {"count": count})
    return count


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
            "key_label": selectors.key_label(observation.disaggregation, indicator),
            "history": [(revision, value_text(indicator, revision)) for revision in chain],
            "current_text": value_text(indicator, current),
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
