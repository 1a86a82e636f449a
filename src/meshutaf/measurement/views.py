"""Shared measurement's pages that define a results framework: the list of an initiative's
frameworks, a framework's structure, and the forms for each of its parts. The scorecard and
indicator pages are in `scorecard_views`, the reporting workflow in `reporting_views`.

Members see a framework's structure; its backbone (the facilitators) define it; outsiders get
404 from the gates in `permissions.py`."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meshutaf.core.access import Action
from meshutaf.core.forms import apply_service_errors, form_submitted
from meshutaf.initiatives.permissions import initiative_get_for_user

from . import selectors, services
from .curve_forms import (
    ActionItemFormSet,
    CurvePartnerFormSet,
    CurveSessionForm,
    MeetingPickForm,
    meeting_people,
)
from .forms import (
    AgreementForm,
    BaselineForm,
    ClaimForm,
    DefinitionVersionForm,
    DimensionFormSet,
    EvidenceForm,
    ForecastForm,
    FrameworkForm,
    IndicatorForm,
    NeighbourhoodForm,
    ResultForm,
    RuleForm,
    StrategyForm,
    TargetForm,
    dimension_initial,
    indicator_name,
)
from .models import (
    CurveSession,
    Forecast,
    Framework,
    Geography,
    Indicator,
    MeasureCategory,
    SharingAgreement,
    Target,
)
from .periods import PERIOD_TYPE_LABELS
from .permissions import (
    claim_get_for_user,
    framework_get_for_user,
    indicator_get_for_user,
    is_backbone,
    result_get_for_user,
)

GEOGRAPHY_SUGGESTIONS = 20
PERIOD_LABELS: dict[str, Any] = {str(kind): label for kind, label in PERIOD_TYPE_LABELS.items()}


def _framework_url(framework_id: int, anchor: str = "") -> str:
    url = reverse("measurement:framework", args=[framework_id])
    return f"{url}#{anchor}" if anchor else url


def _form_page(
    request,
    *,
    form,
    action: Callable[[dict], Any],
    template: str,
    context: dict,
    done: str,
    next_url: Callable[[Any], str],
) -> HttpResponse:
    """A form page: on a valid POST the service runs, a message says so and the browser goes
    on; otherwise (or when the service refuses) the form shows again with its messages."""
    saved = form_submitted(request, form, action)
    if saved is not None:
        messages.success(request, done)
        return redirect(next_url(saved))
    return render(request, template, {**context, "form": form})


# ---------------------------------------------------------------- frameworks


@login_required
def framework_list(request, initiative_id: int) -> HttpResponse:
    initiative, role = initiative_get_for_user(user=request.user, pk=initiative_id)
    return render(
        request,
        "measurement/framework_list.html",
        {
            "initiative": initiative,
            "role": role,
            "can_manage": is_backbone(role),
            "frameworks": selectors.frameworks_of(initiative),
        },
    )


@login_required
def framework_create(request, initiative_id: int) -> HttpResponse:
    initiative = initiative_get_for_user(
        user=request.user, pk=initiative_id, action=Action.MANAGE
    ).obj
    form = FrameworkForm(request.POST or None, initiative=initiative)
    return _form_page(
        request,
        form=form,
        action=lambda data: services.framework_create(
            initiative=initiative, by=request.user, **data
        ),
        template="measurement/framework_form.html",
        context={
            "initiative": initiative,
            "framework": None,
            "heading": _("New results framework"),
        },
        done=_("The framework was created."),
        next_url=lambda framework: _framework_url(framework.pk),
    )


@login_required
def framework_edit(request, pk: int) -> HttpResponse:
    framework = framework_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = FrameworkForm(
        request.POST or None,
        initiative=framework.initiative,
        editing=framework,
        initial={
            "name": framework.name,
            "description": framework.description,
            "area": framework.area,
            "public_dashboard": framework.public_dashboard,
            "status": framework.status,
        },
    )
    return _form_page(
        request,
        form=form,
        action=lambda data: services.framework_update(
            framework=copy.copy(framework), by=request.user, data=data
        ),
        template="measurement/framework_form.html",
        context={
            "initiative": framework.initiative,
            "framework": framework,
            "heading": _("Edit the framework"),
        },
        done=_("The framework was saved."),
        next_url=lambda saved: _framework_url(saved.pk),
    )


@login_required
@require_POST
def framework_new_version(request, pk: int) -> HttpResponse:
    framework = framework_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    copy_ = services.framework_new_version(framework=framework, by=request.user)
    messages.success(
        request,
        _("Version %(version)s was made; the earlier version is archived as it was.")
        % {"version": copy_.version},
    )
    return redirect(_framework_url(copy_.pk))


def framework_outline(framework: Framework, *, backbone: bool) -> dict:
    """Everything the framework page shows, in a fixed number of queries however many
    indicators there are. Baselines, targets and judgement lines are the backbone's working
    figures and are read only for them."""
    indicators = framework.indicators.order_by("order", "code")
    if backbone:
        indicators = indicators.prefetch_related(
            "baselines",
            "definition_versions",
            Prefetch(
                "targets",
                queryset=Target.objects.select_related("decision__meeting", "geography"),
            ),
            Prefetch(
                "forecasts",
                queryset=Forecast.objects.filter(method=Forecast.Method.JUDGEMENT),
                to_attr="judgements",
            ),
        )
    by_result: dict[int, list[Indicator]] = {}
    by_strategy: dict[int, list[Indicator]] = {}
    loose: list[Indicator] = []
    count = 0
    for indicator in indicators:
        count += 1
        indicator.display_name = indicator_name(indicator)  # type: ignore[attr-defined]
        indicator.period_label = PERIOD_LABELS.get(  # type: ignore[attr-defined]
            indicator.period_type, indicator.period_type
        )
        if indicator.result_id:
            by_result.setdefault(indicator.result_id, []).append(indicator)
        elif indicator.strategy_id:
            by_strategy.setdefault(indicator.strategy_id, []).append(indicator)
        else:
            loose.append(indicator)
    results = [
        (result, by_result.get(result.pk, []))
        for result in framework.results.select_related("geography")
    ]
    strategies = []
    for strategy in framework.strategies.select_related("owner_organisation", "owner_group"):
        measures = by_strategy.get(strategy.pk, [])
        groups: list[tuple[Any, list[Indicator]]] = [
            (label, [m for m in measures if m.category == value])
            for value, label in MeasureCategory.choices
        ]
        other = [m for m in measures if m.category not in MeasureCategory.values]
        if other:
            groups.append((_("Not yet tagged"), other))
        strategies.append((strategy, groups))
    claims = framework.claims.select_related("result", "strategy", "measure").prefetch_related(
        "evidence"
    )
    sessions = (
        CurveSession.objects.filter(indicator__framework=framework)
        .select_related("indicator", "meeting")
        .prefetch_related("partners__organisation", "actions__owner")
    )
    return {
        "results": results,
        "strategies": strategies,
        "loose_indicators": loose,
        "indicator_count": count,
        "claims": claims,
        "rules": framework.rules.all(),
        "agreements": SharingAgreement.objects.filter(framework=framework).select_related(
            "partner", "indicator"
        ),
        "neighbourhoods": Geography.objects.filter(initiative=framework.initiative_id)
        .select_related("parent")
        .order_by("parent__name", "name"),
        "sessions": sessions,
        "versions": Framework.objects.filter(
            initiative=framework.initiative_id, name=framework.name
        ).order_by("-version"),
    }


@login_required
def framework_detail(request, pk: int) -> HttpResponse:
    framework, role = framework_get_for_user(user=request.user, pk=pk)
    backbone = is_backbone(role)
    return render(
        request,
        "measurement/framework_detail.html",
        {
            "initiative": framework.initiative,
            "framework": framework,
            "role": role,
            "can_manage": backbone,
            "today": timezone.localdate(),
            **framework_outline(framework, backbone=backbone),
        },
    )


# ---------------------------------------------------------------- results and strategies


@login_required
def result_create(request, pk: int) -> HttpResponse:
    framework = framework_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = ResultForm(request.POST or None, initiative=framework.initiative)
    return _form_page(
        request,
        form=form,
        action=lambda data: services.result_create(framework=framework, by=request.user, **data),
        template="measurement/result_form.html",
        context={
            "initiative": framework.initiative,
            "framework": framework,
            "heading": _("Add a result"),
        },
        done=_("The result was added."),
        next_url=lambda result: _framework_url(framework.pk, f"result-{result.pk}"),
    )


@login_required
def result_edit(request, pk: int) -> HttpResponse:
    result = result_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    framework = result.framework
    form = ResultForm(
        request.POST or None,
        initiative=framework.initiative,
        initial={
            "title": result.title,
            "population": result.population,
            "geography": result.geography,
            "story": result.story,
            "order": result.order,
        },
    )
    return _form_page(
        request,
        form=form,
        action=lambda data: services.result_update(
            result=copy.copy(result), by=request.user, data=data
        ),
        template="measurement/result_form.html",
        context={
            "initiative": framework.initiative,
            "framework": framework,
            "heading": _("Edit the result"),
        },
        done=_("The result was saved."),
        next_url=lambda saved: _framework_url(framework.pk, f"result-{saved.pk}"),
    )


@login_required
def strategy_create(request, pk: int) -> HttpResponse:
    framework = framework_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = StrategyForm(request.POST or None, initiative=framework.initiative)
    return _form_page(
        request,
        form=form,
        action=lambda data: services.strategy_create(framework=framework, by=request.user, **data),
        template="measurement/strategy_form.html",
        context={
            "initiative": framework.initiative,
            "framework": framework,
            "heading": _("Add a strategy"),
        },
        done=_("The strategy was added."),
        next_url=lambda strategy: _framework_url(framework.pk, f"strategy-{strategy.pk}"),
    )


# ---------------------------------------------------------------- indicators


def _indicator_page(request, *, framework: Framework, indicator: Indicator | None) -> HttpResponse:
    initial = IndicatorForm.initial_for(indicator) if indicator else {}
    if indicator is None:
        for name in ("result", "strategy"):
            if request.GET.get(name, "").isdigit():
                initial[name] = request.GET[name]
        if request.GET.get("category") in MeasureCategory.values:
            initial["category"] = request.GET["category"]
    form = IndicatorForm(
        request.POST or None, framework=framework, editing=indicator, initial=initial
    )
    dimensions = DimensionFormSet(
        request.POST or None, prefix="dimension", initial=dimension_initial(indicator)
    )
    if request.method == "POST" and form.is_valid() and dimensions.is_valid():
        fields = {**form.service_fields(), "dimensions": dimensions.schema()}
        try:
            if indicator is None:
                saved = services.indicator_create(framework=framework, by=request.user, **fields)
            else:
                del fields["code"]
                saved = services.indicator_update(
                    indicator=copy.copy(indicator), by=request.user, data=fields
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The indicator was added.")
                if indicator is None
                else _("The indicator was saved."),
            )
            return redirect(_framework_url(framework.pk, f"indicator-{saved.pk}"))
    return render(
        request,
        "measurement/indicator_form.html",
        {
            "initiative": framework.initiative,
            "framework": framework,
            "indicator": indicator,
            "heading": _("Add an indicator") if indicator is None else _("Edit the indicator"),
            "form": form,
            "dimensions": dimensions,
            "has_values": indicator is not None and indicator.observations.exists(),
        },
    )


@login_required
def indicator_create(request, pk: int) -> HttpResponse:
    framework = framework_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    return _indicator_page(request, framework=framework, indicator=None)


@login_required
def indicator_edit(request, pk: int) -> HttpResponse:
    indicator = indicator_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    return _indicator_page(request, framework=indicator.framework, indicator=indicator)


def _indicator_form_page(
    request,
    pk: int,
    *,
    form_class,
    action: Callable[[Indicator, dict], Any],
    template: str,
    heading: str,
    done: str,
) -> HttpResponse:
    """A page that adds one thing to an indicator (a definition version, a baseline, a
    target, a judgement line), listing what is there already."""
    indicator = indicator_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    framework = indicator.framework
    indicator.display_name = indicator_name(indicator)  # type: ignore[attr-defined]
    initial = {"geography": framework.area} if framework.area_id else {}
    form = form_class(request.POST or None, indicator=indicator, initial=initial)
    return _form_page(
        request,
        form=form,
        action=lambda data: action(indicator, data),
        template=template,
        context={
            "initiative": framework.initiative,
            "framework": framework,
            "indicator": indicator,
            "heading": heading,
        },
        done=done,
        next_url=lambda _saved: _framework_url(framework.pk, f"indicator-{indicator.pk}"),
    )


@login_required
def definition_version_add(request, pk: int) -> HttpResponse:
    return _indicator_form_page(
        request,
        pk,
        form_class=DefinitionVersionForm,
        action=lambda indicator, data: services.definition_version_add(
            indicator=indicator, by=request.user, **data
        ),
        template="measurement/definition_version_form.html",
        heading=_("A new definition version"),
        done=_("The new definition was recorded; the series breaks there."),
    )


@login_required
def baseline_add(request, pk: int) -> HttpResponse:
    return _indicator_form_page(
        request,
        pk,
        form_class=BaselineForm,
        action=lambda indicator, data: services.baseline_set(
            indicator=indicator, by=request.user, **data
        ),
        template="measurement/baseline_form.html",
        heading=_("Add a baseline"),
        done=_("The baseline was recorded."),
    )


@login_required
def target_add(request, pk: int) -> HttpResponse:
    return _indicator_form_page(
        request,
        pk,
        form_class=TargetForm,
        action=lambda indicator, data: services.target_set(
            indicator=indicator, by=request.user, **data
        ),
        template="measurement/target_form.html",
        heading=_("Set a target"),
        done=_("The target was recorded."),
    )


@login_required
def forecast_add(request, pk: int) -> HttpResponse:
    return _indicator_form_page(
        request,
        pk,
        form_class=ForecastForm,
        action=lambda indicator, data: services.forecast_judgement_add(
            indicator=indicator, by=request.user, **data
        ),
        template="measurement/forecast_form.html",
        heading=_("Add a judgement line"),
        done=_("The judgement line was recorded."),
    )


# ---------------------------------------------------------------- claims, rules, agreements


@login_required
def claim_create(request, pk: int) -> HttpResponse:
    framework = framework_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    initial = {
        name: request.GET[name]
        for name in ("result", "strategy")
        if request.GET.get(name, "").isdigit()
    }
    form = ClaimForm(request.POST or None, framework=framework, initial=initial)
    return _form_page(
        request,
        form=form,
        action=lambda data: services.claim_create(framework=framework, by=request.user, **data),
        template="measurement/claim_form.html",
        context={
            "initiative": framework.initiative,
            "framework": framework,
            "heading": _("Add a contribution claim"),
        },
        done=_("The contribution claim was added."),
        next_url=lambda claim: reverse("measurement:evidence_add", args=[claim.pk]),
    )


@login_required
def evidence_add(request, pk: int) -> HttpResponse:
    claim = claim_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    framework = claim.framework
    form = EvidenceForm(request.POST or None)
    return _form_page(
        request,
        form=form,
        action=lambda data: services.evidence_add(claim=claim, by=request.user, **data),
        template="measurement/evidence_form.html",
        context={
            "initiative": framework.initiative,
            "framework": framework,
            "claim": claim,
            "heading": _("Evidence for a contribution claim"),
            "evidence": claim.evidence.all(),
        },
        done=_("The evidence was added."),
        next_url=lambda _item: reverse("measurement:evidence_add", args=[claim.pk]),
    )


@login_required
def rule_create(request, pk: int) -> HttpResponse:
    framework = framework_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = RuleForm(request.POST or None)
    return _form_page(
        request,
        form=form,
        action=lambda data: services.rule_create(framework=framework, by=request.user, **data),
        template="measurement/rule_form.html",
        context={
            "initiative": framework.initiative,
            "framework": framework,
            "heading": _("Add a validation rule"),
            "codes": framework.indicators.order_by("code").values_list("code", flat=True),
        },
        done=_("The validation rule was added."),
        next_url=lambda _rule: _framework_url(framework.pk, "rules"),
    )


@login_required
def agreement_set(request, pk: int) -> HttpResponse:
    framework = framework_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    initial: dict[str, Any] = {}
    agreement_id = request.GET.get("agreement", "")
    if agreement_id.isdigit() and len(agreement_id) < 18:
        agreement = SharingAgreement.objects.filter(framework=framework, pk=agreement_id).first()
        if agreement is not None:
            initial = {
                "partner": agreement.partner_id,
                "indicator": agreement.indicator_id,
                "purpose": agreement.purpose,
                "visibility": agreement.visibility,
                "consent": agreement.consent,
                "expires_on": agreement.expires_on,
            }
    elif request.GET.get("indicator", "").isdigit():
        initial["indicator"] = request.GET["indicator"]
    form = AgreementForm(request.POST or None, framework=framework, initial=initial)
    return _form_page(
        request,
        form=form,
        action=lambda data: services.agreement_set(framework=framework, by=request.user, **data),
        template="measurement/agreement_form.html",
        context={
            "initiative": framework.initiative,
            "framework": framework,
            "heading": _("Data-sharing agreement"),
        },
        done=_("The data-sharing agreement was saved."),
        next_url=lambda _agreement: _framework_url(framework.pk, "agreements"),
    )


@login_required
def neighbourhood_add(request, pk: int) -> HttpResponse:
    framework = framework_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    form = NeighbourhoodForm(
        request.POST or None,
        initiative=framework.initiative,
        area=framework.area,
        initial={"parent": framework.area} if framework.area_id else {},
    )
    return _form_page(
        request,
        form=form,
        action=lambda data: services.geography_add(
            initiative=framework.initiative, by=request.user, **data
        ),
        template="measurement/neighbourhood_form.html",
        context={
            "initiative": framework.initiative,
            "framework": framework,
            "heading": _("Add a neighbourhood or statistical area"),
        },
        done=_("The neighbourhood was added."),
        next_url=lambda _unit: _framework_url(framework.pk, "neighbourhoods"),
    )


@login_required
def geography_options(request) -> HttpResponse:
    """Suggestions for a place box (an htmx fragment of <option>s): shared units whose code
    starts with, or whose name contains, what was typed."""
    text = next((value.strip() for value in request.GET.values() if value.strip()), "")[:60]
    units = Geography.objects.none()
    if text:
        units = Geography.objects.filter(initiative__isnull=True).filter(
            Q(code__istartswith=text)
            | Q(name__icontains=text)
            | Q(name_en__icontains=text)
            | Q(name_ar__icontains=text)
        )[:GEOGRAPHY_SUGGESTIONS]
    return render(request, "measurement/_geography_options.html", {"units": units})


# ---------------------------------------------------------------- turn the curve

ROWS = {
    "dimension": (DimensionFormSet, "measurement/_dimension_row.html"),
    "partner": (CurvePartnerFormSet, "measurement/_partner_row.html"),
    "action": (ActionItemFormSet, "measurement/_action_row.html"),
}


@login_required
def form_row(request, pk: int, prefix: str) -> HttpResponse:
    """One more empty row of a formset (htmx): the dimensions of an indicator, the partners or
    action items of a turn-the-curve session; nothing once the formset is full."""
    framework = framework_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    if prefix not in ROWS:
        raise Http404
    formset_class, row_template = ROWS[prefix]
    total = request.GET.get(f"{prefix}-TOTAL_FORMS", "")
    if not total.isdigit() or int(total) >= formset_class.max_num:
        return HttpResponse(status=204)
    index = int(total)
    kwargs: dict[str, Any] = {}
    if prefix == "action":
        meeting_id = request.GET.get("meeting", "")
        meeting = (
            framework.initiative.meetings.filter(pk=meeting_id).first()
            if meeting_id.isdigit() and len(meeting_id) < 18
            else None
        )
        kwargs["people"] = meeting_people(meeting) if meeting else None
    formset = formset_class(prefix=prefix, form_kwargs=kwargs)
    row = formset.form(
        prefix=formset.add_prefix(index),
        empty_permitted=True,
        use_required_attribute=False,
        **kwargs,
    )
    return render(
        request,
        "measurement/_added_row.html",
        {"row": row, "row_template": row_template, "prefix": prefix, "number": index + 1},
    )


@login_required
def curve_session_create(request, pk: int) -> HttpResponse:
    """A turn-the-curve session in two steps: choose the meeting (its people own the action
    items), then write the session down."""
    framework = framework_get_for_user(user=request.user, pk=pk, action=Action.MANAGE).obj
    initiative = framework.initiative
    context: dict[str, Any] = {
        "initiative": initiative,
        "framework": framework,
        "heading": _("Record a turn-the-curve session"),
    }
    meeting_id = (request.POST if request.method == "POST" else request.GET).get("meeting", "")
    meeting = None
    if meeting_id.isdigit() and len(meeting_id) < 18:
        meeting = initiative.meetings.filter(pk=meeting_id).first()
    if meeting is None:
        pick = MeetingPickForm(
            request.GET if "meeting" in request.GET else None, initiative=initiative
        )
        pick.is_valid()
        return render(
            request,
            "measurement/curve_session_form.html",
            {**context, "pick": pick, "indicator_id": request.GET.get("indicator", "")},
        )
    people = meeting_people(meeting)
    initial: dict[str, Any] = {"meeting": meeting.pk}
    if request.GET.get("indicator", "").isdigit():
        initial["indicator"] = request.GET["indicator"]
    data = request.POST or None
    form = CurveSessionForm(data, framework=framework, initial=initial)
    partners = CurvePartnerFormSet(data, prefix="partner")
    actions = ActionItemFormSet(data, prefix="action", form_kwargs={"people": people})
    if request.method == "POST" and all([form.is_valid(), partners.is_valid(), actions.is_valid()]):
        try:
            session = services.curve_session_create(
                by=request.user,
                **form.cleaned_data,
                partners=[
                    (row["organisation"], row["role"].strip())
                    for row in partners.cleaned_data
                    if row.get("organisation")
                ],
                actions=[
                    {
                        "text": row["text"].strip(),
                        "owner": row["owner"],
                        "due_date": row["due_date"],
                    }
                    for row in actions.cleaned_data
                    if (row.get("text") or "").strip()
                ],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The turn-the-curve session was recorded."))
            return redirect(_framework_url(framework.pk, f"session-{session.pk}"))
    return render(
        request,
        "measurement/curve_session_form.html",
        {**context, "meeting": meeting, "form": form, "partners": partners, "actions": actions},
    )
