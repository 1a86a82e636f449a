"""The summary report page of an initiative and its downloads (HTML for print, DOCX, PDF).
Every member of the initiative may see it; the range comes from ?from=&to=."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from meshutaf.initiatives.permissions import initiative_get_for_user
from meshutaf.measurement.permissions import Viewer

from . import render as report_render
from . import selectors
from .forms import ReportRangeForm


def _range_form(request, initiative) -> ReportRangeForm:
    """The form bound to the query string, a missing date taken from the default range."""
    data = {name: request.GET.get(name, "").strip() for name in ("from", "to")}
    if not data["from"] or not data["to"]:
        default_from, default_to = selectors.report_default_range(initiative=initiative)
        data["from"] = data["from"] or default_from.isoformat()
        data["to"] = data["to"] or default_to.isoformat()
    return ReportRangeForm(data)


def _page(request, initiative, form, *, summary=None, render_error=None, status=200):
    context = {"initiative": initiative, "form": form, "render_error": render_error}
    if summary is not None:
        context.update(report_render.summary_context(summary))
        context["query"] = urlencode(
            {"from": summary.date_from.isoformat(), "to": summary.date_to.isoformat()}
        )
    return render(request, "reports/summary.html", context, status=status)


def _summary_for(form, initiative, *, user, role):
    return selectors.initiative_summary(
        initiative=initiative,
        date_from=form.cleaned_data["from"],
        date_to=form.cleaned_data["to"],
        viewer=Viewer.of(user=user, role=role),
    )


@login_required
def summary(request, pk: int):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk)
    form = _range_form(request, initiative)
    if not form.is_valid():
        return _page(request, initiative, form)
    summary = _summary_for(form, initiative, user=request.user, role=role)
    return _page(request, initiative, form, summary=summary)


@login_required
def download(request, pk: int, file_format: str):
    initiative, role = initiative_get_for_user(user=request.user, pk=pk)
    if file_format not in report_render.FORMATS:
        raise Http404
    form = _range_form(request, initiative)
    if not form.is_valid():
        return _page(request, initiative, form, status=400)
    summary = _summary_for(form, initiative, user=request.user, role=role)
    try:
        content = report_render.render(
            summary, file_format=file_format, language=(get_language() or "he")[:2]
        )
    except report_render.ReportUnavailableError as error:
        return _page(
            request, initiative, form, summary=summary, render_error=str(error), status=503
        )
    response = HttpResponse(content, content_type=report_render.CONTENT_TYPES[file_format])
    filename = report_render.report_filename(summary, file_format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
