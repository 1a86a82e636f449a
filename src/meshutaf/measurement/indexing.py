"""What shared measurement puts into the search index: indicators (code, names in Hebrew,
Arabic and English, definitions, unit, source) and results (the condition in plain words, its
population, the story behind the curve).

No value is indexed: values are seen through the selectors only (the agreements' visibility
and small-number suppression, which differ by viewer), and a search entry is one text for
every member of the initiative. A draft framework's entries are found by the facilitators
only, as the framework is theirs until it is in use.

Registered with the search app in `apps.py`. Building a framework builds all its indicators
and results, so a service that changes a framework's status (or copies it to a new version)
calls `index_framework`; one that creates or edits an indicator or a result calls
`index_indicator` / `index_result`; `reindex_all` rebuilds everything.
"""

from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meshutaf.search import indexing, registry
from meshutaf.search.models import SearchEntry

from .models import Framework, FrameworkStatus, Indicator, Result

INDICATOR, RESULT = "indicator", "result"


def register() -> None:
    registry.kind_register(INDICATOR, _("Indicator"))
    registry.kind_register(RESULT, pgettext_lazy("population result", "Result"))
    registry.builder_register("measurement.Framework", framework_entries)
    registry.builder_register("measurement.Indicator", indicator_entries)
    registry.builder_register("measurement.Result", result_entries)
    registry.rebuilder_register(all_entries)


def _hidden(framework: Framework) -> bool:
    return framework.status == FrameworkStatus.DRAFT


def _indicator_entry(indicator: Indicator, framework: Framework) -> SearchEntry:
    body = "\n\n".join(
        part
        for part in (
            indicator.name_ar,
            indicator.name_en,
            indicator.numerator_definition,
            indicator.denominator_definition,
            indicator.unit,
            indicator.data_source,
            indicator.result.title if indicator.result is not None else "",
            indicator.strategy.name if indicator.strategy is not None else "",
            framework.name,
        )
        if part
    )
    return indexing.entry(
        initiative_id=framework.initiative_id,
        kind=INDICATOR,
        object_id=indicator.pk,
        title=f"{indicator.code} {indicator.name}",
        body=body,
        url=reverse("measurement:indicator", kwargs={"indicator_id": indicator.pk}),
        date=indicator.updated_at,
        facilitators_only=_hidden(framework),
    )


def _result_entry(result: Result, framework: Framework) -> SearchEntry:
    return indexing.entry(
        initiative_id=framework.initiative_id,
        kind=RESULT,
        object_id=result.pk,
        title=result.title,
        body="\n\n".join(
            part for part in (result.population, result.story, framework.name) if part
        ),
        url=reverse("measurement:framework", kwargs={"pk": framework.pk}) + f"#result-{result.pk}",
        date=result.updated_at,
        facilitators_only=_hidden(framework),
    )


def framework_entries(framework: Framework) -> tuple[registry.Covered, list[SearchEntry]]:
    """A framework's indicators and results (a framework itself has no entry)."""
    indicators = list(framework.indicators.select_related("result", "strategy"))
    results = list(framework.results.all())
    entries = [_indicator_entry(indicator, framework) for indicator in indicators]
    entries += [_result_entry(result, framework) for result in results]
    covered: registry.Covered = {
        INDICATOR: [indicator.pk for indicator in indicators],
        RESULT: [result.pk for result in results],
    }
    return covered, entries


def indicator_entries(indicator: Indicator) -> tuple[registry.Covered, list[SearchEntry]]:
    return {INDICATOR: [indicator.pk]}, [_indicator_entry(indicator, indicator.framework)]


def result_entries(result: Result) -> tuple[registry.Covered, list[SearchEntry]]:
    return {RESULT: [result.pk]}, [_result_entry(result, result.framework)]


def index_framework(framework: Framework) -> None:
    indexing.index_object(framework)


def index_indicator(indicator: Indicator) -> None:
    indexing.index_object(indicator)


def index_result(result: Result) -> None:
    indexing.index_object(result)


def unindex_indicator(indicator: Indicator) -> None:
    indexing.unindex(INDICATOR, [indicator.pk])


def unindex_result(result: Result) -> None:
    indexing.unindex(RESULT, [result.pk])


def unindex_framework(framework: Framework) -> None:
    indexing.unindex_object(framework)


def all_entries() -> Iterator[SearchEntry]:
    for framework in Framework.objects.iterator(chunk_size=200):
        yield from framework_entries(framework)[1]
