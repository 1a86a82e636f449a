"""The index's pages: the dashboard (a trend chart with its table), the same numbers as CSV,
and the methodology (codebook, samples, agreement and the model's report)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from meshutaf.core.charts import chart_pair
from meshutaf.core.exports import csv_writer

from .. import charts, codebook
from ..forms import DashboardForm
from ..learner.config import MIN_PER_CLASS
from ..models import Period
from ..permissions import corpus_get_for_user
from ..results import UNKNOWN, DiscourseIndex
from ..selectors import coding, corpora, reliability
from ..selectors.index import corpus_index, index_targets
from .common import agreement_rows, by_family, finite, page_context, report_rows


def _grouping(request, targets: list[tuple[str, str]]):
    """The dashboard's choices from the query string; anything unknown falls back to the
    default, so a stale link still shows a page."""
    form = DashboardForm(request.GET or None, targets=targets)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    keys = [key for key, _label in targets]
    target = data.get("target") or (codebook.COMPOSITE if codebook.COMPOSITE in keys else "")
    if target not in keys:
        target = keys[0] if keys else ""
    period = data.get("period") or Period.MONTH
    split = data.get("split") or "community"
    form = DashboardForm(
        initial={"target": target, "period": period, "split": split}, targets=targets
    )
    return form, target, period, split


def _steps(corpus) -> list[dict]:
    """What has been done on the way to an index, for a corpus not yet scored."""
    done = corpora.index_progress(corpus=corpus)
    return [
        {"label": _("Import the texts"), "done": done["imported"],
         "url": reverse("discourse:import", args=[corpus.pk])},
        {"label": _("Draw a random or stratified sample"), "done": done["sampled"],
         "url": reverse("discourse:sample_create", args=[corpus.pk])},
        {"label": _("Code the sample's items"), "done": done["coded"],
         "url": reverse("discourse:annotate", args=[corpus.pk])},
        {"label": _("Train a model"), "done": done["trained"],
         "url": reverse("discourse:models", args=[corpus.pk])},
        {"label": _("Score the corpus with it"), "done": False,
         "url": reverse("discourse:models", args=[corpus.pk])},
    ]  # fmt: skip


def _table_rows(index: DiscourseIndex, target: str, percent: bool) -> list[dict]:
    rows = []
    for cell in index.cells:
        result = cell.results.get(target)
        if result is None:
            continue
        flags = []
        if cell.small:
            flags.append(_("small cell"))
        if not result.corrected:
            flags.append(_("no audit sample: uncorrected"))
        rows.append(
            {
                "parts": [cell.label(part) for part in cell.key],
                "n": cell.n_items,
                "n_audit": result.n_audit,
                "estimate": charts.format_value(result.estimate, percent=percent),
                "interval": charts.format_interval(result.ci_low, result.ci_high, percent=percent),
                "mean": charts.format_value(result.mean_score, percent=percent),
                "rank": charts.format_rank(result.best_rank, result.worst_rank),
                "flags": flags,
            }
        )
    return rows


def _trend(index: DiscourseIndex, target: str, period: str, split: str):
    """The chart's x labels and series, and the legend: one series per group, the largest
    groups first (the chart shows MAX_SERIES of them; the table lists all)."""
    periods = sorted({cell.key[period] for cell in index.cells if cell.key.get(period) != UNKNOWN})
    position = {value: i for i, value in enumerate(periods)}
    groups: dict[str, dict] = {}
    for cell in index.cells:
        value = cell.key.get(period)
        if value not in position:
            continue
        group = cell.key.get(split, "") if split != "none" else ""
        entry = groups.setdefault(
            group,
            {
                "n": 0,
                "points": [None] * len(periods),
                "label": cell.label(split) if split != "none" else "",
            },
        )
        entry["n"] += cell.n_items
        result = cell.results.get(target)
        if result is None:
            continue
        entry["points"][position[value]] = charts.Point(
            estimate=result.estimate,
            low=result.ci_low,
            high=result.ci_high,
            hollow=cell.small or not result.corrected,
        )
    ordered = sorted(groups.items(), key=lambda kv: (-kv[1]["n"], kv[0]))
    series = []
    legend = []
    for index_, (_group, entry) in enumerate(ordered[: charts.MAX_SERIES]):
        label = entry["label"] if split != "none" else index.target_labels.get(target, "")
        series.append(charts.Series(label=label, points=entry["points"]))
        legend.append({"label": label, "swatch": charts.swatch_svg(index_)})
    return periods, series, legend, len(ordered)


@login_required
def dashboard(request, pk: int):
    corpus, role = corpus_get_for_user(user=request.user, pk=pk)
    model = corpora.current_model(corpus=corpus)
    context = page_context(corpus, role, model=model)
    if model is None:
        context["steps"] = _steps(corpus)
        return render(request, "discourse/dashboard.html", context)
    targets = index_targets(corpus=corpus, model=model)
    form, target, period, split = _grouping(request, targets)
    by = [period] if split == "none" else [period, split]
    index = corpus_index(corpus=corpus, by=by, model=model)
    percent = target != codebook.COMPOSITE
    periods, series, legend, n_groups = _trend(index, target, period, split)
    target_label = dict(targets).get(target, target)
    split_label = dict(DashboardForm.base_fields["split"].choices).get(split, split)
    period_label = Period(period).label
    description = _(
        "%(target)s by %(period)s, one line per %(split)s, with the 95%% interval as a band. "
        "Hollow markers are small cells or cells without audited items. The table below has "
        "the same numbers."
    ) % {"target": target_label, "period": str(period_label).lower(),
         "split": str(split_label).lower()}  # fmt: skip
    title = _("%(target)s over time") % {"target": target_label}
    reference = 50.0 if not percent else None
    svg, multiples = "", []
    if len(series) >= charts.MULTIPLES_FROM:
        # Many groups on one plot is a tangle: one small chart per group, on one scale.
        for index_, one in enumerate(series):
            multiples.append(
                {
                    "label": one.label,
                    "swatch": legend[index_]["swatch"],
                    "svg": charts.trend_svg(
                        x_labels=periods,
                        series=[one],
                        percent=percent,
                        title=f"{title}: {one.label}",
                        description=description,
                        title_id=f"trend-title-{index_}",
                        reference=reference,
                        layout=charts.SMALL,
                        first_style=index_,
                    ),
                }
            )
    else:
        svg = chart_pair(
            *(
                charts.trend_svg(
                    x_labels=periods,
                    series=series,
                    percent=percent,
                    title=title,
                    description=description,
                    title_id=f"trend-title{suffix}",
                    reference=reference,
                    layout=layout,
                )
                for layout, suffix in ((charts.WIDE, ""), (charts.NARROW, "-narrow"))
            )
        )
    context.update(
        form=form,
        index=index,
        target=target,
        target_label=target_label,
        percent=percent,
        svg=svg,
        multiples=multiples,
        legend=legend,
        more_groups=max(0, n_groups - charts.MAX_SERIES),
        hollow_swatch=charts.hollow_swatch_svg(),
        band_swatch=charts.band_swatch_svg(),
        columns=[period_label] + ([split_label] if split != "none" else []),
        rows=_table_rows(index, target, percent),
        csv_query=f"period={period}&split={split}",
    )
    return render(request, "discourse/dashboard.html", context)


def _csv_number(value, digits: int = 4) -> str:
    return "" if not finite(value) else f"{round(float(value), digits)}"


@login_required
def index_csv(request, pk: int):
    corpus = corpus_get_for_user(user=request.user, pk=pk).obj
    period = request.GET.get("period") if request.GET.get("period") in Period.values else "month"
    split = request.GET.get("split", "community")
    if split not in ("community", "platform", "language", "none"):
        split = "community"
    by = [period] if split == "none" else [period, split]
    index = corpus_index(corpus=corpus, by=by)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="discourse-{corpus.pk}-{"-".join(by)}.csv"'
    )
    response.write("\ufeff")  # so Excel opens Hebrew and Arabic correctly
    writer = csv_writer(response)
    header = [*by, "n"]
    for target in index.targets:
        header += [
            f"{target}_estimate",
            f"{target}_ci_low",
            f"{target}_ci_high",
            f"{target}_n_audit",
            f"{target}_mean_probability",
        ]
    writer.writerow(header)
    for cell in index.cells:
        row = [cell.label(part) for part in by] + [cell.n_items]
        for target in index.targets:
            result = cell.results.get(target)
            if result is None:
                row += ["", "", "", "", ""]
                continue
            row += [
                _csv_number(result.estimate),
                _csv_number(result.ci_low),
                _csv_number(result.ci_high),
                result.n_audit,
                _csv_number(result.mean_score),
            ]
        writer.writerow(row)
    return response


@login_required
def methodology(request, pk: int):
    corpus, role = corpus_get_for_user(user=request.user, pk=pk)
    model = corpora.current_model(corpus=corpus) or corpora.latest_ready_model(corpus=corpus)
    labels = corpora.dimension_labels(corpus=corpus)
    trained, by_language, skipped = (
        report_rows(model.report or {}, labels) if model else ([], [], [])
    )
    dimensions = [
        {"dimension": d, "text": corpora.dimension_text(d)}
        for d in corpora.dimensions(corpus=corpus)
    ]
    return render(
        request,
        "discourse/methodology.html",
        page_context(
            corpus,
            role,
            families=by_family(dimensions),
            samples=list(coding.samples_with_progress(corpus=corpus)),
            overview=corpora.corpus_overview(corpus=corpus),
            n_annotators=reliability.annotator_count(corpus=corpus),
            n_adjudicated=reliability.adjudicated_count(corpus=corpus),
            rows=agreement_rows(corpus),
            model=model,
            report=(model.report or {}) if model else {},
            trained=trained,
            by_language=by_language,
            skipped=skipped,
            min_per_class=MIN_PER_CLASS,
        ),
    )
